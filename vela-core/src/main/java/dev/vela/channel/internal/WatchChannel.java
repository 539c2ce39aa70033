package dev.vela.channel.internal;

import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Watch;
import dev.vela.channel.WatchReceiver;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.UnaryOperator;

/**
 * The watch channel behind {@link Watch}: one latest value with a version, and subscribers that wait
 * for a newer version (Tokio's {@code watch}, Kotlin's {@code StateFlow}).
 *
 * <h2>Implementation overview</h2>
 * <b>The idea.</b> The whole shared state is one immutable {@link State} snapshot — value, version,
 * closed flag and an optional <em>signal</em> — held in one volatile field and replaced only by CAS.
 * Reads ({@code value()}, {@code hasChanged()}) are one volatile read; a send is one allocation and
 * one CAS, and never waits. Each subscriber ({@link WatchSubscription}) keeps the version it has seen
 * in its own field, so the watch knows nothing about its subscribers besides their count.
 *
 * <p><b>Waiting without a waiter of our own.</b> A subscriber that must wait for a version newer than
 * {@code seen} needs a signal that fires when the state is replaced. The signal is an ordinary
 * {@link RendezvousChannel} on which nothing is ever sent: a waiter installs one in the current state
 * (a CAS to a copy of the state carrying it, {@link #awaitSignal}) unless one is there already, and
 * waits on it as a receive; whoever replaces a state carrying a signal — the next send or the close —
 * closes that channel, which wakes every waiter on it at once. So every way of waiting is a way of
 * receiving from a channel the runtime already has, in its receive-or-closed form (the close is the
 * expected wake-up, so it is reported by a marker, never by an exception): a blocking or timed wait
 * is {@code RendezvousChannel.receiveOrClosed0} (the wait of {@code receive0}: parked through the one
 * {@link Waiter}, on the runtime's {@code Clock}, seen by the deadlock watchdog, interrupt-safe), an
 * async wait is {@code AsyncOp.receiveOrClosed} (the {@code receiveAsync} operation, withdrawn by
 * cancelling it), a select clause is its {@code onReceiveOrClosed}.
 * A wake-up always means "the state was replaced"; the waiter then re-reads the state.
 *
 * <p><b>No lost wake-up.</b> The signal is part of the state the sender replaces by CAS: either the
 * waiter's CAS (installing the signal) comes first, and then the sender's CAS replaces that very
 * state and closes the signal; or the sender's comes first, and the waiter's CAS fails (or it reads
 * the new version) and it re-reads without waiting. A waiter that finds a signal already installed
 * waits on it; that state has not been replaced yet at the read, so the signal will be closed by its
 * replacement (closing a closed channel is a no-op, so a waiter arriving late returns at once).
 *
 * <p><b>States.</b> A snapshot is open ({@code closed == false}) or closed; once a closed snapshot is
 * installed (by {@link #close()}, the only writer of one) no CAS replaces it. A signal is allocated
 * only when a waiter needs it, so sends with nobody waiting allocate one snapshot and nothing else.
 *
 * <p><b>Differences from the references.</b> Tokio keeps the value behind a {@code RwLock} with a
 * version in an atomic and a {@code Notify} for waiters; Kotlin's {@code StateFlow} keeps a slot per
 * collector. Here the value and version are one immutable object (no lock, no torn read of value and
 * version), and the notification is a per-version channel rather than a list of subscribers. Tokio's
 * sender-side {@code closed()} (wait until every receiver is gone) is only a count here
 * ({@link #receiverCount()}). Equal values: {@link #send} always publishes a new version (Tokio's
 * {@code send}); {@link #sendIfChanged} and {@link #update} conflate equal values (StateFlow).
 *
 * @param <T> the value type
 */
public final class WatchChannel<T> implements Watch<T> {

