package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Scope with a CancellationToken ({@code Scope.open(token)}) and the scope's own {@code token()}. */
@Timeout(30)
class ScopeCancellationTest {

    @Test
    void cancellingTheTokenCancelsTheChildrenAndJoinThrowsCancelled() throws Exception {
        var token = CancellationToken.create();
        CountDownLatch started = new CountDownLatch(2);
        CountDownLatch interrupted = new CountDownLatch(2);
        try (var scope = Scope.open(token)) {
            var a = scope.spawn("a", () -> sleepUntilInterrupted(started, interrupted));
            var b = scope.spawn("b", () -> sleepUntilInterrupted(started, interrupted));
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertTrue(token.cancel());
            assertTrue(interrupted.await(10, TimeUnit.SECONDS), "children were not interrupted");
            WorkerCancelledException e = assertThrows(WorkerCancelledException.class, scope::join);
            assertTrue(e.workerName().startsWith("scope-"), e.workerName());
            assertEquals("scope '" + e.workerName() + "' was cancelled by token '" + token.name() + "'", e.getMessage());
            assertThrows(WorkerCancelledException.class, () -> a.join(LONG));
            assertEquals(Future.State.CANCELLED, b.state());
            assertTrue(scope.token().isCancelled(), "the scope's own token follows");
        }
        assertFalse(token.cancel(), "the scope never cancels the token it obeys; the test did");
    }

    @Test
    void anAlreadyCancelledTokenCancelsEveryChildAtSpawn() throws Exception {
        var token = CancellationToken.create();
        token.cancel();
        AtomicBoolean ran = new AtomicBoolean();
        try (var scope = Scope.open(token)) {
            var w = scope.spawn(() -> {
                ran.set(true);
                return 1;
            });
            assertThrows(WorkerCancelledException.class, () -> w.join(LONG));
            assertThrows(WorkerCancelledException.class, scope::join);
        }
        assertFalse(ran.get(), "a child cancelled at spawn never runs");
    }

    @Test
    void closeUnregistersTheScopeFromTheToken() throws Exception {
        var token = CancellationToken.create();
        for (int i = 0; i < 100; i++) {
            try (var scope = Scope.open(token)) {
                assertEquals(1, token.registeredCount());
                scope.spawn(() -> 1);
                scope.join();
            }
            assertEquals(0, token.registeredCount(), "a closed scope stays registered on the token");
        }
        assertFalse(token.isCancelled());
    }

    @Test
    void aTokenCancelledAfterCloseDoesNothing() throws Exception {
        var token = CancellationToken.create();
        Worker<Integer> w;
        try (var scope = Scope.open(token)) {
            w = scope.spawn(() -> 7);
            scope.join();
        }
        token.cancel();
        assertEquals(7, w.join(LONG));
    }

    @Test
    void aFailureBeforeTheTokenIsWhatJoinReports() throws Exception {
        var token = CancellationToken.create();
        try (var scope = Scope.open(token)) {
            scope.spawn("bad", () -> {
                throw new IllegalStateException("boom");
            });
            var e = assertThrows(WorkerFailedException.class, scope::join);
            token.cancel();   // the scope is already cancelling: the failure stands
            var again = assertThrows(WorkerFailedException.class, scope::join);
            assertEquals(e.getMessage(), again.getMessage());
            assertInstanceOf(IllegalStateException.class, again.getCause());
        }
    }

    @Test
    void aTokenCancelledBeforeTheDeadlineCancelsTheScope() throws Exception {
        // the deadline racing the token, at exact instants: ScopeDeadlineVirtualTimeTest in vela-test
        var early = CancellationToken.create();
        try (var scope = Scope.open(Duration.ofSeconds(30), early)) {
            scope.spawn(() -> {
                Thread.sleep(30_000);
                return null;
            });
            early.cancel();
            assertThrows(WorkerCancelledException.class, scope::join);
        }
    }

    // ------------------------------------------------------------------ scope.token()

    @Test
    void theScopeTokenIsCancelledOnTheFirstFailureBeforeSiblingsAreInterrupted() throws Exception {
        AtomicReference<Boolean> tokenSeenAtInterrupt = new AtomicReference<>();
        AtomicReference<Boolean> tokenSeenAtCancel = new AtomicReference<>();
        AtomicReference<Boolean> awaitSawCancel = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(2);
        CancellationToken t;
        try (var scope = Scope.open()) {
            t = scope.token();
            assertSame(t, scope.token());
            assertFalse(t.isCancelled());
            var watcher = scope.spawn("watcher", () -> {
                started.countDown();
                try {
                    Thread.sleep(30_000);
                } catch (InterruptedException e) {
                    tokenSeenAtInterrupt.set(t.isCancelled());
                    throw e;
                }
                return null;
            });
            // A completion callback runs in the cancelling thread, inside the sibling's cancel(): it
            // sees exactly what the scope had done before it cancelled the sibling.
            watcher.onDone(() -> tokenSeenAtCancel.set(t.isCancelled()));
            scope.spawn("cooperative", () -> {
                started.countDown();
                // The token is cancelled before the interrupt, so await returns true rather than throwing.
                awaitSawCancel.set(t.await(Duration.ofSeconds(20)));
                return null;
            });
            scope.spawn("bad", () -> {
                started.await();
                throw new IllegalStateException("boom");
            });
            var e = assertThrows(WorkerFailedException.class, scope::join);
            assertEquals("bad", e.workerName());
            assertTrue(t.isCancelled());
        }
        // After close: every child's thread has ended.
        assertEquals(Boolean.TRUE, tokenSeenAtCancel.get());
        assertEquals(Boolean.TRUE, tokenSeenAtInterrupt.get());
        assertEquals(Boolean.TRUE, awaitSawCancel.get());
    }

