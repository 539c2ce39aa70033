package dev.vela.worker;

import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.ChannelInterruptedException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Retry: success after failures, exhaustion by attempts and by elapsed time, which failures are
 * retried, interruption, token cancellation, the listener, and bad input: what does not depend on time
 * values. The timing (the exact instant of every attempt, {@code maxElapsed} exhaustion at an exact
 * instant and at its boundary, a wait that overran {@code maxElapsed}, seeded jitter, a wait ended by a
 * token or an interrupt) is checked on the virtual clock in vela-test's
 * {@code dev.vela.test.worker.RetryVirtualTimeTest}.
 */
@Timeout(30)
class RetryTest {
    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    /** A task that throws {@code failures.get(i)} on call {@code i} while there are any left, then returns "ok". */
    private static final class Script implements Callable<String> {
        final AtomicInteger calls = new AtomicInteger();
        final List<Exception> thrown = new CopyOnWriteArrayList<>();
        private final int failing;
        private final java.util.function.IntFunction<Exception> failure;

        Script(int failing, java.util.function.IntFunction<Exception> failure) {
            this.failing = failing;
            this.failure = failure;
        }

        /** Fails forever with a new IOException("n") on call n. */
        static Script alwaysFailing() {
            return new Script(Integer.MAX_VALUE, n -> new IOException(String.valueOf(n)));
        }

        @Override
        public String call() throws Exception {
            int n = calls.incrementAndGet();
            if (n <= failing) {
                Exception e = failure.apply(n);
                thrown.add(e);
                throw e;
            }
            return "ok";
        }
    }

    /** One listener call. */
    private record Seen(int attempt, Throwable failure, Duration delay) {}

    private static Retry.Listener recordInto(List<Seen> seen) {
        return (attempt, failure, delay) -> seen.add(new Seen(attempt, failure, delay));
    }

    // ------------------------------------------------------------------ success and exhaustion

    @Test
    void succeedsAfterSomeFailuresAndTheListenerSeesEachRetry() throws Exception {
        Script task = new Script(2, n -> new IOException("fail " + n));
        List<Seen> seen = new ArrayList<>();
        String r = Retry.withBackoff(Backoff.none()).maxAttempts(5).onRetry(recordInto(seen)).call(task);
        assertEquals("ok", r);
        assertEquals(3, task.calls.get());
        assertEquals(List.of(new Seen(1, task.thrown.get(0), Duration.ZERO), new Seen(2, task.thrown.get(1), Duration.ZERO)), seen);
    }

    @Test
    void aFirstSuccessRunsOnceAndTellsNoListener() throws Exception {
        Script task = new Script(0, n -> new IOException());
        List<Seen> seen = new ArrayList<>();
        assertEquals("ok", Retry.withBackoff(Backoff.fixed(Duration.ofMinutes(1))).onRetry(recordInto(seen)).call(task));
        assertEquals(1, task.calls.get());
        assertEquals(List.of(), seen);
    }

    @Test
    void exhaustionByAttemptsKeepsTheLastFailureAsCauseAndEarlierOnesSuppressed() {
        Script task = Script.alwaysFailing();
        List<Seen> seen = new ArrayList<>();
        Retry retry = Retry.withBackoff(Backoff.fixed(ms(2))).maxAttempts(4).onRetry(recordInto(seen));
        RetryExhaustedException e = assertThrows(RetryExhaustedException.class, () -> retry.call(task));
        assertEquals(4, task.calls.get());
        assertEquals(4, e.attempts());
        assertSame(task.thrown.get(3), e.getCause());
        assertEquals(task.thrown.subList(0, 3), Arrays.asList(e.getSuppressed()), "earlier failures, oldest first");
        assertTrue(e.getMessage().matches("gave up after 4 attempts in \\d+ ms \\(maxAttempts 4\\): java\\.io\\.IOException: 4"),
                e.getMessage());
        assertEquals(List.of(1, 2, 3), seen.stream().map(Seen::attempt).toList());
        assertEquals(List.of(ms(2), ms(2), ms(2)), seen.stream().map(Seen::delay).toList());
        assertEquals(task.thrown.subList(0, 3), seen.stream().map(Seen::failure).toList());
    }

    @Test
    void theDefaultIsThreeAttempts() {
        Script task = Script.alwaysFailing();
        RetryExhaustedException e = assertThrows(RetryExhaustedException.class,
                () -> Retry.withBackoff(Backoff.none()).call(task));
        assertEquals(3, task.calls.get());
        assertEquals(Retry.DEFAULT_MAX_ATTEMPTS, e.attempts());
    }

