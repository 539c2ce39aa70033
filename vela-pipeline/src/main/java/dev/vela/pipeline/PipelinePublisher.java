package dev.vela.pipeline;

import static dev.vela.pipeline.Edges.receive;

import dev.vela.channel.ChannelClosedException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A pipeline as a cold {@link Flow.Publisher}: each {@code subscribe} runs the pipeline once, with a sink
 * that hands elements to the subscriber as it requests them.
 *
 * <h2>Implementation overview</h2>
 * {@code subscribe} calls {@code onSubscribe} on the caller's thread, then starts the run (unless the
 * subscriber cancelled inside {@code onSubscribe}). Every later signal comes from the sink's one worker
 * thread, so signals are serial (§1.3) and happen after {@code onSubscribe} (thread start). The sink
 * receives an element first, then waits for demand: that way the end of the stream and failures are
 * signalled without demand (§1.4, §1.5), and at most one element is held back. Demand is an
 * {@link AtomicLong} that saturates at {@code Long.MAX_VALUE} (§3.17); {@code request} only adds and
 * unparks, so it never recurses into {@code onNext} (§3.3). {@code cancel} cancels the run, which
 * interrupts the sink; a non-positive request ends the run and the sink signals
 * {@link IllegalArgumentException} (§3.9). After a terminal signal or cancel the subscription drops
 * its subscriber (§3.13).
 */
final class PipelinePublisher<T> implements Flow.Publisher<T> {
    /** Final; the description run once per subscriber. */
    private final Pipeline<T> upstream;

    PipelinePublisher(Pipeline<T> upstream) {
        this.upstream = upstream;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
        Objects.requireNonNull(subscriber, "subscriber must not be null (Reactive Streams §1.9)");
        Sub<T> sub = new Sub<>(subscriber);
        subscriber.onSubscribe(sub);
        if (sub.cancelled) return;
        try {
            Node sink = new Node("publisher", List.of(upstream), 0, (run, name, ins, outs) ->
                    run.spawn(name, () -> sub.drain(ins, outs), ins, outs, true), false);   // must tell the subscriber
            PipelineRun.<Void>start(sink, r -> sub.run = r);
        } catch (RuntimeException e) {
            sub.terminate(e);   // a description that cannot run: tell the subscriber, once
            return;
        }
        PipelineRun<Void> run = sub.run;
        if (sub.cancelled && run != null) run.cancel();   // cancelled between onSubscribe and now
    }

    /** The subscriber's {@code onNext} threw: the run fails with this, the subscriber is not signalled again. */
    static final class SubscriberThrew extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SubscriberThrew(Throwable cause) {
            super("the subscriber's onNext threw (Reactive Streams §2.13): " + cause, cause);
        }
    }

    /** The subscription, and the sink body that serves it. */
    private static final class Sub<T> implements Flow.Subscription {
        /** The subscriber until a terminal signal or cancel; then null (§3.13). Volatile. */
        private volatile Flow.Subscriber<? super T> subscriber;
        /** Elements requested and not yet delivered; saturates at Long.MAX_VALUE. */
        private final AtomicLong demand = new AtomicLong();
        /** Set once by {@link #cancel()} (volatile). */
        volatile boolean cancelled;
        /** The first non-positive request, to be signalled as onError (volatile, set once). */
        private volatile IllegalArgumentException badRequest;
        /** The run serving this subscription, set once it started (volatile). */
        volatile PipelineRun<Void> run;
        /** The sink's thread while it waits for demand (volatile). */
        private volatile Thread sink;

        Sub(Flow.Subscriber<? super T> subscriber) {
            this.subscriber = subscriber;
        }

        @Override
        public void request(long n) {
            if (n <= 0) {
                if (badRequest == null) {
                    badRequest = new IllegalArgumentException("request(" + n + "): demand must be positive (Reactive Streams §3.9)");
                }
                PipelineRun<Void> r = run;
                if (r != null) r.cancel();   // wakes the sink, which signals the error
                return;
            }
            demand.getAndUpdate(d -> d + n < 0 ? Long.MAX_VALUE : d + n);
            Thread t = sink;
            if (t != null) LockSupport.unpark(t);
        }

        @Override
        public void cancel() {
            if (cancelled) return;
            cancelled = true;
            subscriber = null;
            PipelineRun<Void> r = run;
            if (r != null) r.cancel();
        }

        /** Signals onError (or nothing if cancelled) exactly once, then forgets the subscriber. */
        void terminate(Throwable error) {
            Flow.Subscriber<? super T> s = subscriber;
            subscriber = null;
            if (s == null || cancelled) return;
            if (error == null) s.onComplete();
            else s.onError(error);
        }

        /** The sink body: runs on the sink's worker. */
        @SuppressWarnings("unchecked")
        Object drain(dev.vela.channel.Receiver<Object>[] ins, Out[] outs) {
            sink = Thread.currentThread();
            try {
                Object v;
                while ((v = receive(ins[0])) != null) {
                    while (demand.get() == 0) {
                        if (cancelled || badRequest != null) break;
                        LockSupport.park(this);
                        if (Thread.interrupted()) throw new InterruptedException();
                    }
                    if (cancelled || badRequest != null) break;
                    if (demand.get() != Long.MAX_VALUE) demand.decrementAndGet();
                    Flow.Subscriber<? super T> s = subscriber;
                    if (s == null) break;
                    try {
                        s.onNext((T) v);
                    } catch (Throwable t) {
                        subscriber = null;   // §2.13: a throwing subscriber is cancelled; it fails the run
                        throw new SubscriberThrew(t);
                    }
                }
                terminate(badRequest);   // normal end (or a bad request)
            } catch (SubscriberThrew e) {
                throw e;
            } catch (Throwable t) {
                // the run failed or was cancelled: an interrupt or a channel failed with the cause
                PipelineRun<Void> r = run;
                Throwable failure = r == null ? null : r.failure();
                if (failure == null && t instanceof ChannelClosedException c) failure = c.getCause();
                if (badRequest != null) terminate(badRequest);
                else if (failure != null) terminate(failure);
                else if (!cancelled) terminate(t);
            }
            return null;
        }
    }
}
