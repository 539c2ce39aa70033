package dev.vela.channel;

import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The receiving side of a {@link Channel}. Several threads may receive from one receiver
 * (multi-consumer); each value is received exactly once, in FIFO order of the channel.
 *
 * <p>A receiver is {@link Iterable}: {@code for (T v : rx)} ends when the channel is closed and
 * drained. If the channel was closed by {@link Sender#fail(Throwable)}, the loop ends by throwing
 * {@link ChannelClosedException} with the failure as cause, so a failure is never mistaken for the
 * normal end of a stream.
 *
 * @param <T> the element type
 */
public interface Receiver<T> extends Iterable<T> {

    /**
     * Receives the next value, blocking while the channel is empty.
     *
     * <p><b>Interruption and timeout.</b> If the calling thread is interrupted while blocked, no
     * value was taken from the channel, the interrupt status is cleared and
     * {@link InterruptedException} is thrown. If a value was handed over in the same instant as the
     * interrupt, it is returned and the interrupt status is left set. No timeout; see
     * {@link #receive(Duration)}.
     *
     * @return the next value, never null
     * @throws ChannelClosedException if the channel is closed and drained (its cause is the
     *                                failure given to {@link Sender#fail(Throwable)}, if any)
     * @throws InterruptedException   if interrupted while waiting (nothing was received)
     */
    T receive() throws InterruptedException;

    /**
     * Receives the next value if one arrives within {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> Returns {@code null} when the timeout elapses first; then
     * nothing was taken from the channel. The timeout is measured on a monotonic clock from the
     * call. Interruption behaves as in {@link #receive()}.
     *
     * @param timeout how long to wait at most, not negative ({@link Duration#ZERO} behaves as {@link #tryReceive})
     * @return the value, or {@code null} on timeout
     * @throws NullPointerException     if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws ChannelClosedException   if the channel is closed and drained
     * @throws InterruptedException     if interrupted while waiting (nothing was received)
     */
    T receive(Duration timeout) throws InterruptedException;

    /**
     * Receives a value only if one is ready now, never blocking. On a rendezvous channel a value is
     * ready only when a sender is already waiting to hand one over.
     *
     * @return the value, or {@code null} if none is ready (null is never an element, so this is unambiguous)
     * @throws ChannelClosedException if the channel is closed and drained
     */
    T tryReceive();

    /**
     * Moves up to {@code max} values that are ready now into {@code into}, in the order
     * {@link #tryReceive} would return them, never blocking (Tokio's {@code recv_many}, without the wait).
     * Each value is taken from the channel and then added with {@code into.add}, one at a time; the
     * count includes a value the collection ignored by returning {@code false} (a set that held it).
     * On a buffered channel the batch costs one wake-up check of blocked senders, not one per value.
     * A batch is not atomic: it is a sequence of receives, so a value sent while it runs may join it
     * and other receivers may take values in between; each value still goes to exactly one receiver,
     * and one receiver's values keep the channel's order.
     *
     * <p><b>The end of the channel.</b> As for {@link #tryReceive}: if the channel is closed and
     * drained when the call starts, it throws {@link ChannelClosedException}; if it moved at least one
     * value before reaching the end, it returns their count and the next call throws.
     *
     * <p><b>A collection that refuses.</b> If {@code into.add} throws, the call stops and throws
     * {@link ReceiveManyException}: the values moved before are in {@code into}, the refused value is in
     * the exception's {@link ReceiveManyException#value() value()}, nothing more was taken
     * (docs/adr/0039-receive-many.md).
     *
     * @param into where the values go, not null
     * @param max  the most values to move, at least 1
     * @return how many values were moved, {@code 0} if none was ready
     * @throws NullPointerException     if {@code into} is null
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws ChannelClosedException   if the channel is closed and drained (and nothing was moved)
     * @throws ReceiveManyException     if {@code into.add} threw
     */
    default int tryReceiveMany(Collection<? super T> into, int max) {
        checkMany(into, max);
        T v = tryReceive();
        if (v == null) return 0;
        return moreInto(into, max, v);
    }

    /**
     * Waits until at least one value is available, then moves it and up to {@code max - 1} more that
     * are ready without waiting into {@code into}, in FIFO order (on a priority channel, highest
     * priority first). One blocking wait through the same path as {@link #receive()}, then
     * non-blocking takes; the collection and the end of the channel behave as in
     * {@link #tryReceiveMany}.
     *
     * <p><b>Interruption and timeout.</b> Only the wait for the first value can be interrupted, and
     * exactly as in {@link #receive()}: if {@link InterruptedException} is thrown, nothing was taken
     * from the channel and {@code into} is unchanged. Once a value is taken the call no longer waits,
     * so it returns normally (leaving the interrupt status set if an interrupt arrived meanwhile).
     * No timeout; see {@link #receiveMany(Collection, int, Duration)}.
     *
     * @param into where the values go, not null
     * @param max  the most values to move, at least 1
     * @return how many values were moved, at least 1
     * @throws NullPointerException     if {@code into} is null
     * @throws IllegalArgumentException if {@code max < 1}
     * @throws ChannelClosedException   if the channel is closed and drained (and nothing was moved)
     * @throws ReceiveManyException     if {@code into.add} threw
     * @throws InterruptedException     if interrupted while waiting for the first value (nothing was taken)
     */
    default int receiveMany(Collection<? super T> into, int max) throws InterruptedException {
        checkMany(into, max);
        return moreInto(into, max, receive());
    }

    /**
     * As {@link #receiveMany(Collection, int)}, waiting at most {@code timeout} for the first value.
     *
     * <p><b>Interruption and timeout.</b> Returns {@code 0} when the timeout elapses before a value is
     * available; then nothing was taken and {@code into} is unchanged. The timeout is measured on the
     * runtime's monotonic clock from the call and covers only the wait for the first value.
     * Interruption behaves as in {@link #receiveMany(Collection, int)}.
     *
     * @param into    where the values go, not null
     * @param max     the most values to move, at least 1
     * @param timeout how long to wait at most for the first value, not negative
     *                ({@link Duration#ZERO} behaves as {@link #tryReceiveMany})
     * @return how many values were moved, {@code 0} on timeout
     * @throws NullPointerException     if {@code into} or {@code timeout} is null
     * @throws IllegalArgumentException if {@code max < 1} or {@code timeout} is negative
     * @throws ChannelClosedException   if the channel is closed and drained (and nothing was moved)
     * @throws ReceiveManyException     if {@code into.add} threw
     * @throws InterruptedException     if interrupted while waiting for the first value (nothing was taken)
     */
    default int receiveMany(Collection<? super T> into, int max, Duration timeout) throws InterruptedException {
        checkMany(into, max);
        T v = receive(timeout);
        if (v == null) return 0;
        return moreInto(into, max, v);
    }

    /** Rejects a null collection and a {@code max} below 1, before anything is taken. */
    private static void checkMany(Collection<?> into, int max) {
        if (into == null) throw new NullPointerException("receiveMany: the target collection 'into' must not be null");
        if (max < 1) throw new IllegalArgumentException("receiveMany: max must be at least 1, got " + max);
    }

    /** Adds {@code first}, then ready values until {@code max} or none is ready; the end of the channel ends the batch. */
    private int moreInto(Collection<? super T> into, int max, T first) {
        int n = 0;
        for (T v = first; ; ) {
            try {
                into.add(v);
            } catch (RuntimeException e) {
                throw new ReceiveManyException(v, n, into, e);
            }
            if (++n == max) return n;
            try {
                v = tryReceive();
            } catch (ChannelClosedException end) {
                return n;                                   // closed and drained: the next call throws
            }
            if (v == null) return n;
        }
    }

    /**
     * Receives without blocking a thread: the returned future completes with the next value, or
     * exceptionally with {@link ChannelClosedException} once the channel is closed and drained.
     * Async and blocking receives wait in the same queue; as for blocked receivers (ADR 0005), a
     * woken waiter of a buffered channel may be overtaken, so strict FIFO among waiters is not promised.
     *
     * <p><b>Interruption and timeout.</b> No thread waits. {@code future.cancel(...)} and
     * {@code future.orTimeout(...)} withdraw the receive: when they succeed nothing was taken from
     * the channel; when a value was handed over first, they have no effect and the future completes
     * with it.
     *
     * <p><b>Which thread runs the dependent stages.</b> If the operation has to wait, the peer whose
     * operation makes it possible (a receive, a send, a close) completes the future in its own thread,
     * after its own operation took effect; the future's non-async stages ({@code thenApply},
     * {@code whenComplete}, …) then run there, as {@link java.util.concurrent.CompletableFuture} allows.
     * Use the {@code …Async} stage variants for work that blocks or takes long (ADR 0013).
     *
     * @return a future of the next value
     */
    java.util.concurrent.CompletableFuture<T> receiveAsync();

    /**
     * A {@link Select#select select} clause that receives a value from this channel and applies
     * {@code fn} to it. If the channel is closed and drained when the clause is chosen, the select
     * throws {@link ChannelClosedException}; use {@link #onReceiveOrClosed} to handle the end instead.
     *
     * <p>Clauses are immutable and may be kept and given to any number of selects, from any thread.
     * Asked again with the same {@code fn} object (a non-capturing lambda, a method reference held in a
     * constant), a receiver may return the clause it made before, so a select in a loop need not
     * allocate one.
     *
     * @param fn  maps the received value to the select's result
     * @param <R> the select's result type
     * @return the clause
     */
    <R> SelectClause<R> onReceive(Function<? super T, ? extends R> fn);

    /**
     * A {@link Select#select select} clause that receives a value, or, once the channel is closed and
     * drained, is chosen with {@code onClosed} (the "or closed" variant that lets a select loop end
     * cleanly).
     *
     * @param fn       maps the received value to the select's result
     * @param onClosed the select's result when the channel is closed and drained
     * @param <R>      the select's result type
     * @return the clause
     */
    <R> SelectClause<R> onReceiveOrClosed(Function<? super T, ? extends R> fn, Supplier<? extends R> onClosed);

    /**
     * Closes the channel from the receiving side: no new sends are accepted and blocked senders
     * fail with {@link ChannelClosedException}; values already buffered can still be received.
     * Idempotent.
     */
    void close();

    /**
     * Tells whether the channel is closed. Buffered values may still be receivable.
     *
     * @return {@code true} once the channel no longer accepts sends
     */
    boolean isClosed();

    /**
     * Tells whether no value is buffered at this instant. The answer may be stale as soon as it is
     * returned when other threads use the channel.
     *
     * @return {@code true} if nothing is buffered
     */
    boolean isEmpty();

    /**
     * An approximate snapshot of the occupancy of what this receiver receives from: for a channel's
     * receiver, {@link Channel#stats()}; for a {@link Broadcast} subscription, its own buffer (the
     * values it has still to receive, up to {@link Broadcast#capacity()}, and the operations waiting on
     * it). Costs nothing on the receive path.
     *
     * <p><b>Approximate, racy, for monitoring only.</b> Exact while nothing is in flight, stale when
     * returned otherwise; never use it to decide whether to receive ({@link #tryReceive} does that
     * atomically). See {@link ChannelStats}.
     *
     * @return the occupancy now
     * @throws UnsupportedOperationException if this receiver was not made by Vela (every receiver of a
     *                                       channel and every broadcast subscription supports it)
     */
    default ChannelStats stats() {
        throw new UnsupportedOperationException(getClass().getName() + " keeps no channel statistics");
    }

    /**
     * Iterates over received values until the channel is closed and drained. {@code hasNext()}
     * blocks; if the waiting thread is interrupted, the iterator throws
     * {@link ChannelInterruptedException} (unchecked) with the interrupt status set again.
     *
     * @return a blocking iterator
     */
    @Override
    default Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;

            @Override
            public boolean hasNext() {
                if (next != null) return true;
                try {
                    next = receive();
                    return true;
                } catch (ChannelClosedException e) {
                    if (e.getCause() != null) throw e;
                    return false;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ChannelInterruptedException("interrupted while iterating over " + this, e);
                }
            }

            @Override
            public T next() {
                if (!hasNext()) throw new NoSuchElementException("channel closed and drained");
                T v = next;
                next = null;
                return v;
            }
        };
    }

    /**
     * A sequential stream of received values, ending when the channel is closed and drained.
     * Same blocking and interruption behaviour as {@link #iterator()}.
     *
     * @return a blocking stream
     */
    default Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(),
                Spliterator.ORDERED | Spliterator.NONNULL), false);
    }
}
