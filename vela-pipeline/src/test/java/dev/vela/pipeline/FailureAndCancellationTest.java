package dev.vela.pipeline;

import static dev.vela.pipeline.TestSupport.LONG;
import static dev.vela.pipeline.TestSupport.assertNoRunningWorker;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.test.VirtualClock;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The first failure fails everything; cancel stops everything; neither leaves a running worker. */
@Timeout(60)
class FailureAndCancellationTest {

    @Test
    void firstFailureIsRethrownWithItsOwnTypeAndEveryStageStops() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom at 500");
        PipelineRun<Long> run = Pipeline.generate(() -> 1)                // endless source
                .map(x -> x + 1)
                .mapPar(3, x -> x)
                .map(new java.util.function.Function<Integer, Integer>() {
                    int n;
                    @Override public Integer apply(Integer x) {
                        if (++n == 500) throw boom;
                        return x;
                    }
                })
                .filter(x -> true)
                .count();
        var e = assertThrows(PipelineFailedException.class, () -> run.await(LONG));
        assertSame(boom, e.getCause());
        assertSame(boom, run.failure());
        assertTrue(e.getMessage().contains("map"), e.getMessage());
        assertEquals(Future.State.FAILED, run.state());
        assertNoRunningWorker(run);
        assertFalse(run.cancel(), "already decided");
    }

    @Test
    void aFailureClosesTheTargetChannelWithTheCause() throws Exception {
        IOException disk = new IOException("disk");
        Channel<Integer> out = Channel.bounded(100);
        PipelineRun<Void> run = Pipeline.of(1, 2, 3).map(x -> {
            if (x == 3) throw new java.io.UncheckedIOException(disk);
            return x;
        }).to(out.sender());
        assertThrows(PipelineFailedException.class, () -> run.await(LONG));
        // 1 and 2 may or may not have reached the target before the failure overtook them; then the cause
        ChannelClosedException closed = null;
        for (int i = 0; i < 3 && closed == null; i++) {
            try {
                assertEquals(i + 1, out.receiver().receive(LONG));
            } catch (ChannelClosedException e) {
                closed = e;
            }
        }
        assertNotNull(closed, "the target was closed");
        assertSame(disk, closed.getCause().getCause());
    }

    @Test
    void aFailedSourceReceiverFailsThePipelineWithTheProducersCause() throws Exception {
        Channel<Integer> in = Channel.bounded(4);
        in.sender().send(1);
        IOException cause = new IOException("producer died");
        in.sender().fail(cause);
        PipelineRun<Long> run = Pipeline.from(in.receiver()).count();
        var e = assertThrows(PipelineFailedException.class, () -> run.await(LONG));
        assertSame(cause, e.getCause());
    }

    @Test
    void cancelStopsABlockedSourceASleepingStageAndTheSink() throws Exception {
        CountDownLatch sleeping = new CountDownLatch(1);
        PipelineRun<Long> run = Pipeline.generate(() -> 1)
                .map(x -> {
                    sleeping.countDown();
                    TestSupport.sleep(60_000);   // interrupted by cancel (rethrown as RuntimeException)
                    return x;
                })
                .count();
        assertTrue(sleeping.await(LONG.toSeconds(), TimeUnit.SECONDS));
        assertThrows(TimeoutException.class, () -> run.await(Duration.ofMillis(50)), "still running");
        assertTrue(run.cancel());
        assertFalse(run.cancel(), "idempotent");
        long t0 = System.nanoTime();
        assertThrows(PipelineCancelledException.class, () -> run.await(LONG));
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos());
        assertEquals(Future.State.CANCELLED, run.state());
        assertNull(run.failure(), "a cancelled run has no failure");
        assertNoRunningWorker(run);
    }

    @Test
    void cancelOfAFanOutFanInPipelineLeavesNoWorker() throws Exception {
        List<Pipeline<Integer>> b = Pipeline.generate(() -> 7).roundRobin(3);
        PipelineRun<Void> run = Pipeline.merge(b.get(0).mapPar(2, x -> x), b.get(1).map(x -> x), b.get(2).batch(5, Duration.ofMillis(5)).map(List::size))
                .forEach(x -> TestSupport.sleep(1));
        Thread.sleep(100);
        assertTrue(run.cancel());
        assertThrows(PipelineCancelledException.class, () -> run.await(LONG));
        assertNoRunningWorker(run);
    }

    @Test
    void awaitWithTimeoutGivesUpAtItsInstantAndLeavesTheRunGoing() throws Exception {
        VirtualClock.run(clock -> {
            Channel<Boolean> release = Channel.bounded(1);
            PipelineRun<Long> run = Pipeline.of(1).map(x -> {
                try {
                    release.receiver().receive();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
                return x;
            }).count();
            assertThrows(TimeoutException.class, () -> run.await(Duration.ofSeconds(20)));
            assertEquals(Duration.ofSeconds(20), clock.elapsed(), "await gave up exactly at its timeout");
            assertFalse(run.isDone());
            assertTrue(run.activeWorkers() > 0);
            release.sender().send(true);
            assertEquals(1L, run.await(LONG));
            assertEquals(Duration.ofSeconds(20), clock.elapsed(), "and the run then ended at once");
            assertEquals(1L, run.toCompletableFuture().getNow(null));
            assertThrows(IllegalArgumentException.class, () -> run.await(Duration.ofMillis(-1)));
        });
    }
}
