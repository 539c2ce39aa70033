package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static dev.vela.worker.TestSupport.millisSince;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Prototype §3.4 (test_worker_cancellation.py, 6 tests) plus idempotence (W4) and interruption (W5). */
@Timeout(30)
class WorkerCancellationTest {

    /** A 30 s sleeper; returns once its task is running (a cancel before that would skip the task). */
    private static Worker<String> sleeper(String name, CountDownLatch interrupted) throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        Worker<String> w = Worker.spawn(name, () -> {
            started.countDown();
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "finished";
        });
        assertTrue(started.await(5, TimeUnit.SECONDS), "worker did not start");
        return w;
    }

    private static void assertCancelled(Worker<?> w) {
        WorkerCancelledException e = assertThrows(WorkerCancelledException.class, () -> w.join(LONG));
        assertInstanceOf(CancellationException.class, e);
        assertEquals(w.name(), e.workerName());
        assertTrue(e.getMessage().contains("'" + w.name() + "'"), e.getMessage());
        assertEquals(Future.State.CANCELLED, w.state());
        assertTrue(w.isCancelled());
        assertTrue(w.isDone());
        assertThrows(CancellationException.class, w::get);
    }

    @Test
    void cancelBeforeCompletionInterruptsTheTask() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        Worker<String> w = sleeper("victim", interrupted);
        long t0 = System.nanoTime();
        assertTrue(w.cancel());
        assertCancelled(w);
        assertTrue(millisSince(t0) < 1_000);
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "cancel must interrupt the worker's thread");
    }

    @Test
    void cancelAlreadyCompletedWorkerReturnsFalse() throws Exception {
        Worker<Integer> w = Worker.spawn(() -> 42);
        assertEquals(42, w.join(LONG));
        assertFalse(w.cancel());
        assertFalse(w.cancel(true));
        assertEquals(Future.State.SUCCESS, w.state());
        assertEquals(42, w.join(LONG));
    }

    @Test
    void cancelMultipleWorkers() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(3);
        List<Worker<String>> ws = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ws.add(sleeper("c" + i, interrupted));
        }
        for (Worker<String> w : ws) {
            assertTrue(w.cancel());
        }
        for (Worker<String> w : ws) {
            assertCancelled(w);
        }
        assertTrue(interrupted.await(5, TimeUnit.SECONDS));
    }

    @Test
    void cancelSomeWorkersNotOthers() throws Exception {
        List<Worker<Integer>> ws = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int k = i;
            ws.add(Worker.spawn(() -> {
                Thread.sleep(k == 2 ? 30_000 : 100);
                return k * 2;
            }));
        }
        assertTrue(ws.get(1).cancel());
        assertEquals(2, ws.get(0).join(LONG));
        assertCancelled(ws.get(1));
        assertEquals(6, ws.get(2).join(LONG));
    }

    @Test
    void cancellationMessageAndIdempotence() throws Exception {
        Worker<String> w = sleeper("twice", new CountDownLatch(1));
        assertTrue(w.cancel());
        assertFalse(w.cancel(), "second cancel returns false and does not throw");
        assertFalse(w.cancel(false));
        WorkerCancelledException e = assertThrows(WorkerCancelledException.class, () -> w.join(LONG));
        assertTrue(e.getMessage().toLowerCase().contains("cancel"), e.getMessage());
        assertTrue(e.getMessage().contains("twice"), e.getMessage());
    }

    @Test
    void cancelBeforeStartNeverRunsTheTask() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean ran = new java.util.concurrent.atomic.AtomicBoolean();
        try (var pool = WorkerPool.create(1)) {
            Worker<Object> blocker = pool.spawn(() -> {
                gate.await();
                return null;
            });
            Worker<Object> queued = pool.spawn("queued", () -> {
                ran.set(true);
                return null;
            });
            assertEquals(1, pool.queuedCount());
            assertTrue(queued.cancel());
            assertEquals(0, pool.queuedCount(), "a cancelled task leaves the queue at once");
            assertCancelled(queued);
            gate.countDown();
            blocker.join(LONG);
        }
        assertFalse(ran.get(), "a task cancelled before it started must never run");
    }

    @Test
    void shutdownNowCancelsEveryPoolTask() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(2);
        CountDownLatch started = new CountDownLatch(2);
        var pool = WorkerPool.create(2);
        List<Worker<String>> running = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            running.add(pool.spawn("p" + i, () -> {
                started.countDown();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    interrupted.countDown();
                    throw e;
                }
                return "x";
            }));
        }
        Worker<String> queued = pool.spawn("queued", () -> "never");
        assertTrue(started.await(5, TimeUnit.SECONDS));
        List<Runnable> neverStarted = pool.shutdownNow();
        assertEquals(1, neverStarted.size());
        for (Worker<String> w : running) {
            assertCancelled(w);
        }
        assertCancelled(queued);
        assertTrue(queued.cancelledException().getMessage().contains("before it started"));
        assertTrue(interrupted.await(5, TimeUnit.SECONDS));
        assertTrue(pool.awaitTermination(Duration.ofSeconds(5)));
        assertFalse(running.getFirst().cancel(), "cancel after shutdownNow is a harmless no-op");
    }

    /**
     * Also the real-clock smoke test of a timed join, with generous bounds; the exact instant at which a
     * timed join gives up is checked on the virtual clock in vela-test's
     * {@code dev.vela.test.worker.WorkerDeadlineVirtualTimeTest}.
     */
    @Test
    void joinTimeoutIsNotCancellation() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Worker<String> w = Worker.spawn("patient", () -> {
            release.await();
            return "ok";
        });
        long t0 = System.nanoTime();
        TimeoutException e = assertThrows(TimeoutException.class, () -> w.join(Duration.ofMillis(50)));
        long ms = millisSince(t0);
        assertTrue(ms >= 50 && ms < 5_000, "join(50 ms) took " + ms + " ms");
        assertTrue(e.getMessage().contains("patient"), e.getMessage());
        assertEquals(Future.State.RUNNING, w.state(), "the worker keeps running");
        assertThrows(TimeoutException.class, () -> w.get(10, TimeUnit.MILLISECONDS));
        release.countDown();
        assertEquals("ok", w.join(LONG));
    }

    @Test
    void interruptedJoinThrowsAndLeavesWorkerRunning() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Worker<String> w = Worker.spawn(() -> {
            release.await();
            return "ok";
        });
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, w::join);
        assertFalse(Thread.currentThread().isInterrupted(), "flag cleared as the JDK does");
        // Interrupt while parked in join.
        Thread me = Thread.currentThread();
        Worker<Void> interrupter = Worker.run(() -> {
            TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(50));
            me.interrupt();
        });
        assertThrows(InterruptedException.class, () -> w.join(LONG));
        interrupter.join(LONG);
        assertEquals(Future.State.RUNNING, w.state());
        release.countDown();
        assertEquals("ok", w.join(LONG));
        Thread.interrupted();
    }
}
