package dev.vela.channel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Every bounded channel with a dropping {@link Overflow} policy that {@link OverflowContractTest} and
 * {@link OverflowLincheckTest} run against. Each channel is built with metrics on and an
 * {@code onUndelivered} callback that records every discarded value ({@link #dropped}).
 *
 * <p>Why not in {@link Flavor}: the lossless contract suite asserts that every value sent is received
 * (with producers racing consumers, that a send blocks at capacity, ...), which a dropping channel
 * breaks by design. Its own contract is stated here through {@link #retained}: which values survive.
 */
enum OverflowFlavor {
    DROP_NEWEST_1(1, Overflow.DROP_NEWEST),
    DROP_NEWEST_2(2, Overflow.DROP_NEWEST),
    DROP_OLDEST_2(2, Overflow.DROP_OLDEST),
    DROP_OLDEST_16(16, Overflow.DROP_OLDEST),
    CONFLATED(1, Overflow.DROP_OLDEST);

    final int capacity;
    final Overflow overflow;

    private static final Map<Channel<?>, List<Object>> DROPPED = Collections.synchronizedMap(new WeakHashMap<>());

    OverflowFlavor(int capacity, Overflow overflow) {
        this.capacity = capacity;
        this.overflow = overflow;
    }

    <T> Channel<T> create() {
        List<Object> dropped = Collections.synchronizedList(new ArrayList<>());
        Channel<T> ch = this == CONFLATED
                ? Channel.<T>builder().conflated().onUndelivered(dropped::add).metrics(true).build()
                : Channel.<T>builder().capacity(capacity).overflow(overflow).onUndelivered(dropped::add).metrics(true).build();
        DROPPED.put(ch, dropped);
        return ch;
    }

    /** What a receiver drains after {@code sent} went into an empty channel with no receiver. */
    <T> List<T> retained(List<T> sent) {
        int n = sent.size(), keep = Math.min(n, capacity);
        return overflow == Overflow.DROP_NEWEST ? sent.subList(0, keep) : sent.subList(n - keep, n);
    }

    /** What was discarded in that case, in the order it was discarded. */
    <T> List<T> discarded(List<T> sent) {
        int n = sent.size(), keep = Math.min(n, capacity);
        return overflow == Overflow.DROP_NEWEST ? sent.subList(keep, n) : sent.subList(0, n - keep);
    }

    /** The values {@code ch}'s onUndelivered callback received so far, in order. */
    static List<Object> dropped(Channel<?> ch) {
        List<Object> d = DROPPED.get(ch);
        synchronized (d) {
            return List.copyOf(d);
        }
    }
}
