package dev.vela.channel.internal;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A FIFO of blocked {@link Waiter}s: the receivers waiting for a value, or the senders waiting for
 * room or for a receiver.
 *
 * <p>Backed by the JDK's lock-free {@link ConcurrentLinkedDeque} where a woken waiter may have to
 * re-enter at the front (the buffered flavours), else by the cheaper {@link ConcurrentLinkedQueue}
 * (the rendezvous flavour, which never requeues; docs/adr/0006-waiter-queue.md, ADR 0032). A waiter that gives up removes itself, so the queue holds at most
 * the waiters that are really blocked plus those being removed at this instant: memory does not grow
 * under an endless stream of timed-out or interrupted operations. Peers take waiters from the front;
 * a waiter that was woken but lost its retry to a faster thread re-enters at the front
 * ({@link #addFirst}) so that barging cannot starve it indefinitely.
 */
final class WaitQueue {
    /** A ConcurrentLinkedDeque if {@link #addFirst} is allowed, else a ConcurrentLinkedQueue (final). */
    private final Queue<Waiter> waiters;

    /** A queue whose waiters may re-enter at the front ({@link #addFirst}). */
    WaitQueue() {
        this(true);
    }

    /** A queue that may re-enter waiters at the front only if {@code requeueAtFront} (a deque costs more). */
    WaitQueue(boolean requeueAtFront) {
        this.waiters = requeueAtFront ? new ConcurrentLinkedDeque<>() : new ConcurrentLinkedQueue<>();
    }

    void add(Waiter w) {
        waiters.offer(w);
    }

    /** Re-enters a woken waiter at the front; only on a queue made with {@code requeueAtFront}. */
    void addFirst(Waiter w) {
        ((ConcurrentLinkedDeque<Waiter>) waiters).offerFirst(w);
    }

    /** True if some waiter may be blocked (possibly one that is just giving up). Cheap: one peek. */
    boolean hasWaiters() {
        return waiters.peek() != null;
    }

    /** Removes and returns the first waiter, or null. */
    Waiter poll() {
        return waiters.poll();
    }

    /** Completes the first still-waiting waiter with {@code state}; false if there was none. */
    boolean signal(Object state) {
        for (Waiter w; (w = waiters.poll()) != null; ) {
            if (w.complete(state)) return true;
        }
        return false;
    }

    /**
     * Whether a waiter that is not a clause of select {@code self} may be blocked: a select re-checking
     * its own clauses must not count itself as a peer. Walks past {@code self}'s waiters only.
     */
    boolean hasWaitersOtherThan(SelectInstance self) {
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
        for (Waiter w; (w = waiters.poll()) != null; ) {
            w.complete(state);
        }
    }

    /** Removes a waiter that withdrew. */
    void remove(Waiter w) {
        waiters.remove(w);
    }

    /** Number of queued waiters; O(n), for tests and diagnostics only. */
    int size() {
        return waiters.size();
    }
}
