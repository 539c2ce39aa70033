package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static dev.vela.worker.TestSupport.millisSince;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Channel;
import dev.vela.channel.Select;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** CancellationToken: cancel, callbacks, children, the select clause and await. */
@Timeout(60)
class CancellationTokenTest {

    // ------------------------------------------------------------------ cancel

    @Test
    void cancelIsIdempotentAndOnlyTheCancellingCallReturnsTrue() {
        var token = CancellationToken.create();
        assertFalse(token.isCancelled());
        assertDoesNotThrow(token::throwIfCancelled);
        assertTrue(token.cancel());
        assertTrue(token.isCancelled());
        assertFalse(token.cancel());
        assertFalse(token.cancel());
        assertTrue(token.isCancelled());
    }

    @Test
    void concurrentCancelsHaveExactlyOneWinnerAndRunTheCallbackOnce() throws Exception {
        for (int round = 0; round < 200; round++) {
            var token = CancellationToken.create();
            AtomicInteger ran = new AtomicInteger();
            token.onCancel(ran::incrementAndGet);
            CyclicBarrier start = new CyclicBarrier(4);
            List<Worker<Boolean>> cancellers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                cancellers.add(Worker.spawn(() -> {
                    start.await();
                    return token.cancel();
                }));
            }
            int winners = 0;
            for (Worker<Boolean> w : cancellers) {
                winners += w.join(LONG) ? 1 : 0;
            }
            assertEquals(1, winners, "round " + round);
            assertEquals(1, ran.get(), "round " + round);
        }
    }

    @Test
    void throwIfCancelledThrowsCancellationExceptionNamingTheToken() {
        var token = CancellationToken.create();
        token.cancel();
        CancellationException e = assertThrows(CancellationException.class, token::throwIfCancelled);
        String name = token.toString().replaceAll("^CancellationToken\\[([^,]+),.*$", "$1");
        assertTrue(name.startsWith("token-"), token.toString());
        assertEquals("token '" + name + "' was cancelled", e.getMessage());
    }

    @Test
    void toStringShowsNameParentAndState() {
        var parent = CancellationToken.create();
        var child = parent.child();
        assertTrue(parent.toString().matches("CancellationToken\\[token-\\d+, active]"), parent.toString());
        String parentName = parent.toString().replaceAll("^CancellationToken\\[([^,]+),.*$", "$1");
        assertTrue(child.toString().matches("CancellationToken\\[token-\\d+, child of " + parentName + ", active]"), child.toString());
        parent.cancel();
        assertTrue(child.toString().endsWith(", cancelled]"), child.toString());
    }

    // ------------------------------------------------------------------ callbacks

    @Test
    void callbacksRunOnceInTheCancellingThreadInRegistrationOrder() throws Exception {
        var token = CancellationToken.create();
        List<String> ran = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        for (String n : List.of("a", "b", "c")) {
            token.onCancel(() -> {
                ran.add(n);
                threads.add(Thread.currentThread());
            });
        }
        assertEquals(List.of(), ran);
        Worker<Thread> canceller = Worker.spawn("canceller", () -> {
            token.cancel();
            return Thread.currentThread();
        });
        Thread cancellingThread = canceller.join(LONG);
        assertEquals(List.of("a", "b", "c"), ran, "ran before cancel() returned, in order");
        assertEquals(List.of(cancellingThread, cancellingThread, cancellingThread), threads);
        assertFalse(token.cancel());
        assertEquals(3, ran.size(), "a second cancel runs nothing");
    }

    @Test
    void callbackRegisteredAfterCancelRunsAtOnceInTheRegisteringThread() {
        var token = CancellationToken.create();
        token.cancel();
        AtomicReference<Thread> ranIn = new AtomicReference<>();
        CancellationToken.Registration reg = token.onCancel(() -> ranIn.set(Thread.currentThread()));
        assertSame(Thread.currentThread(), ranIn.get());
        reg.close();   // nothing to undo
        reg.close();
        assertEquals(0, token.registeredCount());
    }

    @Test
    void registrationRacingCancelRunsTheCallbackExactlyOnce() throws Exception {
        int ranInRegistrar = 0;
        int ranInCanceller = 0;
        for (int round = 0; round < 1_000; round++) {
            var token = CancellationToken.create();
            AtomicInteger runs = new AtomicInteger();
            AtomicReference<Thread> ranIn = new AtomicReference<>();
            CyclicBarrier start = new CyclicBarrier(2);
            Worker<Thread> registrar = Worker.spawn(() -> {
                start.await();
                token.onCancel(() -> {
                    runs.incrementAndGet();
                    ranIn.set(Thread.currentThread());
                });
                return Thread.currentThread();
            });
            Worker<Thread> canceller = Worker.spawn(() -> {
                start.await();
                token.cancel();
                return Thread.currentThread();
            });
            Thread r = registrar.join(LONG);
            Thread c = canceller.join(LONG);
            assertEquals(1, runs.get(), "round " + round);
            if (ranIn.get() == r) {
                ranInRegistrar++;
            } else {
                assertSame(c, ranIn.get(), "round " + round);
                ranInCanceller++;
            }
            assertEquals(0, token.registeredCount());
        }
        assertEquals(1_000, ranInRegistrar + ranInCanceller);
    }

    @Test
    void throwingCallbacksDoNotStopTheOthersAndTheFirstIsRethrownWithTheRestSuppressed() {
        var token = CancellationToken.create();
        AtomicInteger quietRan = new AtomicInteger();
        token.onCancel(() -> {
            throw new IllegalStateException("first");
        });
        token.onCancel(quietRan::incrementAndGet);
        token.onCancel(() -> {
            throw new AssertionError("second");
        });
        token.onCancel(quietRan::incrementAndGet);
        IllegalStateException e = assertThrows(IllegalStateException.class, token::cancel);
        assertEquals("first", e.getMessage());
        assertEquals(1, e.getSuppressed().length);
        assertInstanceOf(AssertionError.class, e.getSuppressed()[0]);
        assertEquals("second", e.getSuppressed()[0].getMessage());
        assertEquals(2, quietRan.get());
        assertTrue(token.isCancelled());
        assertFalse(assertDoesNotThrow(token::cancel), "the callbacks ran once; a second cancel is quiet");
    }

    @Test
    void aCallbackRunAtOnceThrowsOutOfOnCancel() {
        var token = CancellationToken.create();
        token.cancel();
        var e = assertThrows(IllegalStateException.class, () -> token.onCancel(() -> {
            throw new IllegalStateException("late");
        }));
        assertEquals("late", e.getMessage());
    }

    @Test
    void closingARegistrationUnregistersItIdempotently() {
        var token = CancellationToken.create();
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        AtomicInteger c = new AtomicInteger();
        var ra = token.onCancel(a::incrementAndGet);
        var rb = token.onCancel(b::incrementAndGet);
        var rc = token.onCancel(c::incrementAndGet);
        assertEquals(3, token.registeredCount());
        rb.close();                            // the middle of the list
        rb.close();
        assertEquals(2, token.registeredCount());
        ra.close();                            // the head
        assertEquals(1, token.registeredCount());
        try (var rd = token.onCancel(a::incrementAndGet)) {   // try-with-resources: no checked exception
            assertNotNull(rd);
            assertEquals(2, token.registeredCount());
        }
        assertEquals(1, token.registeredCount());
        assertTrue(token.cancel());
        assertEquals(List.of(0, 0, 1), List.of(a.get(), b.get(), c.get()));
        assertEquals(0, token.registeredCount());
        rc.close();                            // after it ran: nothing happens
        assertEquals(1, c.get());
    }

    @Test
    void aRegistrationClosedByAnEarlierCallbackDoesNotRun() {
        var token = CancellationToken.create();
        AtomicInteger later = new AtomicInteger();
        AtomicReference<CancellationToken.Registration> laterReg = new AtomicReference<>();
        token.onCancel(() -> laterReg.get().close());
        laterReg.set(token.onCancel(later::incrementAndGet));
        token.cancel();
        assertEquals(0, later.get(), "close() before the canceller reached the callback stops it");
    }

    // ------------------------------------------------------------------ children

    @Test
    void cancellingAParentCancelsChildrenAndGrandchildrenInTheSameCall() {
        var parent = CancellationToken.create();
        var child = parent.child();
        var grandchild = child.child();
        var sibling = parent.child();
        List<String> ran = new ArrayList<>();
        parent.onCancel(() -> ran.add("parent-1"));
        grandchild.onCancel(() -> ran.add("grandchild"));
        child.onCancel(() -> ran.add("child"));
        sibling.onCancel(() -> ran.add("sibling"));
        parent.onCancel(() -> ran.add("parent-2"));
        assertTrue(parent.cancel());
        assertTrue(child.isCancelled() && grandchild.isCancelled() && sibling.isCancelled());
        // Depth-first, each child's callbacks where the child was registered.
        assertEquals(List.of("grandchild", "child", "sibling", "parent-1", "parent-2"), ran);
        assertFalse(child.cancel(), "already cancelled by the parent");
        assertEquals(0, parent.registeredCount());
    }

    @Test
    void cancellingAChildLeavesItsParentAndSiblingsAlone() {
        var parent = CancellationToken.create();
        var child = parent.child();
        var sibling = parent.child();
        AtomicInteger parentRan = new AtomicInteger();
        parent.onCancel(parentRan::incrementAndGet);
        assertTrue(child.cancel());
        assertFalse(parent.isCancelled());
        assertFalse(sibling.isCancelled());
        assertEquals(0, parentRan.get());
    }

    @Test
    void theChildOfACancelledTokenIsCancelledAtOnce() {
        var parent = CancellationToken.create();
        parent.cancel();
        var child = parent.child();
        assertTrue(child.isCancelled());
        assertEquals(0, parent.registeredCount());
        assertFalse(child.cancel());
    }

    @Test
    void aCancelledChildIsUnregisteredFromItsParent() {
        var parent = CancellationToken.create();
        List<CancellationToken> children = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            children.add(parent.child());
        }
        assertEquals(100, parent.registeredCount(), "an uncancelled child stays registered");
        for (CancellationToken c : children) {
            c.cancel();
        }
        assertEquals(0, parent.registeredCount());
        assertFalse(parent.isCancelled());
    }

    @Test
    void aLongLivedParentDoesNotRetainCancelledChildren() throws Exception {
        var parent = CancellationToken.create();
        WeakReference<CancellationToken> cancelled = childWithBigCallback(parent, true);
        assertTrue(collected(cancelled), "a cancelled child is still reachable from its parent");
        Reference.reachabilityFence(parent);
    }

    @Test
    void anUncancelledChildIsRetainedByItsParentAsDocumented() throws Exception {
        // The control of the test above: the same check does see a child that is still registered.
        var parent = CancellationToken.create();
        WeakReference<CancellationToken> live = childWithBigCallback(parent, false);
        assertFalse(collected(live));
        assertEquals(1, parent.registeredCount());
        Reference.reachabilityFence(parent);
    }

    private static WeakReference<CancellationToken> childWithBigCallback(CancellationToken parent, boolean cancel) {
        var child = parent.child();
        byte[] ballast = new byte[1 << 20];
        child.onCancel(() -> ballast[0]++);
        if (cancel) {
            child.cancel();
        }
        return new WeakReference<>(child);
    }

    /** Runs the GC until {@code ref} is cleared, for at most about two seconds. */
    private static boolean collected(WeakReference<?> ref) throws InterruptedException {
        for (int i = 0; i < 40 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ref.get() == null;
    }

    @Test
    void aDeepChainOfChildrenIsCancelledWithoutOverflowingTheStack() {
        var root = CancellationToken.create();
        CancellationToken leaf = root;
        for (int i = 0; i < 100_000; i++) {
            leaf = leaf.child();
        }
        AtomicInteger ran = new AtomicInteger();
        leaf.onCancel(ran::incrementAndGet);
        assertTrue(root.cancel());
        assertTrue(leaf.isCancelled());
        assertEquals(1, ran.get());
    }

    @Test
    void anExceptionInAChildsCallbackReachesTheParentsCanceller() {
        var parent = CancellationToken.create();
        var child = parent.child();
        AtomicInteger after = new AtomicInteger();
        child.onCancel(() -> {
            throw new IllegalStateException("in child");
        });
        parent.onCancel(after::incrementAndGet);
        var e = assertThrows(IllegalStateException.class, parent::cancel);
        assertEquals("in child", e.getMessage());
        assertEquals(1, after.get());
    }

    // ------------------------------------------------------------------ select clause

    @Test
    void theClauseIsNotReadyWhileTheTokenIsNotCancelled() throws Exception {
        var token = CancellationToken.create();
        Channel<String> idle = Channel.bounded(1);
        String r = Select.select(idle.receiver().onReceive(v -> "value"), token.onCancelled(() -> "cancelled"),
                Select.onDefault(() -> "nothing"));
        assertEquals("nothing", r);
    }

    @Test
    void aTokenCancelledBeforeTheFirstClauseGivesAClauseReadyAtOnce() throws Exception {
        var token = CancellationToken.create();
        token.cancel();
        Channel<String> idle = Channel.bounded(1);
        long t0 = System.nanoTime();
        String r = Select.select(idle.receiver().onReceive(v -> "value"), token.onCancelled(() -> "cancelled"),
                Select.onTimeout(LONG, () -> "timeout"));
        assertEquals("cancelled", r);
        assertTrue(millisSince(t0) < 5_000);
        assertEquals("cancelled", Select.select(token.onCancelled(() -> "cancelled"), Select.onDefault(() -> "not ready")));
    }

    @Test
    void aClauseMadeBeforeTheCancelIsReadyAfterItAgainAndAgain() throws Exception {
        var token = CancellationToken.create();
        var clause = token.onCancelled(() -> "cancelled");
        assertEquals("no", Select.select(clause, Select.onDefault(() -> "no")));
        token.cancel();
        for (int i = 0; i < 3; i++) {
            assertEquals("cancelled", Select.select(clause, Select.onDefault(() -> "no")));
        }
    }

    @Test
    void aCancelDuringTheSelectWakesIt() throws Exception {
        var token = CancellationToken.create();
        Channel<String> idle = Channel.rendezvous();
        CountDownLatch aboutToSelect = new CountDownLatch(1);
        Worker<String> selector = Worker.spawn("selector", () -> {
            aboutToSelect.countDown();
            return Select.select(idle.receiver().onReceive(v -> "value"), token.onCancelled(() -> "cancelled"),
                    Select.onTimeout(Duration.ofSeconds(30), () -> "timeout"));
        });
        assertTrue(aboutToSelect.await(10, TimeUnit.SECONDS));
        awaitParked(selector);
        long t0 = System.nanoTime();
        token.cancel();
        assertEquals("cancelled", selector.join(LONG));
        assertTrue(millisSince(t0) < 5_000);
    }

    @Test
    void theClauseIsRightWhenItsCreationRacesTheCancel() throws Exception {
        for (int round = 0; round < 1_000; round++) {
            var token = CancellationToken.create();
            CyclicBarrier start = new CyclicBarrier(2);
            Worker<String> selector = Worker.spawn(() -> {
                start.await();
                return Select.select(token.onCancelled(() -> "cancelled"), Select.onTimeout(LONG, () -> "missed"));
            });
            Worker<Boolean> canceller = Worker.spawn(() -> {
                start.await();
                return token.cancel();
            });
            assertTrue(canceller.join(LONG));
            assertEquals("cancelled", selector.join(LONG), "round " + round);
        }
    }

    // ------------------------------------------------------------------ await

    /**
     * The real-clock smoke test of a timed await (a lower bound only); exact instants, and awaits ended
     * by a cancel at a given instant, are checked on the virtual clock in vela-test's
     * {@code dev.vela.test.worker.CancellationTokenVirtualTimeTest}.
     */
    @Test
    void awaitWithATimeoutReturnsFalseWhenNotCancelledAndUnregisters() throws Exception {
        var token = CancellationToken.create();
        long t0 = System.nanoTime();
        assertFalse(token.await(Duration.ofMillis(20)));
        assertTrue(millisSince(t0) >= 20, "returned after " + millisSince(t0) + " ms");
        assertFalse(token.await(Duration.ZERO));
        assertEquals(0, token.registeredCount());
    }

    @Test
    void awaitReturnsWhenAnotherThreadCancels() throws Exception {
        var token = CancellationToken.create();
        Worker<Boolean> timed = Worker.spawn(() -> token.await(Duration.ofSeconds(30)));
        Worker<Void> untimed = Worker.run(() -> {
            try {
                token.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        awaitParked(timed);
        awaitParked(untimed);
        token.cancel();
        assertTrue(timed.join(LONG));
        assertNull(untimed.join(LONG));
        assertTrue(token.await(Duration.ZERO));
    }

    @Test
    void anInterruptedAwaitThrowsAndLeavesNothingRegistered() throws Exception {
        var token = CancellationToken.create();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                token.await(Duration.ofSeconds(30));
            } catch (Throwable e) {
                thrown.set(e);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        while (token.registeredCount() == 0) {
            Thread.sleep(1);
        }
        t.interrupt();
        assertTrue(t.join(LONG));
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertTrue(thrown.get().getMessage().contains("token-"), thrown.get().getMessage());
        assertFalse(flagAfter.get(), "the flag is cleared, as the JDK does");
        assertEquals(0, token.registeredCount());
        assertFalse(token.isCancelled());
    }

    @Test
    void awaitOnACancelledTokenReturnsEvenWhenInterrupted() throws Exception {
        var token = CancellationToken.create();
        token.cancel();
        Thread.currentThread().interrupt();
        try {
            assertTrue(token.await(Duration.ofSeconds(1)));
            token.await();
            assertTrue(Thread.currentThread().isInterrupted(), "the flag stays set");
        } finally {
            Thread.interrupted();
        }
        var fresh = CancellationToken.create();
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> fresh.await(Duration.ofSeconds(1)));
        assertFalse(Thread.currentThread().isInterrupted());
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputIsRejectedWithANamedException() {
        var token = CancellationToken.create();
        assertEquals("callback must not be null", assertThrows(NullPointerException.class, () -> token.onCancel(null)).getMessage());
        assertEquals("result must not be null", assertThrows(NullPointerException.class, () -> token.onCancelled(null)).getMessage());
        assertEquals("timeout must not be null", assertThrows(NullPointerException.class, () -> token.await(null)).getMessage());
        var e = assertThrows(IllegalArgumentException.class, () -> token.await(Duration.ofMillis(-1)));
        assertTrue(e.getMessage().startsWith("timeout must not be negative"), e.getMessage());
        assertEquals(0, token.registeredCount());
    }

    /** Waits until {@code w}'s thread is parked (WAITING or TIMED_WAITING), for at most ten seconds. */
    static void awaitParked(Worker<?> w) throws InterruptedException {
        long t0 = System.nanoTime();
        for (;;) {
            Thread t = w.thread();
            Thread.State s = t == null ? null : t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
                return;
            }
            assertTrue(millisSince(t0) < 10_000, "worker " + w.name() + " did not park: " + s);
            Thread.sleep(1);
        }
    }
}
