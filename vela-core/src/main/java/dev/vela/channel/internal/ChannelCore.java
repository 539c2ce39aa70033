package dev.vela.channel.internal;

import dev.vela.time.internal.Clock;
import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.ChannelDeadlockException;
import dev.vela.channel.ChannelMetrics;
import dev.vela.channel.ChannelStats;
import dev.vela.channel.Permit;
import dev.vela.channel.ReceiveManyException;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import dev.vela.diagnostics.internal.ChannelEvents;
import dev.vela.diagnostics.internal.ChannelRegistry;
import dev.vela.diagnostics.internal.ConsoleHook;
import dev.vela.diagnostics.internal.ParkedOperations;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.Collection;

/**
 * What every flavour shares: the close state, the sender-handle count, the public handles, argument
 * checks and exception messages. Flavours supply the operations ({@code trySend0}, {@code send0},
 * {@code tryReceive0}, {@code receive0}) and what closing means for their data ({@link #onClose()}).
 *
 * <h2>Closing</h2>
 * {@link #closeState} goes from {@code null} (open) to {@link #CLOSED_NORMALLY} or to the failure
 * given to {@code fail}, once, by CAS; the winner then runs {@link #onClose()}, which stops new sends
 * atomically and wakes every waiter. Later closes are no-ops (idempotent).
 *
 * <h2>Sender handles</h2>
 * {@link #openSenders} counts sender handles that are not yet released. It starts at 1 (the
 * original handle), each {@code clone()} adds 1 and each handle's first {@code close()} subtracts 1;
 * the handle that brings it to 0 closes the channel. A handle releases itself at most once (its own
 * CAS), so concurrent closes of one handle cannot corrupt the count.
 *
 * @param <T> element type
 */
