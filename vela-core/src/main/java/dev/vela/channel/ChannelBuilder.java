package dev.vela.channel;

import dev.vela.channel.internal.BoundedChannel;
import dev.vela.channel.internal.Options;
import dev.vela.channel.internal.PriorityBufferChannel;
import dev.vela.channel.internal.RendezvousChannel;
import dev.vela.channel.internal.UnboundedChannel;
import java.util.function.Consumer;

/**
 * Configures a channel beyond the factories of {@link Channel}: capacity, {@link Overflow overflow
 * policy}, a callback for discarded values, and metrics.
 *
 * <pre>{@code
 * Channel<Frame> frames = Channel.<Frame>builder()
 *         .capacity(8)
 *         .overflow(Overflow.DROP_OLDEST)
 *         .onUndelivered(Frame::release)     // every discarded frame is released, none leaks
 *         .metrics(true)
 *         .build();
 * }</pre>
 *
 * A builder is not thread-safe; each {@code build} makes a new channel. The default is
 * {@code capacity(…)} unset (an error), {@link Overflow#SUSPEND}, no callback, metrics off.
 *
 * @param <T> the element type
 */
public final class ChannelBuilder<T> {
    private static final int UNSET = -1, UNBOUNDED = -2;

    private int capacity = UNSET;
    private Overflow overflow = Overflow.SUSPEND;
    private Consumer<? super T> onUndelivered;
    private boolean metrics;

    ChannelBuilder() {}

    /**
     * A bounded buffer of {@code capacity} values, or a rendezvous channel for 0.
     *
     * @param capacity at least 0
     * @return this builder
     * @throws IllegalArgumentException if {@code capacity < 0}
     */
    public ChannelBuilder<T> capacity(int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("capacity must be >= 0, got " + capacity);
        this.capacity = capacity;
        return this;
    }

    /**
     * An unbounded buffer: sends never block and never overflow.
     *
     * @return this builder
     */
    public ChannelBuilder<T> unbounded() {
        this.capacity = UNBOUNDED;
        return this;
    }

    /**
     * A conflated channel: capacity 1 with {@link Overflow#DROP_OLDEST}, so a receiver only ever sees
     * the latest value.
     *
     * @return this builder
     */
    public ChannelBuilder<T> conflated() {
        this.capacity = 1;
        this.overflow = Overflow.DROP_OLDEST;
        return this;
    }

    /**
     * What a send does when the bounded buffer is full (default {@link Overflow#SUSPEND}).
     *
     * @param overflow the policy, not null
     * @return this builder
     */
    public ChannelBuilder<T> overflow(Overflow overflow) {
        if (overflow == null) throw new NullPointerException("overflow must not be null");
        this.overflow = overflow;
        return this;
    }

    /**
     * A callback that receives every value an overflow policy discards, in the thread of the send that
     * discarded it, after that send took effect. It should be quick and must not block; what it
     * throws propagates to that send's caller (the send itself has already succeeded). Values left in
     * a closed channel are not "undelivered": they stay receivable.
     *
     * @param onUndelivered the callback, not null
     * @return this builder
     */
    public ChannelBuilder<T> onUndelivered(Consumer<? super T> onUndelivered) {
        if (onUndelivered == null) throw new NullPointerException("onUndelivered must not be null");
        this.onUndelivered = onUndelivered;
        return this;
    }

    /**
     * Whether the channel keeps {@link ChannelMetrics} (default off). On: one atomic add per send
     * and per receive, on separate cache lines (MetricsBench in vela-bench, docs/performance.md).
     *
     * @param on whether to keep metrics
     * @return this builder
     */
    public ChannelBuilder<T> metrics(boolean on) {
        this.metrics = on;
        return this;
    }

    @SuppressWarnings("unchecked")
    private Options options() {
        return new Options(overflow, (Consumer<Object>) onUndelivered, metrics);
    }

    /**
     * Builds the channel.
     *
     * @return a new open channel
     * @throws IllegalStateException if no capacity was chosen, or a dropping overflow policy was
     *                               combined with a rendezvous or unbounded channel (neither can overflow)
     */
    public Channel<T> build() {
        if (capacity == UNSET) {
            throw new IllegalStateException("choose capacity(n), unbounded() or conflated() before build()");
        }
        if (overflow != Overflow.SUSPEND && (capacity == 0 || capacity == UNBOUNDED)) {
            throw new IllegalStateException("overflow " + overflow + " needs a bounded capacity >= 1: "
                    + (capacity == 0 ? "a rendezvous channel has no buffer to overflow" : "an unbounded channel never overflows"));
        }
        Options o = options();
        if (capacity == 0) return new RendezvousChannel<>(o);
        if (capacity == UNBOUNDED) return new UnboundedChannel<>(UnboundedChannel.DEFAULT_BLOCK_SIZE, o);
        return new BoundedChannel<>(capacity, o);
    }

    /**
     * Builds a {@link PriorityChannel} with the chosen capacity (bounded, or unbounded).
     *
     * @return a new open priority channel
     * @throws IllegalStateException if no capacity was chosen, the capacity is 0, or an overflow
     *                               policy other than SUSPEND was chosen
     */
    public PriorityChannel<T> buildPriority() {
        if (capacity == UNSET || capacity == 0) {
            throw new IllegalStateException("a priority channel needs capacity(n >= 1) or unbounded()");
        }
        if (overflow != Overflow.SUSPEND) {
            throw new IllegalStateException("a priority channel supports only Overflow.SUSPEND, got " + overflow);
        }
        return new PriorityBufferChannel<>(capacity == UNBOUNDED ? Integer.MAX_VALUE : capacity, options());
    }
}
