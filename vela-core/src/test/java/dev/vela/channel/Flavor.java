package dev.vela.channel;

/**
 * Every channel flavour and capacity the contract suite, the stress tests and the parked-thread test
 * run against (DESIGN.md §6.1: capacities {0, 1, 2, 16, 1024, unbounded}, plus an unbounded channel
 * with the smallest block size so that segment edges are crossed every second value).
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
