package dev.vela.bench;

import dev.vela.worker.Worker;
import org.openjdk.jmh.annotations.*;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Spawn + join of one trivial task: Vela {@code Worker.spawn(c).join()} against the raw
 * {@code Thread.ofVirtual().start(r)} + {@code join()} (running the same Callable and handing its
 * result back, as a worker does) and against {@code newVirtualThreadPerTaskExecutor().submit(c).get()}.
 * <ul>
 *   <li>{@code fromPlatform}: the caller is the JMH platform thread, one spawn+join per operation;</li>
 *   <li>{@code fromVirtual}: the caller is a virtual thread that does {@value #BATCH} spawn+joins in a
 *       row; the score is per spawn+join (the one outer thread start is amortised over the batch).</li>
 * </ul>
 * Score = spawn+joins completed per second; each completes only once the task ran and its result was
 * returned to the caller, so nothing is left running between operations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class WorkerSpawnBench {
    static final int BATCH = 1000;
    static final Callable<Integer> TASK = () -> 42;

    @Param({"vela", "thread", "executor"}) String impl;

    interface SpawnJoin { Object run(Callable<Integer> task) throws Exception; }

    private ExecutorService executor;
    private SpawnJoin spawnJoin;

    @Setup
    public void setup() {
        spawnJoin = switch (impl) {
            case "vela" -> task -> Worker.spawn(task).join();
            case "thread" -> WorkerSpawnBench::rawVirtualThread;
            case "executor" -> {
                ExecutorService ex = executor = Executors.newVirtualThreadPerTaskExecutor();
                yield task -> ex.submit(task).get();
            }
            default -> throw new IllegalArgumentException("unknown implementation: " + impl);
        };
    }

    @TearDown
    public void tearDown() {
        if (executor != null) executor.close();
    }

    private static Object rawVirtualThread(Callable<Integer> task) throws InterruptedException {
        Object[] box = new Object[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                box[0] = task.call();
            } catch (Exception e) {
                box[0] = e;
            }
        });
        t.join();
        return box[0];
    }

    @Benchmark
    public Object fromPlatform() throws Exception {
        return spawnJoin.run(TASK);
    }

    @Benchmark @OperationsPerInvocation(BATCH)
    public long fromVirtual() throws InterruptedException {
        long[] sum = new long[1];
        SpawnJoin s = spawnJoin;
        Flows.runAll(List.of(() -> {
            for (int i = 0; i < BATCH; i++) sum[0] += (Integer) s.run(TASK);
        }));
        if (sum[0] != 42L * BATCH) throw new IllegalStateException("wrong results: " + sum[0]);
        return sum[0];
    }
}
