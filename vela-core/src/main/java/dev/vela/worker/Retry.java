package dev.vela.worker;

import dev.vela.channel.ChannelInterruptedException;
import dev.vela.channel.Timers;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import java.util.random.RandomGenerator;

/**
 * A retry policy: run a task, and when it fails with a retryable failure, wait as a {@link Backoff}
 * says and run it again, until it succeeds or a limit is reached. Immutable and thread-safe; every
 * setter returns a copy with that one setting replaced, so a policy can be built once and shared.
 *
 * <pre>{@code
 * Retry retry = Retry.withBackoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2)).withJitter(0.2))
 *         .maxAttempts(5)                                   // the first attempt included
 *         .maxElapsed(Duration.ofSeconds(10))               // no attempt starts later than this
 *         .retryOn(IOException.class)                       // default: any Exception
 *         .onRetry((attempt, failure, delay) -> log.warn("attempt " + attempt + " failed, retrying in " + delay, failure));
 * Page page = retry.call(() -> fetch(url));                 // or retry.run(() -> send(msg))
 * }</pre>
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li><b>Attempts.</b> The task runs on the calling thread, at most {@link #maxAttempts} times
 *       (default {@value #DEFAULT_MAX_ATTEMPTS}: the first attempt and two retries). Before retry
 *       {@code n} the policy waits {@code backoff.delay(n)}.</li>
 *   <li><b>Elapsed time.</b> With {@link #maxElapsed}, no wait begins that would end later than
 *       {@code maxElapsed} after the first attempt started, and no attempt starts later than that
 *       (a wait that overran counts). It bounds when attempts <em>start</em>, not how long one runs:
 *       give the task its own timeout for that. Default: no limit.</li>
 *   <li><b>Which failures.</b> A failure is retried when the {@link #retryOn} predicate accepts it
 *       (default: every {@link Exception}, no {@link Error}). Whatever the predicate says,
 *       interruption and cancellation are never retried: {@link InterruptedException},
 *       {@link ChannelInterruptedException}, {@link CancellationException} (and so
 *       {@link WorkerCancelledException}), and any failure thrown while the thread's interrupt flag is
 *       set.</li>
 *   <li><b>Outcomes</b> of {@link #call}: the task's value as soon as an attempt succeeds; a failure
 *       that is not retryable propagates at once — unchanged if it is unchecked or an
 *       {@code InterruptedException}, otherwise wrapped in a {@link CompletionException} whose cause it
 *       is; when the limits are reached, {@link RetryExhaustedException} (cause: the last failure;
 *       up to {@value #MAX_SUPPRESSED} earlier failures suppressed); interrupted, an
 *       {@code InterruptedException}; cancelled by the token of {@link #cancelledBy}, a
 *       {@code CancellationException}.</li>
 *   <li><b>Listener and predicate.</b> The {@link #onRetry} listener runs on the calling thread once
 *       per retry, after the decision to retry and before the wait. If it or the predicate throws, no
 *       further attempt is made: its exception propagates, with the attempt's failure attached as
 *       suppressed.</li>
 * </ul>
 *
 * <h2>Time</h2>
 * Waits use {@link Timers#sleep} (or the token's {@link CancellationToken#await(Duration)}) and
 * elapsed time is read from {@link Timers#nanoTime()}, so a test's virtual clock drives a retry
 * without real sleeping, jitter included when the policy's generator is seeded ({@link #random}).
 *
 * <h2>Implementation overview</h2>
 * A plain loop on the caller's thread — no worker, no timer task, no allocation per attempt beyond
 * what the task throws. After a failure the checks run in a fixed order, each able to end the loop:
 * (1) not retryable → propagate; (2) interrupt flag set → {@code InterruptedException};
 * (3) token cancelled → {@code CancellationException}; (4) attempts used up, or (5) the planned wait
 * would end past {@code maxElapsed} → {@code RetryExhaustedException}; then the listener, the wait, and
 * (6) the wait overran {@code maxElapsed} → {@code RetryExhaustedException}. Earlier failures are kept
 * in a deque of at most {@value #MAX_SUPPRESSED}, dropping the oldest. Like Failsafe and Resilience4j
 * the policy is a value and the state of one execution lives in the call's local variables, so one
 * policy serves any number of concurrent calls.
 */
