package dev.vela.channel.internal;

import dev.vela.channel.Permit;
import dev.vela.diagnostics.internal.ChannelEvents;

/**
 * The driver shared by the buffered flavours (bounded ring, unbounded linked blocks): a lock-free
 * buffer plus two queues of waiters used only as wake-up signals ("event count").
 *
 * <h2>Idea</h2>
 * Values move only through the buffer; a waiter never carries one. A receiver that finds the
 * buffer empty spins briefly, then enqueues a {@link Waiter} in {@link #receivers} and
 * <em>re-checks</em> the buffer before parking; a sender that has buffered a value checks
 * {@link #receivers} and wakes the first waiter. Both sides publish with a volatile write (or CAS)
 * and then read the other side's state, so at least one of them sees the other (the Dekker
 * pattern): a wake-up cannot be lost. Bounded senders wait for room symmetrically in
 * {@link #senders}.
 *
 * <p>Because a waiter only says "retry", an interrupted or timed-out operation cannot lose or
 * duplicate a value: it either completed its buffer operation or did nothing. The one thing it can
 * hold is an unused wake-up; {@link #withdraw} passes that on to the next waiter.
 *
 * <h2>Differences from the reference algorithm</h2>
 * Kotlin's and Jox's channels (Koval, Alistarh, Elizarov, PPoPP 2023) put waiters in the same
 * infinite array of cells as the values and hand values over directly, which gives strict FIFO
 * among blocked senders. Here blocked senders may be overtaken by a sender arriving at the moment
 * room appears (barging), as with {@code ArrayBlockingQueue}'s non-fair mode; a woken waiter that
 * lost that race re-enters at the front of its queue. In exchange the uncontended path touches only
 * the buffer and one peek at the other side's queue. See docs/adr/0005-channel-algorithm.md.
 *
 * <h2>Buffer contract</h2>
 * {@link #offer} returns {@link #OK}, {@link #FULL} or {@link #SHUT} (closed); {@link #poll} returns
 * an element, {@link #EMPTY} or {@link #DRAINED} (closed and nothing left). "Full" and "empty" are
 * linearizable: a slot claimed by a thread that has not finished writing or reading it makes the
 * other side wait for it, never report a wrong answer. {@link #freeze} closes the buffer to senders
 * atomically with respect to {@link #offer}.
 */
public abstract sealed class BufferChannel<T> extends ChannelCore<T> permits BoundedChannel, UnboundedChannel, PriorityBufferChannel {

    static final int OK = 0;
    static final int FULL = 1;
    static final int SHUT = 2;
    /** {@link Overflow#DROP_NEWEST}: the buffer was full and the offered value was discarded (not buffered). */
    static final int DROPPED = 3;
    static final Object EMPTY = SEL_EMPTY;
    static final Object DRAINED = SEL_DRAINED;

    /** Receivers blocked on an empty buffer. */
    final WaitQueue receivers = new WaitQueue();
    /** Senders blocked on a full buffer (always empty for unbounded). */
    final WaitQueue senders = new WaitQueue();

    BufferChannel() {
    }

    BufferChannel(Options options) {
        super(options);
    }

    abstract int offer(Object e);

    /** Whether {@code reserve} is supported: only where a send can wait for room and nothing is discarded. */
    abstract boolean supportsPermits();

    abstract Object poll();

    abstract void freeze();

    // ---- sending ---------------------------------------------------------------------------------

    @Override
    final boolean trySend0(T value) {
        int r = offer(value);
        if (r == OK) {
            wake(receivers);
            countSent();
            return true;
        }
        if (r == FULL) return false;
        if (r == DROPPED) return droppedNewest(value);
        throw closedException("trySend");
    }

    @Override
    final boolean send0(T value, long nanos) throws InterruptedException {
        int r = put(value, nanos);
        if (r == OK) {
            wake(receivers);
            countSent();
            return true;
        }
        if (r == FULL) return false;
        if (r == DROPPED) return droppedNewest(value);
        throw closedException("send");
    }

    /** A DROP_NEWEST send found the buffer full: the send succeeded and its value is discarded. */
    private boolean droppedNewest(Object value) {
        countSent();
        undelivered(value);
        return true;
    }

    /** Buffers {@code e}: offer, spin, then park; OK, FULL (no room within {@code nanos}) or SHUT. */
    private int put(Object e, long nanos) throws InterruptedException {
        int r = offer(e);
        for (int i = r == FULL && nanos != 0 ? Waiter.spins() : 0; r == FULL && i > 0; i--) {
            Waiter.backOff();
            r = offer(e);
        }
        if (r == FULL && nanos != 0) r = sendSlow(e, nanos);
        return r;
    }

    // ---- permits (docs/adr/0014-send-permits.md) -----------------------------------------------