    @Test
    void maxAttemptsOneMeansNoRetry() {
        Script task = Script.alwaysFailing();
        RetryExhaustedException e = assertThrows(RetryExhaustedException.class,
                () -> Retry.withBackoff(Backoff.none()).maxAttempts(1).call(task));
        assertEquals(1, task.calls.get());
        assertEquals(0, e.getSuppressed().length);
        assertTrue(e.getMessage().startsWith("gave up after 1 attempt in "), e.getMessage());
    }

    @Test
    void suppressedFailuresAreCappedAtTheMostRecentTen() {
        Script task = Script.alwaysFailing();
        RetryExhaustedException e = assertThrows(RetryExhaustedException.class,
                () -> Retry.withBackoff(Backoff.none()).maxAttempts(25).call(task));
        assertEquals(25, e.attempts());
        assertEquals("25", e.getCause().getMessage());
        assertEquals(Retry.MAX_SUPPRESSED, e.getSuppressed().length);
        assertEquals(List.of("15", "16", "17", "18", "19", "20", "21", "22", "23", "24"),
                Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toList());
    }

    @Test
    void theSameFailureObjectThrownAgainIsListedOnce() {
        IOException same = new IOException("cached");
        Script task = new Script(Integer.MAX_VALUE, n -> same);
        RetryExhaustedException e = assertThrows(RetryExhaustedException.class,
                () -> Retry.withBackoff(Backoff.none()).maxAttempts(4).call(task));
        assertEquals(4, task.calls.get());
        assertSame(same, e.getCause());
        assertEquals(0, e.getSuppressed().length, "the cause is not also suppressed");
        assertEquals(0, same.getSuppressed().length, "the failure itself is not touched");
    }

    @Test
    void maxElapsedStopsBeforeAWaitThatWouldEndTooLate() {
        Script task = Script.alwaysFailing();
        List<Seen> seen = new ArrayList<>();
        RetryExhaustedException e = assertThrows(RetryExhaustedException.class, () -> Retry
                .withBackoff(Backoff.fixed(ms(50))).maxAttempts(10).maxElapsed(ms(20)).onRetry(recordInto(seen)).call(task));
        assertEquals(1, task.calls.get());
        assertEquals(1, e.attempts());
        assertEquals(List.of(), seen, "no retry was announced: no wait began");
        assertTrue(e.getMessage().contains("(the next attempt, after a 50 ms delay, would start past maxElapsed 20 ms)"),
                e.getMessage());
    }

    // ------------------------------------------------------------------ which failures

