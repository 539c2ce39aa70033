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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Prototype §3.3 (test_worker_timeout.py, 7 tests) plus what the prototype got wrong (W3): what does not
 * depend on time values, and one real-clock smoke test. The timing of deadlines (a deadline fires at
 * exactly its instant, join returns at the deadline while a stubborn task runs on, several deadlines,
 * a disarmed deadline, a pool deadline counted from the task's start, timed joins) is checked at exact
 * virtual instants in vela-test's {@code dev.vela.test.worker.WorkerDeadlineVirtualTimeTest} (vela-core's
 * tests cannot depend on vela-test: vela-test depends on vela-core).
 */
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

    /**
     * The one real-clock smoke test of a worker deadline (the deadline timer thread, a real interrupt),
     * with generous bounds; the exact instants are checked on the virtual clock.
     */
    @Test
    void onTheRealClockAWorkerPastItsDeadlineIsInterruptedAndFailsWithAMessageNamingItAndTheDeadline() throws Exception {
        CountDownLatch interrupted = new CountDownLatch(1);
        long t0 = System.nanoTime();
        Worker<String> w = Worker.spawn("my-slow-worker", () -> {
            try {
                Thread.sleep(30_000);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
            return "late";
        }, Duration.ofMillis(50));
        WorkerTimeoutException e = missed(w);
        long ms = millisSince(t0);
        assertTrue(ms >= 50 && ms < 5_000, "join returned after " + ms + " ms for a 50 ms deadline");
        assertTrue(interrupted.await(5, TimeUnit.SECONDS), "the task was not interrupted");
        assertTrue(e.getMessage().contains("my-slow-worker"), e.getMessage());
        assertEquals("worker 'my-slow-worker' missed its deadline of 50 ms", e.getCause().getMessage());
        ExecutionException ee = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
        assertInstanceOf(TimeoutException.class, ee.getCause());
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
}
