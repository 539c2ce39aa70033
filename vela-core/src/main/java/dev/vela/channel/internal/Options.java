package dev.vela.channel.internal;

import dev.vela.channel.Overflow;
import java.util.function.Consumer;

/**
 * How a channel was configured by {@link ChannelBuilder} (or a factory): its overflow policy, the
 * callback that receives discarded values, and whether it keeps metrics. Immutable.
 *
 * @param overflow      SUSPEND unless a bounded channel drops
 * @param onUndelivered receives every value discarded by the overflow policy; may be null
 * @param metrics       whether the channel keeps {@link Counters}
 */
public record Options(Overflow overflow, Consumer<Object> onUndelivered, boolean metrics) {
    public static final Options DEFAULT = new Options(Overflow.SUSPEND, null, false);

    public Options {
        if (overflow == null) throw new NullPointerException("overflow must not be null");
    }
}
