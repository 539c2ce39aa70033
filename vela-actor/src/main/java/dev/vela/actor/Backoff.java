package dev.vela.actor;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a supervisor waits before the {@code n}-th restart of a child within the restart window
 * ({@code n = 0} for the first): none, constant, linear or exponential, always capped.
 *
 * <pre>{@code
 * Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5)); // 100 ms, 200 ms, 400 ms, ... 5 s
 * }</pre>
 *
 * While a child waits for its restart it processes no message; its mailbox keeps filling (under its
 * overflow policy) and a stop ends the wait at once.
 */
public final class Backoff {
    private enum Kind { NONE, CONSTANT, LINEAR, EXPONENTIAL }

    private static final Backoff NONE = new Backoff(Kind.NONE, Duration.ZERO, Duration.ZERO);

    private final Kind kind;
    private final Duration initial;
    private final Duration cap;

    private Backoff(Kind kind, Duration initial, Duration cap) {
        this.kind = kind;
        this.initial = initial;
        this.cap = cap;
    }

    /**
     * Restart at once.
     *
     * @return the zero backoff
     */
    public static Backoff none() {
        return NONE;
    }

    /**
     * Wait {@code delay} before every restart.
     *
     * @param delay the delay, not negative
     * @return the backoff
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Backoff constant(Duration delay) {
        check("delay", delay);
        return new Backoff(Kind.CONSTANT, delay, delay);
    }

    /**
     * Wait {@code initial·(n+1)}, at most {@code cap}, before the {@code n}-th restart.
     *
     * @param initial the first delay, not negative
     * @param cap     the largest delay, at least {@code initial}
     * @return the backoff
     * @throws IllegalArgumentException if a duration is negative or {@code cap < initial}
     */
    public static Backoff linear(Duration initial, Duration cap) {
        return capped(Kind.LINEAR, initial, cap);
    }

    /**
     * Wait {@code initial·2^n}, at most {@code cap}, before the {@code n}-th restart.
     *
     * @param initial the first delay, not negative
     * @param cap     the largest delay, at least {@code initial}
     * @return the backoff
     * @throws IllegalArgumentException if a duration is negative or {@code cap < initial}
     */
    public static Backoff exponential(Duration initial, Duration cap) {
        return capped(Kind.EXPONENTIAL, initial, cap);
    }

    private static Backoff capped(Kind kind, Duration initial, Duration cap) {
        check("initial", initial);
        check("cap", cap);
        if (cap.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff cap " + cap + " must be >= initial delay " + initial);
        }
        return new Backoff(kind, initial, cap);
    }

    private static void check(String what, Duration d) {
        Objects.requireNonNull(d, what);
        if (d.isNegative()) throw new IllegalArgumentException("backoff " + what + " must not be negative, got " + d);
    }

    /**
     * The delay before a restart.
     *
     * @param restartsBefore restarts of the same child already counted in the current window (0 for the first)
     * @return the delay, never more than the cap
     * @throws IllegalArgumentException if {@code restartsBefore} is negative
     */
    public Duration delay(int restartsBefore) {
        if (restartsBefore < 0) throw new IllegalArgumentException("restartsBefore must be >= 0, got " + restartsBefore);
        return switch (kind) {
            case NONE -> Duration.ZERO;
            case CONSTANT -> initial;
            case LINEAR -> min(saturatingMultiply(initial, restartsBefore + 1L));
            case EXPONENTIAL -> min(restartsBefore >= 62 ? cap : saturatingMultiply(initial, 1L << restartsBefore));
        };
    }

    private Duration min(Duration d) {
        return d.compareTo(cap) > 0 ? cap : d;
    }

    private Duration saturatingMultiply(Duration d, long factor) {
        try {
            return d.multipliedBy(factor);
        } catch (ArithmeticException overflow) {
            return cap;
        }
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "Backoff.none()";
            case CONSTANT -> "Backoff.constant(" + initial + ")";
            case LINEAR -> "Backoff.linear(" + initial + ", cap " + cap + ")";
            case EXPONENTIAL -> "Backoff.exponential(" + initial + ", cap " + cap + ")";
        };
    }
}
