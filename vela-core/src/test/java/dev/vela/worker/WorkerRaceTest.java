package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Races, each repeated at least 1,000 times: exactly one outcome wins, and state(), join(),
 * isDone() and cancel() agree with it afterwards.
 */
@Timeout(60)
class WorkerRaceTest {
    private static final int ROUNDS = 2_000;

    /** The outcome reported by join(), as a Future.State, checked against state(). */
    private static Future.State joinedOutcome(Worker<?> w, Object expectedValue) throws Exception {
        Future.State s = w.state();
        assertNotEquals(Future.State.RUNNING, s, "joined worker must be terminal");
        assertTrue(w.isDone());
        switch (s) {
            case SUCCESS -> {
                assertEquals(expectedValue, w.join(LONG));
                assertEquals(expectedValue, w.resultNow());
            }
            case CANCELLED -> assertThrows(WorkerCancelledException.class, () -> w.join(LONG));
            case FAILED -> assertThrows(WorkerTimeoutException.class, () -> w.join(LONG));
            default -> fail("unexpected state " + s);
        }
        assertFalse(w.cancel(), "cancel of a finished worker must return false");
        assertEquals(s, w.state(), "state must never change once decided");
        return s;
    }

    @Test
    void cancelVersusCompletion() throws Exception {
        int cancelledWins = 0;
        for (int i = 0; i < ROUNDS; i++) {
            int v = i;
            Worker<Integer> w = Worker.spawn(() -> v);
            if ((i & 1) == 0) {
                Thread.onSpinWait();
            }
            boolean cancelled = w.cancel();
            try {
                w.join(LONG);
            } catch (WorkerCancelledException expectedIfCancelled) {
                // checked below
            }
            Future.State s = joinedOutcome(w, v);
            assertEquals(cancelled ? Future.State.CANCELLED : Future.State.SUCCESS, s,
                    "cancel() returned " + cancelled + " but the worker ended " + s);
            if (cancelled) {
                cancelledWins++;
            }
        }
        // Both outcomes are legal; record the split so a regression to "always one" is visible in logs.
        System.out.println("cancel vs completion: cancel won " + cancelledWins + "/" + ROUNDS);
    }

    @Test
    void cancelFromAnotherThreadVersusCompletion() throws Exception {
        for (int i = 0; i < ROUNDS / 2; i++) {
            int v = i;
            Worker<Integer> w = Worker.spawn(() -> v);
            Worker<Boolean> canceller = Worker.spawn(w::cancel);
            boolean cancelled = canceller.join(LONG);
            Future.State s = joinedOutcome(w, v);
            assertEquals(cancelled ? Future.State.CANCELLED : Future.State.SUCCESS, s);
        }
    }

    @Test
    void deadlineVersusCompletion() throws Exception {
        int timedOut = 0;
        for (int i = 0; i < ROUNDS; i++) {
            int v = i;
            long work = ThreadLocalRandom.current().nextLong(0, 200_000); // 0–200 µs of busy work
            Worker<Integer> w = Worker.spawn(() -> {
                TestSupport.spin(work);
                return v;
            }, Duration.ofNanos(100_000)); // 100 µs deadline
            try {
                w.join(LONG);
            } catch (WorkerTimeoutException expectedIfLate) {
                // checked below
            }
            if (joinedOutcome(w, v) == Future.State.FAILED) {
                timedOut++;
                assertInstanceOf(TimeoutException.class, w.exceptionNow());
            }
        }
        System.out.println("deadline vs completion: deadline won " + timedOut + "/" + ROUNDS);
    }

    @Test
    void deadlineVersusCancel() throws Exception {
        for (int i = 0; i < ROUNDS / 2; i++) {
            Worker<Integer> w = Worker.spawn(() -> {
                TestSupport.spin(200_000);
                return 1;
            }, Duration.ofNanos(50_000));
            TestSupport.spin(ThreadLocalRandom.current().nextLong(0, 100_000));
            boolean cancelled = w.cancel();
            Future.State s = joinedOutcome(w, 1);
            if (cancelled) {
                assertEquals(Future.State.CANCELLED, s);
            } else {
                assertNotEquals(Future.State.CANCELLED, s);
            }
        }
    }

    @Test
    void joinTimeoutVersusCompletion() throws Exception {
        int timedOutJoins = 0;
        for (int i = 0; i < ROUNDS; i++) {
            int v = i;
            long work = ThreadLocalRandom.current().nextLong(0, 50_000);
            Worker<Integer> w = Worker.spawn(() -> {
                TestSupport.spin(work);
                return v;
            });
            try {
                assertEquals(v, w.join(Duration.ofNanos(ThreadLocalRandom.current().nextLong(0, 50_000))));
                assertEquals(Future.State.SUCCESS, w.state());
            } catch (TimeoutException e) {
                timedOutJoins++;
                // A timed-out join neither cancels nor fails the worker: it still delivers its value.
                assertEquals(v, w.join(LONG));
            }
            assertEquals(Future.State.SUCCESS, w.state());
        }
        System.out.println("join timeout vs completion: join timed out " + timedOutJoins + "/" + ROUNDS);
    }

