package dev.vela.channel.internal;

import dev.vela.time.internal.Clock;
import dev.vela.channel.Permit;
import dev.vela.diagnostics.internal.ChannelEvents;

/**
 * {@code Channel.rendezvous()}: no buffer; a sender's value passes directly to a receiver.
 *
 * <h2>Idea</h2>
 * Two queues of {@link Waiter}s: {@link #senders} (each carrying its element) and
 * {@link #receivers}. An arriving sender first tries to complete a waiting receiver with its
 * element; an arriving receiver first tries to complete a waiting sender with {@link Waiter#TAKEN}
 * and keeps its element. Each hand-over is one CAS on the waiter, which the waiter's owner may be
 * racing with its own cancellation (timeout, interrupt): exactly one of the two wins, so a value is
 * never both handed over and withdrawn.
 *
 * <h2>The crossing race, and why it cannot livelock</h2>
 * A sender and a receiver that arrive together may both find the other queue empty and both
 * enqueue. Each therefore re-checks the other queue after enqueueing, asymmetrically:
 * <ul>
 *   <li>a receiver that sees a waiting sender withdraws its own waiter and goes to take from the
 *       senders (if withdrawing fails, it has been served or told to retry);</li>
 *   <li>a sender never withdraws on re-check (its element might be being taken); instead it tells the
 *       first waiting receiver to {@link Waiter#RETRY}, i.e. to come and take from the senders.</li>
 * </ul>
 * Only receivers ever go back, and one that goes back finds the sender that made it do so (unless
 * another receiver took it first), so the pair always meets. A receiver told to retry that gives up
 * (timeout, interrupt) passes the retry on.
 *
 * <h2>Closing</h2>
 * Sets the close state, then completes every waiter with {@link Waiter#CLOSED}. Waiters enqueued
 * later see the close state on their re-check.
 *
 * <h2>Differences from the reference algorithms</h2>
 * Java's {@code SynchronousQueue} and Scherer–Lea–Scott dual queues keep one queue holding waiters
 * of one mode at a time; Kotlin/Jox pair the k-th sender with the k-th receiver in an infinite array
 * of cells. Two plain lock-free queues (each with a one-waiter slot in front, see {@link WaitQueue})
 * plus the asymmetric re-check give the same guarantees with far less code, and waiters that give up are unlinked at once, so memory does not grow under
 * endless timeouts (see docs/adr/0005-channel-algorithm.md).
 */
public final class RendezvousChannel<T> extends ChannelCore<T> {

    public RendezvousChannel() {
    }

    public RendezvousChannel(Options options) {
        super(options);
    }

    /** Senders blocked with an element (Waiter.element). */
    final WaitQueue senders = new WaitQueue(false);
    /** Receivers blocked for an element. */
    final WaitQueue receivers = new WaitQueue(false);

    // ---- sending ---------------------------------------------------------------------------------

    @Override
    boolean trySend0(T value) {
        if (isClosed()) throw closedException("trySend");
        return handOver(value);
    }

    /** Gives {@code value} to the first waiting receiver; false if none is waiting. */
    private boolean handOver(Object value) {
        for (Waiter w; (w = receivers.poll()) != null; ) {
            if (w.complete(value)) {
                countTransfer();
                return true;
            }
        }
        return false;
    }

    @Override
    boolean send0(T value, long nanos) throws InterruptedException {
        if (isClosed()) throw closedException("send");
        if (handOver(value)) return true;
        if (nanos == 0) return false;
        countSendWaited();
        ChannelEvents.Blocked event = ChannelEvents.begin();
        try {
            return sendSlow(value, nanos);
        } finally {
            ChannelEvents.end(event, this, "send");
        }
    }

    private boolean sendSlow(T value, long nanos) throws InterruptedException {
        boolean timed = nanos < FOREVER_NANOS;
        long deadline = deadline(nanos);
        if (Thread.interrupted()) throw interrupted();
        Waiter me = new Waiter(Thread.currentThread(), value, this, "send");
        senders.add(me);
        if (isClosed()) {                                     // re-check: a close that missed us
            if (me.cancel()) {
                senders.remove(me);
                throw closedException("send");
            }
        } else {
            tellReceiverToRetry();                            // re-check: a receiver that missed us
        }
        Object s = me.await(timed, deadline, senders.isFirst(me));
        if (s == Waiter.TIMED_OUT || s == Waiter.INTERRUPTED) {
            if (me.cancel()) {
                senders.remove(me);
                if (s == Waiter.INTERRUPTED) throw interrupted();
                return false;
            }
            if (s == Waiter.INTERRUPTED) Thread.currentThread().interrupt(); // served meanwhile: keep the flag
            s = me.state();
        }
        if (s == Waiter.TAKEN) return true;
        throw closedException("send");                       // CLOSED: the value was not sent
    }

    private void tellReceiverToRetry() {
        receivers.signal(Waiter.RETRY);
    }

    // ---- receiving -------------------------------------------------------------------------------

    @Override
    @SuppressWarnings("unchecked")
    T tryReceive0() {
        Object e = takeFromSender();
        if (e != null) return (T) e;
        if (isClosed()) throw closedException("tryReceive");
        return null;
    }

