package dev.vela.channel;

import dev.vela.channel.internal.BroadcastSenderHandle;
import java.time.Duration;

/**
 * The sending side of a {@link Broadcast}: a counted handle, like {@link Sender} (the broadcast closes
 * when the last handle is closed). A send delivers to every current subscriber, or to none.
 *
 * @param <T> the element type; {@code null} is never a valid element
 */
public sealed interface BroadcastSender<T> extends AutoCloseable permits BroadcastSenderHandle {

    /**
     * Sends {@code value} to every subscriber. In {@link Broadcast.Mode#BACKPRESSURE} mode, blocks
     * until every subscriber has room; in {@link Broadcast.Mode#LAG} mode never waits for room.
     * With no subscriber, the value goes nowhere (and the send succeeds).
     *
     * <p><b>Interruption and timeout.</b> If interrupted while waiting, no subscriber received the
     * value, the interrupt status is cleared and {@link InterruptedException} is thrown. No timeout.
     *
     * @param value the element, not null
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the broadcast is closed
     * @throws InterruptedException   if interrupted while waiting (no subscriber got the value)
     */
    void send(T value) throws InterruptedException;

    /**
     * Sends {@code value} to every subscriber if that takes no more than {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> Returns {@code false} on timeout; then no subscriber received
     * the value. Interruption as in {@link #send(Object)}.
     *
     * @param value   the element, not null
     * @param timeout how long to wait at most, not negative
     * @return {@code true} if every subscriber got it
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws ChannelClosedException   if the broadcast is closed
     * @throws InterruptedException     if interrupted while waiting (no subscriber got the value)
     */
    boolean send(T value, Duration timeout) throws InterruptedException;

    /**
     * Sends {@code value} to every subscriber only if none has to wait (always, in LAG mode).
     *
     * @param value the element, not null
     * @return {@code true} if sent, {@code false} if some subscriber is full (then nobody got it)
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the broadcast is closed
     */
    boolean trySend(T value);

    /**
     * Another counted handle on the same broadcast.
     *
     * @return a new open handle
     * @throws IllegalStateException if this handle is closed
     */
    BroadcastSender<T> clone();

    /** Releases this handle; the last one closes the broadcast. Idempotent. */
    @Override
    void close();

    /**
     * Closes the broadcast with a failure: every subscriber drains what it buffered and then gets a
     * {@link ChannelClosedException} with {@code cause}. Also releases this handle.
     *
     * @param cause why the stream failed, not null
     * @throws NullPointerException if {@code cause} is null
     */
    void fail(Throwable cause);

    /**
     * Whether this handle is released or the broadcast closed.
     *
     * @return {@code true} if sends through this handle can no longer succeed
     */
    boolean isClosed();
}
