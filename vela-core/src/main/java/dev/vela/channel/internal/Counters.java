package dev.vela.channel.internal;

import dev.vela.channel.ChannelMetrics;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The counters behind {@link ChannelMetrics}, present only on channels built with metrics on
 * ({@code ChannelCore.counters == null} otherwise, so a channel without metrics pays one null check
 * per operation). Incremented after the operation took effect (sent, received, dropped) or when it
 * first enqueues a waiter (the two "waited" counts, slow path only).
 *
 * <p>{@code sent} (written by senders) and {@code received} (written by receivers) each sit on their
 * own cache line (padding by inheritance, as in {@link Cursors}): the first version used two
 * adjacent {@code LongAdder}s, whose base words shared a line, and halved SPSC throughput through
 * false sharing (MetricsBench). Every count is an atomic add (volatile).
 */
final class Counters extends CountersReceived {
    private static final VarHandle SENT, RECEIVED, DROPPED, SENDS_WAITED, RECEIVES_WAITED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SENT = l.findVarHandle(CountersSent.class, "sent", long.class);
            RECEIVED = l.findVarHandle(CountersReceived.class, "received", long.class);
            DROPPED = l.findVarHandle(Counters.class, "dropped", long.class);
            SENDS_WAITED = l.findVarHandle(Counters.class, "sendsWaited", long.class);
            RECEIVES_WAITED = l.findVarHandle(Counters.class, "receivesWaited", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private long p20, p21, p22, p23, p24, p25, p26, p27;
    /** Slow-path counts (volatile; atomic add). */
    private volatile long dropped, sendsWaited, receivesWaited;
    @SuppressWarnings("unused")
    private long p30, p31, p32, p33, p34, p35, p36, p37;

    void sent() {
        SENT.getAndAdd(this, 1L);
    }

    void received() {
        RECEIVED.getAndAdd(this, 1L);
    }

    /** {@code n} values received at once (a batch receive). */
    void received(long n) {
        RECEIVED.getAndAdd(this, n);
    }

    void dropped() {
        DROPPED.getAndAdd(this, 1L);
    }

    void sendWaited() {
        SENDS_WAITED.getAndAdd(this, 1L);
    }

    void receiveWaited() {
        RECEIVES_WAITED.getAndAdd(this, 1L);
    }

    ChannelMetrics snapshot(long buffered) {
        return new ChannelMetrics(sent, received, dropped, sendsWaited, receivesWaited, buffered);
    }
}

@SuppressWarnings("unused")
abstract class CountersPad0 {
    private long p00, p01, p02, p03, p04, p05, p06, p07;
}

abstract class CountersSent extends CountersPad0 {
    /** Send operations that took effect (volatile; atomic add by senders). */
    volatile long sent;
}

@SuppressWarnings("unused")
abstract class CountersPad1 extends CountersSent {
    private long p10, p11, p12, p13, p14, p15, p16, p17;
}

abstract class CountersReceived extends CountersPad1 {
    /** Values received (volatile; atomic add by receivers). */
    volatile long received;
}
