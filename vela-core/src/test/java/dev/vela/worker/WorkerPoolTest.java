package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WorkerPool: limits, shutdown semantics (prototype W7, W8), ExecutorService compatibility. */
@Timeout(30)
class WorkerPoolTest {

    @Test
    void spawnAfterShutdownIsRejectedWithAClearMessage() throws Exception {
        var pool = WorkerPool.create(1);
        pool.shutdown();
        var e = assertThrows(RejectedExecutionException.class, () -> pool.spawn("late", () -> 1));
        assertTrue(e.getMessage().contains("late") && e.getMessage().contains("shut down"), e.getMessage());
        assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
        assertTrue(pool.awaitTermination(Duration.ofSeconds(5)));
        assertTrue(pool.isTerminated());
    }

    @Test
    void shutdownLetsQueuedTasksRun() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        var pool = WorkerPool.create(1);
        Worker<Integer> running = pool.spawn(() -> {
            gate.await();
            return 1;
        });
        Worker<Integer> queued = pool.spawn(() -> 2);
        pool.shutdown();
        assertTrue(pool.isShutdown());
        assertFalse(pool.awaitTermination(Duration.ofMillis(50)), "must not terminate while work remains");
        gate.countDown();
        assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        assertEquals(1, running.join(LONG));
        assertEquals(2, queued.join(LONG), "shutdown() must not drop queued tasks");
    }

    @Test
    void shutdownNowReturnsNeverStartedTasksInOrder() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        var pool = WorkerPool.create(1);
        Worker<Object> running = pool.spawn(() -> {
            started.countDown();
            Thread.sleep(30_000);
            return null;
        });
        List<Runnable> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Runnable r = () -> { };
            mine.add(r);
            pool.execute(r);
        }
        assertTrue(started.await(5, TimeUnit.SECONDS));
        List<Runnable> back = pool.shutdownNow();
        assertEquals(mine, back, "the caller's own Runnables come back, in FIFO order");
        assertThrows(WorkerCancelledException.class, () -> running.join(LONG));
        assertTrue(pool.awaitTermination(Duration.ofSeconds(5)));
        assertEquals(0, pool.activeCount());
        assertEquals(0, pool.queuedCount());
    }

    @Test
    void closeWaitsForEveryAcceptedTask() {
        AtomicInteger done = new AtomicInteger();
        var pool = WorkerPool.create(2);
        for (int i = 0; i < 10; i++) {
            pool.spawn(() -> {
                Thread.sleep(10);
                return done.incrementAndGet();
            });
        }
        pool.close();
        assertEquals(10, done.get());
        assertTrue(pool.isTerminated());
        pool.close(); // idempotent
    }

    @Test
    void worksAsAnExecutorService() throws Exception {
        try (ExecutorService ex = WorkerPool.create(3)) {
            List<Callable<String>> tasks = List.of(() -> "a", () -> "b", () -> "c", () -> "d");
            List<String> got = new ArrayList<>();
            for (Future<String> f : ex.invokeAll(tasks)) {
                got.add(f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(List.of("a", "b", "c", "d"), got);
            assertTrue(List.of("a", "b").contains(ex.invokeAny(List.of(() -> "a", () -> "b"))));
            Future<?> f = ex.submit(() -> { });
            assertNull(f.get(10, TimeUnit.SECONDS));
            assertEquals("r", ex.submit(() -> { }, "r").get(10, TimeUnit.SECONDS));
            assertInstanceOf(Worker.class, f, "submit returns a Worker");
        }
    }

    @Test
    void executeReportsFailuresToTheUncaughtExceptionHandler() throws Exception {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        CountDownLatch reported = new CountDownLatch(1);
        Thread.UncaughtExceptionHandler old = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            seen.set(e);
            reported.countDown();
        });
        try (var pool = WorkerPool.create(1)) {
            pool.execute(() -> {
                throw new IllegalStateException("from execute");
            });
            assertTrue(reported.await(5, TimeUnit.SECONDS));
            assertEquals("from execute", seen.get().getMessage());
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(old);
        }
    }

    @Test
    void poolTasksRunOnNamedVirtualThreads() throws Exception {
        try (var pool = WorkerPool.create(1)) {
            Worker<Thread> w = pool.spawn("pooled", Thread::currentThread);
            Thread t = w.join(LONG);
            assertTrue(t.isVirtual());
            assertEquals("pooled", t.getName());
        }
    }

    @Test
    void cancelledTaskReleasesItsSlotWhenItsCodeReturns() throws Exception {
        try (var pool = WorkerPool.create(1)) {
            Worker<Object> stuck = pool.spawn(() -> {
                Thread.sleep(30_000);
                return null;
            });
            Worker<String> next = pool.spawn(() -> "next");
            assertTrue(stuck.cancel());
            assertEquals("next", next.join(LONG), "the interrupted task gave its slot to the next one");
        }
    }
}
