package dev.vela.test;

import dev.vela.diagnostics.internal.BlockedReport;
import dev.vela.diagnostics.internal.ParkedOperations;
import dev.vela.time.internal.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * A virtual clock for the whole Vela runtime, for tests: while it is installed, every timed thing in
 * Vela follows it instead of the real clock — timed send and receive, {@code Select.onTimeout},
 * {@code Timers.after/tick/sleep/now}, worker and scope deadlines, {@code Worker.join(Duration)},
 * cancellation-token waits, {@code Retry} back-off, actor asks, restarts and timers, pipeline
 * {@code throttle} and {@code tick}. A test of code full of timeouts then runs in milliseconds of real
 * time and can assert exact instants (Kotlin's {@code runTest}, Tokio's {@code time::pause}, Akka's
 * {@code ManualTime}).
 *
 * <h2>Automatic: {@link #run}</h2>
 * <pre>{@code
 * VirtualClock.run(clock -> {
 *     var w = Worker.spawn(() -> retry.call(flakyService::fetch));   // backs off 100 ms, 200 ms, 400 ms
 *     assertEquals("ok", w.join());
 *     assertEquals(Duration.ofMillis(700), clock.elapsed());          // exact, in ~1 ms of real time
 * });
 * }</pre>
 * The body runs on a virtual thread; whenever it and every worker it started wait, the clock jumps to
 * the next instant something waits for. If they all wait and nothing is pending, that is a deadlock:
 * the waiting operations fail and {@code run} throws {@link AllBlockedException} with the deadlock
 * watchdog's report (each worker's name, what it waits on, its stack).
 *
 * <h2>Manual: {@link #install()}</h2>
 * <pre>{@code
 * try (var clock = VirtualClock.install()) {
 *     var ticks = Timers.tick(Duration.ofSeconds(1));
 *     clock.advance(Duration.ofSeconds(1));      // the tick fires; workers run until they all wait
 *     assertNotNull(ticks.tryReceive());
 * }
 * }</pre>
 *
 * <h2>What moves the clock, and what it waits for</h2>
 * Only {@link #advance}, {@link #advanceUntilIdle} and the automatic mode move it. Before each move
 * they wait (in real time, at most {@link #PATIENCE}) until every <em>watched</em> thread waits: the
 * workers, pool tasks, scope children, actor runners and async continuations Vela starts while the
 * clock is installed, and {@code run}'s body. Vela's own waits are judged exactly; JDK waits (a latch,
 * a lock, {@code join}) by the thread's state, looked at three times. Threads started by other means
 * (a plain {@code Thread}, an {@code ExecutorService}) are not watched, and waits outside Vela with a
 * timeout ({@code Thread.sleep}, {@code Future.get(timeout)}) follow the real clock: use
 * {@code Timers.sleep} and Vela's timed operations in code under test.
 *
 * <h2>Rules</h2>
 * One virtual clock at a time in a JVM (installing a second one throws); close it before the test ends
 * (try-with-resources). Virtual instants are on the {@code System.nanoTime()} scale, starting at the
 * real value at installation; dates start at {@link #DEFAULT_START} unless given.
 */
public final class VirtualClock implements AutoCloseable {

    /** The date and time a virtual clock shows when installed, unless another is given. */
    public static final Instant DEFAULT_START = Instant.parse("2000-01-01T00:00:00Z");

    /** How long (real time) a move waits for the watched threads to wait before giving up. */
    public static final Duration PATIENCE = Duration.ofSeconds(30);

    /** Steps {@link #advanceUntilIdle()} takes at most: a timer that never ends (a ticker) would loop forever. */
    static final int MAX_STEPS = 100_000;

    private final Timeline timeline;
    /** Set once, by {@link #close()} (volatile: read by any thread that moves the clock). */
    private volatile boolean closed;

    private VirtualClock(Instant start) {
        this.timeline = new Timeline(start);
    }

    /**
     * The body of {@link #run}.
     */
    @FunctionalInterface
    public interface Action {
        /**
         * The test.
         *
         * @param clock the installed clock, for {@link #elapsed()}, {@link #instant()} and manual moves
         * @throws Exception anything; {@link #run} rethrows it
         */
        void run(VirtualClock clock) throws Exception;
    }

    /**
     * Installs a virtual clock that moves only when told to ({@link #advance}, {@link #advanceUntilIdle}).
     *
     * @return the installed clock; close it at the end of the test
     * @throws IllegalStateException if a virtual clock is installed already (they do not nest)
     */
    public static VirtualClock install() {
        return install(DEFAULT_START);
    }

    /**
     * Installs a virtual clock showing {@code start} as its date and time.
     *
     * @param start the instant {@code Timers.now()} returns right after installation
     * @return the installed clock; close it at the end of the test
     * @throws NullPointerException  if {@code start} is null
     * @throws IllegalStateException if a virtual clock is installed already (they do not nest)
     */
    public static VirtualClock install(Instant start) {
        Objects.requireNonNull(start, "start must not be null");
        VirtualClock c = new VirtualClock(start);
        Clock.install(c.timeline);
        ParkedOperations.retain();
        return c;
    }

    /**
     * Runs {@code body} under a virtual clock that jumps ahead whenever the body and every worker it
     * started wait: timeouts, sleeps and timers take no real time. The clock is installed for the
     * call and closed after it.
     *
     * <p><b>Interruption and timeout.</b> The body runs on its own virtual thread; this thread drives
     * the clock and waits for the body. If the body and its workers all wait with nothing pending, their
     * waiting operations fail (channel operations with {@code ChannelDeadlockException}, other waits
     * are interrupted) and this throws {@link AllBlockedException}. If a watched thread keeps running for
     * {@link #PATIENCE} without waiting, this throws {@link IllegalStateException}. Interrupting this
     * thread interrupts the body.
     *
     * @param body the test
     * @throws Exception             what the body threw
     * @throws AllBlockedException   if everything waited with nothing pending (the body's exception, if
     *                               any, is its cause)
     * @throws IllegalStateException if a virtual clock is installed already
     * @throws NullPointerException  if {@code body} is null
     */
    public static void run(Action body) throws Exception {
        Objects.requireNonNull(body, "body must not be null");
        try (VirtualClock clock = install()) {
            clock.drive(body);
        }
    }

    private void drive(Action body) throws Exception {
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofVirtual().name("vela-virtual-time-body").unstarted(() -> {
            try {
                body.run(this);
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        timeline.watchStarted(t);
        t.start();
        String deadlock = null;
        try {
            while (t.isAlive()) {
                Map<Thread, String> waiting = Quiescence.await(timeline, PATIENCE, t);
                if (waiting == null || !t.isAlive()) break;          // the body ended (maybe during the looks)
                if (!timeline.fireNext(Long.MAX_VALUE)) {
                    String report = report(waiting);
                    if (deadlock == null) deadlock = report;
                    failAll(waiting, report);
                }
            }
        } catch (InterruptedException e) {
            t.interrupt();
            t.join();
            Thread.currentThread().interrupt();
        }
        t.join();
        if (deadlock != null) throw new AllBlockedException(deadlock, failure[0]);
        if (failure[0] instanceof Exception e) throw e;
        if (failure[0] instanceof Error e) throw e;
    }

    /** Fails every waiting thread as the deadlock watchdog does: channel operations throw its report, others are interrupted. */
    private static void failAll(Map<Thread, String> waiting, String report) {
        for (Thread w : waiting.keySet()) {
            if (ParkedOperations.parkedNow(w) != null) ParkedOperations.fail(w, report);
            w.interrupt();
        }
    }

    private String report(Map<Thread, String> waiting) {
        int n = waiting.size();
        return BlockedReport.format("vela: all " + n + (n == 1 ? " watched thread waits" : " watched threads wait")
                + " and no timer is pending on the virtual clock (at +" + Quiescence.format(elapsed()) + ") - deadlock!", waiting);
    }

    // ---- reading the clock ---------------------------------------------------------------------

    /**
     * Virtual time since installation.
     *
     * @return the elapsed virtual time
     */
    public Duration elapsed() {
        return timeline.elapsed();
    }

    /**
     * The date and time the clock shows ({@code Timers.now()} returns the same while installed).
     *
     * @return the current virtual instant
     */
    public Instant instant() {
        return timeline.instant();
    }

    /**
     * The clock's current value on the {@code System.nanoTime()} scale ({@code Timers.nanoTime()}).
     *
     * @return nanoseconds
     */
    public long nanoTime() {
        return timeline.nanoTime();
    }

    /**
     * How many timer tasks (timers, tickers, deadlines, ask timeouts) are pending.
     *
     * @return the count
     */
    public int pendingTimers() {
        return timeline.pendingTasks();
    }

    // ---- moving the clock ----------------------------------------------------------------------

    /**
     * Moves the clock forward by {@code duration}, in steps: at each instant something waits for (a
     * timer, a sleep, a timeout, a deadline) in that span, in order, it wakes what is due and lets the
     * watched threads run until they all wait again; then it stops at the end of the span, after they
     * all wait once more. So when it returns, everything due by then has happened.
     *
     * <p><b>Interruption and timeout.</b> Each wait for the watched threads lasts at most
     * {@link #PATIENCE} of real time ({@link IllegalStateException} naming the threads that still run).
     * If the caller is interrupted, this stops where the clock is, keeps the interrupt flag set and
     * throws {@link IllegalStateException}.
     *
     * @param duration how far, not negative
     * @throws NullPointerException     if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException    if this clock was closed (it is no longer installed), or as above
     */
    public void advance(Duration duration) {
        Objects.requireNonNull(duration, "duration must not be null");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot advance a virtual clock by a negative duration: " + duration
                    + " (time only moves forward)");
        }
        checkInstalled("advance");
        long target = timeline.nanoTime() + saturatedNanos(duration);
        settle();
        while (timeline.fireNext(target)) {
            settle();
        }
        timeline.moveTo(target);
    }

    /**
     * Moves the clock from one pending instant to the next, letting the watched threads run between
     * the steps, until nothing is pending: every watched thread waits without a timeout and no timer is
     * scheduled. Does nothing (but wait for the threads) if nothing is pending.
     *
     * <p><b>Interruption and timeout.</b> As {@link #advance}; besides, a timer that never ends (a
     * ticker nobody closed) would keep this going forever, so it stops with {@link IllegalStateException}
     * after {@value #MAX_STEPS} steps.
     *
     * @throws IllegalStateException if this clock was closed, if it took too many steps, or as {@link #advance}
     */
    public void advanceUntilIdle() {
        checkInstalled("advanceUntilIdle");
        settle();
        for (int steps = 0; timeline.fireNext(Long.MAX_VALUE); steps++) {
            if (steps == MAX_STEPS) {
                throw new IllegalStateException("advanceUntilIdle took " + MAX_STEPS + " steps (now at +" + elapsed()
                        + ", " + pendingTimers() + " timers pending): a ticker or a periodic timer never ends;"
                        + " close it, or use advance(duration)");
            }
            settle();
        }
    }

    /**
     * What every watched thread waits on now, in the deadlock watchdog's report format, after letting
     * them run until they all wait (for a test that wants to see why nothing happens).
     *
     * <p><b>Interruption and timeout.</b> As {@link #advance}.
     *
     * @return the report (a headline only if no watched thread is alive)
     * @throws IllegalStateException if this clock was closed, or as {@link #advance}
     */
    public String waitingReport() {
        checkInstalled("waitingReport");
        Map<Thread, String> waiting = settle();
        return BlockedReport.format("vela: " + waiting.size() + " watched threads wait at +"
                + Quiescence.format(elapsed()) + " on the virtual clock, " + pendingTimers() + " timers pending", waiting);
    }

    /**
     * Waits until every watched thread waits (the caller's side of a move).
     *
     * @return what each waits on
     * @throws IllegalStateException if interrupted (flag kept set), or if a thread runs for {@link #PATIENCE}
     */
    private Map<Thread, String> settle() {
        try {
            return Quiescence.await(timeline, PATIENCE, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the watched threads, at +" + elapsed(), e);
        }
    }

    /**
     * Uninstalls the clock: real time again. Threads still asleep on it wake up and measure what is left
     * of their waits on the real clock; timers still pending on it (tickers, deadlines, ask timeouts) move
     * to the real clock with the virtual time they had left, so none is lost. Idempotent.
     */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Clock.uninstall(timeline);
        timeline.close();
        ParkedOperations.release();
    }

    private void checkInstalled(String what) {
        if (closed) {
            throw new IllegalStateException("cannot " + what + " " + timeline + ": it was closed and is no longer installed;"
                    + " install a new one with VirtualClock.install()");
        }
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 4;
        }
    }

    @Override
    public String toString() {
        return timeline.toString();
    }
}
