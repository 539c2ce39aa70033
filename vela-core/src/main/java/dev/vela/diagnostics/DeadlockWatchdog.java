package dev.vela.diagnostics;

import dev.vela.channel.ChannelDeadlockException;
import dev.vela.channel.internal.ChannelCore;
import dev.vela.channel.internal.TimerScheduler;
import dev.vela.diagnostics.internal.BlockedReport;
import dev.vela.diagnostics.internal.ParkedOperations.Parked;
import dev.vela.diagnostics.internal.ParkedOperations;
import dev.vela.diagnostics.internal.WorkerRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An opt-in watchdog that notices when every Vela worker is parked on a Vela channel with no timer
 * pending — Go's "all goroutines are asleep - deadlock!" — and then reports it, and by default fails
 * the parked operations with {@link ChannelDeadlockException} instead of letting them hang.
 *
 * <pre>{@code
 * try (var watchdog = DeadlockWatchdog.start()) {        // checks every second; FAIL
 *     ... spawn workers that talk through channels ...
 * }
 * }</pre>
 *
 * <h2>What counts as a deadlock</h2>
 * The watched workers are the {@link dev.vela.worker.Worker}s whose task started while a watchdog
 * was running (the whole runtime). On each check, it is a deadlock when there is at least one live
 * watched worker and <em>every</em> one of them is parked, without a timeout, in a blocking channel
 * operation (send, receive, reserve or select), none has a deadline, no {@link dev.vela.channel.Timers} timer is
 * pending, and exactly the same parked operations were seen on the previous check (nothing moved for
 * a whole period). A worker that computes, sleeps, joins another worker or waits with a timeout
 * rules a deadlock out.
 *
 * <h2>Limits</h2>
 * Threads that are not workers (the main thread, platform threads) are not watched: if such a thread
 * is about to send to a channel the workers wait on, the report is a false alarm. Use
 * {@link Action#REPORT} if that can happen. Every failed operation, a select included, throws
 * {@link ChannelDeadlockException} and had no effect.
 *
 * <h2>Implementation overview</h2>
 * Nothing on the channel paths pays: a channel waiter parks with itself as its {@code LockSupport}
 * blocker, which the JDK keeps in the thread anyway, and the watchdog reads it
 * ({@link ParkedOperations#blockedOn}: operation, channel, timed); workers record themselves in
 * {@link WorkerRegistry} at start while a watchdog runs. The watchdog thread (a daemon platform thread) compares
 * snapshots. To fail an operation it records a verdict for the thread and interrupts it: the
 * operation's own interrupt path withdraws it (so it had no effect), and
 * {@code ChannelCore.interrupted()} turns the verdict into the exception. See docs/adr/0024-observability-metrics-jfr-deadlocks.md.
 */
public final class DeadlockWatchdog implements AutoCloseable {

    /** What the watchdog does when it finds a deadlock. */
    public enum Action {
        /** Report, then fail every parked operation with {@link ChannelDeadlockException}. */
        FAIL,
        /** Only report (the workers stay parked). */
        REPORT
    }

    private final long periodNanos;
    private final Action action;
    private final Consumer<String> reporter;
    private final Thread thread;
    /** Deadlocks found so far (volatile; for callers and tests). */
    private volatile int found;
    private volatile boolean closed;

    private DeadlockWatchdog(Duration period, Action action, Consumer<String> reporter) {
        this.periodNanos = ChannelCore.toNanos(period);
        if (periodNanos <= 0) throw new IllegalArgumentException("period must be positive: " + period);
        this.action = Objects.requireNonNull(action, "action");
        this.reporter = Objects.requireNonNull(reporter, "reporter");
        this.thread = Thread.ofPlatform().daemon().name("vela-deadlock-watchdog").unstarted(this::loop);
    }

    /**
     * Starts a watchdog that checks every second and fails deadlocked operations, reporting to
     * {@code System.err}.
     *
     * @return the running watchdog; close it to stop
     */
    public static DeadlockWatchdog start() {
        return start(Duration.ofSeconds(1), Action.FAIL, System.err::println);
    }

    /**
     * Starts a watchdog.
     *
     * @param period   how often to check; a deadlock is declared after one whole period without change
     * @param action   fail the parked operations, or only report
     * @param reporter receives each report (a multi-line text naming each worker, channel and operation)
     * @return the running watchdog; close it to stop
     * @throws IllegalArgumentException if {@code period} is not positive
     * @throws NullPointerException     if an argument is null
     */
    public static DeadlockWatchdog start(Duration period, Action action, Consumer<String> reporter) {
        DeadlockWatchdog w = new DeadlockWatchdog(period, action, reporter);
        WorkerRegistry.retain();
        w.thread.start();
        return w;
    }

    /**
     * How many deadlocks this watchdog has found.
     *
     * @return the count
     */
    public int deadlocksFound() {
        return found;
    }

    /** Stops this watchdog (idempotent); parked operations are no longer recorded once none runs. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        thread.interrupt();
        WorkerRegistry.release();
    }

    // ---- the watchdog thread ----------------------------------------------------------------------

    private void loop() {
        Map<Thread, Parked> previous = Map.of();
        long previousAt = 0;
        while (!closed) {
            try {
                Thread.sleep(Duration.ofNanos(periodNanos));
            } catch (InterruptedException e) {
                return;
            }
            Map<Thread, Parked> now = deadlockedNow();
            if (now.isEmpty() || !now.equals(previous)) {
                previous = now;
                previousAt = System.nanoTime();
                continue;
            }
            previous = Map.of();
            found++;
            String report = report(now, (System.nanoTime() - previousAt) / 1_000_000);
            try {
                reporter.accept(report);
            } catch (RuntimeException ignored) {
                // a failing reporter must not stop the watchdog
            }
            if (action == Action.FAIL) {
                for (var e : now.entrySet()) {
                    if (e.getValue().completed()) continue;               // completed meanwhile
                    ParkedOperations.fail(e.getKey(), report);         // select too: it throws ChannelCore.interrupted()
                    e.getKey().interrupt();
                }
            }
        }
    }

    /** Every live watched worker → the waiter it is parked on, if all are deadlocked now; else empty. */
    private static Map<Thread, Parked> deadlockedNow() {
        Map<Thread, WorkerRegistry.Tracked> workers = WorkerRegistry.live();
        if (workers.isEmpty() || TimerScheduler.pending()) return Map.of();
        Map<Thread, Parked> out = new HashMap<>();
        for (var e : workers.entrySet()) {
            Thread t = e.getKey();
            Parked p = ParkedOperations.blockedOn(t);
            if (!t.isAlive() || e.getValue().hasDeadline() || p == null || ParkedOperations.timedWait(t)) {
                return Map.of();
            }
            out.put(t, p);
        }
        return out;
    }

    /** The report; {@code atLeastMs}: how long the same operations have been seen parked (one period or more). */
    private static String report(Map<Thread, Parked> parked, long atLeastMs) {
        String headline = "vela: all " + parked.size() + (parked.size() == 1 ? " worker is" : " workers are")
                + " asleep on channels - deadlock!";
        Map<Thread, String> waits = new HashMap<>();
        for (var e : parked.entrySet()) {
            waits.put(e.getKey(), BlockedReport.describe(e.getValue()) + ", at least " + atLeastMs + " ms");
        }
        return BlockedReport.format(headline, waits);
    }
}
