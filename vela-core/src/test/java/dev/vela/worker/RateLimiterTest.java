package dev.vela.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Select;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import dev.vela.channel.internal.TimerScheduler;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link RateLimiter} on the real clock: bad input, an empty bucket, {@code toString},
 * the exact arithmetic, an idle limiter holding no timer, a waiter the deadlock watchdog must not
 * report, and a counted stress test (never more
 * permits than the burst plus the rate allows, and every token put in is either taken by an acquire
 * that reported success or still in the bucket). Exact instants are checked on the virtual clock in
 * vela-test (RateLimiterVirtualTimeTest).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)      // the watchdog test first: before other tests' refill timers
class RateLimiterTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    @Test
    void badInputIsRejectedNamingTheValue() {
        var e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create(0, SECOND));
        assertTrue(e.getMessage().contains("permits") && e.getMessage().contains("was 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create(-3, SECOND));
        assertTrue(e.getMessage().contains("was -3"), e.getMessage());
        var nullPer = assertThrows(NullPointerException.class, () -> RateLimiter.create(5, null));
        assertTrue(nullPer.getMessage().contains("per"), nullPer.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create(5, Duration.ZERO));
        assertTrue(e.getMessage().contains("was PT0S"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create(5, Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("was PT-0.001S"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create("api", 5, SECOND, 0));
        assertTrue(e.getMessage().contains("burst") && e.getMessage().contains("'api'")
                && e.getMessage().contains("was 0"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create("api", 5, SECOND, -1));
        assertTrue(e.getMessage().contains("was -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create(1001, Duration.ofNanos(1000)));
        assertTrue(e.getMessage().contains("1001 per PT0.000001S") && e.getMessage().contains("less than 1 ns"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> RateLimiter.create(1, Duration.ofDays(365L * 1000)));
        assertTrue(e.getMessage().contains("too long"), e.getMessage());
        var npe = assertThrows(NullPointerException.class, () -> RateLimiter.create(null, 5, SECOND, 5));
        assertTrue(npe.getMessage().contains("name"), npe.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RateLimiter.create(" ", 5, SECOND, 5));

        RateLimiter ok = RateLimiter.create(1000, Duration.ofNanos(1000));      // one a nanosecond: the limit
        assertTrue(ok.tryAcquire());
        RateLimiter l = RateLimiter.create(1, SECOND);
        e = assertThrows(IllegalArgumentException.class, () -> l.acquire(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().contains("timeout"), e.getMessage());
        assertThrows(NullPointerException.class, () -> l.acquire(null));
        assertThrows(NullPointerException.class, () -> l.onAcquire(null));
        assertEquals(1, l.availablePermits(), "nothing consumed by the rejected calls");
    }

    @Test
    void anEmptyLimiterRefusesTryAcquireAndTimedAcquireConsumingNothing() throws Exception {
        RateLimiter l = RateLimiter.create("slow", 2, Duration.ofSeconds(2), 2);   // the first refill at +1 s
        assertEquals(2, l.availablePermits());
        assertFalse(l.refillPending(), "a full limiter holds no timer");
        assertTrue(l.tryAcquire());
        assertTrue(l.refillPending(), "the first permit taken starts the refill");
        assertTrue(l.acquire(Duration.ZERO));
        assertEquals(0, l.availablePermits());
        assertFalse(l.tryAcquire());
        assertFalse(l.acquire(Duration.ZERO));
        long start = System.nanoTime();
        assertFalse(l.acquire(Duration.ofMillis(20)));
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
        assertEquals("nothing", Select.select(l.onAcquire(() -> "permit"), Select.onDefault(() -> "nothing")));
        CompletableFuture<Void> f = l.acquireAsync();
        assertFalse(f.isDone());
        assertThrows(UnsupportedOperationException.class, () -> f.complete(null));
        assertTrue(f.cancel(true));
        assertThrows(CancellationException.class, f::join);
        assertEquals(0, l.availablePermits());
        assertEquals(2, l.tokensIssued(), "no refill before +1 s");
    }

    @Test
    void toStringShowsNameRateBurstAndAvailable() throws Exception {
        RateLimiter l = RateLimiter.create("api", 10, SECOND, 3);
        assertEquals("RateLimiter[api, 10 per 1000 ms, burst 3, available 3]", l.toString());
        l.acquire();
        assertEquals("RateLimiter[api, 10 per 1000 ms, burst 3, available 2]", l.toString());
        String unnamed = RateLimiter.create(5, Duration.ofMinutes(1)).toString();
        assertTrue(unnamed.matches("RateLimiter\\[rate-limiter-\\d+, 5 per 60 s, burst 5, available 5]"), unnamed);
    }

    @Test
    void theArithmeticIsExactBeyondALong() {
        long[][] cases = {
            {7, 3, 2}, {0, 5, 3}, {1_000_000_000L, 10, 1_000_000_000L}, {Long.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE},
            {86_400_000_000_000L, 999_983, 86_400_000_000_000L}, {123_456_789_012L, 2_000_000_000, 987_654_321_098L},
        };
        for (long[] c : cases) {
            BigInteger[] qr = BigInteger.valueOf(c[0]).multiply(BigInteger.valueOf(c[1])).divideAndRemainder(BigInteger.valueOf(c[2]));
            long floor = qr[0].longValueExact();
            assertEquals(floor, RateLimiter.mulDivFloor(c[0], c[1], c[2]), java.util.Arrays.toString(c));
            assertEquals(floor + (qr[1].signum() == 0 ? 0 : 1), RateLimiter.mulDivCeil(c[0], c[1], c[2]),
                    java.util.Arrays.toString(c));
        }
    }

    @Test
    void aLimiterRefillsOnTheRealClockAndThenHoldsNoTimer() throws Exception {
        long start = System.nanoTime();                               // before the refills start counting
        RateLimiter l = RateLimiter.create("fast", 1000, SECOND, 5);   // a permit a millisecond
        for (int i = 0; i < 5; i++) {
            assertTrue(l.tryAcquire());
        }
        for (int i = 0; i < 20; i++) {
            assertTrue(l.acquire(TestSupport.LONG), "permit " + i);
        }
        long took = System.nanoTime() - start;
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(20), "20 permits beyond the burst at 1/ms took " + took + " ns");
        awaitFullAndIdle(l, 5);
        assertEquals(5 + 20 + 5, l.tokensIssued(), "the burst, 20 for the waiters, 5 to fill up again: 25 taken + 5 held");
    }

    /**
     * A worker waiting for a token is waiting for a pending Vela timer (the refill), so the deadlock
     * watchdog must not report it; the same wait on a drained semaphore, where nothing is pending, is
     * reported (the negative control, run first so that no refill timer is pending during it).
     */
    @Test
    @Order(1)
    void aWorkerWaitingForARefillIsNoDeadlock() throws Exception {
        long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (TimerScheduler.pending() && System.nanoTime() < quiet) {
            Thread.sleep(10);
        }
        Assumptions.assumeFalse(TimerScheduler.pending(),
                "another test left a Vela timer pending: the watchdog can report nothing now, the check would be vacuous");
        List<String> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var watchdog = dev.vela.diagnostics.DeadlockWatchdog.start(Duration.ofMillis(50),
                dev.vela.diagnostics.DeadlockWatchdog.Action.REPORT, reports::add)) {
            Semaphore drained = Semaphore.create("drained", 1);
            drained.acquire();
            Worker<Void> control = Worker.run(() -> {
                try {
                    drained.acquire();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (reports.isEmpty() && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertEquals(1, watchdog.deadlocksFound(), "the control: a drained semaphore's waiter is reported");
            drained.release();
            control.join(TestSupport.LONG);

            RateLimiter l = RateLimiter.create("slow", 1, Duration.ofMillis(600), 1);
            assertTrue(l.tryAcquire());
            long start = System.nanoTime();
            Worker<Long> waiter = Worker.spawn(() -> {
                l.acquire();
                return System.nanoTime() - start;
            });
            long waited = waiter.join(TestSupport.LONG);
            assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(550), "waited " + waited + " ns");
            assertEquals(1, watchdog.deadlocksFound(), "no report while a refill was pending: " + reports);
        }
    }

    /** Waits (real time, at most 10 s) until the bucket is full and no refill is pending. */
    private static void awaitFullAndIdle(RateLimiter l, int burst) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (l.refillPending() || l.availablePermits() != burst) {
            if (System.nanoTime() > end) {
                throw new AssertionError("the limiter did not become full and idle: " + l + ", pending " + l.refillPending());
            }
            Thread.sleep(1);
        }
    }

    /**
     * 100,000 permits a second, burst 100, ten virtual threads acquiring in every way (blocking, timed,
     * try, async with and without cancellation, select) while an interrupter hits them, for about a
     * second. Never more permits than {@code burst + rate × elapsed}; and, once idle and full, the tokens
     * put in beyond the burst are exactly the acquires that reported success: no success without a
     * token, no token taken by a call that reported failure (an interrupted acquire, a cancelled future).
     */
    @Test
    void stressNeverMorePermitsThanTheRateAllowsAndEveryTokenAccountedFor() throws Exception {
        final int burst = 100;
        final long ratePerSecond = 100_000;
        final int threads = 10;
        final long runNanos = TimeUnit.MILLISECONDS.toNanos(1200);
        long created = System.nanoTime();
        RateLimiter l = RateLimiter.create("stress", 1000, Duration.ofMillis(10), burst);
        AtomicLong granted = new AtomicLong();
        AtomicLong cancelled = new AtomicLong();
        AtomicLong interrupted = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long stopAt = created + runNanos;
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(Thread.ofVirtual().name("stress-" + t).unstarted(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                try {
                    while (System.nanoTime() < stopAt) {
                        try {
                            boolean got = switch (rnd.nextInt(6)) {
                                case 0 -> {
                                    l.acquire();
                                    yield true;
                                }
                                case 1 -> l.acquire(Duration.ofNanos(rnd.nextLong(2_000_000)));
                                case 2 -> l.tryAcquire();
                                case 3 -> {
                                    CompletableFuture<Void> f = l.acquireAsync();
                                    if (rnd.nextBoolean() && f.cancel(true)) {
                                        cancelled.incrementAndGet();
                                        yield false;
                                    }
                                    yield awaitOrWithdraw(f, cancelled);
                                }
                                case 4 -> {
                                    CompletableFuture<Void> f = l.acquireAsync();
                                    Thread.yield();
                                    if (f.cancel(false)) {          // races with the refill handing it a token
                                        cancelled.incrementAndGet();
                                        yield false;
                                    }
                                    yield awaitOrWithdraw(f, cancelled);
                                }
                                default -> Select.select(l.onAcquire(() -> true),
                                        Select.onTimeout(Duration.ofMillis(1), () -> false));
                            };
                            if (got) {
                                granted.incrementAndGet();
                            }
                        } catch (InterruptedException e) {
                            interrupted.incrementAndGet();             // nothing consumed
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                Thread.interrupted();
            }));
        }
        all.forEach(Thread::start);
        Thread interrupter = Thread.ofVirtual().start(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (System.nanoTime() < stopAt) {
                all.get(rnd.nextInt(threads)).interrupt();
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        for (Thread t : all) {
            assertTrue(t.join(Duration.ofSeconds(20)), t + " did not end");
        }
        assertTrue(interrupter.join(Duration.ofSeconds(5)));
        long elapsed = System.nanoTime() - created;
        if (failure.get() != null) {
            throw new AssertionError("a stress thread failed", failure.get());
        }
        long bound = burst + ratePerSecond * elapsed / 1_000_000_000L + 1;
        assertTrue(granted.get() <= bound, granted.get() + " permits granted in " + elapsed / 1_000_000
                + " ms; at most " + bound + " allowed");
        assertTrue(granted.get() > burst, "refills happened: " + granted.get());

        awaitFullAndIdle(l, burst);
        assertEquals(granted.get(), l.tokensIssued() - burst,
                "tokens put in beyond the burst == acquires that reported success (" + cancelled.get()
                        + " cancelled, " + interrupted.get() + " interrupted)");
        System.out.printf("rate limiter stress: %d granted in %d ms (%.0f/s of %d/s), %d cancelled, %d interrupted%n",
                granted.get(), elapsed / 1_000_000, granted.get() * 1e9 / elapsed, ratePerSecond, cancelled.get(),
                interrupted.get());
    }

    /**
     * Waits for an async acquire; if interrupted meanwhile, withdraws it (nothing consumed) unless a
     * token was handed over first, in which case it waits on for the completion.
     */
    private static boolean awaitOrWithdraw(CompletableFuture<Void> f, AtomicLong cancelled) throws TimeoutException {
        boolean interrupted = false;
        try {
            for (;;) {
                try {
                    f.get(10, TimeUnit.SECONDS);
                    return true;
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (f.cancel(false)) {
                        cancelled.incrementAndGet();
                        return false;
                    }
                } catch (CancellationException e) {
                    throw new AssertionError("cancelled by nobody", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new AssertionError("an async acquire failed", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