    /**
     * Reserves a place: buffers a pending {@link ReservedSlot} through the same drivers as a send.
     * Receivers need no wake-up: a pending slot gives them nothing to take.
     *
     * @return the permit, or null if no room came within {@code nanos} (0: try once)
     */
    final Permit<T> reserve0(long nanos) throws InterruptedException {
        if (!supportsPermits()) {
            throw new UnsupportedOperationException("reserve on " + this + ": a channel that "
                    + (this instanceof PriorityBufferChannel ? "orders values by priority" : "discards values when full")
                    + " has no place in line to reserve (docs/adr/0021-overflow-policies-and-channel-builder.md)");
        }
        ReservedSlot<T> slot = new ReservedSlot<>(this);
        int r = put(slot, nanos);
        if (r == OK) return slot;
        if (r == FULL) return null;
        throw closedException(nanos == 0 ? "tryReserve" : "reserve");
    }

    /**
     * A permit was sent, or closed unused ({@code skipped}). A skipped place may be reclaimed at once
     * by the flavour (room for a sender); either way receivers may now get further. After a close,
     * receivers may be waiting for the drain this permit held back: wake them all.
     */
    final void permitResolved(ReservedSlot<T> slot, boolean skipped) {
        if (!skipped) countSent();
        if (skipped && reclaim(slot)) wake(senders);
        if (isClosed()) receivers.signalAll(Waiter.CLOSED); else wake(receivers);
    }

    /**
     * A permit at {@code slot} was closed unused: free its place now if it is first in line.
     *
     * @return true if the place was freed (a sender may now find room)
     */
    abstract boolean reclaim(ReservedSlot<T> slot);

    /** Whether the first place in line holds a pending permit (receivers must wait; a snapshot). */
    abstract boolean headPending();

    /** Parks until {@code value} is buffered (OK), the channel closes (SHUT) or time runs out (FULL). */
    private int sendSlow(Object value, long nanos) throws InterruptedException {
        boolean timed = nanos < FOREVER_NANOS;
        long deadline = deadline(nanos);
        boolean requeue = false;
        countSendWaited();
        ChannelEvents.Blocked event = ChannelEvents.begin();
        try {
            while (true) {
                if (Thread.interrupted()) throw interrupted();
                Waiter w = new Waiter(Thread.currentThread(), null, this, value instanceof ReservedSlot ? "reserve" : "send");
                if (requeue) senders.addFirst(w); else senders.add(w);
                int r = offer(value);                                  // re-check after enqueueing
                if (r != FULL) {
                    withdraw(senders, w);
                    return r;
                }
                Object s = w.await(timed, deadline, senders.isFirst(w));
                if (s == Waiter.TIMED_OUT || s == Waiter.INTERRUPTED) {
                    withdraw(senders, w);
                    if (s == Waiter.INTERRUPTED) throw interrupted();
                    return FULL;
                }
                r = offer(value);                                      // woken: NOTIFIED or CLOSED
                if (r != FULL) return r;
                requeue = true;                                        // lost the room to a barging sender
            }
        } finally {
            ChannelEvents.end(event, this, value instanceof ReservedSlot ? "reserve" : "send");
        }
    }

    /**
     * Waits until a send would find room, or the channel is closed, without sending anything; for
     * {@link Broadcast}, whose sender holds the only right to add to this channel, so room once seen
     * stays. The same enqueue / re-check / park as {@link #sendSlow}.
     *
     * @return true once there is room (or the channel closed), false if {@code nanos} ran out (0: try once)
     */
    final boolean awaitRoom(long nanos) throws InterruptedException {
        if (hasRoom() || isClosed()) return true;
        if (nanos == 0) return false;
        boolean timed = nanos < FOREVER_NANOS;
        long deadline = deadline(nanos);
        countSendWaited();
        ChannelEvents.Blocked event = ChannelEvents.begin();
        try {
            while (true) {
                if (Thread.interrupted()) throw interrupted();
                Waiter w = new Waiter(Thread.currentThread(), null, this, "broadcast send");
                senders.add(w);
                if (hasRoom() || isClosed()) {                          // re-check after enqueueing
                    withdraw(senders, w);
                    return true;
                }
                Object s = w.await(timed, deadline, senders.isFirst(w));
                if (s == Waiter.TIMED_OUT || s == Waiter.INTERRUPTED) {
                    withdraw(senders, w);
                    if (s == Waiter.INTERRUPTED) throw interrupted();
                    return false;
                }
                if (hasRoom() || isClosed()) return true;              // woken: NOTIFIED or CLOSED
            }
        } finally {
            ChannelEvents.end(event, this, "broadcast send");
        }
    }

    // ---- receiving -------------------------------------------------------------------------------

    @Override
    @SuppressWarnings("unchecked")
    final T tryReceive0() {
        Object e = poll();
        if (e == EMPTY) return null;
        if (e == DRAINED) throw closedException("tryReceive");
        wake(senders);
        countReceived();
        return (T) e;
    }

    @Override
    @SuppressWarnings("unchecked")
    final T receive0(long nanos) throws InterruptedException {
        Object e = take(nanos);
        if (e == EMPTY) return null;
        if (e == DRAINED) throw closedException("receive");
        wake(senders);
        countReceived();
        return (T) e;
    }