public final class Retry {
    /** Attempts made by a policy whose {@link #maxAttempts} was not set: the first and two retries. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    /** The most earlier failures a {@link RetryExhaustedException} carries as suppressed (the most recent ones). */
    public static final int MAX_SUPPRESSED = 10;

    /** Retry every {@link Exception}, never an {@link Error}. */
    private static final Predicate<Throwable> DEFAULT_RETRY_ON = new Predicate<>() {
        @Override
        public boolean test(Throwable t) {
            return t instanceof Exception;
        }

        @Override
        public String toString() {
            return "Exception";
        }
    };

    /** Final, every field: a policy is a value. */
    private final Backoff backoff;
    private final int maxAttempts;
    /** The elapsed-time limit, or null for none. */
    private final Duration maxElapsed;
    private final Predicate<? super Throwable> retryOn;
    /** Null for none. */
    private final Listener listener;
    /** Null for none. */
    private final CancellationToken token;
    /** Null: {@link ThreadLocalRandom} of the calling thread. */
    private final RandomGenerator random;

    private Retry(Backoff backoff, int maxAttempts, Duration maxElapsed, Predicate<? super Throwable> retryOn,
                  Listener listener, CancellationToken token, RandomGenerator random) {
        this.backoff = backoff;
        this.maxAttempts = maxAttempts;
        this.maxElapsed = maxElapsed;
        this.retryOn = retryOn;
        this.listener = listener;
        this.token = token;
        this.random = random;
    }