    @Test
    void theScopeTokenIsCancelledOnCloseEvenAfterASuccessfulJoin() throws Exception {
        CancellationToken t;
        try (var scope = Scope.open()) {
            t = scope.token();
            scope.spawn(() -> 1);
            scope.join();
            assertFalse(t.isCancelled(), "success does not cancel");
        }
        assertTrue(t.isCancelled());
    }

    @Test
    void theScopeTokenIsCancelledByTheTokenGivenToOpen() throws Exception {
        // cancelled at the scope deadline: ScopeDeadlineVirtualTimeTest in vela-test
        var outer = CancellationToken.create();
        AtomicReference<String> selected = new AtomicReference<>();
        Worker<String> w;
        try (var scope = Scope.open(outer)) {
            var t = scope.token();
            w = scope.spawn(() -> {
                selected.set(waitForToken(t));
                return "done";
            });
            CancellationTokenTest.awaitParked(w);   // in the select
            outer.cancel();
            assertTrue(t.isCancelled(), "cancelled in the same cancel() call");
        }
        // The scope token is cancelled before the child is interrupted, so the select sees it first;
        // the child may return before or after the scope cancels it (then its value is discarded).
        assertEquals("cancelled", selected.get());
        assertTrue(w.state() == Future.State.CANCELLED || w.state() == Future.State.SUCCESS, w.state().toString());
    }

    @Test
    void theScopeTokenOfACancellingOrClosedScopeIsCancelledAtOnce() throws Exception {
        var scope = Scope.open();
        scope.close();
        assertTrue(scope.token().isCancelled());
        assertThrows(IllegalStateException.class, () -> scope.spawn(() -> 1));
    }

    @Test
    void aThrowingCallbackOnTheScopeTokenDoesNotBreakClose() throws Exception {
        AtomicReference<Throwable> reported = new AtomicReference<>();
        AtomicBoolean childEnded = new AtomicBoolean();
        Thread closer = Thread.ofVirtual().unstarted(() -> {
            var scope = Scope.open();
            scope.token().onCancel(() -> {
                throw new IllegalStateException("callback");
            });
            CountDownLatch started = new CountDownLatch(1);
            scope.spawn(() -> {
                started.countDown();
                try {
                    Thread.sleep(30_000);
                } finally {
                    TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(100));
                    childEnded.set(true);
                }
                return null;
            });
            try {
                started.await(10, TimeUnit.SECONDS);   // so that the child runs when close cancels it
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            scope.close();
        });
        closer.setUncaughtExceptionHandler((th, e) -> reported.set(e));
        closer.start();
        assertTrue(closer.join(LONG));
        assertTrue(childEnded.get(), "close returned before the child ended");
        assertInstanceOf(IllegalStateException.class, reported.get());
        assertEquals("callback", reported.get().getMessage());
    }

    @Test
    void openRejectsANullToken() {
        assertEquals("token must not be null",
                assertThrows(NullPointerException.class, () -> Scope.open((CancellationToken) null)).getMessage());
        assertEquals("token must not be null",
                assertThrows(NullPointerException.class, () -> Scope.open(Duration.ofSeconds(1), null)).getMessage());
        assertEquals("deadline must not be null",
                assertThrows(NullPointerException.class, () -> Scope.open(null, CancellationToken.create())).getMessage());
    }

    /** A child that waits in a select for its scope's token (and nothing else). */
    private static String waitForToken(CancellationToken t) throws InterruptedException {
        return dev.vela.channel.Select.select(t.onCancelled(() -> "cancelled"),
                dev.vela.channel.Select.onTimeout(Duration.ofSeconds(30), () -> "timeout"));
    }

    private static Object sleepUntilInterrupted(CountDownLatch started, CountDownLatch interrupted) throws InterruptedException {
        started.countDown();
        try {
            Thread.sleep(30_000);
        } catch (InterruptedException e) {
            interrupted.countDown();
            throw e;
        }
        return null;
    }
}
