package dev.vela.bench;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Batch receive (docs/adr/0039-receive-many.md): SPSC through a buffered channel of capacity 1024,
 * one producer virtual thread sending {@value #MESSAGES} values one at a time, one consumer virtual
 * thread taking them either in batches of up to {@value #BATCH} ({@code vela}: {@code receiveMany(buf,
 * 64)}, the row the report's ratios are taken against) or one per call ({@code vela-each}:
 * {@code receive()}), with {@link ArrayBlockingQueue} as the peer ({@code abq-drain}: one blocking
 * {@code take()}, then {@code drainTo(buf, 63)}; {@code abq-each}: {@code take()}). Score = messages
 * delivered to the consumer per second, end to end: the invocation ends when the consumer has them all
 * and its checksum matches. A fresh channel or queue per invocation. In {@code ./vela bench} as
 * {@code --only receivemany}: "Vela ÷ this" reads receiveMany ÷ each of the others.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class ReceiveManyBench {
    static final int MESSAGES = 100_000;
    static final int BATCH = 64;

    @Param({"1024"}) int capacity;
    @Param({"vela", "vela-each", "abq-drain", "abq-each"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long spsc() throws InterruptedException {
        long[] sum = new long[1];
        Thread consumer, producer;
        if (impl.startsWith("vela")) {
            Channel<Integer> ch = Channel.bounded(capacity);
            Receiver<Integer> rx = ch.receiver();
            boolean many = impl.equals("vela");
            consumer = Thread.ofVirtual().start(() -> sum[0] = many ? velaMany(rx) : velaEach(rx));
            producer = Thread.ofVirtual().start(() -> velaProduce(ch.sender()));
        } else {
            ArrayBlockingQueue<Integer> q = new ArrayBlockingQueue<>(capacity);
            boolean drain = impl.equals("abq-drain");
            consumer = Thread.ofVirtual().start(() -> sum[0] = drain ? abqDrain(q) : abqEach(q));
            producer = Thread.ofVirtual().start(() -> abqProduce(q));
        }
        join(producer);
        join(consumer);
        long expected = Flows.expectedSum(MESSAGES);
        if (sum[0] != expected) throw new IllegalStateException(impl + ": checksum " + sum[0] + " != " + expected);
        return sum[0];
    }

    private static void join(Thread t) throws InterruptedException {
        if (!t.join(Flows.DEADLINE)) {
            t.interrupt();
            throw new IllegalStateException(t + " hung for " + Flows.DEADLINE);
        }
    }

    private static void velaProduce(Sender<Integer> tx) {
        try {
            for (int i = 0; i < MESSAGES; i++) tx.send(Flows.value(i));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long velaEach(Receiver<Integer> rx) {
        long sum = 0;
        try {
            for (int i = 0; i < MESSAGES; i++) sum += rx.receive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sum;
    }

    private static long velaMany(Receiver<Integer> rx) {
        long sum = 0;
        List<Integer> buf = new ArrayList<>(BATCH);
        try {
            for (int left = MESSAGES; left > 0; ) {
                buf.clear();
                left -= rx.receiveMany(buf, Math.min(BATCH, left));
                for (int i = 0, n = buf.size(); i < n; i++) sum += buf.get(i);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sum;
    }

    private static void abqProduce(ArrayBlockingQueue<Integer> q) {
        try {
            for (int i = 0; i < MESSAGES; i++) q.put(Flows.value(i));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long abqEach(ArrayBlockingQueue<Integer> q) {
        long sum = 0;
        try {
            for (int i = 0; i < MESSAGES; i++) sum += q.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sum;
    }

    private static long abqDrain(ArrayBlockingQueue<Integer> q) {
        long sum = 0;
        List<Integer> buf = new ArrayList<>(BATCH);
        try {
            for (int left = MESSAGES; left > 0; ) {
                buf.clear();
                buf.add(q.take());
                q.drainTo(buf, Math.min(BATCH, left) - 1);
                left -= buf.size();
                for (int i = 0, n = buf.size(); i < n; i++) sum += buf.get(i);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sum;
    }
}
