package dev.vela.actor;

import dev.vela.time.internal.Clock;
import dev.vela.time.internal.TimeSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Objects;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * One actor's {@link ActorTimers}.
 *
 * <p>Implementation overview (Akka Typed's {@code TimerSchedulerImpl}). Each start gives the timer a
 * new <em>generation</em> number and schedules a task on the runtime's clock (the virtual clock's
 * {@link TimeSource#schedule} if a test installed one, else one shared daemon scheduler thread, as
 * {@link PromiseRef} does for ask timeouts). The task only puts the timer's {@link Fired} item in the
 * actor's mailbox ({@link ActorCell#deliverTimer}); it never touches this object's map. When the
 * actor's loop reaches a {@code Fired} item it calls {@link #accept}, on the actor's thread: the item
 * is delivered only if its key is still active with the same generation, so a timer replaced or
 * cancelled after its message was enqueued never reaches {@code receive}. A single timer becomes
 * inactive when accepted; a fixed-delay timer is re-armed when accepted (so at most one of its
 * messages is ever queued); a fixed-rate timer is a periodic task.
 *
 * <p>Why not {@code Timers.after}/{@code tick} and {@code listen}: a listened channel keeps the
 * actor's runner (and thread) selecting until the channel closes, a ticker drops ticks while one is
 * unreceived, and a value already taken from the channel could not be told apart from a fresh one
 * after a replacement. See docs/adr/0042-actor-timers-and-stash.md.
 *
 * <p>Thread safety: {@link #active} and {@link #generations} are confined to the actor's thread (every
 * public method checks it); a {@link Fired} is immutable, so the scheduler thread shares nothing else.
 */
final class ActorTimersImpl<M> implements ActorTimers<M> {

    /** The real-time scheduler: one daemon thread for every actor timer of every system, created on first use. */
    private static final class Scheduler {
        static final ScheduledThreadPoolExecutor EXECUTOR = create();

        private static ScheduledThreadPoolExecutor create() {
            ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1,
                    Thread.ofPlatform().daemon().name("vela-actor-timers").factory());
            e.setRemoveOnCancelPolicy(true);   // a cancelled timer leaves nothing behind
            return e;
        }
    }

    private enum Mode { SINGLE, FIXED_RATE, FIXED_DELAY }

    /**
     * The mailbox item of a timer: its message with the key and generation it was started with.
     * Immutable; a periodic timer puts the same instance in the mailbox each time.
     */
    static final class Fired {
        final ActorTimersImpl<?> owner;
        final Object key;
        final long generation;
        final Object message;   // the user's message, never null

        Fired(ActorTimersImpl<?> owner, Object key, long generation, Object message) {
            this.owner = owner;
            this.key = key;
            this.generation = generation;
            this.message = message;
        }

        /** On the actor's thread: whether to deliver this item (its timer is still the key's current one). */
        boolean accept() {
            return owner.accept(this);
        }
    }

    /** An active timer. {@code handle} is reassigned on the actor's thread only (fixed-delay re-arm). */
    private static final class Active {
        final Mode mode;
        final long nanos;        // delay or period
        final Fired fired;
        Clock.Timer handle;

        Active(Mode mode, long nanos, Fired fired) {
            this.mode = mode;
            this.nanos = nanos;
            this.fired = fired;
        }
    }

    private final ActorCell<M> cell;
    /** Actor thread only. key -> its active timer; a key is absent once cancelled, replaced or (single) delivered. */
    private final HashMap<Object, Active> active = new HashMap<>();
    /** Actor thread only. The last generation given out; only grows, never reset (not even at a restart). */
    private long generations;

    ActorTimersImpl(ActorCell<M> cell) {
        this.cell = cell;
    }

    @Override
    public void startSingleTimer(Object key, M message, Duration delay) {
        start("startSingleTimer", key, message, delay, Mode.SINGLE);
    }

    @Override
    public void startTimerAtFixedRate(Object key, M message, Duration period) {
        start("startTimerAtFixedRate", key, message, period, Mode.FIXED_RATE);
    }

    @Override
    public void startTimerWithFixedDelay(Object key, M message, Duration delay) {
        start("startTimerWithFixedDelay", key, message, delay, Mode.FIXED_DELAY);
    }

    private void start(String op, Object key, M message, Duration d, Mode mode) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(d, "duration");
        cell.checkOwnThread(op);
        if (d.isNegative() || (mode != Mode.SINGLE && d.isZero())) {
            throw new IllegalArgumentException(op + " of " + cell.path() + ": the "
                    + (mode == Mode.SINGLE ? "delay must not be negative" : "period must be positive") + ", got " + d);
        }
        cancel(key);
        long nanos = saturatedNanos(d);
        Active a = new Active(mode, nanos, new Fired(this, key, ++generations, message));
        a.handle = schedule(a.fired, nanos, mode == Mode.FIXED_RATE ? nanos : 0);
        active.put(key, a);
    }

    @Override
    public void cancel(Object key) {
        Objects.requireNonNull(key, "key");
        cell.checkOwnThread("cancel");
        Active a = active.remove(key);
        if (a != null) a.handle.cancel();
    }

    @Override
    public void cancelAll() {
        cell.checkOwnThread("cancelAll");
        cancelAllTimers();
    }

    /** Cancels every timer; for the cell at a restart or stop (on the actor's thread). */
    void cancelAllTimers() {
        for (Active a : active.values()) a.handle.cancel();
        active.clear();
    }

    @Override
    public boolean isTimerActive(Object key) {
        Objects.requireNonNull(key, "key");
        cell.checkOwnThread("isTimerActive");
        return active.containsKey(key);
    }

    /** On the actor's thread, when the loop reaches {@code f}: deliver it or drop it as stale. */
    private boolean accept(Fired f) {
        Active a = active.get(f.key);
        if (a == null || a.fired.generation != f.generation) return false;   // cancelled or replaced
        switch (a.mode) {
            case SINGLE -> active.remove(f.key);
            case FIXED_DELAY -> a.handle = schedule(f, a.nanos, 0);            // the next one, delay from now
            case FIXED_RATE -> { }
        }
        return true;
    }

    private Clock.Timer schedule(Fired f, long delayNanos, long periodNanos) {
        // a test's virtual clock, if installed, drives the timer
        return Clock.schedule(Scheduler.EXECUTOR, () -> cell.deliverTimer(f), delayNanos, periodNanos);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 4;                 // far enough, and no overflow on a virtual clock's scale
        }
    }
}