    /**
     * Told of each retry before its wait, for logging and metrics.
     *
     * <pre>{@code
     * retry.onRetry((attempt, failure, delay) -> retries.increment());
     * }</pre>
     */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called on the retrying thread after attempt {@code attempt} failed and the policy decided
         * to retry, before it waits {@code delay}. Throwing stops the retry (see {@link Retry}).
         *
         * @param attempt the attempt that failed, from 1
         * @param failure what it threw
         * @param delay   the wait before attempt {@code attempt + 1}, jitter included
         */
        void onRetry(int attempt, Throwable failure, Duration delay);
    }

    /** A task with no result that may throw, for {@link #run}. */
    @FunctionalInterface
    public interface Action {
        /**
         * Runs the task once.
         *
         * @throws Exception any failure; the policy decides whether it is retried
         */
        void run() throws Exception;
    }

    /**
     * A policy that waits as {@code backoff} says between attempts, with the defaults: at most
     * {@value #DEFAULT_MAX_ATTEMPTS} attempts, no elapsed-time limit, every {@link Exception} retried,
     * no listener, no token.
     *
     * @param backoff the delays between attempts
     * @return the policy
     * @throws NullPointerException if {@code backoff} is null
     */
    public static Retry withBackoff(Backoff backoff) {
        if (backoff == null) {
            throw new NullPointerException("backoff must not be null");
        }
        return new Retry(backoff, DEFAULT_MAX_ATTEMPTS, null, DEFAULT_RETRY_ON, null, null, null);
    }

    /**
     * Sets how many attempts may be made in all, the first one included: 1 means no retry;
     * {@link Integer#MAX_VALUE} means no limit but {@link #maxElapsed} and cancellation.
     *
     * @param maxAttempts at least 1
     * @return a copy with this limit
     * @throws IllegalArgumentException if {@code maxAttempts < 1}
     */
    public Retry maxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
        }
        return new Retry(backoff, maxAttempts, maxElapsed, retryOn, listener, token, random);
    }

    /**
     * Sets the elapsed-time limit, counted from the start of the first attempt: no wait begins that
     * would end after it, and no attempt starts after it. Zero allows retries only while no time has
     * passed (with {@link Backoff#none()} under a virtual clock).
     *
     * @param maxElapsed the limit, not negative
     * @return a copy with this limit
     * @throws NullPointerException     if {@code maxElapsed} is null
     * @throws IllegalArgumentException if {@code maxElapsed} is negative
     */
    public Retry maxElapsed(Duration maxElapsed) {
        Deadlines.check(maxElapsed, "maxElapsed");
        return new Retry(backoff, maxAttempts, maxElapsed, retryOn, listener, token, random);
    }

    /**
     * Sets which failures are retried (replacing the default or an earlier {@code retryOn}).
     * Interruption and cancellation are never retried, whatever the predicate says (see the class
     * rules). The predicate runs on the retrying thread; if it throws, the retry stops.
     *
     * @param predicate true for a failure worth retrying
     * @return a copy with this predicate
     * @throws NullPointerException if {@code predicate} is null
     */
    public Retry retryOn(Predicate<? super Throwable> predicate) {
        if (predicate == null) {
            throw new NullPointerException("predicate must not be null");
        }
        return new Retry(backoff, maxAttempts, maxElapsed, predicate, listener, token, random);
    }

    /**
     * Retries only failures that are instances of one of {@code types} (replacing the default or an
     * earlier {@code retryOn}), for example {@code retryOn(IOException.class, TimeoutException.class)}.
     * Interruption and cancellation are never retried, even if listed.
     *
     * @param types the failure types to retry, at least one
     * @return a copy with this predicate
     * @throws NullPointerException     if {@code types} or one of its elements is null
     * @throws IllegalArgumentException if {@code types} is empty
     */
    @SafeVarargs
    public final Retry retryOn(Class<? extends Throwable>... types) {
        if (types == null) {
            throw new NullPointerException("types must not be null");
        }
        if (types.length == 0) {
            throw new IllegalArgumentException("retryOn needs at least one type, got none");
        }
        Class<?>[] copy = types.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] == null) {
                throw new NullPointerException("types[" + i + "] must not be null");
            }
        }
        Predicate<Throwable> anyOf = new Predicate<>() {
            @Override
            public boolean test(Throwable t) {
                for (Class<?> c : copy) {
                    if (c.isInstance(t)) {
                        return true;
                    }
                }
                return false;
            }

            @Override
            public String toString() {
                StringBuilder sb = new StringBuilder();
                for (Class<?> c : copy) {
                    sb.append(sb.isEmpty() ? "" : " | ").append(c.getSimpleName());
                }
                return sb.toString();
            }
        };
        return new Retry(backoff, maxAttempts, maxElapsed, anyOf, listener, token, random);
    }

    /**
     * Sets the listener told of each retry (replacing an earlier one).
     *
     * @param listener called before each wait with the failed attempt's number, its failure and the delay
     * @return a copy with this listener
     * @throws NullPointerException if {@code listener} is null
     */
    public Retry onRetry(Listener listener) {
        if (listener == null) {
            throw new NullPointerException("listener must not be null");
        }
        return new Retry(backoff, maxAttempts, maxElapsed, retryOn, listener, token, random);
    }

    /**
     * Makes the retry stop when {@code token} is cancelled: a wait between attempts ends at once, no
     * further attempt starts, and {@link #call} throws {@link CancellationException} naming the token
     * (cause: the last failure). An attempt that is running is not interrupted (cancelling a token
     * interrupts no thread): give the token to the task too if it should stop early.
     *
     * @param token the token to watch
     * @return a copy watching this token
     * @throws NullPointerException if {@code token} is null
     */
    public Retry cancelledBy(CancellationToken token) {
        if (token == null) {
            throw new NullPointerException("token must not be null");
        }
        return new Retry(backoff, maxAttempts, maxElapsed, retryOn, listener, token, random);
    }

    /**
     * Sets the generator the backoff's jitter is drawn from (default: {@link ThreadLocalRandom}).
     * A seeded generator makes the delays reproducible in tests. It is used by every call of this
     * policy, so if calls run concurrently it must be thread-safe ({@link java.util.Random} is,
     * {@link java.util.SplittableRandom} is not).
     *
     * @param random the jitter source
     * @return a copy with this generator
     * @throws NullPointerException if {@code random} is null
     */
    public Retry random(RandomGenerator random) {
        if (random == null) {
            throw new NullPointerException("random must not be null");
        }
        return new Retry(backoff, maxAttempts, maxElapsed, retryOn, listener, token, random);
    }

    /**
     * Runs {@code task} until it succeeds or the policy gives up, on the calling thread.
     *
     * <p><b>Interruption and timeout.</b> An interrupt during a wait between attempts ends the wait at
     * once: {@link InterruptedException} is thrown (flag cleared, the last failure attached as
     * suppressed) and no further attempt starts. A retryable failure thrown while the interrupt flag
     * is set (a task that saw the interrupt but threw something else) is treated the same way. A
     * running attempt is not interrupted by the policy; the task sees an interrupt as it would without
     * the policy, and an {@code InterruptedException} it throws propagates unchanged. The flag is not
     * checked before the first attempt. {@link #maxElapsed} limits when attempts start, not how long
     * one runs; all times are on the runtime's clock ({@link Timers#nanoTime()}, virtual under a
     * test's virtual clock).
     *
     * @param task the task; it may be run several times
     * @param <T>  the result type
     * @return the value of the first attempt that succeeded
     * @throws InterruptedException    if interrupted between attempts (or a failure came with the flag set),
     *                                 or the task threw it
     * @throws RetryExhaustedException if the limits were reached; cause: the last failure
     * @throws CancellationException   if the token of {@link #cancelledBy} was cancelled (before the first
     *                                 attempt, or after a retryable failure); cause: the last failure, if any
     * @throws CompletionException     wrapping a checked exception (other than {@code InterruptedException})
     *                                 that is not retryable
     * @throws NullPointerException    if {@code task} is null
     */
    public <T> T call(Callable<? extends T> task) throws InterruptedException {
        if (task == null) {
            throw new NullPointerException("task must not be null");
        }
        CancellationToken tok = token;
        if (tok != null && tok.isCancelled()) {
            throw cancelled(tok, 0, 0L, null);
        }
        RandomGenerator rnd = random != null ? random : ThreadLocalRandom.current();
        long maxElapsedNanos = maxElapsed == null ? -1L : Deadlines.toNanos(maxElapsed);
        final long start = Timers.nanoTime();
        ArrayDeque<Throwable> earlier = null;
        for (int attempt = 1; ; attempt++) {
            Throwable failure;
            try {
                return task.call();
            } catch (Throwable t) {
                failure = t;
            }
            // (1) .. (5): may this failure be retried, and is there a next attempt?
            if (!isRetryable(failure)) {
                throw propagate(failure, attempt);
            }
            if (Thread.interrupted()) {
                InterruptedException ie = new InterruptedException(
                        "retry interrupted: attempt " + attempt + " failed while the thread was interrupted");
                ie.addSuppressed(failure);
                throw ie;
            }
            if (tok != null && tok.isCancelled()) {
                throw cancelled(tok, attempt, since(start), failure);
            }
            if (attempt >= maxAttempts) {
                throw exhausted(attempt, since(start), failure, earlier, "maxAttempts " + maxAttempts);
            }
            Duration delay = backoff.delay(attempt, rnd);
            long delayNanos = delay.toNanos();    // fits: a Backoff never returns more than Long.MAX_VALUE ns
            long elapsed = since(start);
            if (maxElapsedNanos >= 0L && saturatedAdd(elapsed, delayNanos) > maxElapsedNanos) {
                throw exhausted(attempt, elapsed, failure, earlier, "the next attempt, after a "
                        + Deadlines.format(delay) + " delay, would start past maxElapsed " + Deadlines.format(maxElapsed));
            }
            if (listener != null) {
                try {
                    listener.onRetry(attempt, failure, delay);
                } catch (RuntimeException | Error e) {
                    suppress(e, failure);
                    throw e;
                }
            }
            // the wait, then (6)
            try {
                if (tok == null) {
                    Timers.sleep(delay);
                } else if (tok.await(delay)) {
                    throw cancelled(tok, attempt, since(start), failure);
                }
            } catch (InterruptedException e) {
                suppress(e, failure);
                throw e;
            }
            if (maxElapsedNanos >= 0L && (elapsed = since(start)) > maxElapsedNanos) {
                throw exhausted(attempt, elapsed, failure, earlier,
                        "the next attempt would start past maxElapsed " + Deadlines.format(maxElapsed));
            }
            earlier = remember(earlier, failure);
        }
    }

    /**
     * Runs {@code task} until it succeeds or the policy gives up: {@link #call} for a task with no
     * result.
     *
     * <p><b>Interruption and timeout.</b> As {@link #call}.
     *
     * @param task the task; it may be run several times
     * @throws InterruptedException    as {@link #call}
     * @throws RetryExhaustedException if the limits were reached; cause: the last failure
     * @throws CancellationException   if the token of {@link #cancelledBy} was cancelled
     * @throws CompletionException     wrapping a checked exception that is not retryable
     * @throws NullPointerException    if {@code task} is null
     */
    public void run(Action task) throws InterruptedException {
        if (task == null) {
            throw new NullPointerException("task must not be null");
        }
        call(() -> {
            task.run();
            return null;
        });
    }

    /** Returns e.g. {@code Retry[Backoff.fixed(10 ms), maxAttempts 3, maxElapsed 1 s, retryOn IOException]}. */
    @Override
    public String toString() {
        return "Retry[" + backoff + ", maxAttempts " + maxAttempts
                + (maxElapsed == null ? "" : ", maxElapsed " + Deadlines.format(maxElapsed))
                + (retryOn == DEFAULT_RETRY_ON ? "" : ", retryOn " + retryOn)
                + (listener == null ? "" : ", with listener")
                + (token == null ? "" : ", cancelledBy " + token.name())
                + "]";
    }

    // ------------------------------------------------------------------ machinery

    private boolean isRetryable(Throwable failure) {
        if (failure instanceof InterruptedException || failure instanceof ChannelInterruptedException
                || failure instanceof CancellationException) {
            return false;
        }
        try {
            return retryOn.test(failure);
        } catch (RuntimeException | Error e) {
            suppress(e, failure);
            throw e;
        }
    }

    /** What to throw for a failure that is not retried: itself if the signature allows, else wrapped. */
    private static RuntimeException propagate(Throwable failure, int attempt) throws InterruptedException {
        if (failure instanceof RuntimeException r) {
            throw r;
        }
        if (failure instanceof Error e) {
            throw e;
        }
        if (failure instanceof InterruptedException ie) {
            throw ie;
        }
        return new CompletionException("attempt " + attempt + " failed with a non-retryable " + failure, failure);
    }

    private static CancellationException cancelled(CancellationToken tok, int attempts, long elapsedNanos,
                                                   Throwable lastFailure) {
        CancellationException e = new CancellationException("retry cancelled by token '" + tok.name() + "' "
                + (attempts == 0 ? "before the first attempt"
                        : "after " + attempts(attempts) + " in " + Deadlines.format(Duration.ofNanos(elapsedNanos))));
        if (lastFailure != null) {
            e.initCause(lastFailure);
        }
        return e;
    }

    private static RetryExhaustedException exhausted(int attempts, long elapsedNanos, Throwable last,
                                                     ArrayDeque<Throwable> earlier, String why) {
        Duration elapsed = Duration.ofNanos(elapsedNanos);
        RetryExhaustedException e = new RetryExhaustedException("gave up after " + attempts(attempts) + " in "
                + Deadlines.format(elapsed) + " (" + why + "): " + last, attempts, elapsed, last);
        if (earlier != null) {
            for (Throwable t : earlier) {
                if (t != last) {
                    e.addSuppressed(t);
                }
            }
        }
        return e;
    }

    /** Keeps the {@value #MAX_SUPPRESSED} most recent distinct failures, oldest first. */
    private static ArrayDeque<Throwable> remember(ArrayDeque<Throwable> earlier, Throwable failure) {
        if (earlier == null) {
            earlier = new ArrayDeque<>();
        }
        for (Throwable t : earlier) {
            if (t == failure) {
                return earlier;
            }
        }
        if (earlier.size() == MAX_SUPPRESSED) {
            earlier.removeFirst();
        }
        earlier.addLast(failure);
        return earlier;
    }

    /** Attaches {@code failure} to {@code e} unless that is impossible (the same object). */
    private static void suppress(Throwable e, Throwable failure) {
        if (e != failure) {
            e.addSuppressed(failure);
        }
    }

    private static String attempts(int n) {
        return n == 1 ? "1 attempt" : n + " attempts";
    }

    private static long since(long start) {
        return Math.max(0L, Timers.nanoTime() - start);
    }

    private static long saturatedAdd(long a, long b) {
        long s = a + b;
        return s < 0L ? Long.MAX_VALUE : s;      // both operands are >= 0
    }
}
