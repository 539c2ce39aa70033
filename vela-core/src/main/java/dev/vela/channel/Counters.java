package dev.vela.channel;

import java.util.concurrent.atomic.LongAdder;

/**
 * The counters behind {@link ChannelMetrics}, present only on channels built with metrics on
 * ({@code ChannelCore.counters == null} otherwise, so a channel without metrics pays one null check
 * per operation). {@link LongAdder}s: a sender and a receiver on different cores do not contend on one
 * word. Incremented after the operation took effect (sent, received, dropped) or when it first
 * enqueues a waiter (the two "waited" counts, slow path only).
 */
final class Counters {
    final LongAdder sent = new LongAdder();
    final LongAdder received = new LongAdder();
    final LongAdder dropped = new LongAdder();
    final LongAdder sendsWaited = new LongAdder();
    final LongAdder receivesWaited = new LongAdder();

    ChannelMetrics snapshot(long buffered) {
        return new ChannelMetrics(sent.sum(), received.sum(), dropped.sum(), sendsWaited.sum(),
                receivesWaited.sum(), buffered);
    }
}