    /** Takes the element of the first waiting sender; null if none is waiting. */
    private Object takeFromSender() {
        for (Waiter w; (w = senders.poll()) != null; ) {
            if (w.complete(Waiter.TAKEN)) {
                countTransfer();
                return w.element;
            }
        }
        return null;
    }

    /** A hand-over happened (counted once, by whoever completed the waiter): one sent, one received. */
    private void countTransfer() {
        Counters c = counters;
        if (c != null) {
            c.sent();
            c.received();
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    T receive0(long nanos) throws InterruptedException {
        Object r = receiveOrClosed0(nanos);
        if (r == SEL_DRAINED) throw closedException("receive");
        return (T) r;
    }

    /**
     * {@link #receive0} without the exception (package-internal, for waits where the close is the
     * expected outcome, as the watch's signal): an element, null on timeout, or {@link #SEL_DRAINED}
     * when the channel is closed and no sender waits. The same wait in every other respect: the one
     * {@link Waiter}, the same metrics, JFR event and interruption semantics.
     */
    Object receiveOrClosed0(long nanos) throws InterruptedException {
        Object e = takeFromSender();
        if (e != null) return e;
        if (isClosed()) return SEL_DRAINED;
        if (nanos == 0) return null;
        countReceiveWaited();
        ChannelEvents.Blocked event = ChannelEvents.begin();
        try {
            return receiveSlow(nanos);
        } finally {
            ChannelEvents.end(event, this, "receive");
        }
    }

    /** The blocking part of {@link #receiveOrClosed0}: an element, null on timeout, or SEL_DRAINED. */
    private Object receiveSlow(long nanos) throws InterruptedException {
        boolean timed = nanos < FOREVER_NANOS;
        long deadline = nanos == 0 ? 0 : deadline(nanos);
        while (true) {
            Object e = takeFromSender();
            if (e != null) return e;
            if (isClosed()) return SEL_DRAINED;
            if (nanos == 0) return null;
            if (Thread.interrupted()) throw interrupted();
            Waiter me = new Waiter(Thread.currentThread(), null, this, "receive");
            receivers.add(me);
            if (isClosed() || senders.hasWaiters()) {         // re-check after enqueueing
                if (me.cancel()) {
                    receivers.remove(me);
                    continue;                                 // go and take from the sender / see the close
                }
            }
            Object s = me.await(timed, deadline, receivers.isFirst(me));
            if (s == Waiter.TIMED_OUT || s == Waiter.INTERRUPTED) {
                if (me.cancel()) {
                    receivers.remove(me);
                    if (s == Waiter.INTERRUPTED) throw interrupted();
                    return null;
                }
                Object served = me.state();
                if (served == Waiter.RETRY || served == Waiter.CLOSED) {
                    if (served == Waiter.RETRY) tellReceiverToRetry(); // someone else must meet that sender
                    if (s == Waiter.INTERRUPTED) throw interrupted();
                    return null;
                }
                if (s == Waiter.INTERRUPTED) Thread.currentThread().interrupt(); // served: keep the flag
                return served;
            }
            if (s == Waiter.RETRY || s == Waiter.CLOSED) {
                if (timed && deadline - Clock.nanoTime() <= 0) {
                    if (s == Waiter.RETRY) tellReceiverToRetry();
                    return null;
                }
                continue;
            }
            return s;                                         // an element handed over by a sender
        }
    }

    // ---- select hooks ------------------------------------------------------------------------------

    @Override
    int selectTrySend(Object value) {
        if (isClosed()) return SEL_CLOSED;
        return handOver(value) ? SEL_OK : SEL_NOT_READY;
    }

    @Override
    Object selectTryReceive() {
        Object e = takeFromSender();
        if (e != null) return e;
        return isClosed() ? SEL_DRAINED : SEL_EMPTY;
    }

    @Override
    WaitQueue receiveWaiters() {
        return receivers;
    }

    @Override
    WaitQueue sendWaiters() {
        return senders;
    }

    /** Ready if closed or a sender waits, other than a clause of this very select (it cannot meet itself). */
    @Override
    boolean receiveReady(SelectInstance self) {
        return isClosed() || senders.hasWaitersOtherThan(self);
    }

    /**
     * A waiting select sender never withdraws on re-check (see class comment): it tells a receiver to
     * retry, never one of its own select's clauses (that would wake the select to meet itself, forever).
     */
    @Override
    boolean sendReady(SelectInstance self) {
        if (isClosed()) return true;
        receivers.signalOtherThan(Waiter.RETRY, self);
        return false;
    }

    /** A rendezvous channel has no buffer: there is no place to reserve (docs/adr/0014-send-permits.md). */
    @Override
    Permit<T> reserve0(long nanos) {
        throw new UnsupportedOperationException("reserve on " + this + ": a rendezvous channel has no buffer "
                + "to reserve a place in; use send, or a bounded channel");
    }

    @Override
    boolean isEmpty0() {
        return !senders.hasWaiters();
    }

    @Override
    void onClose() {
        senders.signalAll(Waiter.CLOSED);
        receivers.signalAll(Waiter.CLOSED);
    }

    @Override
    public int capacity() {
        return 0;
    }

    @Override
    long buffered0() {
        return 0;
    }

    @Override
    String describe() {
        return "rendezvous()";
    }

    /** Blocked waiters; O(n), for tests. */
    public int waiterCount() {
        return senders.size() + receivers.size();
    }
}
