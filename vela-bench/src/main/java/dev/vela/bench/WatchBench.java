package dev.vela.bench;

import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Watch;
import dev.vela.channel.WatchReceiver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import kotlin.Unit;
import kotlin.coroutines.Continuation;
import kotlin.coroutines.EmptyCoroutineContext;
import kotlinx.coroutines.BuildersKt;
import kotlinx.coroutines.CoroutineScope;
import kotlinx.coroutines.CoroutineScopeKt;
import kotlinx.coroutines.CoroutineStart;
import kotlinx.coroutines.Dispatchers;
import kotlinx.coroutines.Job;
import kotlinx.coroutines.JobKt;
import kotlinx.coroutines.flow.FlowCollector;
import kotlinx.coroutines.flow.MutableStateFlow;
import kotlinx.coroutines.flow.StateFlowKt;
import org.openjdk.jmh.annotations.*;

/**
 * A watch with one writer and 1, 4 or 16 readers, each on its own virtual thread (issue 15; ADR 0038),
 * against two peers:
 * <ul>
 *   <li>{@code volatile-park}: a hand-rolled JDK equivalent, a {@code volatile long} plus a per-reader
 *       "parked" flag and {@link LockSupport#unpark} (the least a correct blocking watch can do);</li>
 *   <li>{@code stateflow}: Kotlin's {@code MutableStateFlow} (kotlinx.coroutines {@value #KOTLINX_COROUTINES},
 *       used from Java, no Kotlin compiler), the JVM's own "latest value, wait for a change" with the
 *       same conflation. Each reader is a coroutine collecting the flow on {@code Dispatchers.Default},
 *       the dispatcher a Kotlin user gets by default for CPU work (not a virtual-thread executor wrapped
 *       with {@code asCoroutineDispatcher()}, which a Kotlin user would have to choose); the writer is
 *       the same virtual thread as for the other two and calls {@code setValue} (see {@link StateFlowCell}).</li>
 * </ul>
 * <ul>
 *   <li>{@link #stream()}: the writer publishes {@value #MESSAGES} increasing values as fast as it can;
 *       each reader waits for changes until it has seen the last one (skipping is legal: it is a
 *       watch). Score = values published per second, end to end.</li>
 *   <li>{@link #pingPong()}: the writer publishes {@value #ROUNDS} values, each only after every reader
 *       has seen the previous one (readers acknowledge through one shared counter, the writer spins
 *       on it with {@code Thread.yield()}, the same for every implementation). Score = rounds per
 *       second: the cost of waking N parked (or, for StateFlow, suspended) readers once.</li>
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
    /** The kotlinx.coroutines version of the {@code stateflow} peer (vela-bench/pom.xml). */
    static final String KOTLINX_COROUTINES = "1.7.3";

    @Param({"1", "4", "16"}) int readers;
    @Param({"vela", "volatile-park", "stateflow"}) String impl;

    /** What every implementation offers the writer. */
    private interface Cell {
        void publish(long v);
    }

    /** What the implementations with blocking readers (Vela, volatile + park) offer the reader threads. */
    private interface BlockingCell extends Cell {
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
        CountDownLatch ready = new CountDownLatch(readers);
        AtomicLong acks = new AtomicLong();
        long[] last = new long[readers];
        List<Flows.Task> tasks = new ArrayList<>(readers + 1);
        Cell cell;
        StateFlowCell flow = null;
        if (impl.equals("stateflow")) {
            cell = flow = new StateFlowCell(readers, n, lockstep, ready, acks, last);
            tasks.add(flow::awaitReaders);  // the readers are coroutines: one task waits until all saw n
        } else {
            BlockingCell blocking = impl.equals("vela") ? new VelaCell(readers) : new ParkCell(readers);
            cell = blocking;
            for (int r = 0; r < readers; r++) {
                int id = r;
                tasks.add(() -> {
                    blocking.register(id);
                    ready.countDown();
                    long seen = 0;
                    while (seen < n) {
                        long v = blocking.awaitNewer(id, seen);
                        if (v <= seen) throw new IllegalStateException("version went back: " + seen + " then " + v);
                        seen = v;
                        if (lockstep) acks.incrementAndGet();
                    }
                    last[id] = seen;
                });
            }
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
        try {
            Flows.runAll(tasks);
        } finally {
            if (flow != null) flow.cancel();
        }
        for (long v : last) if (v != n) throw new IllegalStateException("a reader ended at " + v + " != " + n);
        return n;
    }

    /** Vela's watch: {@code send} and {@code WatchReceiver.changed()}. */
    private static final class VelaCell implements BlockingCell {
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
    private static final class ParkCell implements BlockingCell {
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

    /**
     * Kotlin's {@code MutableStateFlow<Long>}: the writer calls {@code setValue} (non-suspending, as in
     * Kotlin's {@code state.value = v}); each reader is a coroutine launched on {@code Dispatchers.Default}
     * that collects the flow with a Java {@link FlowCollector} whose {@code emit} does the reader's work and
     * returns {@code Unit} without suspending (legal for a suspend function). A StateFlow conflates like a
     * watch (a slow collector sees only the newest value, equal values are not re-emitted) and emits its
     * current value first, on subscription: that first emission is the reader's "ready", the same moment at
     * which the blocking readers count down (the collector's slot is allocated before it, so no later
     * {@code setValue} is missed). In lock-step the readers acknowledge through the same shared counter and
     * the writer spins on it with {@code Thread.yield()} exactly as for the other two, so only the reader
     * side differs. (That spin costs this peer more than the others: a virtual thread's yield hands its
     * carrier to other virtual threads (here none is runnable), not to {@code Dispatchers.Default}'s own
     * worker threads, so on 2 cores the waiting writer keeps one core busy while the 4 collectors share
     * the other; the figure is what a Java writer meets with Kotlin readers on the default dispatcher.)
     * A StateFlow never completes: a reader that has seen the last value stays subscribed
     * until {@link #cancel()} (at the end of every invocation, inside its measured time as the blocking
     * readers' exits are) cancels the collectors' job and waits until every collector has finished, so no coroutine outlives its
     * invocation, iteration or round.
     */
    private static final class StateFlowCell implements Cell {
        private final MutableStateFlow<Long> state = StateFlowKt.MutableStateFlow(0L);
        private final CoroutineScope scope = CoroutineScopeKt.CoroutineScope(Dispatchers.getDefault());  // adds a Job
        private final Job job = JobKt.getJob(scope.getCoroutineContext());
        private final CountDownLatch done;
        private final AtomicReference<Throwable> failure = new AtomicReference<>();

        StateFlowCell(int readers, long n, boolean lockstep, CountDownLatch ready, AtomicLong acks, long[] last) {
            done = new CountDownLatch(readers);
            for (int r = 0; r < readers; r++) {
                int id = r;
                FlowCollector<Long> reader = new FlowCollector<>() {
                    private boolean subscribed;
                    private long seen;

                    @Override public Object emit(Long value, Continuation<? super Unit> continuation) {
                        long v = value;
                        if (!subscribed) {            // the current value, emitted on subscription
                            subscribed = true;
                            ready.countDown();
                            if (v == seen) return Unit.INSTANCE;
                        }
                        if (seen >= n) return Unit.INSTANCE;  // done (or failed): nothing more is published
                        if (v <= seen) {
                            failure.compareAndSet(null, new IllegalStateException("version went back: " + seen + " then " + v));
                            seen = n;
                            done.countDown();
                            return Unit.INSTANCE;
                        }
                        seen = v;
                        if (lockstep) acks.incrementAndGet();
                        if (v == n) {
                            last[id] = v;
                            done.countDown();
                        }
                        return Unit.INSTANCE;
                    }
                };
                BuildersKt.launch(scope, EmptyCoroutineContext.INSTANCE, CoroutineStart.DEFAULT,
                        (s, continuation) -> state.collect(reader, continuation));
            }
        }

        @Override public void publish(long v) {
            state.setValue(v);
        }

        /** Waits until every reader has seen the last value (or one failed). */
        void awaitReaders() throws InterruptedException {
            done.await();
            Throwable e = failure.get();
            if (e != null) throw new IllegalStateException("a StateFlow reader failed: " + e, e);
        }

        /** Cancels the collectors and waits (up to 10 s) until they have all finished. */
        void cancel() throws InterruptedException {
            CountDownLatch finished = new CountDownLatch(1);
            job.invokeOnCompletion(cause -> {
                finished.countDown();
                return Unit.INSTANCE;
            });
            job.cancel((CancellationException) null);
            if (!finished.await(10, TimeUnit.SECONDS)) throw new IllegalStateException("StateFlow collectors still running 10 s after cancel");
        }
    }
}
