package dev.vela.bench;

import dev.vela.channel.Broadcast;
import dev.vela.channel.BroadcastSender;
import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.ChannelLaggedException;
import dev.vela.channel.Receiver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * Broadcast to 1, 10 and 100 subscribers (issue 9): one producer virtual thread sends
 * {@value #MESSAGES} values, every subscriber (one virtual thread each) receives all of them through
 * its own buffer of {@value #CAPACITY}. Score = values sent per second, end to end (the invocation
 * ends when every subscriber has every value and its checksum matches).
 * <ul>
 *   <li>{@code vela}: {@code Channel.broadcast(CAPACITY, BACKPRESSURE)};</li>
 *   <li>{@code vela-lag}: {@code Mode.LAG}; subscribers count received + missed (a lag is legal);</li>
 *   <li>{@code cow-abq}: the Kotlin-style JDK alternative: a {@link CopyOnWriteArrayList} of
 *       {@link ArrayBlockingQueue}s, the producer {@code put}s into each (blocking backpressure).</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class BroadcastBench {
    static final int MESSAGES = 10_000;
    static final int CAPACITY = 1024;

    @Param({"1", "10", "100"}) int subscribers;
    @Param({"vela", "vela-lag", "cow-abq"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long broadcast() throws InterruptedException {
        return switch (impl) {
            case "vela" -> vela(Broadcast.Mode.BACKPRESSURE);
            case "vela-lag" -> vela(Broadcast.Mode.LAG);
            case "cow-abq" -> cowAbq();
            default -> throw new IllegalArgumentException("impl " + impl);
        };
    }

    private long vela(Broadcast.Mode mode) throws InterruptedException {
        Broadcast<Long> b = Channel.broadcast(CAPACITY, mode);
        long[] sums = new long[subscribers];
        List<Flows.Task> tasks = new ArrayList<>(subscribers + 1);
        for (int s = 0; s < subscribers; s++) {
            Receiver<Long> rx = b.subscribe();
            int id = s;
            tasks.add(() -> {
                long sum = 0, seen = 0;
                while (true) {
                    try {
                        sum += rx.receive();
                        seen++;
                    } catch (ChannelLaggedException lag) {
                        seen += lag.missed();
                    } catch (ChannelClosedException end) {
                        break;
                    }
                }
                sums[id] = mode == Broadcast.Mode.LAG ? expected(seen) : sum;
            });
        }
        tasks.add(() -> {
            try (BroadcastSender<Long> tx = b.sender()) {
                for (long i = 1; i <= MESSAGES; i++) tx.send(i);
            }
        });
        Flows.runAll(tasks);
        return check(sums);
    }

    private long cowAbq() throws InterruptedException {
        CopyOnWriteArrayList<ArrayBlockingQueue<Long>> subs = new CopyOnWriteArrayList<>();
        long[] sums = new long[subscribers];
        List<Flows.Task> tasks = new ArrayList<>(subscribers + 1);
        for (int s = 0; s < subscribers; s++) {
            ArrayBlockingQueue<Long> q = new ArrayBlockingQueue<>(CAPACITY);
            subs.add(q);
            int id = s;
            tasks.add(() -> {
                long sum = 0;
                for (int i = 0; i < MESSAGES; i++) sum += q.take();
                sums[id] = sum;
            });
        }
        tasks.add(() -> {
            for (long i = 1; i <= MESSAGES; i++) {
                Long v = i;
                for (ArrayBlockingQueue<Long> q : subs) q.put(v);
            }
        });
        Flows.runAll(tasks);
        return check(sums);
    }

    /** LAG: a subscriber accounts for every value (received or missed); the sum check is then on the count. */
    private static long expected(long seen) {
        return seen == MESSAGES ? (long) MESSAGES * (MESSAGES + 1) / 2 : -seen;
    }

    private static long check(long[] sums) {
        long want = (long) MESSAGES * (MESSAGES + 1) / 2;
        for (long s : sums) if (s != want) throw new IllegalStateException("checksum " + s + " != " + want);
        return want;
    }
}
