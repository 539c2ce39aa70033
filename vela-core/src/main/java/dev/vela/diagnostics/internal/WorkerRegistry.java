package dev.vela.diagnostics.internal;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live worker threads, for the deadlock watchdog of {@code dev.vela.diagnostics} and the live
 * console (this package is not exported: it is how workers and channels report to the diagnostics
 * without depending on them).
 *
 * <p>Tracking is off until a reader retains it ({@link #retain()}: a watchdog, a console; counted, so
 * each can stop independently). {@link #tracking} is volatile and read once per worker start: a worker
 * registers its thread for the duration of its task only while tracking is on, so workers started
 * before that are not watched. While tracking, the last {@value #RECENT_MAX} workers that ended are
 * kept too ({@link #recent()}), for the console's "done / failed" rows.
 */
public final class WorkerRegistry {
    private WorkerRegistry() {}

    /**
     * What a tracked worker told at its start.
     *
     * @param name          the worker's name
     * @param group         its pool's name, or null
     * @param startNanos    when its task started ({@link System#nanoTime()})
     * @param deadlineNanos when its deadline expires ({@link System#nanoTime()} scale), or {@link Long#MIN_VALUE}: none
     */
    public record Tracked(String name, String group, long startNanos, long deadlineNanos) {
        /** @return whether the worker has a deadline (a pending timer that will interrupt it) */
        public boolean hasDeadline() {
            return deadlineNanos != Long.MIN_VALUE;
        }
    }

    /**
     * A tracked worker that ended.
     *
     * @param id        its thread's id
     * @param name      its name
     * @param group     its pool's name, or null
     * @param outcome   {@code done}, {@code failed}, {@code timed-out} or {@code cancelled}
     * @param error     the failure's class and message, or null
     * @param endNanos  when it ended ({@link System#nanoTime()})
     */
    public record Ended(long id, String name, String group, String outcome, String error, long endNanos) {}

    /** Whether workers register themselves (volatile; true while {@link #readers} &gt; 0). */
    public static volatile boolean tracking;
    /** Guarded by the class lock. */
    private static int readers;
    private static final int RECENT_MAX = 64;

    /** Live worker threads while tracking → what they told at their start. */
    private static final Map<Thread, Tracked> LIVE = new ConcurrentHashMap<>();
    /** Guarded by itself. The last workers that ended while tracking, oldest first; at most {@value #RECENT_MAX}. */
    private static final ArrayDeque<Ended> RECENT = new ArrayDeque<>();

    /** A reader starts needing the records; pair with {@link #release()}. */
    public static synchronized void retain() {
        readers++;
        tracking = true;
    }

    /** A reader is done; tracking stops (and the records are forgotten) with the last one. */
    public static synchronized void release() {
        if (readers > 0 && --readers == 0) {
            tracking = false;
            LIVE.clear();
            synchronized (RECENT) {
                RECENT.clear();
            }
        }
    }

    /**
     * Called by a worker's own thread before its task runs (only when {@link #tracking}).
     *
     * @param t             the worker's thread
     * @param name          the worker's name
     * @param group         its pool's name, or null
     * @param deadlineNanos its deadline ({@link System#nanoTime()} scale) or {@link Long#MIN_VALUE}
     */
    public static void started(Thread t, String name, String group, long deadlineNanos) {
        LIVE.put(t, new Tracked(name, group, System.nanoTime(), deadlineNanos));
    }

    /** Called by a worker's own thread after its task ended. */
    public static void finished(Thread t) {
        LIVE.remove(t);
    }

    /**
     * Called once a tracked worker's outcome is decided.
     *
     * @param e the ended worker
     */
    public static void ended(Ended e) {
        if (!tracking) return;
        synchronized (RECENT) {
            if (RECENT.size() == RECENT_MAX) RECENT.pollFirst();
            RECENT.addLast(e);
        }
    }

    /** @return a snapshot of the live tracked workers → what they told at their start */
    public static Map<Thread, Tracked> live() {
        return Map.copyOf(LIVE);
    }

    /** @return the last workers that ended while tracking, oldest first */
    public static List<Ended> recent() {
        synchronized (RECENT) {
            return List.copyOf(RECENT);
        }
    }
}