public abstract sealed class ChannelCore<T> implements Channel<T>, ChannelRegistry.Registered
        permits BufferChannel, RendezvousChannel {

    /** Metrics counters, or null when the channel was built without metrics (final; set by the constructor). */
    final Counters counters;
    /** Receives every value discarded by an overflow policy; null if none was given (final). */
    private final java.util.function.Consumer<Object> onUndelivered;

    ChannelCore() {
        this(Options.DEFAULT);
    }

    ChannelCore(Options options) {
        this.counters = options.metrics() ? new Counters() : null;
        this.onUndelivered = options.onUndelivered();
        this.sender = createSender();
        if (ChannelRegistry.tracking) ChannelRegistry.register(this, kind());   // console on (rare); no field: layout unchanged
    }

    private String kind() {
        return switch (this) {
            case BoundedChannel<T> b -> "bounded";
            case UnboundedChannel<T> u -> "unbounded";
            case PriorityBufferChannel<T> p -> "priority";
            case RendezvousChannel<T> r -> "rendezvous";
            default -> "other";
        };
    }

    /** {@inheritDoc} */
    @Override
    public final String registryState() {
        Object s = closeState;
        return s == null ? "open" : s == CLOSED_NORMALLY ? "closed" : "failed";
    }


    /** The close state of a channel closed without a failure. */
    static final Object CLOSED_NORMALLY = new Object() {
        @Override
        public String toString() {
            return "CLOSED_NORMALLY";
        }
    };

    /** Any timeout at or beyond this is treated as "no timeout" (about 146 years: no overflow). */
    static final long FOREVER_NANOS = Long.MAX_VALUE / 2;

    private static final VarHandle CLOSE_STATE;
    private static final VarHandle OPEN_SENDERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CLOSE_STATE = l.findVarHandle(ChannelCore.class, "closeState", Object.class);
            OPEN_SENDERS = l.findVarHandle(ChannelCore.class, "openSenders", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        ConsoleHook.maybeLaunch();   // -Dvela.console: the live console starts before the first channel
    }

    /** null while open; then CLOSED_NORMALLY or the failure cause. Set once by CAS (volatile). */
    private volatile Object closeState;
    /** The thread running onClose() (volatile; written once by the close CAS winner). */
    private volatile Thread closer;
    /** True once the close CAS winner's onClose() returned (volatile; written once). */
    private volatile boolean closeDone;
    /** Sender handles not yet released, ≥ 0; the 1 → 0 transition closes the channel (volatile, atomic add). */
    @SuppressWarnings("unused")
    private volatile int openSenders = 1;

    private final SenderHandle<T> sender;
    private final ChannelReceiver<T> receiver = new ChannelReceiver<>(this);

    // ---- the flavour's operations --------------------------------------------------------------

    /** Non-blocking send of a non-null value; throws ChannelClosedException when closed. */
    abstract boolean trySend0(T value);

    /** Blocking send; {@code nanos ≥ FOREVER_NANOS} means no timeout, 0 means try once. */
    abstract boolean send0(T value, long nanos) throws InterruptedException;

    /** Non-blocking receive: a value, or null; throws ChannelClosedException when closed and drained. */
    abstract T tryReceive0();

    /** Blocking receive: a value, or null on timeout; {@code nanos} as in {@link #send0}. */
    abstract T receive0(long nanos) throws InterruptedException;

    /** Whether nothing is buffered now. */
    abstract boolean isEmpty0();

    /**
     * Batch receive (docs/adr/0039-receive-many.md): takes the first value as {@link #receive0} does
     * ({@code nanos} 0: as {@link #tryReceive0}), then further values that are ready now, up to
     * {@code max}, adding each to {@code into} before taking the next. This generic driver (used by
     * rendezvous) takes the others through {@link #selectTryReceive}, which reports the end without an
     * exception; {@link BufferChannel} overrides it to check blocked senders once per batch.
     *
     * @return how many values were moved, 0 if none came within {@code nanos}
     * @throws ReceiveManyException if {@code into.add} threw (the refused value travels in it)
     */
    int receiveMany0(Collection<? super T> into, int max, long nanos) throws InterruptedException {
        T first = nanos == 0 ? tryReceive0() : receive0(nanos);
        if (first == null) return 0;
        int n = 0;
        for (Object v = first; ; ) {
            addTo(into, v, n);
            if (++n == max) return n;
            v = selectTryReceive();
            if (v == SEL_EMPTY || v == SEL_DRAINED) return n;      // the end: the next call throws
        }
    }

    /** {@code into.add(v)}, turning a refusal into {@link ReceiveManyException} carrying {@code v}. */
    @SuppressWarnings("unchecked")
    static <T> void addTo(Collection<? super T> into, Object v, int moved) {
        try {
            into.add((T) v);
        } catch (RuntimeException e) {
            throw new ReceiveManyException(v, moved, into, e);
        }
    }

    /** The argument checks of a batch receive, before anything is taken (same messages as {@link Receiver}). */
    static void checkMany(Collection<?> into, int max) {
        if (into == null) throw new NullPointerException("receiveMany: the target collection 'into' must not be null");
        if (max < 1) throw new IllegalArgumentException("receiveMany: max must be at least 1, got " + max);
    }


    /** Reserves a place for a later send ({@link Permit}); null if none within {@code nanos} (0: try once). */
    abstract Permit<T> reserve0(long nanos) throws InterruptedException;

    // ---- hooks for Select: the same algorithm, driven by SelectInstance --------------------------

    /** Result of {@link #selectTrySend}: done, not possible now, or channel closed. */
    static final int SEL_OK = 0, SEL_NOT_READY = 1, SEL_CLOSED = 2;

    /** Non-throwing trySend for select: SEL_OK, SEL_NOT_READY or SEL_CLOSED. */
    abstract int selectTrySend(Object value);

    /** Non-throwing tryReceive for select: an element, {@link #SEL_EMPTY} or {@link #SEL_DRAINED}. */
    abstract Object selectTryReceive();

    /** Nothing to receive now. (Defined here, not in a subclass, so class initialisation order cannot see null.) */
    static final Object SEL_EMPTY = new Object() {
        @Override
        public String toString() {
            return "EMPTY";
        }
    };
    /** Closed and nothing left to receive. */
    static final Object SEL_DRAINED = new Object() {
        @Override
        public String toString() {
            return "DRAINED";
        }
    };

    /** Queue a blocked select's receive clause waits in. */
    abstract WaitQueue receiveWaiters();

    /** Queue a blocked select's send clause waits in. */
    abstract WaitQueue sendWaiters();

    /**
     * Re-check after a select enqueued a receive clause's waiter: true if a receive would now not
     * block (a value, or closed). Reads only; commits nothing.
     */
    abstract boolean receiveReady(SelectInstance self);

    /** Re-check after a select enqueued a send clause's waiter: true if a send would now not block. */
    abstract boolean sendReady(SelectInstance self);

    /** Called once, by the thread that closed the channel: stop sends, wake every waiter. */
    abstract void onClose();

    /** Short flavour description for messages, e.g. {@code bounded(16)}. */
    abstract String describe();

    // ---- public face -----------------------------------------------------------------------------

    @Override
    public Sender<T> sender() {
        return sender;
    }

    /** The original sender handle, typed for the flavours that override {@link #sender()} covariantly. */
    final SenderHandle<T> originalSender() {
        return sender;
    }

    /** Makes a sender handle of this channel (the original one, and every clone). */
    SenderHandle<T> createSender() {
        return new SenderHandle<>(this);
    }

    @Override
    public final ChannelMetrics metrics() {
        Counters c = counters;
        if (c == null) {
            throw new IllegalStateException("metrics are off for " + this
                    + ": build the channel with Channel.builder().metrics(true)");
        }
        return c.snapshot(buffered0());
    }

    @Override
    public final boolean hasMetrics() {
        return counters != null;
    }

    /** Values in the buffer now (a snapshot; exact when quiescent); 0 for rendezvous. */
    abstract long buffered0();

    /**
     * Introspection (docs/adr/0043-approximate-introspection.md): computed on demand from the buffer's
     * positions and an O(n) scan of both queues of waiters; nothing is counted on the hot paths.
     * Each part is read separately, so the whole is a racy snapshot, exact when quiescent.
     */
    @Override
    public final ChannelStats stats() {
        int capacity = capacity();
        long buffered = Math.max(0, Math.min(buffered0(), capacity));
        return new ChannelStats(buffered, capacity, sendWaiters().waitingCount(), receiveWaiters().waitingCount());
    }

    // ---- metrics and discarded values (slow paths and one null check on the fast path) -------------

    final void countSent() {
        Counters c = counters;
        if (c != null) c.sent();
    }

    final void countReceived() {
        Counters c = counters;
        if (c != null) c.received();
    }

    final void countReceived(int n) {
        Counters c = counters;
        if (c != null) c.received(n);
    }

    final void countSendWaited() {
        Counters c = counters;
        if (c != null) c.sendWaited();
    }

    final void countReceiveWaited() {
        Counters c = counters;
        if (c != null) c.receiveWaited();
    }

    /**
     * An overflow policy discarded {@code value}: count it and give it to {@code onUndelivered}.
     * Called after the operation that discarded it took effect, outside any critical window; what the
     * callback throws propagates to the caller of that operation.
     */
    final void undelivered(Object value) {
        Counters c = counters;
        if (c != null) c.dropped();
        java.util.function.Consumer<Object> cb = onUndelivered;
        if (cb != null) cb.accept(value);
    }

    @Override
    public final Receiver<T> receiver() {
        return receiver;
    }

    @Override
    public final void close() {
        closeWith(CLOSED_NORMALLY);
    }

    @Override
    public final boolean isClosed() {
        return closeState != null;
    }

    @Override
    public final String toString() {
        return "Channel." + describe() + "@" + Integer.toHexString(System.identityHashCode(this));
    }

    // ---- closing and handles ---------------------------------------------------------------------

    /** Closes with {@code state} (CLOSED_NORMALLY or a Throwable) unless already closed. */
    final boolean closeWith(Object state) {
        if (CLOSE_STATE.compareAndSet(this, (Object) null, state)) {
            closer = Thread.currentThread();
            try {
                onClose();
            } finally {
                closeDone = true;
            }
            if (state instanceof Throwable cause) ChannelEvents.failed(this, cause);
            return true;
        }
        // A close that lost returns only once the winner's onClose() stopped sends, so that
        // "close(); trySend(v)" in one thread never succeeds (Lincheck, OverflowLincheckTest).
        // The closing thread itself may get here from user code run inline by onClose() (async
        // resumption, ADR 0013): it must not wait for itself.
        if (closer != Thread.currentThread()) {
            while (!closeDone) Waiter.backOff();
        }
        return false;
    }

    final void retainSender() {
        OPEN_SENDERS.getAndAdd(this, 1);
    }

    final void releaseSender() {
        if ((int) OPEN_SENDERS.getAndAdd(this, -1) == 1) {
            close();
        }
    }

    /**
     * The exception a blocking operation throws when its wait was interrupted: a
     * {@link ChannelDeadlockException} if the deadlock watchdog interrupted it (unchecked, thrown
     * here), else a fresh {@link InterruptedException}. The operation had no effect either way.
     */
    static InterruptedException interrupted() {
        String verdict = ParkedOperations.takeVerdict();
        if (verdict != null) throw new ChannelDeadlockException(verdict);
        return new InterruptedException();
    }

    /** The exception for an operation on a closed channel, carrying the failure cause if any. */
    final ChannelClosedException closedException(String operation) {
        Object s = closeState;
        Throwable cause = s instanceof Throwable t ? t : null;
        String how = cause == null ? "closed" : "failed (" + cause + ")";
        return new ChannelClosedException(operation + " on " + this + ": channel " + how, cause);
    }

    final T checkElement(T value) {
        if (value == null) {
            throw new NullPointerException("null element sent to " + this + ": null is never a valid element");
        }
        return value;
    }

    /** Converts a user timeout to nanoseconds, rejecting null and negative values. */
    public static long toNanos(Duration timeout) {
        if (timeout == null) throw new NullPointerException("timeout must not be null");
        if (timeout.isNegative()) throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        long n;
        try {
            n = timeout.toNanos();
        } catch (ArithmeticException overflow) {
            return FOREVER_NANOS;
        }
        return Math.min(n, FOREVER_NANOS);
    }

    /** A deadline for a timed wait, or 0 when {@code nanos} means "forever". */
    static long deadline(long nanos) {
        return nanos >= FOREVER_NANOS ? 0L : Clock.nanoTime() + nanos;
    }
}
