package dev.vela.channel;

import java.time.Duration;
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