    /** Takes one element: poll, spin, then park; the element, EMPTY (none within {@code nanos}; 0: poll once) or DRAINED. */
    private Object take(long nanos) throws InterruptedException {
        Object e = poll();
        for (int i = e == EMPTY && nanos != 0 ? Waiter.spins() : 0; e == EMPTY && i > 0; i--) {
            Waiter.backOff();
            e = poll();
        }
        if (e == EMPTY && nanos != 0) e = receiveSlow(nanos);
        return e;
    }

    /**
     * Batch receive (docs/adr/0039-receive-many.md): the first element as {@link #receive0} takes it,
     * then {@link #poll} until {@code max}, EMPTY or DRAINED, adding each element to {@code into} before
     * taking the next. Blocked senders are looked at once, after the batch: one peek when none waits
     * (the usual case), else one wake-up per place freed (a woken sender does not pass room on, so
     * fewer would strand the others). Metrics are added once.
     */
    @Override
    final int receiveMany0(java.util.Collection<? super T> into, int max, long nanos) throws InterruptedException {
        Object e = take(nanos);
        if (e == EMPTY) return 0;
        if (e == DRAINED) throw closedException(nanos == 0 ? "tryReceiveMany" : "receiveMany");
        int moved = 0, taken = 1;
        try {
            while (true) {
                addTo(into, e, moved);
                if (++moved == max) break;
                e = poll();
                if (e == EMPTY || e == DRAINED) break;                  // the end: the next call throws
                taken++;
            }
        } finally {
            if (senders.hasWaiters()) {
                for (int i = 0; i < taken && senders.signal(Waiter.NOTIFIED); i++) {
                    // one blocked sender per freed place
                }
            }
            countReceived(taken);
        }
        return moved;
    }

    /** Parks until a value is taken, the channel is drained (DRAINED) or time runs out (EMPTY). */
    private Object receiveSlow(long nanos) throws InterruptedException {
        boolean timed = nanos < FOREVER_NANOS;
        long deadline = deadline(nanos);
        boolean requeue = false;
        countReceiveWaited();
        ChannelEvents.Blocked event = ChannelEvents.begin();
        try {
            while (true) {
                if (Thread.interrupted()) throw interrupted();
                Waiter w = new Waiter(Thread.currentThread(), null, this, "receive");
                if (requeue) receivers.addFirst(w); else receivers.add(w);
                Object e = poll();                                      // re-check after enqueueing
                if (e != EMPTY) {
                    withdraw(receivers, w);
                    return e;
                }
                Object s = w.await(timed, deadline, receivers.isFirst(w));
                if (s == Waiter.TIMED_OUT || s == Waiter.INTERRUPTED) {
                    withdraw(receivers, w);
                    if (s == Waiter.INTERRUPTED) throw interrupted();
                    return EMPTY;
                }
                e = poll();                                             // woken: NOTIFIED or CLOSED
                if (e != EMPTY) return e;
                requeue = true;                                         // a barging receiver took it
            }
        } finally {
            ChannelEvents.end(event, this, "receive");
        }
    }

    // ---- select hooks ------------------------------------------------------------------------------

    @Override
    final int selectTrySend(Object value) {
        int r = offer(value);
        if (r == OK) {
            wake(receivers);
            countSent();
        } else if (r == DROPPED) {
            droppedNewest(value);
            return SEL_OK;
        }
        return r == OK ? SEL_OK : r == FULL ? SEL_NOT_READY : SEL_CLOSED;
    }

    @Override
    final Object selectTryReceive() {
        Object e = poll();
        if (e != EMPTY && e != DRAINED) {
            wake(senders);
            countReceived();
        }
        return e;
    }

    @Override
    final WaitQueue receiveWaiters() {
        return receivers;
    }

    @Override
    final WaitQueue sendWaiters() {
        return senders;
    }

    @Override
    final boolean receiveReady(SelectInstance self) {                             // closed: ready unless a pending permit holds the drain back
        return !isEmpty0() || (isClosed() && !headPending());
    }

    @Override
    final boolean sendReady(SelectInstance self) {
        return hasRoom() || isClosed();
    }

    /** Whether a send would find room now (a snapshot). */
    abstract boolean hasRoom();

    // ---- shared ------------------------------------------------------------------------------------

    /** After a successful operation: wake one waiter of the other side, if any is blocked. */
    static void wake(WaitQueue q) {
        if (q.hasWaiters()) q.signal(Waiter.NOTIFIED);
    }

    /**
     * The owner of {@code w} no longer waits. If a peer had already notified it, that wake-up was
     * meant for someone who can use it: pass it on.
     */
    static void withdraw(WaitQueue q, Waiter w) {
        if (w.cancel()) {
            q.remove(w);
        } else if (w.state() == Waiter.NOTIFIED) {
            q.signal(Waiter.NOTIFIED);
        }
    }

    @Override
    final void onClose() {
        freeze();
        receivers.signalAll(Waiter.CLOSED);
        senders.signalAll(Waiter.CLOSED);
    }

    /** Blocked waiters (receivers + senders); O(n), for tests. */
    public final int waiterCount() {
        return receivers.size() + senders.size();
    }
}
