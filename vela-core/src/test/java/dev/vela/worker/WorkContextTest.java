package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Channel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Context propagation (docs/adr/0036): every way work moves to another thread — spawn, scope child,
 * pool task, race, spawnAll — runs it with the registered scoped values and carriers of the code that
 * handed it over; what is not registered is not carried. Every test closes its registrations, so none
 * leaks into the next (the registry is global).
 */
@Timeout(30)
class WorkContextTest {
    private static final ScopedValue<String> REQUEST = ScopedValue.newInstance();
    private static final ScopedValue<String> TENANT = ScopedValue.newInstance();
    /** Never registered: the JDK gives no way to carry it. */
    private static final ScopedValue<String> UNREGISTERED = ScopedValue.newInstance();

    /** What REQUEST is on the calling thread, "unbound" when it is not bound. */
    private static String request() {
        return REQUEST.isBound() ? REQUEST.get() : "unbound";
    }

    private static <T> T with(ScopedValue<String> key, String value, Callable<T> body) throws Exception {
        return ScopedValue.where(key, value).call(body::call);
    }

    // ------------------------------------------------------------------ the ways in

    @Test
    void spawnRunsWithTheSpawnersBinding() throws Exception {
        try (var reg = WorkContext.propagate(REQUEST)) {
            Worker<String> w = with(REQUEST, "r-1", () -> Worker.spawn(WorkContextTest::request));
            assertEquals("r-1", w.join(LONG));
            Worker<String> named = with(REQUEST, "r-2", () -> Worker.spawn("named", WorkContextTest::request, Duration.ofSeconds(10)));
            assertEquals("r-2", named.join(LONG));
            AtomicReference<String> seen = new AtomicReference<>();
            with(REQUEST, "r-3", () -> Worker.run(() -> seen.set(request()))).join(LONG);
            assertEquals("r-3", seen.get());
            assertEquals("unbound", request(), "the spawner's own binding ended with its scope");
        }
    }

    @Test
    void theBindingIsTheOneAtSpawnNotALaterOne() throws Exception {
        try (var reg = WorkContext.propagate(REQUEST)) {
            CountDownLatch go = new CountDownLatch(1);
            Worker<String> w = with(REQUEST, "at-spawn", () -> Worker.spawn(() -> {
                assertTrue(go.await(10, TimeUnit.SECONDS));
                return request();
            }));
            with(REQUEST, "later", () -> {
                go.countDown();                              // the worker reads after the spawner rebound
                return null;
            });
            assertEquals("at-spawn", w.join(LONG));
        }
    }

    @Test
    void scopeChildrenRunWithTheForkersBinding() throws Exception {
        try (var reg = WorkContext.propagate(REQUEST)) {
            List<String> seen = with(REQUEST, "scoped", () -> {
                try (var scope = Scope.open()) {
                    var a = scope.spawn(WorkContextTest::request);
                    var b = scope.spawn("b", WorkContextTest::request);
                    var c = ScopedValue.where(REQUEST, "inner").call(() -> scope.spawn(WorkContextTest::request));
                    scope.join();
                    return List.of(a.resultNow(), b.resultNow(), c.resultNow());
                }
            });
            assertEquals(List.of("scoped", "scoped", "inner"), seen);
        }
    }

