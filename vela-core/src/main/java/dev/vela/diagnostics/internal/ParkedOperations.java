package dev.vela.diagnostics.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The blocked channel operations, for the deadlock watchdog of {@code dev.vela.diagnostics}, the live
 * console and the virtual clock (internal; not exported). Channels report here through {@link Parked},
 * an interface of this package, so that the channel machinery and its readers never import each other.
 *
 * <p>Two ways to know what a thread is parked on. <b>Its blocker</b> ({@link #blockedOn}): a channel
 * waiter parks with itself as the {@link LockSupport} blocker, which the JDK keeps in the thread for
 * the whole park anyway, so reading it costs the parking thread nothing; the watchdog and the console
 * use it. <b>Records</b> ({@link #parking}, {@link #parkedNow}, {@link #changes}): kept only while a
 * virtual clock retains them ({@link #active}, volatile, read on the slow path only, just before a
 * thread parks), because it needs to count every park and unpark to know when nothing moves; a global
 * map written twice per park, too costly for a console left on in production. The watchdog fails an operation by leaving a verdict for its
 * thread ({@link #fail}) and interrupting it; the operation's interrupt path withdraws it and then
 * asks {@link #takeVerdict()} whether to throw the watchdog's exception instead of
 * {@code InterruptedException}.
 */
public final class ParkedOperations {
    private ParkedOperations() {}

    /** What the watchdog reads of one blocked operation (a channel waiter). */
    public interface Parked {
        /**
         * The blocked thread.
         *
         * @return the thread that parks, or null if none (an async operation)
         */
        Thread parkedThread();

        /**
         * The operation, for the report: "send", "receive", "reserve", "select".
         *
         * @return the operation's name
         */
        String parkedOperation();

        /**
         * The channel waited on, for the report.
         *
         * @return the channel, or null for a select
         */
        Object parkedOn();

        /**
         * Whether the operation was completed (it is then no longer blocked, whatever the record says).
         *
         * @return {@code true} once completed
         */
        boolean completed();
    }

    /**
     * The channel operation {@code t} is parked in now, read from its park blocker: costs the parked
     * thread nothing, needs no {@link #retain()}. A snapshot: it may have been woken since.
     *
     * @param t a thread
     * @return the operation, or null if {@code t} is not parked in a channel operation (spinning, running,
     *         parked on something else)
     */
    public static Parked blockedOn(Thread t) {
        return LockSupport.getBlocker(t) instanceof Parked p && p.parkedThread() == t && !p.completed() ? p : null;
    }

    /**
     * Whether {@code t}, found {@link #blockedOn parked in a channel operation}, waits with a timeout (a
     * timed wait cannot be a deadlock): its thread state says so ({@code TIMED_WAITING}), so the waiter
     * needs no field for it.
     *
     * @param t a thread
     * @return whether it is in a timed wait now
     */
    public static boolean timedWait(Thread t) {
        return t.getState() == Thread.State.TIMED_WAITING;
    }

    /**
     * One parked operation.
     *
     * @param op         the operation
     * @param timed      whether it waits with a timeout (a timed wait cannot be a deadlock)
     * @param sinceNanos when it parked ({@link System#nanoTime()})
     */
    public record Entry(Parked op, boolean timed, long sinceNanos) {}

    /** Whether anyone reads the records: a watchdog or a virtual clock (volatile; read by channel waiters on the slow path only). */
    public static volatile boolean active;
    /** Guarded by the class lock: how many readers retain the records ({@link #active} iff {@code > 0}). */
    private static int readers;
    /** Changes to the records since the start (parks and unparks), for a virtual clock that waits for
     * nothing to change; counted only while {@link #active}. */
    private static final AtomicLong CHANGES = new AtomicLong();
    /** Threads parked in a channel operation right now, while {@link #active}. */
    private static final Map<Thread, Entry> PARKED = new ConcurrentHashMap<>();
    /** Reports for threads whose operation the watchdog fails; consumed by {@link #takeVerdict()}. */
    private static final Map<Thread, String> VERDICTS = new ConcurrentHashMap<>();

    /**
     * Called by the parking thread just before it parks (only while {@link #active}).
     *
     * @param p     the operation
     * @param timed whether it waits with a timeout
     */
    public static void parking(Parked p, boolean timed) {
        Thread t = p.parkedThread();
        if (t != null) PARKED.put(t, new Entry(p, timed, System.nanoTime()));
        CHANGES.incrementAndGet();
    }

    /**
     * Called by the parking thread once it no longer parks.
     *
     * @param p the operation given to {@link #parking}
     */
    public static void unparked(Parked p) {
        Thread t = p.parkedThread();
        if (t != null) PARKED.computeIfPresent(t, (k, e) -> e.op() == p ? null : e);
        CHANGES.incrementAndGet();
    }

    /**
     * How many times a thread parked or unparked in a channel operation while records were kept.
     *
     * @return a counter that only grows
     */
    public static long changes() {
        return CHANGES.get();
    }

    /** Starts keeping records (a watchdog or a virtual clock starts reading them); pair with {@link #release()}. */
    public static synchronized void retain() {
        readers++;
        active = true;
    }

    /** Stops keeping records once the last reader is gone; forgets them then. */
    public static synchronized void release() {
        if (readers > 0 && --readers == 0) {
            active = false;
            PARKED.clear();
        }
    }

    /**
     * The operation {@code t} is parked on now.
     *
     * @param t a thread
     * @return its entry, or null if it is not parked in a channel operation
     */
    public static Entry parkedNow(Thread t) {
        return PARKED.get(t);
    }

    /**
     * Leaves the watchdog's report for {@code t}, whose operation is about to be interrupted.
     *
     * @param t      the thread
     * @param report the deadlock report
     */
    public static void fail(Thread t, String report) {
        VERDICTS.put(t, report);
    }

    /**
     * The watchdog's report for the current thread, if it failed this thread's operation; consumed.
     *
     * @return the report, or null
     */
    public static String takeVerdict() {
        if (VERDICTS.isEmpty()) return null;
        return VERDICTS.remove(Thread.currentThread());
    }
}
