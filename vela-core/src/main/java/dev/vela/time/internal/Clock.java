package dev.vela.time.internal;

import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * The one place Vela reads the time and waits for it (internal): real time, unless a test installed a
 * {@link TimeSource} (a virtual clock). Every timed operation of every module goes through here:
 * deadlines of timed channel operations and select, worker and scope deadlines, timed joins, timers,
 * sleeps, actor restarts and ask timeouts, pipeline throttles.
 *
 * <h2>Cost with no virtual clock</h2>
 * One volatile read of {@link #virtual} and a null test, on timed paths only (an untimed send or
 * receive never reads the time). The field is written twice per test that uses a virtual clock.
 *
 * <h2>Invariant</h2>
 * At most one source is installed at a time ({@link #install} refuses a second one), so an instant
 * read before an installation stays comparable with one read after it: both are on the
 * {@link System#nanoTime()} scale (see {@link TimeSource}).
 */
public final class Clock {
    private Clock() {}

    /** The installed virtual clock, or null for real time (volatile: read once per timed wait). */
    private static volatile TimeSource virtual;

    /** A scheduled task's handle. */
    @FunctionalInterface
    public interface Timer {
        /** Stops the task: it does not run (again) after this returns, unless it is running now. */
        void cancel();
    }

    /**
     * Installs {@code source} as the clock of the whole runtime.
     *
     * @param source the virtual clock
     * @throws IllegalStateException if one is installed already
     */
    public static synchronized void install(TimeSource source) {
        Objects.requireNonNull(source, "source");
        if (virtual != null) {
            throw new IllegalStateException("a virtual clock is already installed (" + virtual
                    + "): close it before installing another; virtual clocks do not nest");
        }
        virtual = source;
    }

    /**
     * Removes {@code source}; real time again.
     *
     * @param source the clock given to {@link #install}
     * @return {@code false} if {@code source} was not the installed clock (nothing changed)
     */
    public static synchronized boolean uninstall(TimeSource source) {
        if (virtual != source) return false;
        virtual = null;
        return true;
    }

    /**
     * The installed virtual clock.
     *
     * @return it, or null under real time
     */
    public static TimeSource virtual() {
        return virtual;
    }

    /**
     * The current instant.
     *
     * @return nanoseconds on the {@link System#nanoTime()} scale, virtual if a virtual clock is installed
     */
    public static long nanoTime() {
        TimeSource v = virtual;
        return v == null ? System.nanoTime() : v.nanoTime();
    }

    /**
     * The current instant as a date and time.
     *
     * @return {@link java.time.Instant#now()}, or the virtual clock's instant
     */
    public static java.time.Instant instant() {
        TimeSource v = virtual;
        return v == null ? java.time.Instant.now() : v.instant();
    }

    /**
     * Parks the current thread for at most {@code remaining} (real time), or until {@code deadline}
     * on the virtual clock; may return early, like {@link LockSupport#parkNanos}: callers loop and
     * recompute the time left.
     *
     * @param blocker   the object parked on
     * @param deadline  the instant to wake at ({@link #nanoTime()} scale)
     * @param remaining {@code deadline - nanoTime()}, positive
     */
    public static void parkUntil(Object blocker, long deadline, long remaining) {
        TimeSource v = virtual;
        if (v == null) {
            LockSupport.parkNanos(blocker, remaining);
        } else {
            v.parkUntil(blocker, deadline);
        }
    }

    /**
     * Sleeps {@code nanos} on this clock.
     *
     * @param nanos how long, not negative
     * @throws InterruptedException if interrupted (flag cleared)
     */
    public static void sleep(long nanos) throws InterruptedException {
        if (nanos <= 0) {
            if (Thread.interrupted()) throw new InterruptedException();
            return;
        }
        long deadline = nanoTime() + nanos;
        Object blocker = Clock.class;
        for (;;) {
            if (Thread.interrupted()) throw new InterruptedException();
            long left = deadline - nanoTime();
            if (left <= 0) return;
            parkUntil(blocker, deadline, left);
        }
    }

    /**
     * Waits for {@code future} to complete, at most {@code nanos} on this clock
     * ({@code CompletableFuture.get(timeout)} follows the real clock only).
     *
     * @param future the future
     * @param nanos  how long at most
     * @return {@code true} if it completed, {@code false} if the time ran out first
     * @throws InterruptedException if interrupted while waiting (flag cleared)
     */
    public static boolean await(java.util.concurrent.CompletableFuture<?> future, long nanos) throws InterruptedException {
        if (future.isDone()) return true;
        if (Thread.interrupted()) throw new InterruptedException();
        if (nanos <= 0) return false;
        Thread me = Thread.currentThread();
        future.whenComplete((v, e) -> LockSupport.unpark(me));   // a late unpark is a spurious wake-up: harmless
        long deadline = nanoTime() + nanos;
        while (!future.isDone()) {
            if (Thread.interrupted()) throw new InterruptedException();
            long left = deadline - nanoTime();
            if (left <= 0) return false;
            parkUntil(future, deadline, left);
        }
        return true;
    }

    /**
     * {@link java.util.concurrent.locks.Condition#awaitNanos} on this clock. With a virtual clock the
     * wait is untimed, and a task of the clock signals {@code condition} (under {@code lock}) at the
     * deadline: a condition wait does not return on a bare unpark.
     *
     * @param lock      the lock {@code condition} belongs to, held by the caller
     * @param condition the condition
     * @param nanos     how long at most
     * @return an estimate of the time left, as {@code awaitNanos} returns it (≤ 0: the time ran out)
     * @throws InterruptedException if interrupted while waiting
     */
    public static long awaitNanos(java.util.concurrent.locks.Lock lock, java.util.concurrent.locks.Condition condition,
                                  long nanos) throws InterruptedException {
        TimeSource v = virtual;
        if (v == null) return condition.awaitNanos(nanos);
        if (nanos <= 0) return nanos;
        long deadline = v.nanoTime() + nanos;
        Timer timer = v.schedule(() -> {
            lock.lock();
            try {
                condition.signalAll();                      // the waiters re-check their state: spurious is fine
            } finally {
                lock.unlock();
            }
        }, nanos, 0);
        try {
            condition.await();
        } finally {
            timer.cancel();
        }
        return deadline - v.nanoTime();
    }

    /** The real scheduler for tasks a closing virtual clock hands over (created on first use: rare). */
    private static final class HandOver {
        static final java.util.concurrent.ScheduledThreadPoolExecutor EXECUTOR = create();

        private static java.util.concurrent.ScheduledThreadPoolExecutor create() {
            var e = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("vela-clock-handover").factory());
            e.setRemoveOnCancelPolicy(true);
            return e;
        }
    }

    /**
     * Schedules {@code task} on the real clock: what a virtual clock that closes does with the tasks still
     * pending on it (a timer, a deadline, an ask timeout), so that closing a clock loses none of them.
     *
     * @param task        the task (short)
     * @param delayNanos  real time until the first run
     * @param periodNanos time between runs, or 0 for once
     * @return a handle that stops it
     */
    public static Timer scheduleReal(Runnable task, long delayNanos, long periodNanos) {
        return onExecutor(HandOver.EXECUTOR, task, delayNanos, periodNanos);
    }

    /**
     * Schedules {@code task} on the runtime's clock: on the installed virtual clock (which runs it on the
     * thread that moves it), else on {@code real}, the caller's own timer thread. The one place that
     * chooses between the two, for every timer of every module.
     *
     * @param real        the scheduler used under real time
     * @param task        the task (short, never blocking)
     * @param delayNanos  time until the first run, not negative
     * @param periodNanos time between runs (fixed rate), or 0 for once
     * @return a handle that stops it
     */
    public static Timer schedule(java.util.concurrent.ScheduledExecutorService real, Runnable task,
                                 long delayNanos, long periodNanos) {
        TimeSource v = virtual;
        return v != null ? v.schedule(task, delayNanos, periodNanos) : onExecutor(real, task, delayNanos, periodNanos);
    }

    private static Timer onExecutor(java.util.concurrent.ScheduledExecutorService real, Runnable task,
                                    long delayNanos, long periodNanos) {
        var unit = java.util.concurrent.TimeUnit.NANOSECONDS;
        long delay = Math.max(0, delayNanos);
        var f = periodNanos > 0 ? real.scheduleAtFixedRate(task, delay, periodNanos, unit) : real.schedule(task, delay, unit);
        return () -> f.cancel(false);
    }

    /**
     * Whether a virtual clock has a task scheduled.
     *
     * @return {@code true} if a virtual clock is installed and a task of its is pending
     */
    public static boolean virtualTimersPending() {
        TimeSource v = virtual;
        return v != null && v.timersPending();
    }

    /**
     * Starts {@code t}, a thread that runs user work (a worker, an actor's runner), after telling the
     * virtual clock, if any, to watch it (see {@link TimeSource#watch}).
     *
     * @param t an unstarted thread
     */
    public static void start(Thread t) {
        TimeSource v = virtual;
        if (v != null) v.watch(t);
        t.start();
    }
}
