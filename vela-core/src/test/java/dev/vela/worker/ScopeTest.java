package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static dev.vela.worker.TestSupport.millisSince;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scope: structured concurrency. */
@Timeout(30)
class ScopeTest {

    @Test
    void joinWaitsForAllChildren() throws Exception {
        try (var scope = Scope.open()) {
            var a = scope.spawn("a", () -> {
                Thread.sleep(50);
                return 1;
            });
            var b = scope.spawn(() -> 2);
            scope.join();
            assertTrue(a.isDone() && b.isDone());
            assertEquals(3, a.resultNow() + b.resultNow());
        }
    }

    @Test
    void firstFailureCancelsSiblingsAndIsRethrownWithLaterFailuresSuppressed() throws Exception {
        CountDownLatch siblingInterrupted = new CountDownLatch(1);
        CountDownLatch firstFailed = new CountDownLatch(1);
        Worker<Object> slow, bad, alsoBad;
        long t0 = System.nanoTime();
        try (var scope = Scope.open()) {
            CountDownLatch slowStarted = new CountDownLatch(1);
            slow = scope.spawn("slow", () -> {
                slowStarted.countDown();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    siblingInterrupted.countDown();
                    throw e;
                }
                return null;
            });
            bad = scope.spawn("bad", () -> {
                slowStarted.await(); // so that the cancel must interrupt a running sibling
                try {
                    throw new IllegalStateException("first");
                } finally {
                    firstFailed.countDown();
                }
            });
            alsoBad = scope.spawn("also-bad", () -> {
                firstFailed.await();
                // Ignores the cancel, then fails: a later failure, reported as suppressed.
                TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(50));
                throw new IllegalArgumentException("second");
            });
            WorkerFailedException e = assertThrows(WorkerFailedException.class, scope::join);
            assertEquals("bad", e.workerName());
            assertInstanceOf(IllegalStateException.class, e.getCause());
            assertEquals("first", e.getCause().getMessage());
            assertTrue(millisSince(t0) < 5_000);
            assertTrue(siblingInterrupted.await(5, TimeUnit.SECONDS), "sibling was not interrupted");
            assertEquals(Future.State.CANCELLED, slow.state());
            assertEquals(Future.State.CANCELLED, alsoBad.state(), "cancelled before its failure: not a failure");
        }
        assertEquals(Future.State.FAILED, bad.state());
    }

    @Test
    void laterFailuresAreAttachedAsSuppressed() throws Exception {
        CountDownLatch bothRunning = new CountDownLatch(2);
        try (var scope = Scope.open()) {
            for (String n : new String[] {"x", "y"}) {
                scope.spawn(n, () -> {
                    bothRunning.countDown();
                    bothRunning.await();
                    throw new IllegalStateException("fail " + n);
                });
            }
            WorkerFailedException e = assertThrows(WorkerFailedException.class, scope::join);
            // Either both failed before one could cancel the other (one suppressed), or one was cancelled first.
            String first = e.getCause().getMessage();
            assertTrue(first.equals("fail x") || first.equals("fail y"), first);
            for (Throwable s : e.getSuppressed()) {
                assertInstanceOf(IllegalStateException.class, s);
                assertNotEquals(first, s.getMessage());
            }
            assertTrue(e.getSuppressed().length <= 1);
        }
    }

    @Test
    void closeNeverReturnsWhileAChildRunsEvenIfInterrupted() throws Exception {
        AtomicBoolean childFinished = new AtomicBoolean();
        Worker<Object> child;
        CountDownLatch started = new CountDownLatch(1);
        var scope = Scope.open();
        child = scope.spawn("stubborn", () -> {
            started.countDown();
            TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(300));
            childFinished.set(true);
            return null;
        });
        assertTrue(started.await(5, TimeUnit.SECONDS));
        Thread.currentThread().interrupt();
        long t0 = System.nanoTime();
        scope.close();
        assertTrue(Thread.interrupted(), "close must re-assert the interrupt flag");
        assertTrue(childFinished.get(), "close returned while a child still ran");
        assertFalse(child.thread().isAlive());
        assertEquals(Future.State.CANCELLED, child.state());
        assertTrue(millisSince(t0) >= 150, "close returned after " + millisSince(t0) + " ms");
        scope.close(); // idempotent
    }

    @Test
    void spawnAfterCloseIsIllegal() {
        var scope = Scope.open();
        scope.close();
        var e = assertThrows(IllegalStateException.class, () -> scope.spawn(() -> 1));
        assertTrue(e.getMessage().contains("closed"), e.getMessage());
    }

    @Test
    void scopesNest() throws Exception {
        try (var outer = Scope.open()) {
            Worker<Integer> parent = outer.spawn("parent", () -> {
                try (var inner = Scope.open()) {
                    var a = inner.spawn(() -> 20);
                    var b = inner.spawn(() -> 22);
                    inner.join();
                    return a.resultNow() + b.resultNow();
                }
            });
            outer.join();
            assertEquals(42, parent.join(LONG));
        }
    }

    @Test
    void innerChildrenAreStoppedWhenOuterScopeCancels() throws Exception {
        CountDownLatch innerStarted = new CountDownLatch(1);
        CountDownLatch innerInterrupted = new CountDownLatch(1);
        try (var outer = Scope.open()) {
            outer.spawn("parent", () -> {
                try (var inner = Scope.open()) {
                    inner.spawn("grandchild", () -> {
                        innerStarted.countDown();
                        try {
                            Thread.sleep(30_000);
                        } catch (InterruptedException e) {
                            innerInterrupted.countDown();
                            throw e;
                        }
                        return null;
                    });
                    inner.join();
                }
                return null;
            });
            assertTrue(innerStarted.await(5, TimeUnit.SECONDS));
        } // outer.close() cancels parent, whose inner.join() is interrupted, whose inner.close() cancels grandchild
        assertTrue(innerInterrupted.await(1, TimeUnit.SECONDS));
    }

    /**
     * The one real-clock smoke test of a scope deadline, with generous bounds; its exact instants (and
     * the token, a disarmed deadline, a stubborn child at close) are checked on the virtual clock in
     * vela-test's {@code dev.vela.test.worker.ScopeDeadlineVirtualTimeTest}.
     */
    @Test
    void scopeDeadlineCancelsChildrenAndJoinThrowsTimeout() {
        long t0 = System.nanoTime();
        try (var scope = Scope.open(Duration.ofMillis(100))) {
            var slow = scope.spawn("slow", () -> {
                Thread.sleep(30_000);
                return 1;
            });
            var quick = scope.spawn("quick", () -> 2);
            WorkerTimeoutException e = assertThrows(WorkerTimeoutException.class, scope::join);
            long ms = millisSince(t0);
            assertTrue(ms >= 100 && ms < 5_000, "scope deadline of 100 ms took " + ms + " ms");
            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
            assertTrue(e.getMessage().contains("scope"), e.getMessage());
            assertEquals(Future.State.CANCELLED, slow.state());
            assertEquals(Future.State.SUCCESS, quick.state());
            assertEquals(Future.State.CANCELLED, scope.spawn(() -> 3).state(), "late child cancelled at once");
        }
    }
}
