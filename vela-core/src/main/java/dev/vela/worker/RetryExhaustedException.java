package dev.vela.worker;

import java.io.Serial;
import java.time.Duration;

/**
 * Thrown by {@link Retry#call} and {@link Retry#run} when every allowed attempt failed with a
 * retryable failure: the policy's {@code maxAttempts} were used up, or the next attempt would have
 * started after its {@code maxElapsed}.
 *
 * <p>The {@linkplain #getCause() cause} is the last attempt's failure, type and message intact. Up
 * to {@value Retry#MAX_SUPPRESSED} earlier failures (the most recent ones, oldest first; a failure
 * object thrown again is listed once) are attached as {@linkplain #getSuppressed() suppressed}. The
 * message names the attempts, the elapsed time, which limit ended the retry and the last failure,
 * for example {@code gave up after 3 attempts in 212 ms (maxAttempts 3): java.io.IOException: refused}.
 */
public final class RetryExhaustedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /** Final; attempts made, at least 1. */
    private final int attempts;
    /** Final; time from the start of the first attempt until the retry gave up. */
    private final Duration elapsed;

    RetryExhaustedException(String message, int attempts, Duration elapsed, Throwable lastFailure) {
        super(message, lastFailure);
        this.attempts = attempts;
        this.elapsed = elapsed;
    }

    /**
     * The number of attempts made, all of which failed (the first attempt included).
     *
     * @return at least 1
     */
    public int attempts() {
        return attempts;
    }

    /**
     * The time from the start of the first attempt until the retry gave up, on the runtime's clock
     * (virtual under a test's virtual clock).
     *
     * @return the elapsed time, not negative
     */
    public Duration elapsed() {
        return elapsed;
    }
}
