package dev.vela.pipeline;


import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Flow.Subscriber} that is the source of a pipeline: subscribe it to any publisher, then run
 * {@link #pipeline()}.
 *
 * <pre>{@code
 * ChannelSubscriber<String> in = ChannelSubscriber.create(64);
 * publisher.subscribe(in);
 * long n = in.pipeline().map(String::length).fold(0L, Long::sum).await(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>It requests {@code bufferSize} elements at first and then, as the pipeline takes them, requests
 * more in batches of half the buffer, so it never holds more than {@code bufferSize} elements: the
 * pipeline's backpressure reaches the publisher. {@code onError} fails the pipeline with the
 * publisher's exception; {@code onComplete} ends it normally. When the pipeline ends first (a
 * {@code take}, a failure, a cancel) the subscription is cancelled.
 *
 * <h2>Implementation overview</h2>
 * The signals go into a bounded channel of {@code bufferSize} ({@code trySend}, which cannot find it
 * full unless the publisher sends more than was requested, §1.1; that is treated as the
 * publisher's failure). The pipeline's source stage receives from it and does the re-requesting, so
 * demand is only signalled for room that really exists.
 *
 * @param <T> the element type
 */
public final class ChannelSubscriber<T> implements Flow.Subscriber<T> {
    /** Final; capacity of {@link #buffer} and the initial request. */
    private final int bufferSize;
    /** Final; the elements received and not yet taken by the pipeline. */
    private final Channel<Object> buffer;
    /** The active subscription, set once by {@link #onSubscribe} (CAS). */
    private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
    /** Set once when {@link #pipeline()} is run: the source can be drained by one run only. */
    private final AtomicBoolean used = new AtomicBoolean();

    private ChannelSubscriber(int bufferSize) {
        this.bufferSize = bufferSize;
        this.buffer = Channel.bounded(bufferSize);
    }

    /**
     * A new subscriber with a buffer of {@code bufferSize} elements.
     *
     * @param bufferSize how many elements it requests ahead, at least 1
     * @param <T>        the element type
     * @return the subscriber, not yet subscribed
     * @throws IllegalArgumentException if {@code bufferSize < 1}
     */
    public static <T> ChannelSubscriber<T> create(int bufferSize) {
        if (bufferSize < 1) throw new IllegalArgumentException("bufferSize must be at least 1: " + bufferSize);
        return new ChannelSubscriber<>(bufferSize);
    }

    /**
     * The pipeline whose source is what this subscriber receives. It can be run once.
     *
     * @return a source pipeline
     */
    public Pipeline<T> pipeline() {
        return Pipeline.source("subscriber", this::drain);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        Objects.requireNonNull(s, "subscription must not be null (Reactive Streams §2.13)");
        if (!subscription.compareAndSet(null, s) || buffer.isClosed()) {
            s.cancel();   // §2.5: already subscribed; or the pipeline already ended
            return;
        }
        s.request(bufferSize);
    }

    @Override
    public void onNext(T item) {
        Objects.requireNonNull(item, "onNext element must not be null (Reactive Streams §2.13)");
        try {
            if (!buffer.sender().trySend(item)) {
                buffer.sender().fail(new IllegalStateException(
                        "the publisher sent more elements than requested (Reactive Streams §1.1)"));
                cancelSubscription();
            }
        } catch (ChannelClosedException pipelineEnded) {
            cancelSubscription();
        }
    }

    @Override
    public void onError(Throwable error) {
        Objects.requireNonNull(error, "onError cause must not be null (Reactive Streams §2.13)");
        buffer.sender().fail(error);
    }

    @Override
    public void onComplete() {
        buffer.sender().close();
    }

    private void cancelSubscription() {
        Flow.Subscription s = subscription.get();
        if (s != null) s.cancel();
    }

    /** The source stage: forwards the buffer and re-requests what it took. */
    Object drain(Receiver<Object>[] ins, Out[] outs) throws InterruptedException {
        if (!used.compareAndSet(false, true)) {
            throw new IllegalStateException("a ChannelSubscriber's pipeline can be run only once");
        }
        Receiver<Object> rx = buffer.receiver();
        int batch = Math.max(1, bufferSize / 2);
        int taken = 0;
        try {
            while (true) {
                Object v;
                try {
                    v = rx.receive();
                } catch (ChannelClosedException e) {
                    if (e.getCause() == null) return null;
                    throw new Stages.SourceFailedException(e.getCause());
                }
                if (!outs[0].emit(v)) return null;
                if (++taken == batch) {
                    taken = 0;
                    subscription.get().request(batch);   // non-null: an element arrived, so onSubscribe ran
                }
            }
        } finally {
            rx.close();               // a later onSubscribe/onNext sees the end and cancels
            cancelSubscription();     // no effect on a completed subscription
        }
    }

    /** Returns {@code ChannelSubscriber[bufferSize]}. */
    @Override
    public String toString() {
        return "ChannelSubscriber[" + bufferSize + "]";
    }
}
