package dev.vela.test;

import dev.vela.time.internal.Clock;
import dev.vela.time.internal.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * The state of one virtual clock: its instant, its scheduled tasks, the threads sleeping on it and
 * the threads it watches. It is the {@link TimeSource} the runtime's clock delegates to while the
 * {@link VirtualClock} is installed.
 *
 * <h2>Implementation overview</h2>
 * Time moves only in {@link #fireNext}: under {@link #lock} it sets {@link #now} to the earliest
 * pending instant (a task's or a sleeper's), takes the tasks due then and unparks the sleepers due
 * then; the tasks run after the lock is released, on the thread that moves the clock. A sleeper
 * registers under the same lock after checking its deadline against {@code now}, so no sleeper can
 * miss the move that passes its deadline; it removes itself when it wakes, and until it does, the
 * quiescence check counts it as running (its deadline is past). Closing hands the pending tasks
 * over to the real clock ({@link Clock#scheduleReal}) with the time they had left.
 */
final class Timeline implements TimeSource {

    /** A scheduled task; ordered by due instant, then by scheduling order (FIFO among equals). */
    private final class Task implements Clock.Timer, Comparable<Task> {
        final Runnable action;
        final long period;          // 0: once
        long seq;                   // guarded by lock (assigned at every (re)queueing)
        long due;                   // guarded by lock
        volatile boolean cancelled; // written under lock

        Task(Runnable action, long due, long period, long seq) {
            this.action = action;
            this.due = due;
            this.period = period;
            this.seq = seq;
        }

        /** Volatile; set once, when the clock closed with this task pending: its real-clock successor. */
        volatile Clock.Timer handedOver;

        @Override
        public void cancel() {
            synchronized (lock) {
                cancelled = true;
                tasks.remove(this);
                changes++;
            }
            Clock.Timer real = handedOver;
            if (real != null) real.cancel();
        }

        @Override
        public int compareTo(Task o) {
            int c = Long.compare(due - o.due, 0);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final Object lock = new Object();
    /** The real {@code System.nanoTime()} at installation: virtual instants start here. Final. */
    private final long origin;
    /** The date and time at {@link #origin}. Final. */
    private final Instant start;
    /** The current virtual instant; written under {@link #lock}, only ever forward. */
    private volatile long now;
    /** Pending tasks, earliest first. Guarded by lock; a cancelled task is removed at once. */
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    /** Tasks ever queued, for FIFO order among tasks due at the same instant. Guarded by lock. */
    private long queued;
    /** Threads parked on this clock → their deadline. Written under lock; read without it by the quiescence check. */
    private final Map<Thread, Long> sleepers = new ConcurrentHashMap<>();
    /** Threads Vela started for user work while installed (terminated ones are pruned by {@link #watched()}). */
    private final Set<Thread> watched = ConcurrentHashMap.newKeySet();
    /** Changes to tasks and sleepers, for the quiescence check. Guarded by lock (read with it too). */
    private long changes;
    /** Set once by {@link #close()}; guarded by lock. */
    private boolean closed;
    /** Who installed it, for messages. Final. */
    private final String installer;

    Timeline(Instant start) {
        this.origin = System.nanoTime();
        this.now = origin;
        this.start = start;
        this.installer = Thread.currentThread().getName();
    }

    // ---- TimeSource ----------------------------------------------------------------------------

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public Instant instant() {
        return start.plusNanos(now - origin);
    }

    @Override
    public void parkUntil(Object blocker, long deadline) {
        Thread me = Thread.currentThread();
        synchronized (lock) {
            if (closed || deadline - now <= 0) return;          // the caller re-reads the time and decides
            sleepers.put(me, deadline);
            changes++;
        }
        try {
            LockSupport.park(blocker);
        } finally {
            synchronized (lock) {
                sleepers.remove(me);
                changes++;
            }
        }
    }

    @Override
    public Clock.Timer schedule(Runnable task, long delayNanos, long periodNanos) {
        synchronized (lock) {
            Task t = new Task(task, now + Math.max(0, delayNanos), periodNanos, queued++);
            tasks.add(t);
            changes++;
            return t;
        }
    }

    @Override
    public boolean timersPending() {
        synchronized (lock) {
            return !tasks.isEmpty();
        }
    }

    @Override
    public void watch(Thread t) {
        watched.add(t);
        if (watched.size() > 4096) watched.removeIf(w -> w.getState() == Thread.State.TERMINATED);
    }

    // ---- what VirtualClock drives ---------------------------------------------------------------

    /** Elapsed virtual time since installation. */
    Duration elapsed() {
        return Duration.ofNanos(now - origin);
    }

    /** Moves the clock to {@code target} if nothing is pending before it (never backwards). */
    void moveTo(long target) {
        synchronized (lock) {
            if (target - now > 0) {
                now = target;
                changes++;
            }
        }
    }

    /**
     * Moves the clock to the earliest pending instant if it is not after {@code limit}, wakes the
     * sleepers due then and runs the tasks due then (on this thread, outside the lock).
     *
     * @return {@code false} if nothing is pending at or before {@code limit} (the clock did not move)
     */
    boolean fireNext(long limit) {
        List<Task> due = new ArrayList<>();
        List<Thread> wake = new ArrayList<>();
        synchronized (lock) {
            long next = earliestLocked();
            if (next == Long.MIN_VALUE || next - limit > 0) return false;
            if (next - now > 0) now = next;
            while (!tasks.isEmpty() && tasks.peek().due - now <= 0) due.add(tasks.poll());
            for (var e : sleepers.entrySet()) {
                if (e.getValue() - now <= 0) wake.add(e.getKey());
            }
            changes++;
        }
        for (Thread t : wake) LockSupport.unpark(t);
        for (Task t : due) {
            try {
                t.action.run();
            } catch (Throwable e) {
                Thread me = Thread.currentThread();
                me.getUncaughtExceptionHandler().uncaughtException(me, e);
            }
            if (t.period > 0) {
                synchronized (lock) {
                    if (!t.cancelled && !closed) {              // the same handle: cancel() still stops it
                        t.due += t.period;
                        t.seq = queued++;
                        tasks.add(t);
                    }
                }
            }
        }
        return true;
    }

    /** The earliest instant a task or a not-yet-woken sleeper waits for, or {@code Long.MIN_VALUE} if none. */
    private long earliestLocked() {
        long next = Long.MIN_VALUE;
        if (!tasks.isEmpty()) next = tasks.peek().due;
        for (long d : sleepers.values()) {
            if (d - now > 0 && (next == Long.MIN_VALUE || d - next < 0)) next = d;   // due ones were woken already
        }
        return next;
    }

    /** The earliest pending instant, or {@code Long.MIN_VALUE} if nothing is pending. */
    long earliest() {
        synchronized (lock) {
            return earliestLocked();
        }
    }

    /** The count of changes to tasks and sleepers so far. */
    long changes() {
        synchronized (lock) {
            return changes;
        }
    }

    /** The deadline {@code t} sleeps until, or null if it does not sleep on this clock. */
    Long sleepingUntil(Thread t) {
        return sleepers.get(t);
    }

    /** The current instant (for the quiescence check). */
    long now() {
        return now;
    }

    /** The live watched threads (terminated ones are forgotten). */
    Set<Thread> watched() {
        watched.removeIf(t -> t.getState() == Thread.State.TERMINATED);
        return watched;
    }

    /** Watches a thread that was started before (the body of {@link VirtualClock#run}). */
    void watchStarted(Thread t) {
        watched.add(t);
    }

    /** How many tasks are pending. */
    int pendingTasks() {
        synchronized (lock) {
            return tasks.size();
        }
    }

    /**
     * Stops for good: every sleeper is woken (it re-reads the real clock) and every pending task is
     * handed over to the real clock with the virtual time it had left, so closing loses no timer,
     * deadline or ask timeout.
     */
    void close() {
        List<Thread> wake;
        List<Task> pending;
        long at;
        synchronized (lock) {
            closed = true;
            pending = new ArrayList<>(tasks);
            tasks.clear();
            wake = new ArrayList<>(sleepers.keySet());
            at = now;
        }
        for (Thread t : wake) LockSupport.unpark(t);
        for (Task t : pending) {
            Clock.Timer real = Clock.scheduleReal(t.action, t.due - at, t.period);
            t.handedOver = real;
            if (t.cancelled) real.cancel();                 // cancelled while being handed over
        }
    }

    @Override
    public String toString() {
        return "VirtualClock[+" + elapsed() + ", installed by thread \"" + installer + "\"]";
    }
}
