package dev.vela.channel.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A FIFO of blocked {@link Waiter}s: the receivers waiting for a value, or the senders waiting for
 * room or for a receiver.
 *
 * <h2>Two kinds</h2>
 * Where a woken waiter may have to re-enter at the front (the buffered flavours, ADR 0005's barging),
 * a lock-free {@link ConcurrentLinkedDeque}. Where it never does (the rendezvous flavour), a
 * one-waiter {@link #slot} in front of a {@link ConcurrentLinkedQueue}: the common case of a single
 * waiter costs one CAS to enter and one to leave, with no queue node (docs/adr/0033-rendezvous-slot-and-cpu-spin.md).
 *
 * <h2>The slot (rendezvous kind)</h2>
 * A waiter enters the slot only if the slot is empty and the queue is seen empty; otherwise it joins
 * the queue. Takers look at the slot first, then at the queue. A waiter stays where it entered until
 * it is taken or removes itself: it never moves between the slot and the queue, so each waiter is
 * taken or removed by exactly one CAS (on the slot, or the queue's own on its node).
 * <p>Why that is FIFO: a waiter in the queue entered it because the slot was occupied, by a waiter
 * that entered earlier, and that one is taken first. The one other way the slot can hold a waiter
 * behind a queued one: waiter C saw the slot and the queue empty, then B (which had seen an older
 * waiter in the slot, since taken) joined the queue, then C's CAS filled the slot. C and B were then
 * both still entering, so either order is a valid linearization; C's is chosen (nobody can have
 * observed B alone waiting without taking it first, since a taker would have found the slot empty
 * and taken B).
 *
 * <p>A waiter that gives up removes itself, so the structure holds at most the waiters that are
 * really blocked plus those being removed at this instant: memory does not grow under an endless
 * stream of timed-out or interrupted operations.
 */
final class WaitQueue {
    private static final VarHandle SLOT;

    static {
        try {
            SLOT = MethodHandles.lookup().findVarHandle(WaitQueue.class, "slot", Waiter.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A ConcurrentLinkedDeque if {@link #addFirst} is allowed, else a ConcurrentLinkedQueue (final). */
    private final Queue<Waiter> waiters;
    /** Whether {@link #slot} is used: the rendezvous kind only (final). */
    private final boolean hasSlot;
    /**
     * The first waiter when it entered an empty structure (volatile; set null → waiter and waiter → null,
     * each by CAS). While it holds a waiter, every waiter in {@link #waiters} entered after it.
     */
    private volatile Waiter slot;

    /** A queue whose waiters may re-enter at the front ({@link #addFirst}). */
    WaitQueue() {
        this(true);
    }

    /**
     * A queue that may re-enter waiters at the front only if {@code requeueAtFront} (a deque); else a
     * one-waiter slot in front of a plain queue.
     */
    WaitQueue(boolean requeueAtFront) {
        this.waiters = requeueAtFront ? new ConcurrentLinkedDeque<>() : new ConcurrentLinkedQueue<>();
        this.hasSlot = !requeueAtFront;
    }

    void add(Waiter w) {
        if (hasSlot && slot == null && waiters.isEmpty() && SLOT.compareAndSet(this, null, w)) return;
        waiters.offer(w);
    }

    /** Re-enters a woken waiter at the front; only on a queue made with {@code requeueAtFront}. */
    void addFirst(Waiter w) {
        ((ConcurrentLinkedDeque<Waiter>) waiters).offerFirst(w);
    }

    /** True if some waiter may be blocked (possibly one that is just giving up). Cheap: one or two reads. */
    boolean hasWaiters() {
        // the deque kind never reads the slot: every buffered send asks this
        return hasSlot && slot != null || waiters.peek() != null;
    }

    /**
     * Whether {@code w} is next in line (a snapshot): the one waiter of this queue for which a CPU
     * spin before parking can pay (ADR 0033); one or two reads of lines the takers touch anyway.
     */
    boolean isFirst(Waiter w) {
        if (hasSlot) {
            Waiter s = slot;
            if (s != null) return s == w;
        }
        return waiters.peek() == w;
    }

    /** Removes and returns the first waiter, or null. */
    Waiter poll() {
        Waiter s = hasSlot ? slot : null;
        if (s != null && SLOT.compareAndSet(this, s, null)) return s;
        return waiters.poll();                  // lost the slot to another taker: the queue is next in line
    }

    /** Completes the first still-waiting waiter with {@code state}; false if there was none. */
    boolean signal(Object state) {
        for (Waiter w; (w = poll()) != null; ) {
            if (w.complete(state)) return true;
        }
        return false;
    }

    /**
     * Whether a waiter that is not a clause of select {@code self} may be blocked: a select re-checking
     * its own clauses must not count itself as a peer. Walks past {@code self}'s waiters only.
     */
    boolean hasWaitersOtherThan(SelectInstance self) {
        Waiter s = slot;
        if (s != null && !s.isClauseOf(self)) return true;
        for (Waiter w : waiters) {
            if (!w.isClauseOf(self)) return true;
        }
        return false;
    }

    /**
     * Completes the first still-waiting waiter that is not a clause of select {@code self}; false if
     * there was none. Waiters of {@code self} stay where they are.
     */
    boolean signalOtherThan(Object state, SelectInstance self) {
        Waiter s = slot;
        if (s != null && !s.isClauseOf(self) && s.complete(state)) {
            SLOT.compareAndSet(this, s, null);  // unlink it (a taker may have done so already)
            return true;
        }
        for (Waiter w : waiters) {
            if (!w.isClauseOf(self) && w.complete(state)) {
                waiters.remove(w);
                return true;
            }
        }
        return false;
    }

    /** Completes every waiting waiter with {@code state} (used by close). */
    void signalAll(Object state) {
        for (Waiter w; (w = poll()) != null; ) {
            w.complete(state);
        }
    }

    /** Removes a waiter that withdrew. */
    void remove(Waiter w) {
        if (slot == w && SLOT.compareAndSet(this, w, null)) return;
        waiters.remove(w);
    }

    /**
     * Number of queued waiters that still wait (completed or withdrawn ones on their way out are not
     * counted); a snapshot, O(n), for introspection ({@code ChannelCore.stats()}) only: never on a hot path.
     */
    int waitingCount() {
        int n = 0;
        Waiter s = slot;
        if (s != null && s.isWaiting()) n++;
        for (Waiter w : waiters) {
            if (w.isWaiting()) n++;
        }
        return n;
    }

    /** Number of queued waiters; O(n), for tests and diagnostics only. */
    int size() {
        return (slot != null ? 1 : 0) + waiters.size();
    }
}
