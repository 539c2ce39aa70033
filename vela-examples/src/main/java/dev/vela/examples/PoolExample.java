package dev.vela.examples;

import dev.vela.worker.Worker;
import dev.vela.worker.WorkerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A WorkerPool runs at most n tasks at once; the rest wait in FIFO order. */
public final class PoolExample {
    private PoolExample() {}

    /**
     * Runs the example.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        try (var pool = WorkerPool.create(3)) {
            List<Worker<Integer>> jobs = new ArrayList<>();
            for (int i = 1; i <= 12; i++) {
                int n = i;
                jobs.add(pool.spawn("job-" + n, () -> {
                    peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                    Thread.sleep(20);
                    running.decrementAndGet();
                    return n * n;
                }));
            }
            System.out.println("queued right after spawning: " + pool.queuedCount());
            List<Integer> results = Worker.joinAll(jobs);
            System.out.println("results: " + results);
        }
        System.out.println("at most " + peak.get() + " jobs ran at once (limit 3)");
    }
}
