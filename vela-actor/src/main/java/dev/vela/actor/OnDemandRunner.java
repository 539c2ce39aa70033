package dev.vela.actor;

import dev.vela.time.internal.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadFactory;

/**
 * The scheduling half of an actor cell: a runner thread started on demand, the system-message stack,
 * and the wake protocol that interrupts a waiting runner when a system message arrives
 * (docs/adr/0026, 0019). {@link ActorCell} adds what the runner does.
 *
 * <p>Implementation overview. An idle actor holds no thread (Akka/Pekko's dispatcher model on
 * virtual threads). Whoever gives it work (a tell into its mailbox, a {@link SysMsg}) then calls
 * {@link #signal()}: if the actor is {@link #IDLE} the caller moves it to {@link #RUNNING} by CAS and
 * starts a new virtual thread running {@link #run()}; if a runner is already active, the caller at
 * most marks it {@link #NOTIFIED}. The runner processes messages one at a time until it finds
 * nothing to do, spins briefly ({@link #IDLE_SPINS}), then tries {@code RUNNING → IDLE} by CAS and
 * ends ({@link #goIdle()}). If a caller marked it {@code NOTIFIED} since it last looked, that CAS
 * fails: the runner clears the mark and looks again. No wake-up is lost: work added before a caller
 * saw {@code NOTIFIED} is found by the look that follows the runner's clearing of it, and work added
 * after the runner went {@code IDLE} makes its caller start a new runner. At most one runner exists:
 * only the {@code IDLE → RUNNING} CAS starts one, and only a runner leaves {@code RUNNING}/{@code NOTIFIED}.
 * Unlike Akka's "set idle, then re-check the mailbox", this needs no emptiness test on the channel.
 *
 * <p>System messages travel on a Treiber stack ({@link #sysHead}), newest first, drained by the
 * runner before every message ({@link #takeSystemMessages()}), and closed for good when the actor
 * terminates ({@link #closeSystemMessages()}). A runner keeps its thread while it must wait; a system
 * message wakes such a waiting runner by interrupting it, only while it is inside {@link #blocking}
 * (the protocol on {@link #waitState}; channel operations promise that an interrupted receive took
 * nothing).
 */
