package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static dev.vela.worker.TestSupport.millisSince;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.worker.WorkerPool.WhenFull;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * WorkerPool with a bounded queue (issue 18, part 3; docs/adr/0031): each {@link WhenFull} policy, the
 * builder's argument checks, the metrics, and a fast producer against a slow pool.
 */
@Timeout(30)
class WorkerPoolBoundedTest {

    // ---------------------------------------------------------------- BLOCK

    @Test
    void blockMakesTheSubmitterWaitUntilASlotFrees() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (var pool = bounded(1, 1, WhenFull.BLOCK)) {
            Worker<String> first = pool.spawn(() -> {
                gate.await();
                return "first";
            });
            Worker<String> queued = pool.spawn(() -> "queued");          // fills the queue
            AtomicReference<Worker<String>> third = new AtomicReference<>();
            Thread submitter = Thread.ofVirtual().start(() -> third.set(pool.spawn(() -> "third")));
            awaitBlocked(pool, submitter, 1);
            Thread.sleep(50);
            assertTrue(submitter.isAlive(), "the submitter must still wait: the queue is full");
            assertNull(third.get());
            assertEquals(1, pool.queuedCount(), "the bound holds while the submitter waits");

            gate.countDown();                                           // first returns: queued starts, room for third
            assertTrue(submitter.join(LONG), "the submitter is released when a slot frees");
            assertEquals("first", first.join(LONG));
            assertEquals("queued", queued.join(LONG));
            assertEquals("third", third.get().join(LONG), "the blocked task was accepted and ran");
            WorkerPoolMetrics m = pool.metrics();
            assertEquals(3, m.accepted());
            assertEquals(0, m.rejected());
            assertEquals(1, m.submitsBlocked());
            assertEquals(0, m.blockedSubmitters());
        }
    }

    @Test
    void blockedSubmittersAreServedInFifoOrderAndNothingIsLost() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        List<Integer> ran = Collections.synchronizedList(new ArrayList<>());
        int n = 6;
        List<Thread> submitters = new ArrayList<>();
        try (var pool = bounded(1, 1, WhenFull.BLOCK)) {
            pool.spawn(() -> {
                gate.await();
                return null;
            });
            pool.spawn(() -> ran.add(-1));                               // queue full
            for (int i = 0; i < n; i++) {
                int k = i;
                Thread t = Thread.ofVirtual().start(() -> pool.spawn(() -> ran.add(k)));
                submitters.add(t);
                awaitBlocked(pool, t, i + 1);                           // they line up in this order
            }
            gate.countDown();
            for (Thread t : submitters) {
                assertTrue(t.join(LONG));
            }
        } // close() waits for every accepted task
        List<Integer> expected = new ArrayList<>(List.of(-1));
        for (int i = 0; i < n; i++) {
            expected.add(i);
        }
        assertEquals(expected, ran, "every blocked submission ran once, in the order the submitters blocked");
    }

    @Test
    void aBlockedSubmitIsInterruptibleAndItsTaskNeverRuns() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicInteger interruptedTaskRuns = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        try (var pool = bounded(1, 1, WhenFull.BLOCK)) {
            pool.spawn(() -> {
                gate.await();
                return null;
            });
            pool.spawn(() -> 1);
            Thread victim = Thread.ofVirtual().start(() -> {
                try {
                    pool.spawn("victim-task", () -> interruptedTaskRuns.incrementAndGet());
                } catch (Throwable e) {
                    thrown.set(e);
                }
                flagAfter.set(Thread.currentThread().isInterrupted());
            });
            awaitBlocked(pool, victim, 1);
            AtomicReference<Worker<String>> behind = new AtomicReference<>();
            Thread next = Thread.ofVirtual().start(() -> behind.set(pool.spawn(() -> "behind")));
            awaitBlocked(pool, next, 2);

            long t0 = System.nanoTime();
            victim.interrupt();
            assertTrue(victim.join(LONG));
            assertTrue(millisSince(t0) < TestSupport.PROMPT.toMillis(), "the interrupt ended the wait promptly");
            RejectedExecutionException e = assertInstanceOf(RejectedExecutionException.class, thrown.get());
            assertFalse(e instanceof WorkerPoolFullException, "an interrupt is not a full-queue rejection");
            assertInstanceOf(InterruptedException.class, e.getCause());
            assertTrue(e.getMessage().contains("victim-task") && e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(flagAfter.get(), "the interrupt flag is set again");
            assertEquals(1, pool.metrics().blockedSubmitters(), "the interrupted submitter left the line");

            gate.countDown();
            assertTrue(next.join(LONG), "the submitter behind the interrupted one is served");
            assertEquals("behind", behind.get().join(LONG));
        }
        assertEquals(0, interruptedTaskRuns.get(), "the interrupted submission was not accepted");
    }

    @Test
    void anInterruptedCallerIsRejectedOnlyIfItWouldWait() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (var pool = bounded(1, 1, WhenFull.BLOCK)) {
            Thread.currentThread().interrupt();
            Worker<Object> blocker;
            try {
                blocker = pool.spawn(() -> {                            // room: accepted despite the flag
                    gate.await();
                    return null;
                });
                assertTrue(Thread.currentThread().isInterrupted());
                pool.spawn(() -> 1);                                    // room in the queue: accepted
                var e = assertThrows(RejectedExecutionException.class, () -> pool.spawn(() -> 2));
                assertInstanceOf(InterruptedException.class, e.getCause());
                assertTrue(Thread.currentThread().isInterrupted(), "flag kept");
            } finally {
                Thread.interrupted();
            }
            assertEquals(new WorkerPoolMetrics(1, 1, 0, 0, 2, 1, 0, 1, 0, 1), pool.metrics());
            gate.countDown();
            blocker.join(LONG);
        }
    }

    @Test
    void blockWithMaxWaitRejectsOnceTheWaitIsOver() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (var pool = WorkerPool.builder().name("slow-pool").parallelism(1).queueCapacity(0)
                .whenFull(WhenFull.BLOCK).maxWait(Duration.ofMillis(100)).build()) {
            pool.spawn(() -> {
                gate.await();
                return null;
            });
            long t0 = System.nanoTime();
            var e = assertThrows(WorkerPoolFullException.class, () -> pool.spawn("too-late", () -> 1));
            long waited = millisSince(t0);
            assertTrue(waited >= 100 && waited < 2_000, "waited " + waited + " ms for a maxWait of 100 ms");
            assertTrue(e.getMessage().contains("'too-late'") && e.getMessage().contains("'slow-pool'")
                    && e.getMessage().contains("stayed full for 100 ms"), e.getMessage());
            assertEquals(1, pool.metrics().rejected());
            gate.countDown();
            // Room within maxWait: accepted.
            assertEquals(2, pool.spawn(() -> 2).join(LONG));
        }
    }

    @Test
    void shutdownReleasesBlockedSubmittersWithARejection() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        var pool = bounded(1, 1, WhenFull.BLOCK);
        Worker<Integer> running = pool.spawn(() -> {
            gate.await();
            return 1;
        });
        Worker<Integer> queued = pool.spawn(() -> 2);
        Thread submitter = Thread.ofVirtual().start(() -> {
            try {
                pool.spawn(() -> 3);
            } catch (Throwable e) {
                thrown.set(e);
            }
        });
        awaitBlocked(pool, submitter, 1);
        pool.shutdown();
        assertTrue(submitter.join(LONG));
        var e = assertInstanceOf(RejectedExecutionException.class, thrown.get());
        assertFalse(e instanceof WorkerPoolFullException);
        assertTrue(e.getMessage().contains("shut down"), e.getMessage());
        gate.countDown();
        assertEquals(1, running.join(LONG));
        assertEquals(2, queued.join(LONG), "shutdown still runs what was accepted");
        assertTrue(pool.awaitTermination(LONG));
        WorkerPoolMetrics m = pool.metrics();
        assertEquals(2, m.accepted());
        assertEquals(1, m.rejected());
        assertEquals(2, m.completed());
    }

    @Test
    void cancellingAQueuedTaskMakesRoomForABlockedSubmitter() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (var pool = bounded(1, 1, WhenFull.BLOCK)) {
            pool.spawn(() -> gate.await(20, TimeUnit.SECONDS));         // outlasts the join below if no room comes
            Worker<Integer> queued = pool.spawn(() -> 1);
            AtomicReference<Worker<Integer>> admitted = new AtomicReference<>();
            Thread submitter = Thread.ofVirtual().start(() -> admitted.set(pool.spawn(() -> 2)));
            awaitBlocked(pool, submitter, 1);
            assertTrue(queued.cancel());                               // the queue shrinks: room
            assertTrue(submitter.join(LONG), "the blocked submitter took the room the cancelled task left");
            assertEquals(1, pool.queuedCount());
            gate.countDown();
            assertEquals(2, admitted.get().join(LONG));
        }
    }

    @Test
    void blockedInvokeAllSubmitsEverythingAndReturnsEveryResult() throws Exception {
        try (var pool = bounded(1, 1, WhenFull.BLOCK)) {
            List<Callable<Integer>> tasks = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                int k = i;
                tasks.add(() -> {
                    Thread.sleep(2);
                    return k;
                });
            }
            List<Integer> got = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(tasks)) {
                got.add(f.get(10, TimeUnit.SECONDS));
            }
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), got);
            assertTrue(pool.metrics().submitsBlocked() > 0, "invokeAll had to wait for room");
            assertEquals(1, pool.metrics().peakQueued());
        }
    }

    // ---------------------------------------------------------------- REJECT

    @Test
    void rejectThrowsANamedExceptionAndLosesNothingSilently() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        AtomicIntegerArray runs = new AtomicIntegerArray(6);
        var pool = WorkerPool.builder().name("reject-pool").parallelism(1).queueCapacity(2)
                .whenFull(WhenFull.REJECT).build();
        List<Worker<?>> accepted = new ArrayList<>();
        accepted.add(pool.spawn(() -> {
            gate.await();
            return runs.incrementAndGet(0);
        }));
        accepted.add(pool.spawn(() -> runs.incrementAndGet(1)));
        accepted.add(pool.spawn(() -> runs.incrementAndGet(2)));

        WorkerPoolFullException e = assertThrows(WorkerPoolFullException.class,
                () -> pool.spawn("late-1", () -> runs.incrementAndGet(3)));
        assertInstanceOf(RejectedExecutionException.class, e, "usable as an ExecutorService rejection");
        String msg = e.getMessage();
        assertTrue(msg.contains("'late-1'") && msg.contains("'reject-pool'") && msg.contains("is full")
                && msg.contains("1 running, 2 queued of 2") && msg.contains("REJECT"), msg);
        assertEquals("late-1", e.workerName());
        assertEquals("reject-pool", e.poolName());
        assertEquals(2, e.queueCapacity());
        assertThrows(WorkerPoolFullException.class, () -> pool.execute(() -> runs.incrementAndGet(4)));
        assertThrows(WorkerPoolFullException.class, () -> pool.submit(() -> runs.incrementAndGet(5)));

        WorkerPoolMetrics m = pool.metrics();
        assertEquals(1, m.running());
        assertEquals(2, m.queued());
        assertEquals(3, m.accepted());
        assertEquals(3, m.rejected());
        assertEquals(0, m.submitsBlocked(), "REJECT never waits");

        gate.countDown();
        for (Worker<?> w : accepted) {
            w.join(LONG);
        }
        pool.close();
        for (int i = 0; i < 3; i++) {
            assertEquals(1, runs.get(i), "accepted task " + i + " ran exactly once");
        }
        for (int i = 3; i < 6; i++) {
            assertEquals(0, runs.get(i), "rejected task " + i + " must not run");
        }
        m = pool.metrics();
        assertEquals(3, m.completed());
        assertEquals(6, m.accepted() + m.rejected(), "every submission counted once");
    }

    @Test
    void zeroCapacityAcceptsOnlyWhenASlotIsFree() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (var pool = bounded(2, 0, WhenFull.REJECT)) {
            pool.spawn(() -> gate.await(10, TimeUnit.SECONDS));
            pool.spawn(() -> gate.await(10, TimeUnit.SECONDS));
            assertThrows(WorkerPoolFullException.class, () -> pool.spawn(() -> 3));
            assertEquals(0, pool.queuedCount());
            gate.countDown();
        }
    }

    // ---------------------------------------------------------------- CALLER_RUNS

    @Test
    void callerRunsRunsTheTaskOnTheCallersThread() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (var pool = bounded(1, 1, WhenFull.CALLER_RUNS)) {
            Worker<Thread> pooled = pool.spawn("pooled", () -> {
                gate.await();
                return Thread.currentThread();
            });
            pool.spawn(() -> null);                                     // queue full
            AtomicReference<WorkerPoolMetrics> during = new AtomicReference<>();
            Worker<Thread> inCaller = pool.spawn("in-caller", () -> {
                during.set(pool.metrics());
                return Thread.currentThread();
            });
            assertTrue(inCaller.isDone(), "spawn returns after the task ran");
            assertSame(Thread.currentThread(), inCaller.join(LONG), "ran on the caller's thread");
            assertEquals("in-caller", inCaller.name());
            assertEquals(1, during.get().runningInCaller());
            assertEquals(1, during.get().running(), "it holds no slot");

            AtomicReference<Thread> executedOn = new AtomicReference<>();
            pool.execute(() -> executedOn.set(Thread.currentThread()));
            assertSame(Thread.currentThread(), executedOn.get(), "execute follows the policy too");

            Worker<Object> failing = pool.spawn(() -> {
                throw new IllegalStateException("boom in caller");
            });
            var f = assertThrows(WorkerFailedException.class, () -> failing.join(LONG), "not thrown from spawn");
            assertEquals("boom in caller", f.getCause().getMessage());

            WorkerPoolMetrics m = pool.metrics();
            assertEquals(3, m.ranInCaller());
            assertEquals(0, m.runningInCaller());
            assertEquals(0, m.rejected());
            gate.countDown();
            Thread t = pooled.join(LONG);
            assertTrue(t.isVirtual());
            assertEquals("pooled", t.getName(), "tasks that got a slot still run on their own thread");
        }
    }

    @Test
    void callerRunsDeadlineInterruptsTheTaskButNotTheCallerAfterwards() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        try (var pool = bounded(1, 0, WhenFull.CALLER_RUNS)) {
            pool.spawn(() -> gate.await(10, TimeUnit.SECONDS));
            // A task that ignores its interrupt: the deadline's interrupt arrives while it runs.
            Worker<Boolean> ignoring = pool.spawn(() -> {
                TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(150));
                return Thread.currentThread().isInterrupted();
            }, Duration.ofMillis(30));
            assertThrows(WorkerTimeoutException.class, () -> ignoring.join(LONG));
            assertFalse(Thread.interrupted(), "the deadline's interrupt must not outlive the task in the caller");
            // Deadlines racing the task's return: an interrupt never lands after spawn returned.
            for (int i = 0; i < 200; i++) {
                Worker<Integer> w = pool.spawn(() -> {
                    TestSupport.spin(20_000);
                    return 0;
                }, Duration.ofNanos(1 + (i % 4) * 10_000));
                assertTrue(w.isDone(), "ran in the caller");
                Thread.sleep(0, 50_000);                                 // give a late interrupt time to land
                assertFalse(Thread.interrupted(), "round " + i + ": stray interrupt on the caller");
            }
            gate.countDown();
        }
    }

    // ---------------------------------------------------------------- arguments and defaults

    @Test
    void badArgumentsAreRejectedNamingTheProblem() {
        iae("parallelism", () -> WorkerPool.builder().parallelism(0));
        iae("parallelism", () -> WorkerPool.builder().parallelism(-1));
        iae("queueCapacity", () -> WorkerPool.builder().queueCapacity(-1));
        iae("maxWait", () -> WorkerPool.builder().maxWait(Duration.ofMillis(-1)));
        iae("name", () -> WorkerPool.builder().name(" "));
        npe("whenFull", () -> WorkerPool.builder().whenFull(null));
        npe("maxWait", () -> WorkerPool.builder().maxWait(null));
        npe("name", () -> WorkerPool.builder().name(null));
        ise("parallelism", () -> WorkerPool.builder().queueCapacity(1).build());
        ise("queueCapacity", () -> WorkerPool.builder().parallelism(1).build());
        ise("bounded queue", () -> WorkerPool.builder().parallelism(1).unboundedQueue().whenFull(WhenFull.REJECT).build());
        ise("maxWait", () -> WorkerPool.builder().parallelism(1).queueCapacity(1).whenFull(WhenFull.REJECT)
                .maxWait(Duration.ofSeconds(1)).build());
        ise("maxWait", () -> WorkerPool.builder().parallelism(1).unboundedQueue().maxWait(Duration.ofSeconds(1)).build());
    }

    @Test
    void builderDefaultsAndCreateStayUnbounded() throws Exception {
        try (var pool = WorkerPool.builder().parallelism(3).queueCapacity(7).build()) {
            assertEquals(3, pool.parallelism());
            assertEquals(7, pool.queueCapacity());
            assertEquals(WhenFull.BLOCK, pool.whenFull(), "BLOCK is the builder's default policy");
            assertTrue(pool.name().startsWith("pool-"));
            assertTrue(pool.toString().contains("queueCapacity=7, whenFull=BLOCK"), pool.toString());
        }
        CountDownLatch gate = new CountDownLatch(1);
        try (var pool = WorkerPool.create(1)) {
            assertEquals(Integer.MAX_VALUE, pool.queueCapacity());
            pool.spawn(() -> gate.await(10, TimeUnit.SECONDS));
            for (int i = 0; i < 10_000; i++) {
                pool.execute(() -> { });                                // never waits, never rejected
            }
            assertEquals(10_000, pool.queuedCount());
            assertEquals(0, pool.metrics().submitsBlocked());
            gate.countDown();
        }
    }

    // ---------------------------------------------------------------- overload

    /**
     * Four producers submit as fast as they can to a 2-slot pool whose tasks take about a
     * millisecond. The queue length sampled all along, the pool's own peak, and an independent count
     * (tasks the producers saw accepted minus tasks that finished, an under-estimate of what the pool
     * holds) must all stay within the bound; the queue must really reach it (the producers were
     * faster); every accepted task runs exactly once and every submission is accounted for.
     */
    @ParameterizedTest(name = "{0}")
    @EnumSource(WhenFull.class)
    void aFastProducerAgainstASlowPoolKeepsTheQueueBounded(WhenFull policy) throws Exception {
        int parallelism = 2;
        int capacity = 16;
        int producers = 4;
        int perProducer = 150;
        var pool = bounded(parallelism, capacity, policy);
        AtomicLong acceptedSeen = new AtomicLong();
        AtomicLong finished = new AtomicLong();
        AtomicLong rejectedSeen = new AtomicLong();
        AtomicIntegerArray runs = new AtomicIntegerArray(producers * perProducer);
        AtomicInteger maxQueued = new AtomicInteger();
        AtomicLong maxInFlight = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(producers);

        Thread monitor = Thread.ofPlatform().daemon().start(() -> {
            while (done.getCount() > 0) {
                maxQueued.accumulateAndGet(pool.queuedCount(), Math::max);
                long a = acceptedSeen.get();                            // first accepted, then finished:
                long f = finished.get();                                // a - f ≤ what the pool holds
                maxInFlight.accumulateAndGet(a - f, Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
        });
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < perProducer; i++) {
                        int id = base + i;
                        try {
                            pool.execute(() -> {
                                runs.incrementAndGet(id);
                                TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(1));
                                finished.incrementAndGet();
                            });
                            acceptedSeen.incrementAndGet();
                        } catch (WorkerPoolFullException e) {
                            rejectedSeen.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        assertTrue(done.await(20, TimeUnit.SECONDS), "producers finished");
        monitor.join(LONG);
        pool.close();
        if (failure.get() != null) {
            throw new AssertionError("producer failed", failure.get());
        }

        WorkerPoolMetrics m = pool.metrics();
        long inCallerAllowance = policy == WhenFull.CALLER_RUNS ? producers : 0;
        assertTrue(maxQueued.get() <= capacity, policy + ": sampled queue length " + maxQueued + " > " + capacity);
        assertTrue(m.peakQueued() <= capacity, policy + ": peak queue length " + m.peakQueued() + " > " + capacity);
        assertTrue(maxInFlight.get() <= parallelism + capacity + inCallerAllowance,
                policy + ": " + maxInFlight + " tasks in flight, bound " + (parallelism + capacity + inCallerAllowance));
        assertEquals(capacity, m.peakQueued(), policy + ": the producers should have filled the queue");

        int total = producers * perProducer;
        assertEquals(total, acceptedSeen.get() + rejectedSeen.get());
        assertEquals(acceptedSeen.get(), m.accepted());
        assertEquals(rejectedSeen.get(), m.rejected());
        assertEquals(m.accepted(), m.completed());
        assertEquals(acceptedSeen.get(), finished.get(), "every accepted task ran");
        int ranOnce = 0;
        for (int i = 0; i < total; i++) {
            assertTrue(runs.get(i) <= 1, "task " + i + " ran " + runs.get(i) + " times");
            ranOnce += runs.get(i);
        }
        assertEquals(acceptedSeen.get(), ranOnce);
        switch (policy) {
            case BLOCK -> {
                assertEquals(total, m.accepted(), "BLOCK loses nothing");
                assertTrue(m.submitsBlocked() > 0);
            }
            case REJECT -> assertTrue(m.rejected() > 0, "REJECT refused some");
            case CALLER_RUNS -> {
                assertEquals(total, m.accepted(), "CALLER_RUNS loses nothing");
                assertTrue(m.ranInCaller() > 0);
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    private static WorkerPool bounded(int parallelism, int capacity, WhenFull policy) {
        return WorkerPool.builder().parallelism(parallelism).queueCapacity(capacity).whenFull(policy).build();
    }

    /** Waits until {@code submitter} is parked in the pool and {@code n} submitters are blocked in all. */
    private static void awaitBlocked(WorkerPool pool, Thread submitter, int n) throws InterruptedException {
        awaitTrue(() -> pool.metrics().blockedSubmitters() == n && submitter.getState() == Thread.State.WAITING,
                "submitter " + submitter + " blocked as #" + n + "; " + pool.metrics());
    }

    private static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
        long t0 = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (millisSince(t0) > 10_000) {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(1);
        }
    }

    private static void iae(String word, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(word), e.getMessage());
    }

    private static void npe(String word, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(NullPointerException.class, call);
        assertTrue(e.getMessage().contains(word), e.getMessage());
    }

    private static void ise(String word, org.junit.jupiter.api.function.Executable call) {
        var e = assertThrows(IllegalStateException.class, call);
        assertTrue(e.getMessage().contains(word), e.getMessage());
    }
}
