package dev.vela.test.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Worker;
import dev.vela.worker.WorkerPool;
import dev.vela.worker.WorkerTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Worker deadlines and timed joins on the virtual clock: each test asserts the exact virtual instant at
 * which a deadline fires, a task is interrupted or a join gives up (vela-core's WorkerDeadlineTest keeps
 * the behaviour that does not depend on time values and one real-clock smoke test).
 *
 * <p>Tasks wait only through Vela ({@code Timers.sleep}, channels, joins): a {@code Thread.sleep}
 * would follow the real clock and hold the virtual one still.
 */
@Timeout(60)
class WorkerDeadlineVirtualTimeTest {

    /** Joins a worker that must have missed its deadline and checks what the failure says. */
    private static WorkerTimeoutException missed(Worker<?> w) {
        WorkerTimeoutException e = assertThrows(WorkerTimeoutException.class, () -> w.join(Duration.ofHours(1)));
        assertEquals(w.name(), e.workerName());
        assertTrue(e.getMessage().contains("'" + w.name() + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertEquals(Future.State.FAILED, w.state());
        assertInstanceOf(TimeoutException.class, w.exceptionNow());
        return e;
    }

    @Test
    void aWorkerThatEndsBeforeItsDeadlineSucceedsAndItsTimerIsDisarmed() throws Exception {
        VirtualClock.run(clock -> {
            Worker<String> w = Worker.spawn(() -> {
                Timers.sleep(ms(50));
                return "done at +" + clock.elapsed().toMillis() + " ms";
            }, Duration.ofSeconds(5));
            assertEquals("done at +50 ms", w.join());
            assertEquals(ms(50), clock.elapsed());
            assertEquals(0, clock.pendingTimers(), "the 5 s deadline was cancelled when the task returned");
            Timers.sleep(Duration.ofSeconds(10));                 // well past the deadline: nothing changes
            assertEquals(Future.State.SUCCESS, w.state());
            assertEquals("done at +50 ms", w.join());
        });
    }

    @Test
    void aWorkerPastItsDeadlineIsInterruptedAndFailsExactlyAtTheDeadline() throws Exception {
        VirtualClock.run(clock -> {
            Channel<Duration> interruptedAt = Channel.bounded(1);
            Worker<String> w = Worker.spawn("sleeper", () -> {
                try {
                    Timers.sleep(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    interruptedAt.sender().send(clock.elapsed());
                    throw e;
                }
                return "late";
            }, ms(100));
            WorkerTimeoutException e = missed(w);
            assertEquals(ms(100), clock.elapsed(), "join returned at the deadline");
            assertEquals("worker 'sleeper' missed its deadline of 100 ms", e.getCause().getMessage());
            assertEquals(ms(100), interruptedAt.receiver().receive(Duration.ofSeconds(1)), "interrupted at the deadline");
            ExecutionException ee = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
            assertInstanceOf(TimeoutException.class, ee.getCause());
        });
    }

    @Test
    void tinyAndZeroDeadlinesFireAtOnce() throws Exception {
        VirtualClock.run(clock -> {
            missed(Worker.spawn(() -> Timers.never().receive(), Duration.ofNanos(1_000)));
            assertEquals(Duration.ofNanos(1_000), clock.elapsed());
            missed(Worker.spawn(() -> Timers.never().receive(), Duration.ZERO));
            assertEquals(Duration.ofNanos(1_000), clock.elapsed(), "a zero deadline takes no time");
        });
    }

    @Test
    void noDeadlineMeansNoTimeoutEvenAfterAnHour() throws Exception {
        VirtualClock.run(clock -> {
            Worker<String> w = Worker.spawn(() -> {
                Timers.sleep(Duration.ofHours(1));
                return "completed";
            });
            assertEquals("completed", w.join());
            assertEquals(Duration.ofHours(1), clock.elapsed());
        });
    }

    @Test
    void workersWithDifferentDeadlinesEachEndAtTheirOwnInstant() throws Exception {
        VirtualClock.run(clock -> {
            List<String> ended = new CopyOnWriteArrayList<>();
            Worker<String> a = Worker.spawn("a", () -> {
                Timers.sleep(ms(50));
                ended.add("a at +" + clock.elapsed().toMillis());
                return "a";
            }, Duration.ofSeconds(5));
            Worker<String> b = Worker.spawn("b", () -> {
                Timers.sleep(Duration.ofSeconds(10));
                return "never";
            }, ms(100));
            Worker<String> c = Worker.spawn("c", () -> {
                Timers.sleep(ms(150));
                ended.add("c at +" + clock.elapsed().toMillis());
                return "c";
            }, Duration.ofSeconds(5));
            assertEquals("a", a.join());
            assertEquals(ms(50), clock.elapsed());
            assertTrue(missed(b).getMessage().contains("'b'"));
            assertEquals(ms(100), clock.elapsed());
            assertEquals("c", c.join());
            assertEquals(ms(150), clock.elapsed());
            assertEquals(List.of("a at +50", "c at +150"), ended);
        });
    }

    @Test
    void joinReturnsAtTheDeadlineWhileATaskThatIgnoresTheInterruptRunsOnAndItsLateResultIsDiscarded() throws Exception {
        VirtualClock.run(clock -> {
            Channel<String> taskEnded = Channel.bounded(1);
            Worker<String> w = Worker.spawn("stubborn", () -> {
                boolean sawInterrupt = sleepIgnoringInterruptsUntil(clock, ms(600));
                taskEnded.sender().send("ended at +" + clock.elapsed().toMillis() + " ms, interrupted " + sawInterrupt);
                return "late result";
            }, ms(100));
            missed(w);
            assertEquals(ms(100), clock.elapsed(), "join returns at the deadline, not when the task ends");
            assertEquals("ended at +600 ms, interrupted true", taskEnded.receiver().receive(Duration.ofSeconds(1)));
            assertEquals(ms(600), clock.elapsed());
            missed(w);                                          // still timed out: the late result was discarded
            assertThrows(IllegalStateException.class, w::resultNow);
        });
    }

    @Test
    void inAPoolTheDeadlineCountsFromWhenTheTaskStartsNotFromSpawn() throws Exception {
        VirtualClock.run(clock -> {
            try (var pool = WorkerPool.create(1)) {
                Worker<String> first = pool.spawn(() -> {
                    Timers.sleep(ms(400));
                    return "first";
                });
                // Queued until +400 ms, then runs 50 ms: a 250 ms deadline counted from spawn would fail it.
                Worker<Duration> queued = pool.spawn("queued", () -> {
                    Duration started = clock.elapsed();
                    Timers.sleep(ms(50));
                    return started;
                }, ms(250));
                assertEquals("first", first.join());
                assertEquals(ms(400), queued.join(), "started when the first task left the pool");
                assertEquals(ms(450), clock.elapsed());
                // A task that really overruns does time out, 100 ms after it started.
                Worker<String> overrun = pool.spawn("overrun", () -> {
                    Timers.sleep(Duration.ofSeconds(10));
                    return "x";
                }, ms(100));
                missed(overrun);
                assertEquals(ms(550), clock.elapsed());
            }
        });
    }

    // ---------------------------------------------------------------- timed join

    @Test
    void aTimedJoinGivesUpExactlyAtItsTimeoutAndTheWorkerRunsOn() throws Exception {
        VirtualClock.run(clock -> {
            Channel<String> release = Channel.rendezvous();
            Worker<String> w = Worker.spawn("patient", () -> release.receiver().receive());
            TimeoutException e = assertThrows(TimeoutException.class, () -> w.join(ms(50)));
            assertEquals(ms(50), clock.elapsed());
            assertTrue(e.getMessage().contains("patient"), e.getMessage());
            assertEquals(Future.State.RUNNING, w.state(), "a timed join that gives up is not a cancellation");
            assertThrows(TimeoutException.class, () -> w.join(Duration.ofMinutes(10)));
            assertEquals(ms(50).plusMinutes(10), clock.elapsed());
            release.sender().send("ok");
            assertEquals("ok", w.join(Duration.ofSeconds(1)));
            assertEquals(ms(50).plusMinutes(10), clock.elapsed(), "a join that succeeds at once takes no time");
        });
    }

    @Test
    void aTimedJoinReturnsWhenTheWorkerEndsNotAtItsTimeout() throws Exception {
        VirtualClock.run(clock -> {
            Worker<Integer> w = Worker.spawn(() -> {
                Timers.sleep(ms(1_234));
                return 7;
            });
            assertEquals(7, w.join(Duration.ofSeconds(5)));
            assertEquals(ms(1_234), clock.elapsed());
        });
    }

    /**
     * Sleeps on the virtual clock until {@code at} has elapsed since it was installed, swallowing
     * interrupts (a task that ignores cancellation); returns whether an interrupt came.
     */
    static boolean sleepIgnoringInterruptsUntil(VirtualClock clock, Duration at) {
        boolean interrupted = false;
        for (Duration left; (left = at.minus(clock.elapsed())).isPositive(); ) {
            try {
                Timers.sleep(left);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        return interrupted;
    }

    static Duration ms(long n) {
        return Duration.ofMillis(n);
    }
}
