package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static dev.vela.worker.TestSupport.millisSince;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Prototype §3.1 (test_worker_spawn.py, 19 tests), in spirit, with stronger assertions. */
@Timeout(30)
class WorkerSpawnTest {

    // ---- TestWorkerSpawn (prototype 1–10)
    @Test
    void spawnSimpleWorker() throws Exception {
        Worker<Integer> w = Worker.spawn(() -> 42);
        assertEquals(42, w.join(LONG));
        assertEquals(Future.State.SUCCESS, w.state());
        assertTrue(w.isDone());
        assertEquals(42, w.resultNow());
    }

    @Test
    void spawnWorkerWithComputation() throws Exception {
        assertEquals(4950, Worker.spawn(() -> IntStream.range(0, 100).sum()).join(LONG));
    }

    @Test
    void spawnWorkerWithSleepRunsOnItsOwnVirtualThread() throws Exception {
        Thread caller = Thread.currentThread();
        long t0 = System.nanoTime();
        Worker<Thread> w = Worker.spawn(() -> {
            Thread.sleep(100);
            return Thread.currentThread();
        });
        assertEquals(Future.State.RUNNING, w.state());
        Thread t = w.join(LONG);
        assertTrue(millisSince(t0) >= 100, "join returned before the task's sleep ended");
        assertTrue(t.isVirtual(), "worker must run on a virtual thread");
        assertNotSame(caller, t);
        assertEquals(w.name(), t.getName(), "thread is named after the worker");
    }

