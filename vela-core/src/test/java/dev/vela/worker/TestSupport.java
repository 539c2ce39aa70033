package dev.vela.worker;

import java.time.Duration;

/** Helpers shared by the worker tests. */
final class TestSupport {
    private TestSupport() {}

    /** Generous bound for "returns promptly" on a loaded 2-core machine. */
    static final Duration PROMPT = Duration.ofSeconds(1);
    /** Bound for a join that must succeed. */
    static final Duration LONG = Duration.ofSeconds(10);

    /** Sleeps for {@code d}, swallowing interrupts (a task that ignores cancellation); re-asserts the flag. */
    static void sleepIgnoringInterrupts(Duration d) {
        long end = System.nanoTime() + d.toNanos();
        boolean interrupted = false;
        for (long left; (left = end - System.nanoTime()) > 0; ) {
            try {
                Thread.sleep(Duration.ofNanos(left));
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Busy-spins for about {@code nanos}, ignoring interrupts. */
    static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000L;
    }
}
