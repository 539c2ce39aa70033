package dev.vela.channel;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The sending side of a {@link Channel}: a counted handle.
 *
 * <p>Every channel starts with one sender handle ({@link Channel#sender()}); {@link #clone()} makes
 * another. The channel closes by itself when the last handle is {@linkplain #close() closed}, so a
 * producer written as {@code try (var tx = sender.clone()) { ... }} can never forget to signal the
 * end of its stream. Closing one handle twice is harmless; concurrent closes of one handle release
 * it exactly once.
 *
 * <p>All methods are thread-safe: one handle may be shared by several threads.
 *
 * @param <T> the element type; {@code null} is never a valid element
 */
public interface Sender<T> extends AutoCloseable {

    /**
     * Sends {@code value}, blocking while the channel is full (for a rendezvous channel: until a
     * receiver takes it).
     *
     * <p><b>Interruption and timeout.</b> If the calling thread is interrupted while blocked, the
     * value was <em>not</em> sent, the interrupt status is cleared and {@link InterruptedException}
     * is thrown. If the value was handed over in the same instant as the interrupt, the send
     * succeeds and the interrupt status is left set for the caller to see. There is no timeout;
     * see {@link #send(Object, Duration)}.
     *
     * @param value the element, not null
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the channel is closed, or closes while this call waits
     *                                (then the value was not sent)
     * @throws InterruptedException   if interrupted while waiting (the value was not sent)
     */
    void send(T value) throws InterruptedException;

    /**
     * Sends {@code value} if that takes no more than {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> Returns {@code false} when the timeout elapses first; the
     * value was then not sent and the call had no effect. The timeout is measured on a monotonic
     * clock from the call. Interruption behaves as in {@link #send(Object)}.
     *
     * @param value   the element, not null
     * @param timeout how long to wait at most, not negative ({@link Duration#ZERO} behaves as {@link #trySend})
     * @return {@code true} if sent, {@code false} on timeout
     * @throws NullPointerException     if {@code value} or {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws ChannelClosedException   if the channel is or becomes closed (value not sent)
     * @throws InterruptedException     if interrupted while waiting (value not sent)
     */
    boolean send(T value, Duration timeout) throws InterruptedException;

    /**
     * Sends {@code value} only if that is possible right now, never blocking. A rendezvous channel
     * accepts a value only when a receiver is already waiting for one.
     *
     * @param value the element, not null
     * @return {@code true} if sent, {@code false} if the channel is full
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the channel is closed
     */
    boolean trySend(T value);

    /**
     * Sends {@code value} without blocking a thread: the returned future completes when the value is
     * in the channel (for rendezvous: taken by a receiver), or exceptionally with
     * {@link ChannelClosedException}. Async and blocking sends wait in the same queue (a woken waiter of
     * a buffered channel may be overtaken, ADR 0005). A send through a released handle throws at the call.
     *
     * <p><b>Interruption and timeout.</b> No thread waits, so there is nothing to interrupt.
     * {@code future.cancel(...)} and {@code future.orTimeout(...)} withdraw the send: when they
     * succeed the value was not sent; when the value moved first, they return false / have no effect
     * and the future completes normally.
     *
     * @param value the element, not null
     * <p><b>Which thread runs the dependent stages.</b> If the operation has to wait, the peer whose
     * operation makes it possible (a receive, a send, a close) completes the future in its own thread,
     * after its own operation took effect; the future's non-async stages ({@code thenApply},
     * {@code whenComplete}, …) then run there, as {@link java.util.concurrent.CompletableFuture} allows.
     * Use the {@code …Async} stage variants for work that blocks or takes long (ADR 0013).
     *
     * @return a future completed once the value is sent
     * @throws NullPointerException if {@code value} is null
     */
    java.util.concurrent.CompletableFuture<Void> sendAsync(T value);

    /**
     * Reserves a place in the channel for a later {@link Permit#send}, blocking while the channel is
     * full: backpressure before the value is built. The permit's place in the channel's order is
     * taken now (see {@link Permit}); send or close it promptly.
     *
     * <p><b>Interruption and timeout.</b> If interrupted while waiting for room, nothing was
     * reserved, the interrupt status is cleared and {@link InterruptedException} is thrown. No
     * timeout; see {@link #reserve(Duration)}.
     *
     * @return an unused permit
     * @throws ChannelClosedException        if the channel is or becomes closed (nothing reserved)
     * @throws UnsupportedOperationException on a rendezvous channel, which has no buffer to reserve in
     * @throws InterruptedException          if interrupted while waiting (nothing reserved)
     */
    Permit<T> reserve() throws InterruptedException;

    /**
     * Reserves a place if room comes within {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> Returns {@code null} when the timeout elapses first; nothing
     * was then reserved. Interruption behaves as in {@link #reserve()}.
     *
     * @param timeout how long to wait at most, not negative
     * @return an unused permit, or {@code null} on timeout
     * @throws NullPointerException          if {@code timeout} is null
     * @throws IllegalArgumentException      if {@code timeout} is negative
     * @throws ChannelClosedException        if the channel is or becomes closed (nothing reserved)
     * @throws UnsupportedOperationException on a rendezvous channel
     * @throws InterruptedException          if interrupted while waiting (nothing reserved)
     */
    Permit<T> reserve(Duration timeout) throws InterruptedException;

    /**
     * Reserves a place only if there is room right now, never blocking.
     *
     * @return an unused permit, or {@code null} if the channel is full
     * @throws ChannelClosedException        if the channel is closed
     * @throws UnsupportedOperationException on a rendezvous channel
     */
    Permit<T> tryReserve();

    /**
     * A {@link Select#select select} clause that sends {@code value} and then yields {@code fn}'s
     * result. When another clause is chosen, the value is not sent. If the channel is closed when this
     * clause is chosen, the select throws {@link ChannelClosedException}.
     *
     * @param value the element, not null
     * @param fn    the select's result once the value is sent
     * @param <R>   the select's result type
     * @return the clause
     * @throws NullPointerException if {@code value} or {@code fn} is null
     */
    <R> SelectClause<R> onSend(T value, Supplier<? extends R> fn);

    /**
     * Returns a new counted handle on the same channel (multi-producer). The channel stays open
     * until every handle is closed.
     *
     * @return a new open handle
     * @throws IllegalStateException if this handle is already closed
     */
    Sender<T> clone();

    /**
     * Releases this handle. When it was the last open sender handle, the channel closes: no new
     * sends, buffered values stay receivable, blocked senders fail, receivers end once drained.
     * Idempotent.
     */
    @Override
    void close();

    /**
     * Closes the whole channel with a failure, whatever other handles remain: receivers drain what
     * is buffered and then get a {@link ChannelClosedException} whose cause is {@code cause}.
     * Has no effect if the channel is already closed. Also releases this handle.
     *
     * @param cause why the stream failed, not null
     * @throws NullPointerException if {@code cause} is null
     */
    void fail(Throwable cause);

    /**
     * Tells whether this handle is released or its channel is closed.
     *
     * @return {@code true} if sends through this handle can no longer succeed
     */
    boolean isClosed();
}
