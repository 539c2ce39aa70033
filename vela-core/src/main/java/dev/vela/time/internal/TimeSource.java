package dev.vela.time.internal;

/**
 * A clock other than the system's, installed for tests (internal; exported only to {@code dev.vela.test}
 * and the modules that wait on time): the virtual clock of {@code dev.vela.test.VirtualClock} implements it.
 *
 * <p>Every instant is on the {@link System#nanoTime()} scale: a virtual clock starts at the real
 * {@code nanoTime} of its installation and then moves only when told to.
 */
public interface TimeSource {

    /**
     * The current instant.
     *
     * @return nanoseconds on the {@link System#nanoTime()} scale
     */
    long nanoTime();

    /**
     * The current instant as a date and time (for values such as a timer's firing time).
     *
     * @return the instant the clock shows
     */
    java.time.Instant instant();

    /**
     * Parks the current thread until it is unparked or {@code deadline} has come on this clock. May
     * return early (spuriously), like {@link java.util.concurrent.locks.LockSupport#park}: callers loop.
     *
     * @param blocker  the object the thread parks on (for thread dumps)
     * @param deadline the instant to wake up at
     */
    void parkUntil(Object blocker, long deadline);

    /**
     * Runs {@code task} once {@code delayNanos} have passed on this clock, then (if {@code periodNanos > 0})
     * every {@code periodNanos}. The task runs on the thread that moves the clock: it must be short.
     *
     * @param task        what to run
     * @param delayNanos  time until the first run, not negative
     * @param periodNanos time between runs, or 0 for once
     * @return a handle that stops the task
     */
    Clock.Timer schedule(Runnable task, long delayNanos, long periodNanos);

    /**
     * Whether some task is scheduled (for the deadlock watchdog: a pending timer can wake a worker).
     *
     * @return {@code true} if a task will still run
     */
    boolean timersPending();

    /**
     * A thread Vela starts for user work (a worker, an actor's runner) is about to start; the clock
     * watches it until it terminates, to know when every such thread waits. Called by the starting
     * thread just before {@link Thread#start()}, so that no started thread is ever unseen.
     *
     * @param t the thread, not yet started
     */
    void watch(Thread t);
}
