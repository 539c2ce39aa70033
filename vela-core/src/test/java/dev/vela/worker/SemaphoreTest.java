package dev.vela.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.Select;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link Semaphore}: counts, waiters in order, timed, async and select acquires,
 * interruption, over-release, {@code withPermit}, bad input; and a counted stress test (never more
 * holders than permits, every permit back at the end). Virtual-time checks live in vela-test
 * (SemaphoreVirtualTimeTest), linearizability in {@link SemaphoreLincheckTest}.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SemaphoreTest {

    /** Waits until {@code t} is parked (or timed-parked), i.e. it is waiting in the semaphore's queue. */
    static void awaitParked(Thread t) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > end) {
                throw new AssertionError(t + " did not park; state " + t.getState());
            }
            Thread.sleep(1);
        }
    }

    @Test
    void countsPermitsTakenAndGivenBack() throws Exception {
        Semaphore s = Semaphore.create(3);
        assertEquals(3, s.permits());
        assertEquals(3, s.availablePermits());
        s.acquire();
        assertTrue(s.tryAcquire());
        assertTrue(s.acquire(Duration.ofMillis(10)));
        assertEquals(0, s.availablePermits());
        assertFalse(s.tryAcquire());
        assertFalse(s.acquire(Duration.ZERO));
        s.release();
        assertEquals(1, s.availablePermits());
        s.release();
        s.release();
        assertEquals(3, s.availablePermits());
        assertTrue(s.toString().contains("available 3 of 3"), s.toString());
    }

    @Test
    void overReleaseIsRejectedAndChangesNothing() throws Exception {
        Semaphore s = Semaphore.create("pool", 2);
        var e = assertThrows(IllegalStateException.class, s::release);
        assertTrue(e.getMessage().contains("released more permits than were acquired"), e.getMessage());
        assertTrue(e.getMessage().contains("pool"), e.getMessage());
        assertEquals(2, s.availablePermits());
        s.acquire();
        s.release();
        assertThrows(IllegalStateException.class, s::release);
        assertTrue(s.tryAcquire());
        assertTrue(s.tryAcquire());
        assertFalse(s.tryAcquire(), "the rejected releases added no permit");
    }

    @Test
    void badInputIsRejected() throws Exception {
        var zero = assertThrows(IllegalArgumentException.class, () -> Semaphore.create(0));
        assertTrue(zero.getMessage().contains("0"), zero.getMessage());
        var neg = assertThrows(IllegalArgumentException.class, () -> Semaphore.create(-7));
        assertTrue(neg.getMessage().contains("-7"), neg.getMessage());
        assertThrows(NullPointerException.class, () -> Semaphore.create(null, 1));
        assertThrows(IllegalArgumentException.class, () -> Semaphore.create(" ", 1));
        assertThrows(IllegalArgumentException.class, () -> Semaphore.create("x", 0));
        Semaphore s = Semaphore.create(1);
        assertThrows(NullPointerException.class, () -> s.acquire(null));
        assertThrows(IllegalArgumentException.class, () -> s.acquire(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> s.onAcquire(null));
        assertThrows(NullPointerException.class, () -> s.withPermit(null));
        assertEquals(1, s.availablePermits(), "bad input took nothing");
        assertTrue(s.tryAcquire());
    }

    @Test
    void waitersAreServedInTheOrderTheyCame() throws Exception {
        Semaphore s = Semaphore.create(1);
        s.acquire();
        ConcurrentLinkedQueue<Integer> order = new ConcurrentLinkedQueue<>();
        List<Thread> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int id = i;
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    s.acquire();
                    order.add(id);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitParked(t);            // each one waits before the next arrives
            waiters.add(t);
        }
        for (int i = 0; i < 5; i++) {
            s.release();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (order.size() < i + 1) {
                assertTrue(System.nanoTime() < end, "waiter " + i + " was not let in");
                Thread.sleep(1);
            }
        }
        for (Thread t : waiters) {
            t.join();
        }
        assertEquals(List.of(0, 1, 2, 3, 4), new ArrayList<>(order));
        s.release();
        assertEquals(1, s.availablePermits());
    }

    @Test
    void aTimedAcquireGivesUpAtItsTimeoutHoldingNothing() throws Exception {
        Semaphore s = Semaphore.create(1);
        s.acquire();
        long t0 = System.nanoTime();
        assertFalse(s.acquire(Duration.ofMillis(50)));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms >= 50, "gave up after " + ms + " ms");
        s.release();
        assertEquals(1, s.availablePermits());
        assertTrue(s.tryAcquire(), "the timed-out acquire holds nothing");
    }

    @Test
    void aTimedAcquireGetsAPermitReleasedWhileItWaits() throws Exception {
        Semaphore s = Semaphore.create(1);
        s.acquire();
        Thread me = Thread.currentThread();
        Thread releaser = Thread.ofVirtual().start(() -> {
            try {
                awaitParked(me);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            s.release();
        });
        assertTrue(s.acquire(Duration.ofSeconds(10)));
        releaser.join();
        assertEquals(0, s.availablePermits());
    }

    @Test
    void anInterruptedAcquireHoldsNothing() throws Exception {
        Semaphore s = Semaphore.create(1);
        s.acquire();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                s.acquire();
                outcome.set(new AssertionError("acquired"));
            } catch (InterruptedException e) {
                outcome.set(e);
            }
        });
        awaitParked(t);
        t.interrupt();
        t.join();
        assertTrue(outcome.get() instanceof InterruptedException, String.valueOf(outcome.get()));
        s.release();
        assertTrue(s.tryAcquire());
        assertFalse(s.tryAcquire(), "the interrupted acquire took nothing");
        Thread.currentThread().interrupt();        // still holding the permit taken above
        s.release();                               // interrupted: release never waits, is unaffected
        assertTrue(Thread.interrupted());
    }

    @Test
    void anInterruptedTimedAcquireHoldsNothing() throws Exception {
        Semaphore s = Semaphore.create(1);
        s.acquire();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> s.acquire(Duration.ofSeconds(5)));
        s.release();
        assertEquals(1, s.availablePermits());
    }

    @Test
    void asyncAcquireCompletesAtOnceOrWhenReleased() throws Exception {
        Semaphore s = Semaphore.create(1);
        CompletableFuture<Void> first = s.acquireAsync();
        assertTrue(first.isDone());
        assertNull(first.join());
        CompletableFuture<Void> second = s.acquireAsync();
        assertFalse(second.isDone());
        s.release();
        assertNull(second.get(5, TimeUnit.SECONDS));
        assertFalse(s.tryAcquire());
        assertFalse(second.cancel(true), "a completed acquire cannot be withdrawn");
        s.release();
        assertEquals(1, s.availablePermits());
        assertThrows(UnsupportedOperationException.class, () -> s.acquireAsync().complete(null));
    }

    @Test
    void aCancelledAsyncAcquireHoldsNothing() throws Exception {
        Semaphore s = Semaphore.create(1);
        s.acquire();
        CompletableFuture<Void> waiting = s.acquireAsync();
        assertTrue(waiting.cancel(true));
        assertTrue(waiting.isCancelled());
        assertThrows(CancellationException.class, waiting::join);
        s.release();
        assertEquals(1, s.availablePermits());
        assertTrue(s.tryAcquire(), "the permit went to nobody");
        assertFalse(s.tryAcquire());
        s.release();
    }

    @Test
    void anAsyncAcquireThatTimesOutHoldsNothing() throws Exception {
        Semaphore s = Semaphore.create(1);
        s.acquire();
        CompletableFuture<Void> waiting = s.acquireAsync().orTimeout(30, TimeUnit.MILLISECONDS);
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> waiting.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof TimeoutException, String.valueOf(e.getCause()));
        s.release();
        assertTrue(s.tryAcquire());
        assertFalse(s.tryAcquire(), "the timed-out async acquire took nothing");
    }

    @Test
    void theSelectClauseIsChosenOnlyWhenAPermitIsTaken() throws Exception {
        Semaphore s = Semaphore.create(1);
        Channel<String> ch = Channel.bounded(4);
        assertEquals("permit", Select.select(s.onAcquire(() -> "permit"), ch.receiver().onReceive(v -> v)));
        assertEquals(0, s.availablePermits());
        ch.sender().send("value");
        assertEquals("value", Select.select(s.onAcquire(() -> "permit"), ch.receiver().onReceive(v -> v)));
        assertEquals("default", Select.select(s.onAcquire(() -> "permit"), Select.onDefault(() -> "default")));
        assertEquals("timeout", Select.select(s.onAcquire(() -> "permit"),
                Select.onTimeout(Duration.ofMillis(20), () -> "timeout")));
        // a release during a blocked select lets the clause in
        Thread me = Thread.currentThread();
        Thread releaser = Thread.ofVirtual().start(() -> {
            try {
                awaitParked(me);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            s.release();
        });
        assertEquals("permit", Select.select(ch.receiver().onReceive(v -> v), s.onAcquire(() -> "permit")));
        releaser.join();
        assertFalse(s.tryAcquire(), "the select holds the permit");
        s.release();
        assertEquals(1, s.availablePermits());
    }

    @Test
    void aSelectClauseThatThrowsReleasesItsPermit() {
        Semaphore s = Semaphore.create(1);
        var e = assertThrows(IllegalStateException.class, () -> Select.select(s.onAcquire(() -> {
            throw new IllegalStateException("boom");
        })));
        assertEquals("boom", e.getMessage());
        assertEquals(1, s.availablePermits());
        assertTrue(s.tryAcquire());
    }

    @Test
    void anInterruptedSelectHoldsNothing() throws Exception {
        Semaphore s = Semaphore.create(1);
        s.acquire();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> Select.select(s.onAcquire(() -> "permit")));
        s.release();
        assertTrue(s.tryAcquire());
    }

    @Test
    void withPermitReleasesWhateverTheTaskDoes() throws Exception {
        Semaphore s = Semaphore.create(1);
        assertEquals("ok", s.withPermit(() -> {
            assertEquals(0, s.availablePermits());
            return "ok";
        }));
        assertEquals(1, s.availablePermits());
        IOException boom = new IOException("disk");
        assertSame(boom, assertThrows(IOException.class, () -> s.withPermit(() -> {
            throw boom;
        })));
        assertEquals(1, s.availablePermits());
        assertThrows(OutOfMemoryError.class, () -> s.withPermit(() -> {
            throw new OutOfMemoryError("planted");
        }));
        assertEquals(1, s.availablePermits());
        s.acquire();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> s.withPermit(() -> "never"));
        s.release();
        assertEquals(1, s.availablePermits());
    }

    /**
     * N permits, many virtual threads acquiring in all four ways (blocking, timed, async, select)
     * while some are interrupted and some async acquires cancelled. Never more than N holders at
     * once, and every permit is back at the end.
     */
    @Test
    void stressNeverMoreHoldersThanPermitsAndNothingLost() throws Exception {
        final int permits = 3;
        final int threads = 24;
        final int rounds = 1500;
        Semaphore s = Semaphore.create(permits);
        AtomicInteger holders = new AtomicInteger();
        AtomicInteger highWater = new AtomicInteger();
        AtomicInteger acquired = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        Runnable hold = () -> {
            int h = holders.incrementAndGet();
            highWater.accumulateAndGet(h, Math::max);
            if (h > permits) {
                failures.incrementAndGet();
            }
            if (ThreadLocalRandom.current().nextInt(4) == 0) {
                Thread.yield();
            }
            holders.decrementAndGet();
            acquired.incrementAndGet();
        };
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(Thread.ofVirtual().unstarted(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                for (int i = 0; i < rounds; i++) {
                    try {
                        boolean got;
                        switch (rnd.nextInt(4)) {
                            case 0 -> {
                                s.acquire();
                                got = true;
                            }
                            case 1 -> got = s.acquire(Duration.ofMillis(rnd.nextInt(3)));
                            case 2 -> {
                                CompletableFuture<Void> f = s.acquireAsync();
                                if (rnd.nextBoolean() && f.cancel(true)) {
                                    got = false;
                                } else {
                                    f.join();
                                    got = true;
                                }
                            }
                            default -> got = Select.select(s.onAcquire(() -> true),
                                    Select.onTimeout(Duration.ofMillis(1), () -> false));
                        }
                        if (got) {
                            try {
                                hold.run();
                            } finally {
                                s.release();
                            }
                        }
                    } catch (InterruptedException e) {
                        // interrupted while waiting: nothing held
                    }
                }
                Thread.interrupted();
            }));
        }
        all.forEach(Thread::start);
        Thread interrupter = Thread.ofVirtual().start(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (all.stream().anyMatch(Thread::isAlive)) {
                all.get(rnd.nextInt(threads)).interrupt();
                Thread.yield();
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        for (Thread t : all) {
            t.join();
        }
        interrupter.join();
        assertEquals(0, failures.get(), "more than " + permits + " holders at once; high water " + highWater.get());
        assertTrue(highWater.get() <= permits, "high water " + highWater.get());
        assertTrue(acquired.get() > 0);
        assertEquals(permits, s.availablePermits(), "permits lost or added");
        for (int i = 0; i < permits; i++) {
            assertTrue(s.tryAcquire(), "permit " + i + " is back");
        }
        assertFalse(s.tryAcquire());
    }
}