    private static final VarHandle STATE;
    private static final VarHandle RECEIVERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(WatchChannel.class, "state", State.class);
            RECEIVERS = l.findVarHandle(WatchChannel.class, "receivers", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * One immutable snapshot of the watch.
     *
     * @param value   never null
     * @param version 0 for the initial value, +1 per value taken
     * @param signal  null until a waiter needs one; then closed (by the thread whose CAS replaces this
     *                snapshot) as soon as this snapshot stops being current, and never before
     * @param closed  whether the watch is closed; a closed snapshot carries no signal and is never replaced
     * @param <T>     the value type
     */
    record State<T>(T value, long version, RendezvousChannel<Object> signal, boolean closed) {}

    /**
     * The current snapshot. Volatile; replaced only by CAS ({@link #STATE}). Invariants: the version
     * never decreases, and grows by exactly one per value taken; a closed snapshot is final; the signal
     * of a replaced snapshot gets closed by the replacing thread right after its CAS.
     */
    private volatile State<T> state;

    /** Open subscribers. Volatile; changed only by getAndAdd ({@link #RECEIVERS}); never negative. */
    private volatile int receivers;

    /**
     * Creates an open watch holding {@code initial} at version 0.
     *
     * @param initial the first value, not null
     * @throws NullPointerException if {@code initial} is null
     */
    public WatchChannel(T initial) {
        state = new State<>(requireValue(initial, "initial value"), 0L, null, false);
    }

    // ---- sending -----------------------------------------------------------------------------------

    @Override
    public void send(T value) {
        publish(requireValue(value, "value"), false);
    }

    @Override
    public boolean sendIfChanged(T value) {
        return publish(requireValue(value, "value"), true);
    }

    @Override
    public T update(UnaryOperator<T> fn) {
        if (fn == null) throw new NullPointerException("update function must not be null");
        for (;;) {
            State<T> s = state;
            if (s.closed) throw closedException("update");
            T v = requireValue(fn.apply(s.value), "value returned by the update function");
            if (v.equals(s.value)) return s.value;        // conflated: the read of s is the linearization point
            if (replace(s, new State<>(v, s.version + 1, null, false))) return v;
        }
    }

    /** Takes {@code value} as the next version (unless {@code ifChanged} and it equals the current one). */
    private boolean publish(T value, boolean ifChanged) {
        for (;;) {
            State<T> s = state;
            if (s.closed) throw closedException("send");
            if (ifChanged && value.equals(s.value)) return false;
            if (replace(s, new State<>(value, s.version + 1, null, false))) return true;
        }
    }

    /** CAS from {@code expected} to {@code next}; on success closes the replaced snapshot's signal. */
    private boolean replace(State<T> expected, State<T> next) {
        if (!STATE.compareAndSet(this, expected, next)) return false;
        RendezvousChannel<Object> signal = expected.signal;
        if (signal != null) signal.close();               // wakes every waiter of the replaced version
        return true;
    }

    @Override
    public void close() {
        for (;;) {
            State<T> s = state;
            if (s.closed) return;
            if (replace(s, new State<>(s.value, s.version, null, true))) return;
        }
    }

    // ---- reading -----------------------------------------------------------------------------------

    @Override
    public T value() {
        return state.value;
    }

    @Override
    public long version() {
        return state.version;
    }

    @Override
    public boolean isClosed() {
        return state.closed;
    }

    @Override
    public WatchReceiver<T> subscribe() {
        RECEIVERS.getAndAdd(this, 1);
        return new WatchSubscription<>(this, state.version);
    }

    @Override
    public int receiverCount() {
        return receivers;
    }

    /** Called once per subscription by its {@code close()}. */
    void released() {
        RECEIVERS.getAndAdd(this, -1);
    }

    /** The current snapshot (one volatile read). */
    State<T> state() {
        return state;
    }

    /**
     * The signal to wait on for a version newer than {@code seen}: the current snapshot's, installed
     * now if it has none. Null when there is nothing to wait for — the snapshot is already newer than
     * {@code seen}, or closed — and the caller must re-read.
     */
    RendezvousChannel<Object> awaitSignal(long seen) {
        for (;;) {
            State<T> s = state;
            if (s.version > seen || s.closed) return null;
            if (s.signal != null) return s.signal;
            State<T> withSignal = new State<>(s.value, s.version, new RendezvousChannel<>(), false);
            if (STATE.compareAndSet(this, s, withSignal)) return withSignal.signal;
        }
    }

    /** Threads and async operations waiting for the next version now; O(waiters), for tests. */
    public int waiterCount() {
        RendezvousChannel<Object> signal = state.signal;
        return signal == null ? 0 : signal.waiterCount();
    }

    /** The exception for {@code operation} on this closed watch. */
    ChannelClosedException closedException(String operation) {
        return new ChannelClosedException(operation + " on " + this + ": watch closed", null);
    }

    private T requireValue(T value, String what) {
        if (value == null) {
            throw new NullPointerException("null " + what + " for " + (state == null ? "a new watch" : toString())
                    + ": null is never a valid value");
        }
        return value;
    }

    @Override
    public String toString() {
        State<T> s = state;
        return "watch(version " + s.version + (s.closed ? ", closed)" : ")");
    }
}