    @Test
    void poolTasksRunWithTheSubmittersBindingEvenWhenQueued() throws Exception {
        try (var reg = WorkContext.propagate(REQUEST); var pool = WorkerPool.create(1)) {
            CountDownLatch release = new CountDownLatch(1);
            Worker<?> blocker = pool.spawn(() -> release.await(10, TimeUnit.SECONDS));
            Worker<String> queued = with(REQUEST, "queued", () -> pool.spawn(WorkContextTest::request));
            Future<String> submitted = with(REQUEST, "submitted", () -> pool.submit(WorkContextTest::request));
            AtomicReference<String> executed = new AtomicReference<>();
            CountDownLatch ran = new CountDownLatch(1);
            with(REQUEST, "executed", () -> {
                pool.execute(() -> {
                    executed.set(request());
                    ran.countDown();
                });
                return null;
            });
            assertEquals(3, pool.queuedCount(), "the tasks waited in the queue, captured at submit");
            release.countDown();
            blocker.join(LONG);
            assertEquals("queued", queued.join(LONG));
            assertEquals("submitted", submitted.get(10, TimeUnit.SECONDS));
            assertTrue(ran.await(10, TimeUnit.SECONDS));
            assertEquals("executed", executed.get());
            List<Callable<String>> tasks = List.of(WorkContextTest::request, WorkContextTest::request);
            List<Future<String>> all = with(REQUEST, "invokeAll", () -> pool.invokeAll(tasks, 10, TimeUnit.SECONDS));
            for (Future<String> f : all) {
                assertEquals("invokeAll", f.get(10, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void callerRunsTasksSeeTheSubmittersBindingAndLeaveTheCallersCarrierStateAlone() throws Exception {
        ThreadLocal<String> local = new ThreadLocal<>();
        var carrier = new ThreadLocalCarrier(local);
        try (var r1 = WorkContext.propagate(REQUEST); var r2 = WorkContext.register(carrier);
             var pool = WorkerPool.builder().parallelism(1).queueCapacity(0).whenFull(WorkerPool.WhenFull.CALLER_RUNS).build()) {
            CountDownLatch release = new CountDownLatch(1);
            Worker<?> blocker = pool.spawn(() -> release.await(10, TimeUnit.SECONDS));
            try {
                local.set("caller");
                Worker<String> inCaller = with(REQUEST, "caller-runs", () -> pool.spawn(() -> {
                    String s = request() + "/" + local.get() + "/" + Thread.currentThread().getName();
                    local.set("changed by the task");
                    return s;
                }));
                assertEquals("caller-runs/caller/" + Thread.currentThread().getName(), inCaller.join(LONG));
                assertEquals("caller", local.get(), "the task's change to the carrier's state was undone");
            } finally {
                release.countDown();
            }
            blocker.join(LONG);
        } finally {
            local.remove();
        }
    }

    @Test
    void raceMembersRunWithTheRacersBinding() throws Exception {
        try (var reg = WorkContext.propagate(REQUEST)) {
            String winner = with(REQUEST, "raced", () -> Worker.race(
                    () -> {
                        Thread.sleep(10_000);
                        return "slow";
                    },
                    () -> "fast:" + request()));
            assertEquals("fast:raced", winner);
            WorkerFailedException all = with(REQUEST, "failing", () -> assertThrows(WorkerFailedException.class,
                    () -> Worker.race(() -> { throw new IllegalStateException(request()); })));
            assertEquals("failing", all.getCause().getMessage());
        }
    }

    @Test
    void spawnAllMembersRunWithTheSpawnersBinding() throws Exception {
        try (var reg = WorkContext.propagate(REQUEST)) {
            Worker<List<String>> all = with(REQUEST, "group",
                    () -> Worker.spawnAll(List.of(WorkContextTest::request, WorkContextTest::request)));
            assertEquals(List.of("group", "group"), all.join(LONG));
        }
    }

    @Test
    void nestedSpawnsCarryTheBindingTwoLevelsDeepAndInnerRebindingsWin() throws Exception {
        try (var r1 = WorkContext.propagate(REQUEST); var r2 = WorkContext.propagate(TENANT)) {
            String seen = ScopedValue.where(REQUEST, "outer").where(TENANT, "acme").call(() ->
                    Worker.spawn(() -> {                                    // level 1
                        Worker<String> level2 = Worker.spawn(() ->           // level 2, from the worker
                                Worker.spawn(() -> request() + "/" + TENANT.get()).join(LONG));
                        Worker<String> rebound = ScopedValue.where(REQUEST, "inner").call(() ->
                                Worker.spawn(() -> Worker.spawn(() -> request() + "/" + TENANT.get()).join(LONG)));
                        return level2.join(LONG) + " " + rebound.join(LONG);
                    }).join(LONG));
            assertEquals("outer/acme inner/acme", seen);
        }
    }

    // ------------------------------------------------------------------ what is and is not carried

    @Test
    void aKeyUnboundAtSpawnStaysUnboundAndNullIsCarriedAsNull() throws Exception {
        try (var r1 = WorkContext.propagate(REQUEST); var r2 = WorkContext.propagate(TENANT)) {
            String seen = with(TENANT, "acme", () -> Worker.spawn(() -> request() + "/" + TENANT.get()).join(LONG));
            assertEquals("unbound/acme", seen);
            Boolean nullCarried = ScopedValue.where(REQUEST, (String) null).call(() ->
                    Worker.spawn(() -> REQUEST.isBound() && REQUEST.get() == null).join(LONG));
            assertTrue(nullCarried, "a key bound to null is bound to null in the worker");
        }
    }

    @Test
    void aKeyThatIsNotRegisteredIsNotCarried() throws Exception {
        try (var reg = WorkContext.propagate(REQUEST)) {
            Boolean bound = with(UNREGISTERED, "x", () -> Worker.spawn(UNREGISTERED::isBound).join(LONG));
            assertFalse(bound, "the JDK gives no snapshot of every binding: only registered keys travel");
        }
    }

    @Test
    void aChannelCarriesValuesNotTheSendersContext() throws Exception {
        try (var reg = WorkContext.propagate(REQUEST)) {
            Channel<String> ch = Channel.bounded(1);
            Worker<String> receiver = Worker.spawn(() -> ch.receiver().receive() + " read in " + request());
            with(REQUEST, "sender", () -> {
                ch.sender().send("hello");
                return null;
            });
            assertEquals("hello read in unbound", receiver.join(LONG));
        }
    }

    @Test
    void closingTheRegistrationStopsPropagationButNotWorkAlreadyHandedOver() throws Exception {
        var reg = WorkContext.propagate(REQUEST);
        WorkContext.Snapshot before;
        try {
            before = with(REQUEST, "kept", WorkContext::capture);
            assertEquals("on", with(REQUEST, "on", () -> Worker.spawn(WorkContextTest::request)).join(LONG));
        } finally {
            reg.close();
        }
        reg.close();                                          // idempotent
        assertEquals("unbound", with(REQUEST, "off", () -> Worker.spawn(WorkContextTest::request)).join(LONG));
        assertEquals("kept", before.call(WorkContextTest::request), "a snapshot keeps what it captured");
    }

    @Test
    void aKeyRegisteredTwiceIsCarriedUntilBothRegistrationsAreClosed() throws Exception {
        var first = WorkContext.propagate(REQUEST);
        var second = WorkContext.propagate(REQUEST);
        try {
            first.close();
            assertEquals("still", with(REQUEST, "still", () -> Worker.spawn(WorkContextTest::request)).join(LONG));
            WorkContext.Snapshot s = with(REQUEST, "once", WorkContext::capture);
            assertEquals("WorkContext.Snapshot[1 key bound, 0 carriers]", s.toString(), "carried once, not twice");
        } finally {
            first.close();
            second.close();
        }
        assertEquals("unbound", with(REQUEST, "gone", () -> Worker.spawn(WorkContextTest::request)).join(LONG));
    }

    @Test
    void captureWithNothingRegisteredReturnsTheSharedEmptySnapshot() throws Exception {
        WorkContext.Snapshot a = with(REQUEST, "x", WorkContext::capture);
        WorkContext.Snapshot b = WorkContext.capture();
        assertSame(WorkContext.Snapshot.EMPTY, a);
        assertSame(a, b);
        assertTrue(a.isEmpty());
        Runnable r = () -> { };
        Callable<String> c = () -> "c";
        assertSame(r, a.wrap(r), "an empty snapshot wraps nothing");
        assertSame(c, a.wrap(c));
        try (var reg = WorkContext.propagate(REQUEST)) {
            assertSame(WorkContext.Snapshot.EMPTY, WorkContext.capture(), "registered but unbound: still nothing to carry");
            WorkContext.Snapshot bound = with(REQUEST, "x", WorkContext::capture);
            assertNotSame(WorkContext.Snapshot.EMPTY, bound);
            assertFalse(bound.isEmpty());
        }
        assertSame(WorkContext.Snapshot.EMPTY, with(REQUEST, "x", WorkContext::capture), "after close, nothing again");
    }

    // ------------------------------------------------------------------ carriers

    /** A carrier over one ThreadLocal that records every attach and restore with its thread. */
    private static final class ThreadLocalCarrier implements ContextCarrier {
        final ThreadLocal<String> local;
        final List<String> log = Collections.synchronizedList(new ArrayList<>());

        ThreadLocalCarrier(ThreadLocal<String> local) {
            this.local = local;
        }

        @Override
        public Object capture() {
            return local.get();
        }

        @Override
        public Restorer attach(Object captured) {
            String previous = local.get();
            log.add("attach " + captured + " over " + previous + " on " + Thread.currentThread().getName());
            local.set((String) captured);
            return () -> {
                log.add("restore " + previous + " on " + Thread.currentThread().getName());
                local.set(previous);
            };
        }
    }

    @Test
    void aCarrierIsAttachedBeforeTheWorkAndRestoredAfterItOnTheWorkersThread() throws Exception {
        ThreadLocal<String> mdc = new ThreadLocal<>();
        var carrier = new ThreadLocalCarrier(mdc);
        try (var reg = WorkContext.register(carrier)) {
            mdc.set("trace-7");
            Worker<String> w = Worker.spawn("traced", mdc::get);
            assertEquals("trace-7", w.join(LONG));
            w.thread().join(Duration.ofSeconds(10));        // the restore runs after the task, before the thread ends
            assertEquals(List.of("attach trace-7 over null on traced", "restore null on traced"), carrier.log);
        } finally {
            mdc.remove();
        }
    }

    @Test
    void applyingASnapshotOnAThreadWithItsOwnStateRestoresThatState() throws Exception {
        ThreadLocal<String> mdc = new ThreadLocal<>();
        var carrier = new ThreadLocalCarrier(mdc);
        try (var r1 = WorkContext.register(carrier); var r2 = WorkContext.propagate(REQUEST)) {
            mdc.set("captured");
            WorkContext.Snapshot s = with(REQUEST, "req", WorkContext::capture);
            mdc.remove();
            ExecutorService plain = Executors.newSingleThreadExecutor(r -> new Thread(r, "plain"));
            try {
                Future<String> f = plain.submit(() -> {
                    mdc.set("the thread's own");
                    String during = s.call(() -> mdc.get() + "/" + request());
                    return during + " then " + mdc.get() + "/" + request();
                });
                assertEquals("captured/req then the thread's own/unbound", f.get(10, TimeUnit.SECONDS));
            } finally {
                plain.shutdownNow();
                assertTrue(plain.awaitTermination(10, TimeUnit.SECONDS));
            }
        } finally {
            mdc.remove();
        }
    }

    @Test
    void aPropagatingExecutorCapturesAtExecute() throws Exception {
        ExecutorService plain = Executors.newSingleThreadExecutor();
        try (var reg = WorkContext.propagate(REQUEST)) {
            var exec = WorkContext.propagating(plain);
            AtomicReference<String> seen = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            with(REQUEST, "via-executor", () -> {
                exec.execute(() -> {
                    seen.set(request());
                    done.countDown();
                });
                return null;
            });
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals("via-executor", seen.get());
            AtomicReference<String> raw = new AtomicReference<>();
            CountDownLatch rawDone = new CountDownLatch(1);
            with(REQUEST, "lost", () -> {
                plain.execute(() -> {                         // a plain executor carries nothing
                    raw.set(request());
                    rawDone.countDown();
                });
                return null;
            });
            assertTrue(rawDone.await(10, TimeUnit.SECONDS));
            assertEquals("unbound", raw.get());
        } finally {
            plain.shutdownNow();
            assertTrue(plain.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void carriersAttachInRegistrationOrderAndRestoreInReverse() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        ContextCarrier a = orderCarrier("a", log);
        ContextCarrier b = orderCarrier("b", log);
        try (var r1 = WorkContext.register(a); var r2 = WorkContext.register(b)) {
            WorkContext.capture().run(() -> log.add("work"));
        }
        assertEquals(List.of("attach a", "attach b", "work", "restore b", "restore a"), log);
    }

    private static ContextCarrier orderCarrier(String name, List<String> log) {
        return new ContextCarrier() {
            @Override
            public Object capture() {
                return null;
            }

            @Override
            public Restorer attach(Object captured) {
                log.add("attach " + name);
                return () -> log.add("restore " + name);
            }
        };
    }

    @Test
    void aCarrierWhoseAttachThrowsFailsTheWorkerWithoutRunningTheTask() throws Exception {
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        ContextCarrier good = orderCarrier("good", log);
        ContextCarrier bad = new ContextCarrier() {
            @Override
            public Object capture() {
                return null;
            }

            @Override
            public Restorer attach(Object captured) {
                throw new IllegalStateException("cannot attach");
            }
        };
        try (var r1 = WorkContext.register(good); var r2 = WorkContext.register(bad)) {
            Worker<String> w = Worker.spawn(() -> {
                log.add("task ran");
                return "no";
            });
            WorkerFailedException e = assertThrows(WorkerFailedException.class, () -> w.join(LONG));
            assertEquals("cannot attach", e.getCause().getMessage());
            w.thread().join(Duration.ofSeconds(10));
        }
        assertEquals(List.of("attach good", "restore good"), log, "the task never ran; the attached carrier was restored");
    }

    @Test
    void aRestorerThatThrowsIsSuppressedOnTheTasksOwnException() {
        ContextCarrier noisy = new ContextCarrier() {
            @Override
            public Object capture() {
                return null;
            }

            @Override
            public Restorer attach(Object captured) {
                return () -> {
                    throw new IllegalStateException("restore failed");
                };
            }
        };
        try (var reg = WorkContext.register(noisy)) {
            WorkContext.Snapshot s = WorkContext.capture();
            var own = assertThrows(java.io.IOException.class, () -> s.call(() -> {
                throw new java.io.IOException("task failed");
            }));
            assertEquals("restore failed", own.getSuppressed()[0].getMessage());
            var alone = assertThrows(IllegalStateException.class, () -> s.run(() -> { }));
            assertEquals("restore failed", alone.getMessage(), "with no task failure, the restorer's is thrown");
        }
    }

    @Test
    void aCarrierWhoseCaptureThrowsFailsTheSpawnAndStartsNothing() throws Exception {
        ContextCarrier broken = new ContextCarrier() {
            @Override
            public Object capture() {
                throw new IllegalStateException("cannot capture");
            }

            @Override
            public Restorer attach(Object captured) {
                return null;
            }
        };
        List<String> ran = Collections.synchronizedList(new ArrayList<>());
        try (var reg = WorkContext.register(broken)) {
            var e = assertThrows(IllegalStateException.class, () -> Worker.race(() -> ran.add("a"), () -> ran.add("b")));
            assertEquals("cannot capture", e.getMessage());
            assertThrows(IllegalStateException.class, () -> Worker.spawn(() -> ran.add("c")));
        }
        Thread.sleep(50);
        assertEquals(List.of(), ran, "no task was started");
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void nullArgumentsAreRejectedNamingTheArgument() {
        assertEquals("key must not be null",
                assertThrows(NullPointerException.class, () -> WorkContext.propagate(null)).getMessage());
        assertEquals("carrier must not be null",
                assertThrows(NullPointerException.class, () -> WorkContext.register(null)).getMessage());
        assertEquals("executor must not be null",
                assertThrows(NullPointerException.class, () -> WorkContext.propagating(null)).getMessage());
        WorkContext.Snapshot s = WorkContext.capture();
        assertEquals("task must not be null", assertThrows(NullPointerException.class, () -> s.run(null)).getMessage());
        assertEquals("task must not be null",
                assertThrows(NullPointerException.class, () -> s.call((Callable<?>) null)).getMessage());
        assertEquals("task must not be null",
                assertThrows(NullPointerException.class, () -> s.wrap((Runnable) null)).getMessage());
        assertEquals("task must not be null",
                assertThrows(NullPointerException.class, () -> s.wrap((Callable<?>) null)).getMessage());
        assertSame(WorkContext.Snapshot.EMPTY, WorkContext.capture(), "no registration was left behind");
    }
}
