package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static dev.vela.worker.TestSupport.millisSince;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Prototype §3.3 (test_worker_timeout.py, 7 tests) plus what the prototype got wrong (W3). */
@Timeout(30)
class WorkerDeadlineTest {

    private static WorkerTimeoutException missed(Worker<?> w) {
        WorkerTimeoutException e = assertThrows(WorkerTimeoutException.class, () -> w.join(LONG));
        assertEquals(w.name(), e.workerName());
        assertTrue(e.getMessage().contains("'" + w.name() + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("deadline"), e.getMessage());
        assertInstanceOf(TimeoutException.class, e.getCause());
        assertEquals(Future.State.FAILED, w.state());
        assertInstanceOf(TimeoutException.class, w.exceptionNow());
        return e;
    }

    @Test
    void workerCompletesWithinDeadline() throws Exception {
        Worker<String> w = Worker.spawn(() -> {
            Thread.sleep(50);
            return "done";
        }, Duration.ofSeconds(5));
        assertEquals("done", w.join(LONG));
        assertEquals(Future.State.SUCCESS, w.state());
    }

    @Test
    void workerExceedsDeadlineAndIsInterruptedAtTheDeadline() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        long t0 = System.nanoTime();
        Worker<String> w = Worker.spawn("sleeper", () -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "late";
        }, Duration.ofMillis(100));
        missed(w);
        long ms = millisSince(t0);
        assertTrue(ms >= 95 && ms < 1_100, "join returned after " + ms + " ms for a 100 ms deadline");
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the task was not interrupted");
    }

    @Test
    void veryShortDeadline() {
        Worker<Object> w = Worker.spawn(() -> {
            Thread.sleep(10_000);
            return null;
        }, Duration.ofNanos(1_000));
        missed(w);
        Worker<Object> zero = Worker.spawn(() -> {
            Thread.sleep(10_000);
            return null;
        }, Duration.ZERO);
        missed(zero);
    }

    @Test
    void immediateReturnBeatsDeadline() throws Exception {
        Worker<Integer> w = Worker.spawn(() -> 42, Duration.ofMillis(100));
        assertEquals(42, w.join(LONG));
        Thread.sleep(150); // the (disarmed) deadline passes: the outcome must not change
        assertEquals(Future.State.SUCCESS, w.state());
        assertEquals(42, w.join(LONG));
    }

    @Test
    void multipleWorkersDifferentDeadlines() throws Exception {
        Worker<String> a = Worker.spawn("a", () -> {
            Thread.sleep(50);
            return "slept 0.05s";
        }, Duration.ofSeconds(5));
        Worker<String> b = Worker.spawn("b", () -> {
            Thread.sleep(10_000);
            return "never";
        }, Duration.ofMillis(100));
        Worker<String> c = Worker.spawn("c", () -> {
            Thread.sleep(100);
            return "slept 0.1s";
        }, Duration.ofSeconds(5));
        assertEquals("slept 0.05s", a.join(LONG));
        assertTrue(missed(b).getMessage().contains("'b'"));
        assertEquals("slept 0.1s", c.join(LONG));
    }

    @Test
    void noDeadlineMeansNoTimeout() throws Exception {
        Worker<String> w = Worker.spawn(() -> {
            Thread.sleep(200);
            return "completed";
        });
        assertEquals("completed", w.join(LONG));
    }

    @Test
    void timeoutMessageNamesWorkerAndDeadline() {
        Worker<Object> w = Worker.spawn("my-slow-worker", () -> {
            Thread.sleep(10_000);
            return null;
        }, Duration.ofMillis(50));
        WorkerTimeoutException e = missed(w);
        assertTrue(e.getMessage().contains("my-slow-worker"), e.getMessage());
        assertTrue(e.getMessage().contains("50 ms"), e.getMessage());
        ExecutionException ee = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, ee.getCause());
    }

    @Test
    void joinReturnsAtDeadlineEvenIfTaskIgnoresInterruptAndLateResultIsDiscarded() throws Exception {
        CountDownLatch taskEnded = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        long t0 = System.nanoTime();
        Worker<String> w = Worker.spawn("stubborn", () -> {
            TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(600));
            sawInterrupt.set(Thread.currentThread().isInterrupted());
            taskEnded.countDown();
            return "late result";
        }, Duration.ofMillis(100));
        missed(w);
        long ms = millisSince(t0);
        assertTrue(ms < 500, "join must return at the deadline, not when the task ends; took " + ms + " ms");
        assertTrue(taskEnded.await(5, TimeUnit.SECONDS));
        assertTrue(sawInterrupt.get(), "the task was interrupted at the deadline");
        Thread.sleep(20);
        missed(w); // still timed out: the late result was discarded
        assertThrows(IllegalStateException.class, w::resultNow);
    }

    @Test
    void deadlineCountsFromStartNotFromSpawnInAPool() throws Exception {
        try (var pool = WorkerPool.create(1)) {
            Worker<String> first = pool.spawn(() -> {
                Thread.sleep(400);
                return "first";
            });
            // Queued for ~400 ms, then runs 50 ms: a 250 ms deadline counted from spawn would fail it.
            Worker<String> queued = pool.spawn("queued", () -> {
                Thread.sleep(50);
                return "second";
            }, Duration.ofMillis(250));
            assertEquals("first", first.join(LONG));
            assertEquals("second", queued.join(LONG));
            // And a queued task that really overruns does time out, measured from its start.
            Worker<String> overrun = pool.spawn("overrun", () -> {
                Thread.sleep(10_000);
                return "x";
            }, Duration.ofMillis(100));
            missed(overrun);
        }
    }
}
