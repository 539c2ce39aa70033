package dev.vela.actor;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.SelectClause;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The priority mailbox: a binary heap under a lock, plus a one-slot Vela channel of wake-up tokens.
 *
 * <p>Implementation overview. vela-core has no priority channel, so the heap holds the messages and
 * a {@code Channel.bounded(1)} carries only "something arrived" tokens. A sender adds its message
 * under the lock, then {@code trySend}s a token; if the slot is full a token is already pending,
 * which is enough. The actor's runner usually just polls the heap (it is started on demand, see
 * {@link ActorCell}); only a runner that selects over its mailbox and {@linkplain ActorContext#listen
 * listened} channels waits for a token, after polling the heap empty. No wake-up is lost: a message added after the actor's last empty poll is followed by a
 * {@code trySend} that either fills the empty slot or finds a token the actor has not yet taken.
 * Stale tokens only cause an extra empty poll. Ties are broken by an arrival sequence number, so
 * equal messages (and so those of one sender) come out FIFO.
 *
 * @param <M> the message type
 */
final class PriorityMailbox<M> extends MailboxQueue<M> {
    /** A mailbox item (a message or an {@link Envelope}) and its arrival number. */
    private record Entry(Object item, long seq) {}

    private final ReentrantLock lock = new ReentrantLock();
    private final PriorityQueue<Entry> heap;    // guarded by lock
    private long seq;                           // guarded by lock; strictly increasing arrival number
    private boolean closed;                     // guarded by lock; once true, offer refuses
    private final Channel<Boolean> wake = Channel.bounded(1); // at most one pending token

    PriorityMailbox(Comparator<? super M> comparator) {
        @SuppressWarnings("unchecked")
        Comparator<Entry> byMessage = (a, b) -> comparator.compare((M) Envelope.message(a.item()), (M) Envelope.message(b.item()));
        this.heap = new PriorityQueue<>(byMessage.thenComparingLong(Entry::seq));
    }

    @Override
    boolean offer(Object message, ActorCell<M> owner) {
        lock.lock();
        try {
            if (closed) {
                owner.deadLetter(message, DeadLetter.Reason.RECIPIENT_STOPPED);
                return false;
            }
            heap.add(new Entry(message, seq++));
        } finally {
            lock.unlock();
        }
        try {
            wake.sender().trySend(Boolean.TRUE);
        } catch (ChannelClosedException closedMeanwhile) {
            // the actor is stopping; it drains the heap after closing, so the message is still counted
        }
        return true;
    }

    @Override
    Object poll() {
        lock.lock();
        try {
            Entry e = heap.poll();
            return e == null ? null : e.item();
        } finally {
            lock.unlock();
        }
    }

    @Override
    <R> SelectClause<R> loopClause(Function<Object, ? extends R> fn, Supplier<? extends R> wakeUp) {
        return wake.receiver().onReceiveOrClosed(token -> wakeUp.get(), wakeUp);
    }

    @Override
    <R> SelectClause<R> userClause(Function<? super M, ? extends R> fn) {
        throw new UnsupportedOperationException("onMessage is not available on a priority mailbox "
                + "(its messages are not in a channel); use an unbounded or bounded mailbox");
    }

    @Override
    void close() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
        wake.close();
    }

    @Override
    long size() {
        lock.lock();   // a sampler's occasional read; the heap has no lock-free size
        try {
            return heap.size();
        } finally {
            lock.unlock();
        }
    }

    @Override
    int capacity() {
        return -1;
    }
}
