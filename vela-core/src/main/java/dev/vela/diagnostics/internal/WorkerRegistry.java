package dev.vela.diagnostics.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live worker threads, for the deadlock watchdog of {@code dev.vela.diagnostics} (this package is
 * not exported: it is how workers and channels report to the diagnostics without depending on them).
 *
 * <p>Tracking is off until a watchdog starts ({@link #tracking}, volatile, read once per worker start):
 * a worker registers its thread for the duration of its task only while tracking is on, so workers
 * started before that are not watched. The value records whether the worker has a deadline (a
 * pending timer that will interrupt it, so it cannot be deadlocked forever).
 */
public final class WorkerRegistry {
    private WorkerRegistry() {}

    /** Whether workers register themselves (volatile; set by the watchdog). */
    public static volatile boolean tracking;

    /** Live worker threads while tracking → whether each has a deadline. */
    private static final Map<Thread, Boolean> LIVE = new ConcurrentHashMap<>();

    /** Called by a worker's own thread before its task runs (only when {@link #tracking}). */
    public static void started(Thread t, boolean hasDeadline) {
        LIVE.put(t, hasDeadline);
    }

    /** Called by a worker's own thread after its task ended. */
    public static void finished(Thread t) {
        LIVE.remove(t);
    }

    /** A snapshot of the live tracked workers → whether each has a deadline. */
    public static Map<Thread, Boolean> live() {
        return Map.copyOf(LIVE);
    }
}