abstract sealed class OnDemandRunner permits ActorCell {
    private static final VarHandle SYS;
    private static final VarHandle WAIT;
    private static final VarHandle STATE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SYS = l.findVarHandle(OnDemandRunner.class, "sysHead", SysMsg.class);
            WAIT = l.findVarHandle(OnDemandRunner.class, "waitState", int.class);
            STATE = l.findVarHandle(OnDemandRunner.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Starts runners: unnamed virtual threads (a name would cost a string per run). */
    private static final ThreadFactory RUNNERS = Thread.ofVirtual().factory();

    /**
     * How many times a runner that found nothing to do yields ({@link Thread#yield()}) and looks for
     * new work before it goes idle: a message that comes within that window is processed without
     * starting a thread. {@code -Dvela.actor.idleSpins=N} overrides it (docs/adr/0026-actors-run-on-demand.md).
     */
    static final int IDLE_SPINS = Integer.getInteger("vela.actor.idleSpins", 4);

    // Scheduling states (field state). Who moves them:
    //   IDLE -> RUNNING     a signaller, by CAS; it then starts a runner (the only way one starts)
    //   RUNNING -> NOTIFIED a signaller, by CAS: work arrived since the runner last looked
    //   NOTIFIED -> RUNNING the runner, before it looks again
    //   RUNNING -> IDLE     the runner, by CAS, as its very last action
    //   any -> TERMINATED   the runner that terminated the actor; final
    private static final int IDLE = 0, RUNNING = 1, NOTIFIED = 2, TERMINATED = 3;

    /** Marks a closed system stack: set once, by the actor's runner, when it has terminated. */
    private static final SysMsg CLOSED = new SysMsg.Closed();

    // Wake protocol states. Only the runner sets WAITING (before it blocks) and RUNNING (after);
    // only a pusher moves WAITING -> WAKING (CAS), interrupts, and then sets WOKEN. The runner, leaving
    // its wait, CASes WAITING -> RUNNING; if that fails it spins while WAKING, then clears the
    // interrupt. So an interrupt is only ever delivered while the runner is inside blocking().
    private static final int W_RUNNING = 0, WAITING = 1, WAKING = 2, WOKEN = 3;

    private volatile int state = RUNNING;      // IDLE/RUNNING/NOTIFIED/TERMINATED; CAS via STATE. Starts RUNNING: spawn starts the first runner
    private volatile SysMsg sysHead;           // newest first; CAS via SYS; CLOSED once terminated
    private volatile int waitState;            // W_RUNNING/WAITING/WAKING/WOKEN; CAS via WAIT
    /**
     * The current runner's thread while it runs (for checkOwnThread and the wake interrupt), null while
     * idle so that an idle actor keeps no dead thread reachable. Plain: written only by the runner (at
     * the start of {@link #run()}, and in {@link #goIdle()}); a pusher reads it only after seeing
     * WAITING, which the runner wrote after it.
     */
    Thread runner;

    /** One runner: from a start by {@link #signal()} (or spawn) until the actor goes idle or terminates. */
    abstract void run();

    // =====================================================================================
    // Scheduling: signal, start, go idle
    // =====================================================================================

    /**
     * New work (a message or a system message) has been made visible: make sure a runner will see it.
     * Cheap while a runner is active and already notified: one volatile read.
     */
    final void signal() {
        int s = state;
        while (true) {
            if (s == NOTIFIED || s == TERMINATED) return;
            if (s == IDLE) {
                if (STATE.compareAndSet(this, IDLE, RUNNING)) {
                    startRunner();
                    return;
                }
            } else if (STATE.compareAndSet(this, RUNNING, NOTIFIED)) {
                return;
            }
            s = state;
        }
    }

    /** Called only by whoever moved the state to RUNNING from IDLE (or by spawn, for the first run). */
    final void startRunner() {
        Clock.start(RUNNERS.newThread(this::run));      // start(), watched by a test's virtual clock if one is installed
    }

    /**
     * The runner found nothing to do: yield a few times watching for new work, then go idle.
     *
     * @return {@code true} if the actor is now idle (the caller must end at once and touch nothing);
     *         {@code false} if new work was signalled (the notification is cleared; look again)
     */
    final boolean goIdle() {
        for (int i = IDLE_SPINS; i > 0 && state == RUNNING; i--) Thread.yield();
        if (state == RUNNING) {
            runner = null;
            if (STATE.compareAndSet(this, RUNNING, IDLE)) return true;
            runner = Thread.currentThread();
        }
        state = RUNNING; // was NOTIFIED; only signallers move RUNNING -> NOTIFIED again, after this write
        return false;
    }

    /**
     * For monitoring only (any thread; two volatile reads, stale when returned): {@code idle} (no
     * runner), {@code waiting} (a runner blocked inside {@link #blocking}: suspended, backing off, or
     * selecting over listened channels), {@code running}, or {@code terminated}.
     */
    final String schedulingState() {
        int s = state;
        if (s == IDLE) return "idle";
        if (s == TERMINATED) return "terminated";
        return waitState == W_RUNNING ? "running" : "waiting";
    }

    /** The runner, as its very last action when the actor has terminated: no runner ever starts again. */
    final void endForGood() {
        runner = null;
        state = TERMINATED;
    }

    // =====================================================================================
    // System messages and the wake protocol
    // =====================================================================================

    /**
     * Pushes a system message and wakes the actor if it is waiting.
     *
     * @return {@code false} if the actor has terminated (the message was not queued)
     */
    final boolean pushSys(SysMsg s) {
        while (true) {
            SysMsg h = sysHead;
            if (h == CLOSED) return false;
            s.next = h;
            if (SYS.compareAndSet(this, h, s)) break;
        }
        signal();
        if (waitState == WAITING && WAIT.compareAndSet(this, WAITING, WAKING)) {
            runner.interrupt();
            waitState = WOKEN;
        }
        return true;
    }

    /** Whether a system message is pending (the runner checks before each message). */
    final boolean hasSystemMessages() {
        return sysHead != null;
    }

    /** On the runner: takes every pending system message, oldest first (linked by {@link SysMsg#next}); null if none. */
    final SysMsg takeSystemMessages() {
        return fifo((SysMsg) SYS.getAndSet(this, (SysMsg) null));
    }

    /** On the runner, when the actor has terminated: closes the stack; returns what came late, oldest first. */
    final SysMsg closeSystemMessages() {
        return fifo((SysMsg) SYS.getAndSet(this, CLOSED));
    }

    private static SysMsg fifo(SysMsg s) {
        SysMsg fifo = null; // reverse: the stack is newest first
        while (s != null) {
            SysMsg next = s.next;
            s.next = fifo;
            fifo = s;
            s = next;
        }
        return fifo;
    }

    /** What the loop blocks on; may throw InterruptedException (a wake-up). */
    @FunctionalInterface
    interface Blocker<T> {
        T block() throws InterruptedException;
    }

    /** Runs {@code b} in the WAITING state, unless a system message is already pending. */
    final <T> T blocking(Blocker<T> b) {
        waitState = WAITING;
        T result = null;
        try {
            if (sysHead == null) result = b.block();
        } catch (InterruptedException wokenUp) {
            // a system message arrived (or a stray interrupt): go round the loop
        } finally {
            if (!WAIT.compareAndSet(this, WAITING, W_RUNNING)) {
                while (waitState == WAKING) Thread.onSpinWait(); // the pusher is between its CAS and interrupt()
                waitState = W_RUNNING;
            }
            Thread.interrupted(); // never let a wake-up interrupt reach user code
        }
        return result;
    }
}
