package dev.vela.test;

import dev.vela.diagnostics.internal.BlockedReport;
import dev.vela.diagnostics.internal.ParkedOperations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Decides that every watched thread waits: the moment a virtual clock may move.
 *
 * <h2>What counts as waiting</h2>
 * A watched thread (one Vela started for user work while the clock was installed, or the body of
 * {@link VirtualClock#run}) waits if it is parked or blocked on a monitor ({@link Thread.State#WAITING}
 * or {@link Thread.State#BLOCKED}) and nothing has released it yet: it is not asleep on the clock with
 * its deadline already past, and the Vela channel operation it parks in, if any, was not completed.
 * A thread that runs, or waits with a real-time timeout ({@code Thread.sleep},
 * {@code Future.get(timeout)}: {@link Thread.State#TIMED_WAITING}), keeps the clock still.
 *
 * <h2>Why three looks</h2>
 * One look is not atomic: thread A may be seen parked, then B wakes A and parks before B is seen.
 * For Vela's own waits the counters of parks, unparks and clock changes catch that; for JDK waits
 * (a latch, a lock, a join) the look is repeated: the clock moves only after {@link #LOOKS}
 * identical looks {@link #PAUSE_NANOS} apart with no counter moving. A woken virtual thread is
 * runnable at once, so between two looks it is either seen running or has parked again, on another
 * blocker or with a counter moved.
 */
final class Quiescence {
    private Quiescence() {}

    /** Identical looks needed before the clock may move. */
    static final int LOOKS = 3;
    /** Real time between two looks. */
    static final long PAUSE_NANOS = 50_000;

    /** What one look saw of one waiting thread: equal looks mean nothing moved. */
    private record Wait(Object on, long until, String description) {}

    /**
     * Waits until every watched thread but the caller waits, for at most {@code patience} of real time,
     * or until {@code body} (if not null) has ended.
     *
     * @return the waiting threads → what each waits on; null if {@code body} ended
     * @throws IllegalStateException if some thread still runs after {@code patience}
     * @throws InterruptedException  if the caller is interrupted
     */
    static Map<Thread, String> await(Timeline clock, Duration patience, Thread body) throws InterruptedException {
        long end = System.nanoTime() + patience.toNanos();
        long pause = 2_000;
        while (true) {
            if (body != null && !body.isAlive()) return null;
            Map<Thread, String> quiet = quietNow(clock);
            if (quiet != null) return quiet;
            if (Thread.interrupted()) throw new InterruptedException();
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("virtual clock " + clock + ": some watched thread still runs after "
                        + patience.toSeconds() + " s of real time, so the clock cannot move: " + running(clock));
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 1_000_000);
        }
    }

    /** {@link #LOOKS} identical looks, or null if something runs. */
    private static Map<Thread, String> quietNow(Timeline clock) {
        Map<Thread, Wait> first = null;
        for (int i = 0; i < LOOKS; i++) {
            if (i > 0) LockSupport.parkNanos(PAUSE_NANOS);
            long before = clock.changes() + ParkedOperations.changes();
            Map<Thread, Wait> look = look(clock);
            if (look == null || clock.changes() + ParkedOperations.changes() != before) return null;
            if (look.isEmpty()) return Map.of();                      // no watched thread alive: nothing to wait for
            if (first == null) {
                first = look;
            } else if (!first.equals(look)) {
                return null;
            }
        }
        Map<Thread, String> out = new HashMap<>();
        first.forEach((t, w) -> out.put(t, w.description()));
        return out;
    }

    /** One look: every watched thread (but the caller) → its wait, or null if one of them runs. */
    private static Map<Thread, Wait> look(Timeline clock) {
        Map<Thread, Wait> out = new HashMap<>();
        Thread me = Thread.currentThread();
        long now = clock.now();
        for (Thread t : clock.watched()) {
            if (t == me) continue;
            Thread.State st = t.getState();
            if (st == Thread.State.TERMINATED) continue;
            if (st != Thread.State.WAITING && st != Thread.State.BLOCKED) return null;
            Long until = clock.sleepingUntil(t);
            if (until != null && until - now <= 0) return null;             // woken by the clock, not yet running
            ParkedOperations.Entry p = ParkedOperations.parkedNow(t);
            if (p != null && p.op().completed()) return null;              // served by a peer, not yet running
            Object on = p != null ? p.op() : LockSupport.getBlocker(t);
            String what = p != null ? BlockedReport.describe(p.op())
                    : st == Thread.State.BLOCKED ? "blocked on a monitor"
                    : "waiting on " + (on == null ? "a park" : on.getClass().getSimpleName());
            if (until != null) what += ", until +" + format(Duration.ofNanos(until - now)) + " on the virtual clock";
            out.put(t, new Wait(on, until == null ? 0 : until, what));
        }
        return out;
    }

    /** The watched threads that run now, for an error message. */
    private static String running(Timeline clock) {
        StringBuilder sb = new StringBuilder();
        for (Thread t : clock.watched()) {
            Thread.State st = t.getState();
            if (st == Thread.State.RUNNABLE || st == Thread.State.TIMED_WAITING || st == Thread.State.NEW) {
                if (!sb.isEmpty()) sb.append(", ");
                sb.append('"').append(t.getName()).append("\" (").append(st == Thread.State.TIMED_WAITING
                        ? "waits with a real-time timeout: use Timers.sleep or a Vela timed operation" : st).append(')');
            }
        }
        return sb.isEmpty() ? "(none now)" : sb.toString();
    }

    /** "250 ms", "3 s", "1.5 s", "750 µs". */
    static String format(Duration d) {
        long n = d.toNanos();
        if (n < 1_000_000 && n % 1000 == 0 && n != 0) return n / 1000 + " µs";
        if (n % 1_000_000_000 == 0) return n / 1_000_000_000 + " s";
        if (n % 1_000_000 == 0) return n / 1_000_000 + " ms";
        return d.toString();
    }
}
