package dev.vela.test.worker;

import static dev.vela.test.worker.WorkerDeadlineVirtualTimeTest.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.Select;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.RateLimiter;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link RateLimiter} on the virtual clock: the exact instant every permit is granted (blocking, timed,
 * async, select), the burst after an idle spell, and the long-run rate (vela-core's RateLimiterTest
 * keeps bad input and the counted stress test on the real clock).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RateLimiterVirtualTimeTest {

    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void tenAPerSecondGrantsTheBurstAtOnceThenOneEveryHundredMilliseconds() throws Exception {
        VirtualClock.run(clock -> {
            RateLimiter l = RateLimiter.create(10, Duration.ofSeconds(1));
            for (int i = 0; i < 10; i++) {
                assertTrue(l.acquire(LONG));
            }
            assertEquals(Duration.ZERO, clock.elapsed(), "the burst is there at once");
            assertTrue(l.acquire(LONG));
            assertEquals(ms(100), clock.elapsed(), "the 11th");
            assertTrue(l.acquire(LONG));
            assertEquals(ms(200), clock.elapsed(), "the 12th");
            l.acquire();
            assertEquals(ms(300), clock.elapsed(), "the 13th, untimed");
        });
    }

    @Test
    void waitersAreLetInOneAPeriodApart() throws Exception {
        VirtualClock.run(clock -> {
            RateLimiter l = RateLimiter.create("three", 4, Duration.ofSeconds(1), 1);
            assertTrue(l.tryAcquire());
            List<Worker<Duration>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(Worker.spawn(() -> {
                    l.acquire();
                    return clock.elapsed();
                }));
            }
            List<Duration> at = new ArrayList<>();
            for (Worker<Duration> w : waiters) {
                at.add(w.join(LONG));
            }
            at.sort(null);
            assertEquals(List.of(ms(250), ms(500), ms(750)), at);
        });
    }

    @Test
    void afterAnIdleSpellOnlyTheBurstIsThereAndNoTimerIsLeft() throws Exception {
        VirtualClock.run(clock -> {
            RateLimiter l = RateLimiter.create("idle", 10, Duration.ofSeconds(1), 4);
            for (int i = 0; i < 4; i++) {
                assertTrue(l.tryAcquire());
            }
            assertFalse(l.tryAcquire());
            Timers.sleep(Duration.ofSeconds(5));
            assertEquals(0, clock.pendingTimers(), "a full limiter holds no timer");
            assertEquals(4, l.availablePermits());
            for (int i = 0; i < 4; i++) {
                assertTrue(l.tryAcquire(), "permit " + i + " of the burst");
            }
            assertFalse(l.tryAcquire(), "5 s of idling buys no more than the burst");
            assertTrue(l.acquire(LONG));
            assertEquals(Duration.ofSeconds(5).plus(ms(100)), clock.elapsed(), "the rate counts from the first permit taken");
        });
    }

    @Test
    void aTimedAcquireGivesUpExactlyAtItsTimeoutConsumingNothing() throws Exception {
        VirtualClock.run(clock -> {
            RateLimiter l = RateLimiter.create(1, Duration.ofSeconds(1));
            assertTrue(l.tryAcquire());
            assertFalse(l.acquire(ms(300)));
            assertEquals(ms(300), clock.elapsed());
            assertFalse(l.acquire(Duration.ZERO));
            assertEquals(ms(300), clock.elapsed(), "a zero timeout does not wait");
            assertFalse(l.acquire(ms(699)));
            assertEquals(ms(999), clock.elapsed());
            assertTrue(l.acquire(LONG));
            assertEquals(Duration.ofSeconds(1), clock.elapsed(), "the token due at 1 s was not taken by the timed-out calls");
        });
    }

    @Test
    void anAsyncAcquireCompletesAtTheInstantItsTokenIsDueAndACancelledOneTakesNone() throws Exception {
        VirtualClock.run(clock -> {
            RateLimiter l = RateLimiter.create(2, Duration.ofSeconds(1));      // a permit every 500 ms
            assertTrue(l.acquireAsync().isDone(), "a permit in the bucket: complete at once");
            assertTrue(l.tryAcquire());
            Thread body = Thread.currentThread();
            CompletableFuture<Thread> ranOn = new CompletableFuture<>();
            CompletableFuture<Duration> at = l.acquireAsync().thenApply(v -> {
                ranOn.complete(Thread.currentThread());
                return clock.elapsed();
            });
            assertFalse(at.isDone());
            assertEquals(ms(500), await(at));
            assertTrue(ranOn.isDone(), "before the future it feeds");
            assertNotSame(body, ranOn.join());
            assertTrue(ranOn.join().isVirtual(), "the stage ran on a virtual thread, not on the clock's mover");

            CompletableFuture<Void> withdrawn = l.acquireAsync();
            Timers.sleep(ms(200));
            assertTrue(withdrawn.cancel(true));
            assertTrue(l.acquire(LONG));
            assertEquals(ms(1000), clock.elapsed(), "the cancelled acquire took no token");
        });
    }

    /** Waits for {@code f} on the virtual clock (a timed JDK wait would follow the real clock): its value, or null after 30 s. */
    private static <T> T await(CompletableFuture<T> f) throws InterruptedException {
        Channel<T> done = Channel.bounded(1);
        f.thenAccept(done.sender()::trySend);
        return done.receiver().receive(LONG);
    }

    @Test
    void onAcquireIsChosenOnlyWhenAPermitIsDueAndConsumesNoneWhenAnotherClauseWins() throws Exception {
        VirtualClock.run(clock -> {
            RateLimiter l = RateLimiter.create(1, Duration.ofSeconds(1));
            assertTrue(l.tryAcquire());
            assertEquals("timeout", Select.select(l.onAcquire(() -> "permit"),
                    Select.onTimeout(ms(300), () -> "timeout")));
            assertEquals(ms(300), clock.elapsed());

            Channel<String> ch = Channel.bounded(1);
            assertTrue(ch.sender().trySend("message"));
            assertEquals("message", Select.select(l.onAcquire(() -> "permit"), ch.receiver().onReceive(s -> s)));
            assertEquals(ms(300), clock.elapsed());

            assertEquals("permit", Select.select(l.onAcquire(() -> "permit"), ch.receiver().onReceive(s -> s)));
            assertEquals(Duration.ofSeconds(1), clock.elapsed());
            assertEquals(0, l.availablePermits());
            assertFalse(l.tryAcquire(), "the select consumed the permit due at 1 s");
        });
    }

    /**
     * 1,000 acquires at 100 a second: the first {@code burst} at +0, then one every 10 ms, so the last
     * at {@code (1000 - burst) × 10 ms} exactly: 9 s with the default burst of 100, 9.99 s with a
     * burst of 1. No fraction of a period is lost between refills.
     */
    @Test
    void aThousandAcquiresAtAHundredASecondTakeExactlyWhatTheBurstLeaves() throws Exception {
        VirtualClock.run(clock -> {
            RateLimiter l = RateLimiter.create(100, Duration.ofSeconds(1));
            for (int i = 0; i < 1000; i++) {
                l.acquire();
            }
            assertEquals(Duration.ofMillis(9000), clock.elapsed());
        });
        VirtualClock.run(clock -> {
            RateLimiter l = RateLimiter.create("one-at-a-time", 100, Duration.ofSeconds(1), 1);
            for (int i = 0; i < 1000; i++) {
                l.acquire();
            }
            assertEquals(Duration.ofMillis(9990), clock.elapsed());
        });
    }

    /** Three permits a second: 333,333,333.3 ns apart; the fraction is carried, so three take exactly a second. */
    @Test
    void aRateThatIsNoWholeNumberOfNanosecondsLosesNothingToRounding() throws Exception {
        VirtualClock.run(clock -> {
            RateLimiter l = RateLimiter.create("thirds", 3, Duration.ofSeconds(1), 1);
            assertTrue(l.tryAcquire());
            List<Long> at = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                l.acquire();
                at.add(clock.elapsed().toNanos());
            }
            assertEquals(List.of(333_333_334L, 666_666_667L, 1_000_000_000L, 1_333_333_334L, 1_666_666_667L,
                    2_000_000_000L), at);
        });
    }
}
