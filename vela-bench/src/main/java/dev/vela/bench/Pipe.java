package dev.vela.bench;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Exchanger;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.SynchronousQueue;

/**
 * One channel under test, seen as a blocking pipe of Integers: the single adapter over Vela and
 * every peer, so that each scenario is written once and runs every implementation the same way.
 *
 * <p>Implementations (the {@code impl} parameter of the benchmarks):
 * <ul>
 *   <li>{@code vela} — {@link Channel}; each producer gets its own {@link Sender#clone()} handle and
 *       closes it when done, which is the idiom the API documents for multi-producer use;</li>
 *   <li>{@code jox} — {@code com.softwaremill.jox.Channel} 1.0.1 (buffered, unlimited, rendezvous);</li>
 *   <li>{@code abq}, {@code lbq} — {@link ArrayBlockingQueue}, {@link LinkedBlockingQueue} ({@code put}/{@code take});</li>
 *   <li>{@code ltq} — {@link LinkedTransferQueue}: {@code put} when buffered, {@code transfer} as rendezvous;</li>
 *   <li>{@code sq} — {@link SynchronousQueue} (rendezvous only);</li>
 *   <li>{@code exchanger} — {@link Exchanger} (rendezvous, exactly one producer and one consumer).</li>
 * </ul>
 * In a forked JMH run only one implementation is loaded per JVM, so these interface calls stay
 * monomorphic and are inlined: the adapter costs every implementation the same (close to nothing).
 */
interface Pipe {
    /** Capacity meaning "unbounded" in {@link #create}. */
    int UNBOUNDED = -1;
    /** Capacity meaning "rendezvous" (no buffer) in {@link #create}. */
    int RENDEZVOUS = 0;

    /** A producer handle; call from one thread, close when that producer is done. */
    Put sender();

    /** The consumer end. */
    Take receiver();

    interface Put extends AutoCloseable {
        void put(Integer v) throws InterruptedException;

        @Override
        default void close() {}
    }

    interface Take {
        Integer take() throws InterruptedException;
    }

    /** capacity: n ≥ 1 bounded, {@link #RENDEZVOUS}, or {@link #UNBOUNDED}. */
    static Pipe create(String impl, int capacity) {
        return switch (impl) {
            case "vela" -> new VelaPipe(capacity == UNBOUNDED ? Channel.unbounded()
                    : capacity == RENDEZVOUS ? Channel.rendezvous() : Channel.bounded(capacity));
            case "jox" -> new JoxPipe(capacity == UNBOUNDED ? com.softwaremill.jox.Channel.newUnlimitedChannel()
                    : capacity == RENDEZVOUS ? com.softwaremill.jox.Channel.newRendezvousChannel()
                    : com.softwaremill.jox.Channel.newBufferedChannel(capacity));
            case "abq" -> new QueuePipe(new ArrayBlockingQueue<>(positive(impl, capacity)));
            case "lbq" -> new QueuePipe(capacity == UNBOUNDED ? new LinkedBlockingQueue<>()
                    : new LinkedBlockingQueue<>(positive(impl, capacity)));
            case "ltq" -> capacity == UNBOUNDED ? new QueuePipe(new LinkedTransferQueue<>())
                    : capacity == RENDEZVOUS ? new TransferPipe(new LinkedTransferQueue<>())
                    : unsupported(impl, capacity);
            case "sq" -> capacity == RENDEZVOUS ? new QueuePipe(new SynchronousQueue<>()) : unsupported(impl, capacity);
            case "exchanger" -> capacity == RENDEZVOUS ? new ExchangerPipe(new Exchanger<>()) : unsupported(impl, capacity);
            default -> throw new IllegalArgumentException("unknown implementation: " + impl);
        };
    }

    private static int positive(String impl, int capacity) {
        if (capacity < 1) unsupported(impl, capacity);
        return capacity;
    }

    private static Pipe unsupported(String impl, int capacity) {
        throw new IllegalArgumentException(impl + " has no channel of capacity " + capacity);
    }

    record VelaPipe(Channel<Integer> ch) implements Pipe {
        public Put sender() {
            Sender<Integer> tx = ch.sender().clone();
            return new Put() {
                public void put(Integer v) throws InterruptedException { tx.send(v); }
                @Override public void close() { tx.close(); }
            };
        }
        public Take receiver() {
            Receiver<Integer> rx = ch.receiver();
            return rx::receive;
        }
    }

    record JoxPipe(com.softwaremill.jox.Channel<Integer> ch) implements Pipe {
        public Put sender() { return ch::send; }
        public Take receiver() { return ch::receive; }
    }

    record QueuePipe(BlockingQueue<Integer> q) implements Pipe {
        public Put sender() { return q::put; }
        public Take receiver() { return q::take; }
    }

    record TransferPipe(LinkedTransferQueue<Integer> q) implements Pipe {
        public Put sender() { return q::transfer; }
        public Take receiver() { return q::take; }
    }

    /** Rendezvous through an Exchanger: the producer offers v, the consumer offers nothing back. */
    record ExchangerPipe(Exchanger<Integer> x) implements Pipe {
        public Put sender() { return x::exchange; }
        public Take receiver() { return () -> x.exchange(null); }
    }
}
