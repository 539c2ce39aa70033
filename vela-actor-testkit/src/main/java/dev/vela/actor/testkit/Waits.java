package dev.vela.actor.testkit;

import dev.vela.channel.Receiver;
import dev.vela.channel.Timers;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The one way the test kit waits: a timed receive on a Vela channel, with deadlines read from
 * {@link Timers#nanoTime()}. Both follow the runtime's clock, so under a test's virtual clock an
 * {@code expectNoMessage(1 s)} takes no real time. Nothing here sleeps or reads
 * {@link System#nanoTime()}.
 *
 * <p>Interruption: a wait that is interrupted ends with an {@link AssertionError} (the expectation
 * could not be checked) whose cause is the {@link InterruptedException}, and the thread's interrupt
 * status is set again, so a test framework's timeout that interrupts the test thread ends the wait
 * at once and still sees the interrupt.
 */
final class Waits {
    /** Deadlines are capped this far ahead (about 73 years) so that {@code now + max} never overflows. */
    private static final long MAX_NANOS = Long.MAX_VALUE / 4;

    private Waits() {}

    /**
     * Checks a timeout argument.
     *
     * @return {@code max}
     * @throws NullPointerException     if {@code max} is null
     * @throws IllegalArgumentException if {@code max} is negative
     */
    static Duration checkTimeout(Duration max) {
        Objects.requireNonNull(max, "timeout");
        if (max.isNegative()) throw new IllegalArgumentException("timeout must not be negative, got " + max);
        return max;
    }

    /** The deadline {@code max} from now on the runtime's clock (compare with {@link #remaining}). */
    static long deadline(Duration max) {
        return Timers.nanoTime() + nanos(max);
    }

    /** What is left until {@code deadline}: zero once it has passed. */
    static Duration remaining(long deadline) {
        long left = deadline - Timers.nanoTime();
        return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
    }

    private static long nanos(Duration d) {
        if (d.compareTo(Duration.ofNanos(MAX_NANOS)) >= 0) return MAX_NANOS;
        return d.toNanos();
    }

    /**
     * Receives the next value within {@code max}, or returns {@code null} on timeout (then nothing
     * was taken). {@code during} names the expectation for the message of an interruption.
     *
     * @throws AssertionError if interrupted (the interrupt status is set again; nothing was taken)
     */
    static <T> T receive(Receiver<T> rx, Duration max, Supplier<String> during) {
        try {
            return rx.receive(max);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(during.get() + ": interrupted while waiting", e);
        }
    }

    /** A duration for people: "3 s", "100 ms", "1500 ms", or ISO-8601 for what is not whole milliseconds. */
    static String format(Duration d) {
        if (d.getNano() % 1_000_000 != 0 || d.compareTo(Duration.ofDays(1)) > 0) return d.toString();
        long ms = d.toMillis();
        return ms % 1000 == 0 && ms != 0 ? ms / 1000 + " s" : ms + " ms";
    }
}
