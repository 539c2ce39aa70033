package dev.vela.actor;

import java.util.ArrayDeque;
import java.util.Objects;

/**
 * One actor's {@link Stash}: a bounded FIFO of mailbox items (a message, or an {@link Envelope} of it
 * with the context it was being processed with).
 *
 * <p>Implementation overview. {@link #stash} appends; {@link #unstashAll} hands every item, in order,
 * to {@link ActorCell#prepend}, which puts them in front of the cell's queue of unstashed items; the
 * cell's loop takes from that queue before it polls the mailbox (Akka's prepend to the mailbox, without
 * a second channel). The buffer belongs to the cell, not to the {@code Actor} instance: at a restart
 * the cell unstashes it for the new instance, at a stop it publishes its items as dead letters.
 *
 * <p>Invariant: {@code 0 <= items.size() <= capacity}. Thread safety: confined to the actor's thread.
 */
final class StashBuffer<M> implements Stash<M> {
    private final ActorCell<M> cell;
    private final int capacity;          // >= 1, fixed at creation
    private final ArrayDeque<Object> items;   // actor thread only; oldest first

    StashBuffer(ActorCell<M> cell, int capacity) {
        this.cell = cell;
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 16));
    }

    @Override
    public void stash(M message) {
        Objects.requireNonNull(message, "message");
        cell.checkOwnThread("stash");
        Object item = Envelope.wrap(message);        // keeps the context the handler runs with
        if (items.size() >= capacity) {
            cell.deadLetter(item, DeadLetter.Reason.STASH_OVERFLOW);
            throw new StashOverflowException("the stash of " + cell.path() + " is full (capacity " + capacity
                    + "); the message became a dead letter: " + message);
        }
        items.addLast(item);
    }

    @Override
    public void unstashAll() {
        cell.checkOwnThread("unstashAll");
        unstashToCell();
    }

    /** Moves every item to the front of the cell's queue (also at a restart, on the actor's thread). */
    void unstashToCell() {
        if (items.isEmpty()) return;
        cell.prepend(items);
        items.clear();
    }

    /** At a stop: every item becomes a dead letter. */
    void drainToDeadLetters() {
        for (Object m; (m = items.pollFirst()) != null; ) cell.deadLetter(m, DeadLetter.Reason.STASHED_AT_STOP);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public boolean isEmpty() {
        return items.isEmpty();
    }

    @Override
    public boolean isFull() {
        return items.size() >= capacity;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return "Stash[" + cell.path() + ", " + items.size() + "/" + capacity + "]";
    }
}
