package dev.vela.actor;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.SelectClause;
import dev.vela.channel.Sender;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Unbounded and bounded mailboxes: a Vela channel plus an overflow policy.
 *
 * <p>Implementation overview. The channel does the queueing, the FIFO per sender, the blocking and
 * the closing; this class only maps each {@link Mailbox.Overflow} onto channel operations:
 * unbounded and {@code BLOCK} use {@code send}/{@code trySend}, {@code DROP_NEWEST} and {@code FAIL}
 * use {@code trySend} and count the refusal, {@code DROP_OLDEST} alternates {@code trySend} with a
 * {@code tryReceive} of the oldest message until its send succeeds (every message so removed is
 * counted). Closing is {@code Receiver.close()}: the channel refuses sends at once and keeps what it
 * buffered receivable, which is the {@link MailboxQueue} contract.
 *
 * @param <M> the message type
 */
sealed class ChannelMailbox<M> extends MailboxQueue<M> permits ChannelMailbox.Bounded {
    // Memory: one field (the channel keeps its own sender and receiver handles and its capacity);
    // the unbounded mailbox, the default, is this class itself, the bounded one adds its policy.
    /** Final; holds items (messages or {@link Envelope}s, see {@link MailboxQueue}). */
    final Channel<Object> ch;

    private ChannelMailbox(Channel<Object> ch) {
        this.ch = ch;
    }

    /** The mailbox spec's channel mailbox: unbounded if {@code overflow} is null. */
    static <M> ChannelMailbox<M> create(int capacity, Mailbox.Overflow overflow) {
        return overflow == null ? new ChannelMailbox<>(Channel.unbounded()) : new Bounded<>(capacity, overflow);
    }

    @Override
    boolean offer(Object message, ActorCell<M> owner) {
        try {
            if (ch.sender().trySend(message)) return true;
            owner.deadLetter(message, DeadLetter.Reason.RECIPIENT_STOPPED); // unreachable: unbounded never full
            return false;
        } catch (ChannelClosedException stopped) {
            owner.deadLetter(message, DeadLetter.Reason.RECIPIENT_STOPPED);
            return false;
        }
    }

    /** A bounded channel plus an overflow policy. */
    static final class Bounded<M> extends ChannelMailbox<M> {
        private final Mailbox.Overflow overflow;

        Bounded(int capacity, Mailbox.Overflow overflow) {
            super(Channel.bounded(capacity));
            this.overflow = overflow;
        }

        @Override
        boolean offer(Object message, ActorCell<M> owner) {
            Sender<Object> tx = ch.sender();
            try {
                switch (overflow) {
                    case BLOCK -> {
                        if (message instanceof ActorTimersImpl.Fired) {   // a timer's task never blocks
                            if (tx.trySend(message)) return true;
                            owner.deadLetter(message, DeadLetter.Reason.DROPPED_NEWEST);
                            return false;
                        }
                        try {
                            tx.send(message);
                            return true;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt(); // the caller sees it; tell has no checked exception
                            owner.deadLetter(message, DeadLetter.Reason.SENDER_INTERRUPTED);
                            return false;
                        }
                    }
                    case DROP_NEWEST -> {
                        if (tx.trySend(message)) return true;
                        owner.deadLetter(message, DeadLetter.Reason.DROPPED_NEWEST);
                        return false;
                    }
                    case DROP_OLDEST -> {
                        while (!tx.trySend(message)) {
                            Object oldest = ch.receiver().tryReceive();
                            if (oldest != null) owner.deadLetter(oldest, DeadLetter.Reason.DROPPED_OLDEST);
                        }
                        return true;
                    }
                    case FAIL -> {
                        if (tx.trySend(message)) return true;
                        owner.deadLetter(message, DeadLetter.Reason.REJECTED);
                        throw new MailboxFullException("mailbox of " + owner.path() + " is full (capacity " + ch.capacity() + ")");
                    }
                    default -> throw new AssertionError(overflow);
                }
            } catch (ChannelClosedException stopped) {
                owner.deadLetter(message, DeadLetter.Reason.RECIPIENT_STOPPED);
                return false;
            }
        }
    }

    @Override
    final Object poll() {
        try {
            return ch.receiver().tryReceive();
        } catch (ChannelClosedException drained) {
            return null;
        }
    }

    @Override
    <R> SelectClause<R> loopClause(Function<Object, ? extends R> fn, Supplier<? extends R> wake) {
        return ch.receiver().onReceiveOrClosed(fn, wake);
    }

    @Override
    <R> SelectClause<R> userClause(Function<? super M, ? extends R> fn) {
        return ch.receiver().onReceive(item -> Envelope.apply(item, fn));
    }

    @Override
    void close() {
        ch.receiver().close();
    }

    @Override
    final long size() {
        return ch.stats().buffered();   // reads the channel's positions: nothing on the send/receive paths
    }

    @Override
    final int capacity() {
        int c = ch.capacity();
        return c == Integer.MAX_VALUE ? -1 : c;
    }
}