    @Test
    void completionNeverLosesAWakeUp() throws Exception {
        // Prototype W1: a completion racing a joiner that is about to park must still wake it.
        // A lost wake-up shows as a TimeoutException after 5 s instead of a prompt return.
        for (int i = 0; i < 5 * ROUNDS; i++) {
            int v = i;
            long work = ThreadLocalRandom.current().nextLong(0, 20_000);
            Worker<Integer> w = Worker.spawn(() -> {
                TestSupport.spin(work);
                return v;
            });
            assertEquals(v, w.join(Duration.ofSeconds(5)));
            assertEquals(v, w.toCompletableFuture().get(5, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    @Test
    void shutdownNowVersusSpawnLosesNoTask() throws Exception {
        int total = 0, ranByPool = 0, handedBack = 0, rejected = 0;
        for (int round = 0; round < 1_000; round++) {
            WorkerPool pool = WorkerPool.create(2);
            int attempts = 16;
            AtomicInteger ran = new AtomicInteger();
            AtomicInteger rejectedHere = new AtomicInteger();
            List<Worker<?>> accepted = java.util.Collections.synchronizedList(new ArrayList<>());
            CountDownLatch go = new CountDownLatch(1);
            Worker<Void> spawner = Worker.run(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int k = 0; k < attempts; k++) {
                    try {
                        // Each body holds its slot ~100 µs, so a queue forms for shutdownNow to hand back.
                        if ((k & 1) == 0) {
                            accepted.add(pool.spawn(() -> {
                                ran.incrementAndGet();
                                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                                return null;
                            }));
                        } else {
                            accepted.add(pool.submit(() -> {
                                ran.incrementAndGet();
                                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
                            }));
                        }
                    } catch (RejectedExecutionException e) {
                        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
                        rejectedHere.incrementAndGet();
                    }
                }
            });
            go.countDown();
            TestSupport.spin(ThreadLocalRandom.current().nextLong(0, 150_000));
            List<Runnable> back = pool.shutdownNow();
            spawner.join(LONG);
            assertTrue(pool.awaitTermination(Duration.ofSeconds(10)), "pool did not terminate: " + pool);
            assertTrue(pool.isTerminated());
            int ranInPool = ran.get();
            for (Runnable r : back) {
                r.run(); // handed-back tasks are the real tasks: running them runs their bodies
            }
            assertEquals(attempts, accepted.size() + rejectedHere.get(), "every spawn was accepted or rejected");
            assertEquals(accepted.size(), ran.get(),
                    "every accepted task ran in the pool or was handed back — exactly once, none lost");
            for (Worker<?> w : accepted) {
                assertTrue(w.isDone(), "after termination every worker is done: " + w);
            }
            long cancelledUnstarted = accepted.stream().filter(Worker::isCancelled)
                    .filter(w -> w.cancelledException().getMessage().contains("before it started")).count();
            assertEquals(back.size(), cancelledUnstarted, "handed-back tasks and never-started workers match");
            int bodies = ranInPool + back.size();
            total += attempts;
            ranByPool += bodies - back.size();
            handedBack += back.size();
            rejected += rejectedHere.get();
        }
        assertEquals(total, ranByPool + handedBack + rejected);
        assertTrue(handedBack > 0 && rejected > 0 && ranByPool > 0, "the race was not exercised: ran "
                + ranByPool + ", handed back " + handedBack + ", rejected " + rejected);
        System.out.println("shutdownNow vs spawn: ran " + ranByPool + ", handed back " + handedBack
                + ", rejected " + rejected + " of " + total);
    }

    @Test
    void queuedCancelVersusSlotHandOff() throws Exception {
        for (int round = 0; round < 1_000; round++) {
            try (WorkerPool pool = WorkerPool.create(1)) {
                Worker<Integer> first = pool.spawn(() -> 1);
                Worker<Integer> second = pool.spawn(() -> 2);
                boolean cancelled = second.cancel();
                assertEquals(1, first.join(LONG));
                assertEquals(cancelled ? Future.State.CANCELLED : Future.State.SUCCESS,
                        joinedOutcome(second, 2));
                assertEquals(0, pool.queuedCount(), "a cancelled queued task leaves the queue");
            }
        }
    }
}
