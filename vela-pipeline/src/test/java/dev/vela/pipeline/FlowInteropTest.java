package dev.vela.pipeline;

import static dev.vela.pipeline.TestSupport.LONG;
import static dev.vela.pipeline.TestSupport.assertNoRunningWorker;
import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Pipelines as publishers, subscribers as sources, with the JDK's SubmissionPublisher as the peer. */
@Timeout(60)
class FlowInteropTest {

    @Test
    void aPipelinePublisherFeedsAPipelineSource() throws Exception {
        Flow.Publisher<Integer> pub = Pipeline.range(0, 1000).map(x -> x * 2).toPublisher();
        PipelineRun<Long> run = Pipeline.fromPublisher(pub).map(x -> (long) x).fold(0L, Long::sum);
        assertEquals(999L * 1000, run.await(LONG));
        assertNoRunningWorker(run);
    }

    @Test
    void submissionPublisherIntoChannelSubscriberWithBackpressure() throws Exception {
        ChannelSubscriber<Integer> sub = ChannelSubscriber.create(4);
        PipelineRun<List<Integer>> run = sub.pipeline().map(x -> {
            TestSupport.sleep(1);
            return x;
        }).toList();
        try (SubmissionPublisher<Integer> pub = new SubmissionPublisher<>(Runnable::run, 8)) {
            pub.subscribe(sub);
            for (int i = 0; i < 200; i++) pub.submit(i);   // blocks while the subscriber lags: backpressure
        }
        assertEquals(IntStream.range(0, 200).boxed().toList(), run.await(LONG));
    }

    @Test
    void aPublishersErrorFailsThePipelineWithIt() throws Exception {
        ChannelSubscriber<Integer> sub = ChannelSubscriber.create(4);
        PipelineRun<Long> run = sub.pipeline().count();
        IllegalStateException err = new IllegalStateException("upstream broke");
        try (SubmissionPublisher<Integer> pub = new SubmissionPublisher<>()) {
            pub.subscribe(sub);
            pub.submit(1);
            pub.closeExceptionally(err);
        }
        var e = assertThrows(PipelineFailedException.class, () -> run.await(LONG));
        assertSame(err, e.getCause());
    }

    @Test
    void takeOnAPublisherSourceCancelsTheSubscription() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        Flow.Publisher<Integer> endless = s -> s.onSubscribe(new Flow.Subscription() {
            int next;
            @Override public void request(long n) {
                for (long i = 0; i < n && !cancelled.get(); i++) s.onNext(next++);
            }
            @Override public void cancel() {
                cancelled.set(true);
            }
        });
        assertEquals(List.of(0, 1, 2), Pipeline.fromPublisher(endless).take(3).toList().await(LONG));
        assertTrue(cancelled.get());
    }

    @Test
    void aFailingPipelineSignalsOnErrorAndCancellingTheSubscriptionStopsTheRun() throws Exception {
        RuntimeException boom = new RuntimeException("boom");
        CountDownLatch errored = new CountDownLatch(1);
        Throwable[] got = new Throwable[1];
        Pipeline.of(1, 2, 3).map(x -> {
            if (x == 2) throw boom;
            return x;
        }).toPublisher().subscribe(new Flow.Subscriber<Integer>() {
            @Override public void onSubscribe(Flow.Subscription s) { s.request(10); }
            @Override public void onNext(Integer item) { }
            @Override public void onError(Throwable t) {
                got[0] = t;
                errored.countDown();
            }
            @Override public void onComplete() { }
        });
        assertTrue(errored.await(LONG.toSeconds(), TimeUnit.SECONDS));
        assertSame(boom, got[0]);

        AtomicBoolean sourceStopped = new AtomicBoolean();
        CountDownLatch three = new CountDownLatch(3);
        Flow.Subscription[] subscription = new Flow.Subscription[1];
        Pipeline.generate(() -> 1).tap(x -> { }).toPublisher().subscribe(new Flow.Subscriber<Integer>() {
            @Override public void onSubscribe(Flow.Subscription s) {
                subscription[0] = s;
                s.request(Long.MAX_VALUE);
            }
            @Override public void onNext(Integer item) { three.countDown(); }
            @Override public void onError(Throwable t) { sourceStopped.set(true); }
            @Override public void onComplete() { sourceStopped.set(true); }
        });
        assertTrue(three.await(LONG.toSeconds(), TimeUnit.SECONDS));
        subscription[0].cancel();
        Thread.sleep(50);
        assertFalse(sourceStopped.get(), "no signal after cancel");
    }
}
