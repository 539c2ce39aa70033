package dev.vela.channel;

import dev.vela.channel.internal.UnboundedChannel;

/**
 * Every channel flavour and capacity the contract suite, the stress tests and the parked-thread test
 * run against (DESIGN.md §6.1: capacities {0, 1, 2, 16, 1024, unbounded}, plus an unbounded channel
 * with the smallest block size so that segment edges are crossed every second value), and the
 * priority channels (bounded and unbounded; the suite sends at the default priority, so they must
 * behave exactly as FIFO channels). Channels with a dropping overflow policy have their own contract
 * ({@link OverflowContractTest}, {@link OverflowFlavor}): the lossless expectations here do not hold
 * for them by design.
 *
 * <p>Tests read {@link #capacity} to adapt capacity-dependent expectations (how many values fit before
 * a send blocks, whether a rendezvous needs a waiting receiver); no test skips a flavour.
 */
enum Flavor {
    RENDEZVOUS(0) {
        @Override <T> Channel<T> create() { return Channel.rendezvous(); }
    },
    BOUNDED_1(1) {
        @Override <T> Channel<T> create() { return Channel.bounded(1); }
    },
    BOUNDED_2(2) {
        @Override <T> Channel<T> create() { return Channel.bounded(2); }
    },
    BOUNDED_16(16) {
        @Override <T> Channel<T> create() { return Channel.bounded(16); }
    },
    BOUNDED_1024(1024) {
        @Override <T> Channel<T> create() { return Channel.bounded(1024); }
    },
    UNBOUNDED(Integer.MAX_VALUE) {
        @Override <T> Channel<T> create() { return Channel.unbounded(); }
    },
    /** Block size 2: every second value crosses a segment edge. */
    UNBOUNDED_BLOCK_2(Integer.MAX_VALUE) {
        @Override <T> Channel<T> create() { return new UnboundedChannel<>(2); }
    },
    /** A bounded priority channel; the contract suite sends at the default priority, so FIFO. */
    PRIORITY_2(2) {
        @Override <T> Channel<T> create() { return Channel.<T>builder().capacity(2).metrics(true).buildPriority(); }
    },
    PRIORITY_UNBOUNDED(Integer.MAX_VALUE) {
        @Override <T> Channel<T> create() { return Channel.priorityUnbounded(); }
    };

    /** What {@link Channel#capacity()} must report. */
    final int capacity;

    Flavor(int capacity) {
        this.capacity = capacity;
    }

    /** A new open channel of this flavour. */
    abstract <T> Channel<T> create();

    /** True if a send can block because the buffer is full (bounded and rendezvous). */
    boolean isFinite() {
        return capacity != Integer.MAX_VALUE;
    }

    /**
     * True if {@code reserve} is supported (a buffer with places in line); rendezvous and priority
     * channels throw {@link UnsupportedOperationException} (PermitContractTest checks both).
     */
    boolean supportsPermits() {
        return capacity > 0 && !name().startsWith("PRIORITY");
    }

    /**
     * How many values make a channel of this flavour full: its capacity if finite (0 for rendezvous),
     * else {@code unboundedCount}.
     */
    int fillCount(int unboundedCount) {
        return isFinite() ? capacity : unboundedCount;
    }

    /** How many of {@code n} values fit into an empty channel of this flavour before a send blocks. */
    int fits(int n) {
        return Math.min(n, capacity);
    }
}