    @Test
    void aNonRetryableUncheckedFailurePropagatesUnchanged() {
        IllegalStateException boom = new IllegalStateException("boom");
        Script task = new Script(Integer.MAX_VALUE, n -> n == 1 ? new IOException("io") : boom);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Retry.withBackoff(Backoff.none()).maxAttempts(10).retryOn(IOException.class).call(task));
        assertSame(boom, e);
        assertEquals(2, task.calls.get(), "the IOException was retried, the IllegalStateException was not");
        assertEquals(0, boom.getSuppressed().length);
    }

    @Test
    void aNonRetryableCheckedFailureIsWrappedInCompletionException() {
        FileNotFoundException missing = new FileNotFoundException("config.yml");
        Script task = new Script(Integer.MAX_VALUE, n -> missing);
        CompletionException e = assertThrows(CompletionException.class,
                () -> Retry.withBackoff(Backoff.none()).retryOn(t -> !(t instanceof FileNotFoundException)).call(task));
        assertSame(missing, e.getCause());
        assertEquals("attempt 1 failed with a non-retryable java.io.FileNotFoundException: config.yml", e.getMessage());
        assertEquals(1, task.calls.get());
    }

    @Test
    void errorsAreNotRetriedByDefault() {
        AtomicInteger calls = new AtomicInteger();
        Error error = new Error("broken");
        Error e = assertThrows(Error.class, () -> Retry.withBackoff(Backoff.none()).call(() -> {
            calls.incrementAndGet();
            throw error;
        }));
        assertSame(error, e);
        assertEquals(1, calls.get());
    }

    @Test
    void aPredicateMayRetryErrors() {
        AtomicInteger calls = new AtomicInteger();
        RetryExhaustedException e = assertThrows(RetryExhaustedException.class,
                () -> Retry.withBackoff(Backoff.none()).retryOn(t -> true).call(() -> {
                    calls.incrementAndGet();
                    throw new AssertionError("flaky");
                }));
        assertEquals(3, calls.get());
        assertInstanceOf(AssertionError.class, e.getCause());
    }

    @Test
    void retryOnTypesMatchesSubclassesAndAnyOfTheTypes() throws Exception {
        Script task = new Script(2, n -> n == 1 ? new FileNotFoundException() : new TimeoutException());
        assertEquals("ok", Retry.withBackoff(Backoff.none()).retryOn(IOException.class, TimeoutException.class).call(task));
        assertEquals(3, task.calls.get());
    }

    @Test
    void theLastRetryOnReplacesTheEarlierOne() {
        Script task = Script.alwaysFailing();
        Retry retry = Retry.withBackoff(Backoff.none()).retryOn(IOException.class).retryOn(IllegalStateException.class);
        CompletionException e = assertThrows(CompletionException.class, () -> retry.call(task));
        assertEquals(1, task.calls.get());
        assertInstanceOf(IOException.class, e.getCause());
    }

    @Test
    void interruptionAndCancellationAreNeverRetriedWhateverThePredicateSays() {
        Retry retryAll = Retry.withBackoff(Backoff.none()).maxAttempts(10).retryOn(t -> true);
        List<Exception> stoppers = List.of(
                new InterruptedException("stop"),
                new CancellationException("cancelled"),
                new WorkerCancelledException("w-1", "worker 'w-1' was cancelled"),
                new ChannelInterruptedException("interrupted", new InterruptedException()));
        for (Exception stopper : stoppers) {
            AtomicInteger calls = new AtomicInteger();
            Exception e = assertThrows(Exception.class, () -> retryAll.call(() -> {
                calls.incrementAndGet();
                throw stopper;
            }));
            assertSame(stopper, e, "propagated unchanged");
            assertEquals(1, calls.get(), stopper.toString());
            Thread.interrupted();   // ChannelInterruptedException's contract is to set the flag; ours did not
        }
    }

    @Test
    void aThrowingPredicateStopsTheRetryWithTheFailureSuppressed() {
        Script task = Script.alwaysFailing();
        IllegalStateException bug = new IllegalStateException("predicate bug");
        Predicate<Throwable> broken = t -> {
            throw bug;
        };
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Retry.withBackoff(Backoff.none()).retryOn(broken).call(task));
        assertSame(bug, e);
        assertEquals(1, task.calls.get());
        assertSame(task.thrown.get(0), e.getSuppressed()[0]);
    }

    @Test
    void aThrowingListenerStopsTheRetryWithTheFailureSuppressed() {
        Script task = Script.alwaysFailing();
        IllegalStateException bug = new IllegalStateException("listener bug");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Retry.withBackoff(Backoff.none()).onRetry((a, f, d) -> {
                    throw bug;
                }).call(task));
        assertSame(bug, e);
        assertEquals(1, task.calls.get());
        assertSame(task.thrown.get(0), e.getSuppressed()[0]);
    }

    // ------------------------------------------------------------------ interruption

    @Test
    void anInterruptDuringTheWaitStopsAtOnceWithNoFurtherAttempt() throws Exception {
        Script task = Script.alwaysFailing();
        CountDownLatch announced = new CountDownLatch(1);
        Retry retry = Retry.withBackoff(Backoff.fixed(Duration.ofMinutes(5))).maxAttempts(10)
                .onRetry((a, f, d) -> announced.countDown());
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        AtomicReference<Boolean> flagAfter = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                retry.call(task);
            } catch (Throwable e) {
                outcome.set(e);
                flagAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertTrue(announced.await(10, TimeUnit.SECONDS));
        Thread.sleep(20);        // most likely inside the wait now; an earlier interrupt must work as well
        t.interrupt();
        assertTrue(t.join(Duration.ofSeconds(5)), "the 5-minute wait should end at once");
        InterruptedException ie = assertInstanceOf(InterruptedException.class, outcome.get());
        assertSame(task.thrown.get(0), ie.getSuppressed()[0], "the last failure is attached");
        assertEquals(false, flagAfter.get(), "flag cleared, as InterruptedException means");
        assertEquals(1, task.calls.get(), "no attempt after the interrupt");
    }

    @Test
    void aFailureWithTheInterruptFlagSetIsNotRetried() {
        List<Seen> seen = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        IOException closed = new IOException("closed by interrupt");
        InterruptedException ie = assertThrows(InterruptedException.class,
                () -> Retry.withBackoff(Backoff.none()).maxAttempts(10).onRetry(recordInto(seen)).call(() -> {
                    calls.incrementAndGet();
                    Thread.currentThread().interrupt();
                    throw closed;
                }));
        assertFalse(Thread.interrupted(), "flag cleared");
        assertEquals(1, calls.get());
        assertEquals(List.of(), seen);
        assertSame(closed, ie.getSuppressed()[0]);
    }

    @Test
    void anInterruptedExceptionFromTheTaskPropagatesUnchanged() {
        InterruptedException mine = new InterruptedException("task");
        AtomicInteger calls = new AtomicInteger();
        InterruptedException e = assertThrows(InterruptedException.class,
                () -> Retry.withBackoff(Backoff.none()).maxAttempts(10).call(() -> {
                    calls.incrementAndGet();
                    throw mine;
                }));
        assertSame(mine, e);
        assertEquals(1, calls.get());
    }

    // ------------------------------------------------------------------ cancellation token

    @Test
    void cancellingTheTokenEndsTheWaitAtOnce() throws Exception {
        CancellationToken token = CancellationToken.create();
        Script task = Script.alwaysFailing();
        CountDownLatch announced = new CountDownLatch(1);
        Retry retry = Retry.withBackoff(Backoff.fixed(Duration.ofMinutes(5))).maxAttempts(10).cancelledBy(token)
                .onRetry((a, f, d) -> announced.countDown());
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                retry.call(task);
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        assertTrue(announced.await(10, TimeUnit.SECONDS));
        Thread.sleep(20);
        token.cancel();
        assertTrue(t.join(Duration.ofSeconds(5)), "the 5-minute wait should end at once");
        CancellationException e = assertInstanceOf(CancellationException.class, outcome.get());
        assertSame(task.thrown.get(0), e.getCause());
        String name = token.toString().replaceAll("^CancellationToken\\[([^,]+),.*$", "$1");
        assertTrue(e.getMessage().matches("retry cancelled by token '" + name + "' after 1 attempt in \\d+ ms"), e.getMessage());
        assertEquals(1, task.calls.get());
    }

    @Test
    void aTokenCancelledBeforehandRunsNothing() {
        CancellationToken token = CancellationToken.create();
        token.cancel();
        Script task = Script.alwaysFailing();
        CancellationException e = assertThrows(CancellationException.class,
                () -> Retry.withBackoff(Backoff.none()).cancelledBy(token).call(task));
        assertEquals(0, task.calls.get());
        assertNull(e.getCause());
        assertTrue(e.getMessage().endsWith("before the first attempt"), e.getMessage());
    }

    @Test
    void aTokenCancelledDuringAnAttemptPreventsTheRetryButNotTheSuccess() throws Exception {
        CancellationToken token = CancellationToken.create();
        IOException failure = new IOException("after cancel");
        AtomicInteger calls = new AtomicInteger();
        Retry retry = Retry.withBackoff(Backoff.none()).maxAttempts(10).cancelledBy(token);
        CancellationException e = assertThrows(CancellationException.class, () -> retry.call(() -> {
            calls.incrementAndGet();
            token.cancel();
            throw failure;
        }));
        assertSame(failure, e.getCause());
        assertEquals(1, calls.get());

        CancellationToken other = CancellationToken.create();
        assertEquals("done", Retry.withBackoff(Backoff.none()).cancelledBy(other).call(() -> {
            other.cancel();
            return "done";
        }));
    }

    @Test
    void aTokenThatIsNeverCancelledLetsTheRetryRunItsCourse() throws Exception {
        CancellationToken token = CancellationToken.create();
        Script task = new Script(2, n -> new IOException());
        assertEquals("ok", Retry.withBackoff(Backoff.fixed(ms(1))).cancelledBy(token).call(task));
        assertEquals(3, task.calls.get());
        assertEquals(0, token.registeredCount(), "the waits left nothing registered on the token");
    }

    // ------------------------------------------------------------------ jitter, run, sharing

    @Test
    void aSeededGeneratorMakesTheJitteredDelaysReproducible() throws Exception {
        Backoff backoff = Backoff.exponential(ms(1), ms(4)).withJitter(0.5);
        List<Duration> first = delaysOf(Retry.withBackoff(backoff).maxAttempts(5).random(new Random(11)));
        List<Duration> second = delaysOf(Retry.withBackoff(backoff).maxAttempts(5).random(new Random(11)));
        assertEquals(4, first.size());
        assertEquals(first, second);
        Random expected = new Random(11);
        for (int n = 1; n <= 4; n++) {
            assertEquals(backoff.delay(n, expected), first.get(n - 1), "attempt " + n);
        }
    }

    private static List<Duration> delaysOf(Retry retry) throws InterruptedException {
        List<Duration> delays = new ArrayList<>();
        assertThrows(RetryExhaustedException.class,
                () -> retry.onRetry((a, f, d) -> delays.add(d)).call(Script.alwaysFailing()));
        return delays;
    }

    @Test
    void runRetriesATaskWithoutResult() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Retry.withBackoff(Backoff.none()).run(() -> {
            if (calls.incrementAndGet() < 3) throw new IOException("not yet");
        });
        assertEquals(3, calls.get());
        CompletionException e = assertThrows(CompletionException.class,
                () -> Retry.withBackoff(Backoff.none()).retryOn(IllegalStateException.class).run(() -> {
                    throw new IOException("checked");
                }));
        assertEquals("checked", e.getCause().getMessage());
    }

    @Test
    void settersReturnCopiesAndOnePolicyServesConcurrentCalls() throws Exception {
        Retry base = Retry.withBackoff(Backoff.fixed(ms(1)));
        Retry more = base.maxAttempts(6);
        Script three = Script.alwaysFailing();
        assertEquals(3, assertThrows(RetryExhaustedException.class, () -> base.call(three)).attempts());
        List<Worker<Integer>> callers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            callers.add(Worker.spawn(() -> {
                Script s = Script.alwaysFailing();
                RetryExhaustedException e = assertThrows(RetryExhaustedException.class, () -> more.call(s));
                assertEquals(6, s.calls.get());
                return e.attempts();
            }));
        }
        for (Worker<Integer> w : callers) {
            assertEquals(6, w.join(Duration.ofSeconds(10)));
        }
    }

    @Test
    void toStringShowsTheSettings() {
        CancellationToken token = CancellationToken.create();
        String name = token.toString().replaceAll("^CancellationToken\\[([^,]+),.*$", "$1");
        assertEquals("Retry[Backoff.fixed(10 ms), maxAttempts 3]", Retry.withBackoff(Backoff.fixed(ms(10))).toString());
        assertEquals("Retry[Backoff.none(), maxAttempts 5, maxElapsed 2000 ms, retryOn IOException | TimeoutException, with listener, cancelledBy "
                + name + "]", Retry.withBackoff(Backoff.none()).maxAttempts(5).maxElapsed(Duration.ofSeconds(2))
                .retryOn(IOException.class, TimeoutException.class).onRetry((a, f, d) -> {}).cancelledBy(token).toString());
    }

    // ------------------------------------------------------------------ bad input

    @Test
    @SuppressWarnings("unchecked")
    void badArgumentsAreRejectedNamingTheArgumentAndValue() {
        Retry r = Retry.withBackoff(Backoff.none());
        assertMessage(NullPointerException.class, "backoff must not be null", () -> Retry.withBackoff(null));
        assertMessage(IllegalArgumentException.class, "maxAttempts must be >= 1, got 0", () -> r.maxAttempts(0));
        assertMessage(IllegalArgumentException.class, "maxAttempts must be >= 1, got -5", () -> r.maxAttempts(-5));
        assertMessage(NullPointerException.class, "maxElapsed must not be null", () -> r.maxElapsed(null));
        assertMessage(IllegalArgumentException.class, "maxElapsed must not be negative: PT-0.001S", () -> r.maxElapsed(ms(-1)));
        assertMessage(NullPointerException.class, "predicate must not be null", () -> r.retryOn((Predicate<Throwable>) null));
        assertMessage(NullPointerException.class, "types must not be null", () -> r.retryOn((Class<? extends Throwable>[]) null));
        assertMessage(IllegalArgumentException.class, "retryOn needs at least one type, got none", () -> r.retryOn(new Class[0]));
        assertMessage(NullPointerException.class, "types[1] must not be null", () -> r.retryOn(IOException.class, null));
        assertMessage(NullPointerException.class, "listener must not be null", () -> r.onRetry(null));
        assertMessage(NullPointerException.class, "token must not be null", () -> r.cancelledBy(null));
        assertMessage(NullPointerException.class, "random must not be null", () -> r.random(null));
        assertMessage(NullPointerException.class, "task must not be null", () -> r.call(null));
        assertMessage(NullPointerException.class, "task must not be null", () -> r.run(null));
        assertDoesNotThrow(() -> r.maxElapsed(Duration.ZERO));
    }

    private static void assertMessage(Class<? extends Throwable> type, String message, Executable call) {
        Throwable t = assertThrows(type, call);
        assertEquals(message, t.getMessage());
    }
}
