package dev.vela.worker;

import dev.vela.time.internal.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * The one shared timer for worker and scope deadlines.
 *
 * <p>A single daemon platform thread ({@code vela-deadlines}) runs a
 * {@link ScheduledThreadPoolExecutor} with remove-on-cancel, so a worker that finishes in time
 * removes its timer at once (no garbage build-up with many short workers). The timer thread never
 * runs completion work itself: each expiry starts a short virtual thread, so callbacks (for example
 * dependents of {@link Worker#toCompletableFuture()}) can never stall other deadlines.
 */
final class Deadlines {
    private Deadlines() {}

    /** Lazily created on first use (holder idiom). */
    private static final class Holder {
        static final ScheduledThreadPoolExecutor TIMER = create();

        private static ScheduledThreadPoolExecutor create() {
            var t = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("vela-deadlines").factory());
            t.setRemoveOnCancelPolicy(true);
            t.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
            return t;
        }
    }

    /**
     * Runs {@code action} on a fresh virtual thread after {@code nanos} on the runtime's clock (a test's
     * virtual clock, if one is installed, moves it instead of the timer thread); cancel the result to disarm.
     */
    static Clock.Timer schedule(Runnable action, long nanos) {
        Runnable fire = () -> Clock.start(Thread.ofVirtual().name("vela-deadline").unstarted(action));
        return Clock.schedule(Holder.TIMER, fire, nanos, 0);
    }

    /** Duration to nanoseconds, saturating instead of overflowing. */
    static long toNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
    }

    /** Validates a deadline or timeout argument: not null, not negative. */
    static Duration check(Duration d, String argName) {
        if (d == null) {
            throw new NullPointerException(argName + " must not be null");
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException(argName + " must not be negative: " + d);
        }
        return d;
    }

    /** Human-readable duration for messages: "250 ms", "3 s", "750 µs". */
    static String format(Duration d) {
        long nanos = toNanos(d);
        if (nanos < 1_000_000L && nanos != 0L) {
            return (nanos / 1_000L) + " µs";
        }
        long ms = d.toMillis();
        if (ms < 10_000L || ms % 1000L != 0L) {
            return ms + " ms";
        }
        return (ms / 1000L) + " s";
    }
}
