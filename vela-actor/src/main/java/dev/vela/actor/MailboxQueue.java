package dev.vela.actor;

import dev.vela.channel.SelectClause;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One actor's mailbox, as the actor's cell uses it. Senders call {@link #offer}; only the actor's own
 * runner calls {@link #poll} and the clauses (a {@code DROP_OLDEST} sender may also take
 * the oldest message to drop it).
 *
 * <p>Contract: after {@link #close()} returns, no {@link #offer} succeeds; every message that was
 * accepted before is still returned by {@link #poll} until the mailbox is drained. That is what lets
 * the stopping actor count every unprocessed message as a dead letter.
 *
 * <p>A mailbox holds <em>items</em>: a message, or an {@link Envelope} of a message and its sender's
 * context (only when that context was not empty), or a timer's {@link ActorTimersImpl.Fired} (never
 * blocked on: a {@code BLOCK} mailbox that is full drops it as {@code DROPPED_NEWEST}). {@link #offer} and {@link #poll} move items; the
 * actor's cell unwraps them, and dead letters are published through {@link ActorCell#deadLetter},
 * which unwraps too. A priority mailbox orders items by their messages.
 *
 * @param <M> the message type
 */
abstract sealed class MailboxQueue<M> permits ChannelMailbox, PriorityMailbox {

    /**
     * Applies the overflow policy; every message not accepted is published as a dead letter here.
     *
     * @return {@code true} if the message is in the mailbox
     * @throws MailboxFullException for {@code FAIL} when full (after counting the dead letter)
     */
    abstract boolean offer(Object item, ActorCell<M> owner);

    /** The next item, or {@code null} if none now (or closed and drained). Never blocks. */
    abstract Object poll();

    /**
     * A clause for the actor's own loop: yields {@code fn(item)}, or {@code wake.get()} when the loop
     * should just poll again (a priority wake-up, or the mailbox was closed).
     */
    abstract <R> SelectClause<R> loopClause(Function<Object, ? extends R> fn, Supplier<? extends R> wake);

    /** A clause for user code ({@link ActorContext#onMessage}): {@code fn} gets the message, run with its sender's context. */
    abstract <R> SelectClause<R> userClause(Function<? super M, ? extends R> fn);

    /** Stops accepting messages; idempotent. */
    abstract void close();

    /**
     * For monitoring only (the console's "actors" section, {@link ActorConsoleSection}): how many items
     * the mailbox holds now, read from any thread without touching the send and receive paths.
     * Approximate and stale when returned while others send and receive.
     *
     * @return the items now, at least 0
     */
    abstract long size();

    /**
     * For monitoring only: the bound of a bounded mailbox.
     *
     * @return the capacity, or {@code -1} when unbounded (unbounded and priority mailboxes)
     */
    abstract int capacity();
}