    @Test
    void spawnMultipleWorkersSequential() throws Exception {
        List<Worker<Integer>> ws = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            int k = n;
            ws.add(Worker.spawn(() -> k * 2));
        }
        List<Integer> got = new ArrayList<>();
        for (Worker<Integer> w : ws) {
            got.add(w.join(LONG));
        }
        assertEquals(List.of(2, 4, 6), got);
        assertEquals(3, ws.stream().map(Worker::name).distinct().count(), "default names are unique");
    }

    @Test
    void spawnWorkerWithClosureCapture() throws Exception {
        int x = 10, y = 20;
        assertEquals(30, Worker.spawn(() -> x + y).join(LONG));
    }

    @Test
    void spawnWorkerWithComplexClosure() throws Exception {
        List<Integer> data = List.of(1, 2, 3, 4, 5);
        assertEquals(45, Worker.spawn(() -> data.stream().mapToInt(i -> i * 3).sum()).join(LONG));
    }

    @Test
    void spawnWorkerReturnsNull() throws Exception {
        Worker<Object> w = Worker.spawn(() -> null);
        assertNull(w.join(LONG));
        assertEquals(Future.State.SUCCESS, w.state(), "null is a valid result, not a failure");
        Worker<Void> r = Worker.run(() -> { });
        assertNull(r.join(LONG));
        assertEquals(Future.State.SUCCESS, r.state());
    }

    @Test
    void spawnWorkerReturnsRecord() throws Exception {
        record Triple(int a, int b, int c) { }
        assertEquals(new Triple(1, 2, 3), Worker.spawn(() -> new Triple(1, 2, 3)).join(LONG));
    }

    @Test
    void spawnWorkerReturnsMap() throws Exception {
        assertEquals(Map.of("key", "value", "number", 42),
                Worker.spawn(() -> Map.of("key", "value", "number", 42)).join(LONG));
    }

    @Test
    void namedWorkerNamesItsThread() throws Exception {
        Worker<String> w = Worker.spawn("my-worker", () -> Thread.currentThread().getName());
        assertEquals("my-worker", w.name());
        assertEquals("my-worker", w.join(LONG));
        assertTrue(w.toString().contains("my-worker"));
        Worker<String> d = Worker.spawn(() -> Thread.currentThread().getName());
        assertTrue(d.name().matches("worker-\\d+"), d.name());
        assertEquals(d.name(), d.join(LONG));
        Worker<String> r = Worker.spawn("runner", () -> Thread.currentThread().getName());
        assertEquals("runner", r.join(LONG));
    }

    // ---- TestWorkerSpawnAll (prototype 11–14)
    @Test
    void spawnAllEmptyList() throws Exception {
        Worker<List<Integer>> all = Worker.spawnAll(List.<Callable<Integer>>of());
        assertEquals(List.of(), all.join(LONG));
        assertEquals(Future.State.SUCCESS, all.state());
    }

    @Test
    void spawnAllSingleWorker() throws Exception {
        assertEquals(List.of(42), Worker.spawnAll(List.of(() -> 42)).join(LONG));
    }

    @Test
    void spawnAllKeepsInputOrderEvenWhenFinishingInReverse() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            int k = i;
            tasks.add(() -> {
                Thread.sleep(20L * (5 - k)); // the first finishes last
                return k * 2;
            });
        }
        assertEquals(List.of(2, 4, 6, 8), Worker.spawnAll(tasks).join(LONG));
    }

    @Test
    void spawnAllRunsInParallel() throws Exception {
        int n = 4;
        CountDownLatch allStarted = new CountDownLatch(n);
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            tasks.add(() -> {
                allStarted.countDown();
                // Only completes if all n run at the same time.
                assertTrue(allStarted.await(5, TimeUnit.SECONDS), "tasks did not run concurrently");
                Thread.sleep(100);
                return k;
            });
        }
        long t0 = System.nanoTime();
        assertEquals(List.of(0, 1, 2, 3), Worker.spawnAll(tasks).join(LONG));
        assertTrue(millisSince(t0) < 2_000, "4 × 100 ms in parallel took " + millisSince(t0) + " ms");
    }

    // ---- TestWorkerPool (prototype 15–19; there is no global pool to configure)
    @Test
    void poolsAreIndependentAndReportTheirParallelism() throws Exception {
        try (var a = WorkerPool.create(2); var b = WorkerPool.create(3)) {
            assertNotSame(a, b);
            assertEquals(2, a.parallelism());
            assertEquals(3, b.parallelism());
            a.shutdown();
            assertTrue(a.isShutdown());
            assertFalse(b.isShutdown(), "shutting one pool down must not affect another");
            assertEquals(7, b.spawn(() -> 7).join(LONG));
        }
    }

    @Test
    void poolRunsAtMostParallelismTasksAtOnce() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxSeen = new AtomicInteger();
        try (var pool = WorkerPool.create(2)) {
            List<Worker<Integer>> ws = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                ws.add(pool.spawn(() -> {
                    maxSeen.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(20);
                    running.decrementAndGet();
                    return 1;
                }));
            }
            assertEquals(8, Worker.joinAll(ws).stream().mapToInt(Integer::intValue).sum());
        }
        assertEquals(2, maxSeen.get(), "exactly 2 tasks should have overlapped");
    }

    @Test
    void createRejectsParallelismBelowOne() {
        var e = assertThrows(IllegalArgumentException.class, () -> WorkerPool.create(0));
        assertTrue(e.getMessage().contains("parallelism"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> WorkerPool.create(-3));
    }

    @Test
    void queuedTasksStartInFifoOrder() throws Exception {
        List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch gate = new CountDownLatch(1);
        try (var pool = WorkerPool.create(1)) {
            Worker<Void> blocker = pool.spawn(() -> {
                gate.await();
                return null;
            });
            List<Worker<Integer>> ws = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                int k = i;
                ws.add(pool.spawn(() -> {
                    order.add(k);
                    return k;
                }));
            }
            assertEquals(20, pool.queuedCount());
            gate.countDown();
            blocker.join(LONG);
            Worker.joinAll(ws);
        }
        assertEquals(IntStream.range(0, 20).boxed().toList(), order);
    }

    @Test
    void poolActiveAndQueuedCounts() throws Exception {
        try (var pool = WorkerPool.create(2)) {
            assertEquals(0, pool.activeCount());
            CountDownLatch started = new CountDownLatch(2);
            CountDownLatch release = new CountDownLatch(1);
            List<Worker<String>> ws = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ws.add(pool.spawn(() -> {
                    started.countDown();
                    release.await();
                    return Thread.currentThread().getName();
                }));
            }
            assertTrue(started.await(5, TimeUnit.SECONDS));
            assertEquals(2, pool.activeCount());
            assertEquals(1, pool.queuedCount());
            release.countDown();
            for (Worker<String> w : ws) {
                assertEquals(w.name(), w.join(LONG));
            }
            // No racy bookkeeping (prototype W6): a slot is released before join() returns.
            assertEquals(0, pool.activeCount());
            assertEquals(0, pool.queuedCount());
        }
    }

    @Test
    void workerIsAFutureAndACompletableFuture() throws Exception {
        Worker<Integer> w = Worker.spawn(() -> 5);
        assertEquals(5, w.get(10, TimeUnit.SECONDS));
        assertEquals(5, w.get());
        assertEquals(6, w.toCompletableFuture().thenApply(x -> x + 1).get(10, TimeUnit.SECONDS));
        long t0 = System.nanoTime();
        Worker<Integer> slow = Worker.spawn(() -> {
            Thread.sleep(60_000);
            return 1;
        });
        var cf = slow.toCompletableFuture();
        assertTrue(cf.cancel(true));
        assertThrows(WorkerCancelledException.class, () -> slow.join(LONG),
                "cancelling the CompletableFuture cancels the worker");
        assertTrue(millisSince(t0) < 5_000);
    }
}
