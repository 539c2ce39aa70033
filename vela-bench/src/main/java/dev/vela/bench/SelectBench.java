package dev.vela.bench;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Select;
import dev.vela.channel.Sender;
import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Messages per second through a select (issue 4, "Performance"), end to end like every flow in
 * {@link Flows}: the consumer virtual thread takes each of the {@value #MESSAGES} messages with one
 * select call, and the invocation ends when it has them all and the checksum matches.
 * <ul>
 *   <li>{@link #oneClause}: one producer virtual thread sends into one channel; the consumer selects
 *       over one receive clause on it (the cost of select over a plain receive, per message);</li>
 *   <li>{@link #twoClauses}: two producers each send half into their own channel; the consumer
 *       selects over both receive clauses until it has all of them (the goal: ≥ 3× Jox).</li>
 * </ul>
 * Channels: capacity 16, and rendezvous ({@code capacity=0}). Implementations: {@code vela} =
 * {@link Select#select} (fair: uniform among ready clauses), {@code vela-biased} =
 * {@link Select#selectBiased} (first ready clause wins), {@code jox} = Jox 1.0.1
 * {@code Select.select(ch.receiveClause(fn), …)} (biased to the first clause). The clauses are made
 * afresh for every select, as a select loop is written (both libraries allocate them alike); the
 * clause function is the identity. Producers never close their channels (a closed, drained channel's
 * clause would end the select with an exception in both libraries); the consumer counts instead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class SelectBench {
    static final int MESSAGES = 100_000;

    @Param({"16", "0"}) int capacity;
    @Param({"vela", "vela-biased", "jox"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long oneClause() throws InterruptedException {
        return Flows.select(Selector.create(impl, 1, capacity), MESSAGES);
    }

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long twoClauses() throws InterruptedException {
        return Flows.select(Selector.create(impl, 2, capacity), MESSAGES);
    }

    /** {@code n} fresh channels of one implementation, a producer handle for each, and a select over all of them. */
    interface Selector {
        int channels();

        /** The producer side of channel {@code i}; one producer per channel. */
        Pipe.Put sender(int i);

        /** One select over a receive clause per channel: the value received, from whichever channel. */
        Integer select() throws InterruptedException;

        static Selector create(String impl, int n, int capacity) {
            if (n < 1 || n > 2) throw new IllegalArgumentException("1 or 2 channels, not " + n);
            return switch (impl) {
                case "vela" -> new VelaSelector(n, capacity, false);
                case "vela-biased" -> new VelaSelector(n, capacity, true);
                case "jox" -> new JoxSelector(n, capacity);
                default -> throw new IllegalArgumentException("unknown select implementation: " + impl);
            };
        }
    }

    private static final Function<Integer, Integer> IDENTITY = x -> x;

    static final class VelaSelector implements Selector {
        private final Sender<Integer>[] txs;
        private final Receiver<Integer> rx0, rx1;
        private final boolean biased;

        @SuppressWarnings("unchecked")
        VelaSelector(int n, int capacity, boolean biased) {
            txs = new Sender[n];
            Receiver<Integer>[] rxs = new Receiver[n];
            for (int i = 0; i < n; i++) {
                Channel<Integer> ch = capacity == Pipe.RENDEZVOUS ? Channel.rendezvous() : Channel.bounded(capacity);
                txs[i] = ch.sender();
                rxs[i] = ch.receiver();
            }
            rx0 = rxs[0];
            rx1 = n > 1 ? rxs[1] : null;
            this.biased = biased;
        }

        public int channels() { return txs.length; }

        public Pipe.Put sender(int i) {
            Sender<Integer> tx = txs[i];
            return tx::send;
        }

        public Integer select() throws InterruptedException {
            if (rx1 == null)
                return biased ? Select.selectBiased(rx0.onReceive(IDENTITY)) : Select.select(rx0.onReceive(IDENTITY));
            return biased ? Select.selectBiased(rx0.onReceive(IDENTITY), rx1.onReceive(IDENTITY))
                    : Select.select(rx0.onReceive(IDENTITY), rx1.onReceive(IDENTITY));
        }
    }

    static final class JoxSelector implements Selector {
        private final com.softwaremill.jox.Channel<Integer> ch0, ch1;

        JoxSelector(int n, int capacity) {
            ch0 = jox(capacity);
            ch1 = n > 1 ? jox(capacity) : null;
        }

        private static com.softwaremill.jox.Channel<Integer> jox(int capacity) {
            return capacity == Pipe.RENDEZVOUS ? com.softwaremill.jox.Channel.newRendezvousChannel()
                    : com.softwaremill.jox.Channel.newBufferedChannel(capacity);
        }

        public int channels() { return ch1 == null ? 1 : 2; }

        public Pipe.Put sender(int i) {
            com.softwaremill.jox.Channel<Integer> ch = i == 0 ? ch0 : ch1;
            return ch::send;
        }

        public Integer select() throws InterruptedException {
            if (ch1 == null) return com.softwaremill.jox.Select.select(ch0.receiveClause(IDENTITY));
            return com.softwaremill.jox.Select.select(ch0.receiveClause(IDENTITY), ch1.receiveClause(IDENTITY));
        }
    }
}
