package dev.vela.channel;

/**
 * A typed channel between threads, split into a {@link Sender} and a {@link Receiver} as in Rust
 * and in Vela's prototype.
 *
 * <pre>{@code
 * Channel<String> ch = Channel.bounded(64);
 * try (Sender<String> tx = ch.sender()) { tx.send("hello"); }   // last sender closed: channel closes
 * for (String s : ch.receiver()) System.out.println(s);          // drains, then ends
 * }</pre>
 *
 * <h2>Flavours</h2>
 * <ul>
 *   <li>{@link #bounded(int)}: a buffer of {@code n ≥ 1} values; {@code send} blocks while it is full.</li>
 *   <li>{@link #unbounded()}: {@code send} never blocks; memory grows with what is buffered.</li>
 *   <li>{@link #rendezvous()}: capacity 0; each {@code send} waits until a receiver takes its value.</li>
 * </ul>
 *
 * <h2>Semantics</h2>
 * Values are delivered once each, FIFO per channel. {@code null} is never an element. Closing (by the
 * last sender handle, {@link #close()}, {@link Receiver#close()} or {@link Sender#fail(Throwable)})
 * stops new sends at once while buffered values stay receivable; receivers end once the channel is
 * closed and drained. A blocking call that is interrupted or times out has had no effect.
 *
 * @param <T> the element type
 */
public abstract sealed class Channel<T> permits ChannelCore {

    Channel() {}

    /**
     * Creates a channel that buffers up to {@code capacity} values.
     *
     * @param capacity the buffer size, at least 1 (use {@link #rendezvous()} for capacity 0)
     * @param <T>      the element type
     * @return a new open channel
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public static <T> Channel<T> bounded(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1 for Channel.bounded, got " + capacity
                    + (capacity == 0 ? " (use Channel.rendezvous() for a capacity-0 channel)" : ""));
        }
        return new BoundedChannel<>(capacity);
    }

    /**
     * Creates a channel whose sends never block.
     *
     * @param <T> the element type
     * @return a new open channel
     */
    public static <T> Channel<T> unbounded() {
        return new UnboundedChannel<>(UnboundedChannel.DEFAULT_BLOCK_SIZE);
    }

    /**
     * Creates a channel with no buffer: a send completes only when a receiver takes the value.
     *
     * @param <T> the element type
     * @return a new open channel
     */
    public static <T> Channel<T> rendezvous() {
        return new RendezvousChannel<>();
    }

    /**
     * The original sender handle of this channel (there is one; make more with {@link Sender#clone()}).
     *
     * @return the original sender handle
     */
    public abstract Sender<T> sender();

    /**
     * The receiver of this channel (one object, shareable by many receiving threads).
     *
     * @return the receiver
     */
    public abstract Receiver<T> receiver();

    /**
     * The buffer size: {@code n} for {@code bounded(n)}, 0 for rendezvous, {@link Integer#MAX_VALUE}
     * for unbounded.
     *
     * @return the capacity
     */
    public abstract int capacity();

    /**
     * Closes the channel whatever sender handles remain: no new sends; buffered values stay
     * receivable; blocked senders fail with {@link ChannelClosedException}; blocked receivers end once
     * the channel is drained. Idempotent.
     */
    public abstract void close();

    /**
     * Tells whether the channel is closed (buffered values may remain receivable).
     *
     * @return {@code true} once no more sends are accepted
     */
    public abstract boolean isClosed();
}
