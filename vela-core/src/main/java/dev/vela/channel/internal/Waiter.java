package dev.vela.channel.internal;

import dev.vela.time.internal.Clock;
import dev.vela.diagnostics.internal.ParkedOperations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The one parking primitive of every blocking channel operation.
 *
 * <h2>Idea</h2>
 * A waiter is a one-shot cell owned by one blocked thread. Whoever changes the waiter's
 * {@link #state} from "waiting" ({@code null}) to anything else does so by one CAS, so a waiter is
 * completed <em>exactly once</em>: either by a peer that made progress possible (a sender that
 * buffered a value, a receiver that took one, a close) or by the owner itself when it gives up
 * (timeout or interrupt: {@link #CANCELLED}). A peer that loses the CAS to a cancellation skips the
 * waiter; an owner that loses it to a peer owns the peer's completion and must honour it (return
 * the handed-over value, or pass an unused notification on). This is what makes an interrupted or
 * timed-out call have no effect: its cancellation and any hand-over cannot both succeed.
 *
 * <h2>States</h2>
 * <table>
 *   <caption>state values</caption>
 *   <tr><th>state</th><th>set by</th><th>what follows</th></tr>
 *   <tr><td>{@code null} (waiting)</td><td>construction</td><td>the owner spins, then parks</td></tr>
 *   <tr><td>{@link #NOTIFIED}</td><td>a peer of a buffered channel</td><td>owner retries its buffer operation; if it no longer needs the notification it passes it on</td></tr>
 *   <tr><td>{@link #CLOSED}</td><td>{@code close()}</td><td>owner retries and observes the close</td></tr>
 *   <tr><td>{@link #TAKEN}</td><td>a rendezvous receiver</td><td>owner (a sender) returns: its {@link #element} was received</td></tr>
 *   <tr><td>{@link #RETRY}</td><td>a rendezvous sender that enqueued itself after this receiver</td><td>owner (a receiver) stops waiting and takes from the waiting senders</td></tr>
 *   <tr><td>an element</td><td>a rendezvous sender</td><td>owner (a receiver) returns it</td></tr>
 *   <tr><td>{@link #CANCELLED}</td><td>the owner, on timeout or interrupt</td><td>peers skip the waiter; the owner removes it from its queue</td></tr>
 * </table>
 *
 * <h2>Spinning</h2>
 * Before it parks, the owner spins on the state. A platform thread pauses on the CPU
 * {@link #SPINS_PLATFORM} times (its park/unpark goes through the OS, and a peer on the other core
 * often answers within a few hundred nanoseconds). A virtual thread first pauses on the CPU up to
 * {@link #CPU_SPINS_VIRTUAL} times, but only if it is next in line in its queue and while no other
 * virtual thread is queued for a carrier
 * ({@link CarrierLoad}: spinning then holds a carrier nobody else needs, and a peer running on the
 * other carrier usually completes the waiter within that time, as in {@code SynchronousQueue}); then
 * it yields {@link #SPINS_VIRTUAL} times, which lets a peer queued on the same carrier run; then it
 * parks. Decided by benchmark: docs/adr/0007-spin-then-park.md, docs/adr/0033-rendezvous-slot-and-cpu-spin.md.
 * {@code -Dvela.channel.spins=N}, {@code -Dvela.channel.cpuSpins.virtual=N} and
 * {@code -Dvela.channel.spins.virtual=N} override the three counts.
 */
sealed class Waiter implements ParkedOperations.Parked permits SelectWaiter, SelectInstance, AsyncOp.AsyncWaiter {

    /** Spin iterations before parking, for a platform thread. */
    static final int SPINS_PLATFORM = Integer.getInteger("vela.channel.spins", 256);
    /** Spin iterations before parking, for a virtual thread (see docs/adr/0007-spin-then-park.md). */
    static final int SPINS_VIRTUAL = Integer.getInteger("vela.channel.spins.virtual", 2);
    /**
     * CPU pauses a waiting virtual thread spends on its waiter's state before the {@link #SPINS_VIRTUAL}
     * yields, while no virtual thread is queued for a carrier ({@link CarrierLoad}); ADR 0033.
     */
    static final int CPU_SPINS_VIRTUAL = Integer.getInteger("vela.channel.cpuSpins.virtual", 128);

    /** The spin policy shared by every blocking path: how long the current thread spins before parking. */
    static int spins() {
        return Thread.currentThread().isVirtual() ? SPINS_VIRTUAL : SPINS_PLATFORM;
    }

    /**
     * One step of spinning: a CPU pause on a platform thread; on a virtual thread, a
     * {@link Thread#yield()}, which lets the peer queued on the same carrier run instead of burning it.
     */
    static void backOff() {
        if (Thread.currentThread().isVirtual()) Thread.yield(); else Thread.onSpinWait();
    }

    /** A peer made progress possible: retry (buffered flavours). */
    static final Object NOTIFIED = new Marker("NOTIFIED");
    /** The channel was closed while this waiter waited. */
    static final Object CLOSED = new Marker("CLOSED");
    /** Rendezvous: the sender's element was taken by a receiver. */
    static final Object TAKEN = new Marker("TAKEN");
    /** Rendezvous: a sender is waiting; the receiving owner should go and take from it. */
    static final Object RETRY = new Marker("RETRY");
    /** The owner gave up (timeout or interrupt). */
    static final Object CANCELLED = new Marker("CANCELLED");

    /** Returned by {@link #await} (never stored): the deadline passed while still waiting. */
    static final Object TIMED_OUT = new Marker("TIMED_OUT");
    /** Returned by {@link #await} (never stored): the owner was interrupted while still waiting; the flag is cleared. */
    static final Object INTERRUPTED = new Marker("INTERRUPTED");

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** null while waiting; changes exactly once, by CAS (volatile access). */
    private volatile Object state;
    /**
     * Set by the owner once it stops spinning, before its last reads of {@link #state} ahead of parking
     * (volatile; only ever false → true). A completer unparks the owner only if it sees it set: the
     * owner writes this then reads {@code state}, the completer CASes {@code state} then reads this, so
     * one of them sees the other (Dekker) and no wake-up is lost, while completing a waiter whose owner
     * is still spinning costs no unpark (and leaves no stale permit to make its next park return early).
     */
    private volatile boolean parking;
    /** The blocked thread, unparked by whoever completes this waiter. */
    final Thread owner;
    /** Rendezvous senders: the element offered (immutable). Null for every other waiter. */
    final Object element;
    /** The channel waited on, for diagnostics (deadlock report); null for a select (immutable). */
    final ChannelCore<?> channel;
    /** The operation waiting, for diagnostics: "send", "receive", "reserve"; "select" by default (immutable). */
    final String operation;

    Waiter(Thread owner, Object element) {
        this(owner, element, null, "select");
    }

    Waiter(Thread owner, Object element, ChannelCore<?> channel, String operation) {
        this.owner = owner;
        this.element = element;
        this.channel = channel;
        this.operation = operation;
    }

    /** Current state; {@code null} while waiting. */
    Object state() {
        return state;
    }

    /**
     * Whether this waiter still waits (a snapshot, for introspection only: {@code ChannelCore.stats()});
     * a select's clause waiter asks its select.
     */
    boolean isWaiting() {
        return state == null;
    }

    /**
     * Completes this waiter with {@code newState} if it is still waiting, and wakes its owner.
     * A {@link SelectWaiter} completes the whole select instead (one CAS for all its clauses).
     *
     * @return {@code true} if this call completed it
     */
    boolean complete(Object newState) {
        if (STATE.compareAndSet(this, null, newState)) {
            wake();
            return true;
        }
        return false;
    }

    /** Whether this waiter is one of the clause waiters of select {@code s} (never, for a plain waiter). */
    boolean isClauseOf(SelectInstance s) {
        return false;
    }

    /**
     * Tells the owner its waiter was completed: unparks the blocked thread if it may be parked (async
     * waiters resume instead). Called after the state CAS.
     */
    void wake() {
        if (parking) LockSupport.unpark(owner);
    }

    /**
     * The owner withdraws. {@code true} if the waiter was still waiting (now {@link #CANCELLED});
     * {@code false} if a peer completed it first: the caller must then honour {@link #state()}.
     */
    boolean cancel() {
        return STATE.compareAndSet(this, null, CANCELLED);
    }

    /**
     * Spins, then parks, until completed, interrupted, or past {@code deadline}. The owner only.
     *
     * @param deadline a {@link Clock#nanoTime()} instant, used only if {@code timed}
     * @return the completion state, or {@link #TIMED_OUT} / {@link #INTERRUPTED} (the waiter is then
     *         still waiting: the caller must {@link #cancel()} it)
     */
    Object await(boolean timed, long deadline) {
        return await(timed, deadline, true);
    }

    /**
     * {@link #await(boolean, long)}, with the CPU spin of a virtual thread allowed only if
     * {@code mayCpuSpin}: a waiter with others ahead of it in its queue will not be served within a
     * spin, and should not pay for asking the scheduler whether it may spin.
     */
    Object await(boolean timed, long deadline, boolean mayCpuSpin) {
        boolean virtual = Thread.currentThread().isVirtual();
        if (virtual && mayCpuSpin && CPU_SPINS_VIRTUAL > 0 && CarrierLoad.idle()) {
            for (int i = 1; i <= CPU_SPINS_VIRTUAL; i++) {       // no one needs this carrier: spin on it
                Object s = state;
                if (s != null) return s;
                Thread.onSpinWait();
                if ((i & 31) == 0 && !CarrierLoad.idle()) break;  // someone queued meanwhile: stop holding it
            }
        }
        for (int i = virtual ? SPINS_VIRTUAL : SPINS_PLATFORM; i > 0; i--) {
            Object s = state;
            if (s != null) return s;
            backOff();
        }
        if (ParkedOperations.active) {                       // opt-in: tell the watchdog who parks on what
            ParkedOperations.parking(this, timed);
            try {
                return park(timed, deadline);
            } finally {
                ParkedOperations.unparked(this);
            }
        }
        return park(timed, deadline);
    }

    private Object park(boolean timed, long deadline) {
        parking = true;                                      // then read state: see the field's comment
        while (true) {
            Object s = state;
            if (s != null) return s;
            if (Thread.interrupted()) return INTERRUPTED;
            if (timed) {
                long remaining = deadline - Clock.nanoTime();
                if (remaining <= 0) return TIMED_OUT;
                Clock.parkUntil(this, deadline, remaining);
            } else {
                LockSupport.park(this);
            }
        }
    }

    // ---- what the deadlock watchdog reads (ParkedOperations.Parked) ------------------------------

    @Override
    public final Thread parkedThread() {
        return owner;
    }

    @Override
    public final String parkedOperation() {
        return operation;
    }

    @Override
    public final Object parkedOn() {
        return channel;
    }

    @Override
    public final boolean completed() {
        return state != null;
    }

    @Override
    public String toString() {
        Object s = state;
        return "Waiter[" + (owner == null ? "async" : owner.getName()) + ", " + (s == null ? "WAITING" : s instanceof Marker ? s : "ELEMENT") + "]";
    }

    /** A named sentinel, never an element. */
    private record Marker(String name) {
        @Override
        public String toString() {
            return name;
        }
    }
}
