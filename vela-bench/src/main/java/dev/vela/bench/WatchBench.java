package dev.vela.bench;

import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Watch;
import dev.vela.channel.WatchReceiver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.*;

/**
 * A watch with one writer and 1, 4 or 16 readers, each on its own virtual thread (issue 15; ADR 0038),
 * against a hand-rolled JDK equivalent: a {@code volatile long} plus a per-reader "parked" flag and
 * {@link LockSupport#unpark} (the least a correct blocking watch can do).
 * <ul>
 *   <li>{@link #stream()}: the writer publishes {@value #MESSAGES} increasing values as fast as it can;
 *       each reader waits for changes until it has seen the last one (skipping is legal: it is a
 *       watch). Score = values published per second, end to end.</li>
 *   <li>{@link #pingPong()}: the writer publishes {@value #ROUNDS} values, each only after every reader
 *       has seen the previous one (readers acknowledge through one shared counter, the writer spins
 *       on it with {@code Thread.yield()}, the same for both implementations). Score = rounds per
 *       second: the cost of waking N parked readers once.</li>
 * </ul>
 * In {@code ./vela bench} as {@code --only watch}, {@link #pingPong()} with 4 readers only (the other
 * combinations are left out of the default run by {@code BenchMain.skipped}; plain JMH runs them all).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class WatchBench {
    static final int MESSAGES = 100_000;
    static final int ROUNDS = 2_000;

    @Param({"1", "4", "16"}) int readers;
    @Param({"vela", "volatile-park"}) String impl;

    /** What the two implementations offer the scenarios. */
    private interface Cell {
        void publish(long v);

        /** Waits for a value newer than {@code seen} (reader {@code id}) and returns it. */
        long awaitNewer(int id, long seen) throws InterruptedException;

        /** Called by reader {@code id} in its own thread before the writer starts. */
        void register(int id);
    }

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long stream() throws InterruptedException {
        return run(MESSAGES, false);
    }

    @Benchmark @OperationsPerInvocation(ROUNDS)
    public long pingPong() throws InterruptedException {
        return run(ROUNDS, true);
    }

    private long run(int n, boolean lockstep) throws InterruptedException {
        Cell cell = impl.equals("vela") ? new VelaCell(readers) : new ParkCell(readers);
        CountDownLatch ready = new CountDownLatch(readers);
        AtomicLong acks = new AtomicLong();
        long[] last = new long[readers];
        List<Flows.Task> tasks = new ArrayList<>(readers + 1);
        for (int r = 0; r < readers; r++) {
            int id = r;
            tasks.add(() -> {
                cell.register(id);
                ready.countDown();
                long seen = 0;
                while (seen < n) {
                    long v = cell.awaitNewer(id, seen);
                    if (v <= seen) throw new IllegalStateException("version went back: " + seen + " then " + v);
                    seen = v;
                    if (lockstep) acks.incrementAndGet();
                }
                last[id] = seen;
            });
        }
        tasks.add(() -> {
            ready.await();
            for (long i = 1; i <= n; i++) {
                cell.publish(i);
                if (lockstep) {
                    long want = i * readers;
                    while (acks.get() < want) Thread.yield();
                }
            }
        });
        Flows.runAll(tasks);
        for (long v : last) if (v != n) throw new IllegalStateException("a reader ended at " + v + " != " + n);
        return n;
    }

    /** Vela's watch: {@code send} and {@code WatchReceiver.changed()}. */
    private static final class VelaCell implements Cell {
        private final Watch<Long> watch = Watch.create(0L);
        private final WatchReceiver<Long>[] rx;

        @SuppressWarnings("unchecked")
        VelaCell(int readers) {
            rx = new WatchReceiver[readers];
            for (int i = 0; i < readers; i++) rx[i] = watch.subscribe();
        }

        @Override public void register(int id) {}

        @Override public void publish(long v) {
            watch.send(v);
        }

        @Override public long awaitNewer(int id, long seen) throws InterruptedException {
            try {
                return rx[id].changed();
            } catch (ChannelClosedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * The hand-rolled watch: a volatile value; a reader raises its flag, re-reads, parks; the writer
     * stores the value, then unparks every reader whose flag is up (Dekker: no lost wake-up).
     */
    private static final class ParkCell implements Cell {
        private volatile long value;
        private final Thread[] threads;
        private final AtomicLong[] parked;        // 1 while reader i may be parked

        ParkCell(int readers) {
            threads = new Thread[readers];
            parked = new AtomicLong[readers];
            for (int i = 0; i < readers; i++) parked[i] = new AtomicLong();
        }

        @Override public void register(int id) {
            threads[id] = Thread.currentThread();
        }

        @Override public void publish(long v) {
            value = v;
            for (int i = 0; i < threads.length; i++) {
                if (parked[i].get() != 0) LockSupport.unpark(threads[i]);
            }
        }

        @Override public long awaitNewer(int id, long seen) throws InterruptedException {
            long v;
            while ((v = value) <= seen) {
                parked[id].set(1);
                if (value <= seen) LockSupport.park(this);
                parked[id].set(0);
                if (Thread.interrupted()) throw new InterruptedException();
            }
            return v;
        }
    }
}
