package dev.vela.channel;

/**
 * A place in a buffered channel, reserved by {@link Sender#reserve()} or {@link Sender#tryReserve()}
 * before the value to send exists (Tokio's {@code Permit}): backpressure before the message is built.
 *
 * <p>A permit is used exactly once: {@link #send} puts the value in the reserved place, never
 * blocking and never failing for lack of room; {@link #close} gives the place up. Use it with
 * try-with-resources so that a permit abandoned by an exception is given back:
 * <pre>{@code
 * try (Permit<Order> p = tx.reserve()) {   // waits for room
 *     p.send(buildOrder());                // cannot block, cannot fail for capacity
 * }                                        // close() after send() does nothing
 * }</pre>
 *
 * <h2>Order and closing (docs/adr/0014-send-permits.md)</h2>
 * A permit holds its place in the channel's order from the moment it is reserved: its value is
 * received after the values sent before the reservation and before those sent after it, and
 * receivers wait at that place until the permit is sent or closed — so send or close a permit
 * promptly. Closing an unused permit skips its place; its room returns at once if it is first in
 * line, otherwise when receivers reach it. A permit reserved before the channel closed can still
 * send (its place was taken while the channel was open); receivers see the channel as drained only
 * after every outstanding permit is sent or closed.
 *
 * <p>A permit is meant for the thread that reserved it, but its methods are thread-safe: of
 * concurrent {@code send} and {@code close} calls exactly one takes effect.
 *
 * @param <T> the channel's element type
 */
public interface Permit<T> extends AutoCloseable {

    /**
     * Sends {@code value} into the reserved place. Never blocks; never fails for capacity or
     * because the channel closed after the reservation.
     *
     * @param value the element, not null
     * @throws NullPointerException  if {@code value} is null (the permit stays unused)
     * @throws IllegalStateException if this permit was already used or closed
     */
    void send(T value);

    /**
     * Gives the reserved place up if the permit is unused; otherwise does nothing. Idempotent.
     */
    @Override
    void close();
}
