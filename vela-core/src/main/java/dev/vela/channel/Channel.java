package dev.vela.channel;

import dev.vela.channel.internal.BoundedChannel;
import dev.vela.channel.internal.BroadcastChannel;
import dev.vela.channel.internal.ChannelCore;
import dev.vela.channel.internal.Options;
import dev.vela.channel.internal.PriorityBufferChannel;
import dev.vela.channel.internal.RendezvousChannel;
import dev.vela.channel.internal.UnboundedChannel;

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
 *   <li>{@link #bounded(int, Overflow)}, {@link #conflated()}, {@link #builder()}: bounded channels
 *       that drop values instead of blocking, with an {@code onUndelivered} callback; metrics.</li>
 *   <li>{@link #priority(int)}, {@link #priorityUnbounded()}: highest priority first.</li>
 *   <li>{@link #broadcast(int, Broadcast.Mode)}: every subscriber sees every value (not a {@code Channel}).</li>
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
public sealed interface Channel<T> permits ChannelCore, PriorityChannel {

    /**
     * Creates a channel that buffers up to {@code capacity} values.
     *
     * @param capacity the buffer size, at least 1 (use {@link #rendezvous()} for capacity 0)
     * @param <T>      the element type
     * @return a new open channel
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    static <T> Channel<T> bounded(int capacity) {
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
    static <T> Channel<T> unbounded() {
        return new UnboundedChannel<>(UnboundedChannel.DEFAULT_BLOCK_SIZE);
    }

    /**
     * Creates a channel with no buffer: a send completes only when a receiver takes the value.
     *
     * @param <T> the element type
     * @return a new open channel
     */
    static <T> Channel<T> rendezvous() {
        return new RendezvousChannel<>();
    }

    /**
     * Creates a bounded channel with an {@link Overflow overflow policy}: {@link Overflow#SUSPEND} is
     * {@link #bounded(int)}; the dropping policies make sends never block (use
     * {@link #builder()} to also get the discarded values through {@code onUndelivered}).
     *
     * @param capacity the buffer size, at least 1
     * @param overflow what a send to a full buffer does, not null
     * @param <T>      the element type
     * @return a new open channel
     * @throws IllegalArgumentException if {@code capacity < 1}
     * @throws NullPointerException     if {@code overflow} is null
     */
    static <T> Channel<T> bounded(int capacity, Overflow overflow) {
        if (overflow == null) throw new NullPointerException("overflow must not be null");
        bounded(capacity);                                  // the same argument check and message
        return new BoundedChannel<>(capacity, new Options(overflow, null, false));
    }

    /**
     * Creates a conflated channel: it holds only the latest value sent (capacity 1,
     * {@link Overflow#DROP_OLDEST}); sends never block, a receiver sees the newest value.
     *
     * @param <T> the element type
     * @return a new open channel
     */
    static <T> Channel<T> conflated() {
        return new BoundedChannel<>(1, new Options(Overflow.DROP_OLDEST, null, false));
    }

    /**
     * Creates a bounded {@link PriorityChannel}: highest priority first, FIFO among equal priorities.
     *
     * @param capacity the buffer size, at least 1
     * @param <T>      the element type
     * @return a new open priority channel
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    static <T> PriorityChannel<T> priority(int capacity) {
        return new PriorityBufferChannel<>(capacity, Options.DEFAULT);
    }

    /**
     * Creates an unbounded {@link PriorityChannel}: sends never block.
     *
     * @param <T> the element type
     * @return a new open priority channel
     */
    static <T> PriorityChannel<T> priorityUnbounded() {
        return new PriorityBufferChannel<>(Integer.MAX_VALUE, Options.DEFAULT);
    }

    /**
     * Creates a {@link Broadcast} channel: every subscriber sees every value sent after it subscribed.
     *
     * @param capacity each subscriber's buffer size, at least 1
     * @param mode     what a send does when a subscriber is full: wait, or let it lag
     * @param <T>      the element type
     * @return a new open broadcast channel with no subscriber
     * @throws IllegalArgumentException if {@code capacity < 1}
     * @throws NullPointerException     if {@code mode} is null
     */
    static <T> Broadcast<T> broadcast(int capacity, Broadcast.Mode mode) {
        return new BroadcastChannel<>(capacity, mode);
    }

    /**
     * A builder for channels with an overflow policy, an {@code onUndelivered} callback or metrics.
     *
     * @param <T> the element type
     * @return a new builder
     */
    static <T> ChannelBuilder<T> builder() {
        return new ChannelBuilder<>();
    }

    /**
     * The original sender handle of this channel (there is one; make more with {@link Sender#clone()}).
     *
     * @return the original sender handle
     */
    Sender<T> sender();

    /**
     * The receiver of this channel (one object, shareable by many receiving threads).
     *
     * @return the receiver
     */
    Receiver<T> receiver();

    /**
     * The buffer size: {@code n} for {@code bounded(n)}, 0 for rendezvous, {@link Integer#MAX_VALUE}
     * for unbounded.
     *
     * @return the capacity
     */
    int capacity();

    /**
     * Closes the channel whatever sender handles remain: no new sends; buffered values stay
     * receivable; blocked senders fail with {@link ChannelClosedException}; blocked receivers end once
     * the channel is drained. Idempotent.
     */
    void close();

    /**
     * An approximate snapshot of this channel's occupancy for monitoring: places buffered, capacity,
     * and the number of send and receive operations waiting now. Always available (no builder switch),
     * and free on the send and receive paths: it is computed on demand from the buffer's positions and
     * an O(n) scan of the queues of waiters.
     *
     * <p><b>Approximate, racy, for monitoring only.</b> Exact while the channel is quiescent; while
     * other threads use it, the numbers are read at slightly different instants and are stale when
     * returned. Never decide whether to send by it ({@code if (buffered < capacity) send(v)} races with
     * the other senders): use {@link Sender#trySend}, a timed send or a {@link Permit}. See
     * {@link ChannelStats} and docs/adr/0043-approximate-introspection.md.
     *
     * @return the occupancy now; never throws, also on a closed channel
     */
    ChannelStats stats();

    /**
     * A snapshot of this channel's counters: values sent, received and dropped, operations that had
     * to wait, and the number buffered now (see {@link ChannelMetrics}).
     *
     * @return the counters now
     * @throws IllegalStateException if the channel was built without metrics
     *                               ({@code Channel.builder().metrics(true)} turns them on)
     */
    ChannelMetrics metrics();

    /**
     * Whether this channel keeps metrics ({@link #metrics()} does not throw).
     *
     * @return {@code true} if built with {@code metrics(true)}
     */
    boolean hasMetrics();

    /**
     * Tells whether the channel is closed (buffered values may remain receivable).
     *
     * @return {@code true} once no more sends are accepted
     */
    boolean isClosed();
}
