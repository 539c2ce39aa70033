package dev.vela.channel.internal;

import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A FIFO of blocked {@link Waiter}s: the receivers waiting for a value, or the senders waiting for
 * room or for a receiver.
 *
 * <p>Backed by the JDK's lock-free {@link ConcurrentLinkedDeque} (see
 * docs/adr/0006-waiter-queue.md). A waiter that gives up removes itself, so the queue holds at most
 * the waiters that are really blocked plus those being removed at this instant: memory does not grow
 * under an endless stream of timed-out or interrupted operations. Peers take waiters from the front;
 * a waiter that was woken but lost its retry to a faster thread re-enters at the front
 * ({@link #addFirst}) so that barging cannot starve it indefinitely.
 */
final class WaitQueue {
    private final ConcurrentLinkedDeque<Waiter> waiters = new ConcurrentLinkedDeque<>();

    void add(Waiter w) {
        waiters.offerLast(w);
    }

    void addFirst(Waiter w) {
        waiters.offerFirst(w);
    }

    /** True if some waiter may be blocked (possibly one that is just giving up). Cheap: one peek. */
    boolean hasWaiters() {
        return waiters.peekFirst() != null;
    }

    /** Removes and returns the first waiter, or null. */
    Waiter poll() {
        return waiters.pollFirst();
    }

    /** Completes the first still-waiting waiter with {@code state}; false if there was none. */
    boolean signal(Object state) {
        for (Waiter w; (w = waiters.pollFirst()) != null; ) {
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
                waiters.removeFirstOccurrence(w);
                return true;
            }
        }
        return false;
    }

    /** Completes every waiting waiter with {@code state} (used by close). */
    void signalAll(Object state) {
        for (Waiter w; (w = waiters.pollFirst()) != null; ) {
            w.complete(state);
        }
    }

    /** Removes a waiter that withdrew. */
    void remove(Waiter w) {
        waiters.removeFirstOccurrence(w);
    }

    /** Number of queued waiters; O(n), for tests and diagnostics only. */
    int size() {
        return waiters.size();
    }
}
