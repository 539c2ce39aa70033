package dev.vela.channel;

import java.time.Duration;

/**
 * The sender of a {@link PriorityChannel}: every {@link Sender} operation, plus sends that carry a
 * priority. Values with a higher priority are received first; among equal priorities, in the order
 * sent. The plain {@link Sender} methods send with priority {@code 0}.
 *
 * @param <T> the element type
 */
public interface PrioritySender<T> extends Sender<T> {

    /**
     * Sends {@code value} with {@code priority}, blocking while the channel is full.
     *
     * <p><b>Interruption and timeout.</b> As {@link Sender#send(Object)}: if interrupted while
     * blocked, the value was not sent and {@link InterruptedException} is thrown; no timeout.
     *
     * @param value    the element, not null
     * @param priority higher is received earlier; any int
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the channel is or becomes closed (value not sent)
     * @throws InterruptedException   if interrupted while waiting (value not sent)
     */
    void send(T value, int priority) throws InterruptedException;

    /**
     * Sends {@code value} with {@code priority} if there is room within {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> Returns {@code false} on timeout, and the value was not
     * sent. Interruption as in {@link #send(Object, int)}.
     *
     * @param value    the element, not null
     * @param priority higher is received earlier
     * @param timeout  how long to wait at most, not negative
     * @return {@code true} if sent
     * @throws NullPointerException     if {@code value} or {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws ChannelClosedException   if the channel is or becomes closed (value not sent)
     * @throws InterruptedException     if interrupted while waiting (value not sent)
     */
    boolean send(T value, int priority, Duration timeout) throws InterruptedException;

    /**
     * Sends {@code value} with {@code priority} only if there is room now, never blocking.
     *
     * @param value    the element, not null
     * @param priority higher is received earlier
     * @return {@code true} if sent, {@code false} if the channel is full
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the channel is closed
     */
    boolean trySend(T value, int priority);

    /**
     * Another counted handle on the same channel (see {@link Sender#clone()}).
     *
     * @return a new open handle
     * @throws IllegalStateException if this handle is already closed
     */
    @Override
    PrioritySender<T> clone();
}
