package dev.vela.bench;

import dev.vela.worker.Worker;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The seed's "worker spawn latency" done honestly (reference W21): for each implementation, the
 * latency from the spawn call to the task's completion, as p50 and p99 (HdrHistogram), beside the
 * submission cost (how long the spawn call itself takes to return, which is all the seed's 0.017 ms
 * measured). Plain Java, not JMH: it needs per-spawn samples, not an average rate.
 *
 * <p>Method: the caller is a platform thread (like the seed's main thread). Per sample: {@code t0 =
 * nanoTime()}, spawn a task that returns {@code nanoTime()} (its completion stamp), {@code t1 =
 * nanoTime()}, join. Submission = t1 − t0; spawn-to-completion = stamp − t0, so the time the caller
 * needs to wake up from join is not counted. After a warm-up, {@code rounds} rounds of
 * {@code perRound} samples each, one histogram per round; every figure is the median over the rounds
 * (the min … max of the rounds is kept too). Implementations: Vela {@code Worker.spawn(task)} +
 * {@code join()}, raw {@code Thread.ofVirtual().start(r)} + {@code join()}, and a
 * virtual-thread-per-task executor's {@code submit(task)} + {@code get()}.
 */
final class SpawnLatencyBench {
    /** The progress-line "benchmark" that runs every implementation below. */
    static final BenchMain.Case CASE = new BenchMain.Case(SpawnLatencyBench.class, "latency", new LinkedHashMap<>());

    /** The measured task: returns the moment it ran. */
    private static final Callable<Long> TASK = System::nanoTime;

    /** How many spawns: discarded warm-up, then rounds × perRound measured. */
    record Sizes(int warmup, int rounds, int perRound) {
        Sizes {
            if (warmup < 0 || rounds < 1 || perRound < 1)
                throw new IllegalArgumentException("bad sizes: warmup " + warmup + ", rounds " + rounds + ", perRound " + perRound);
        }
    }

    static Sizes sizes(BenchMain.Effort effort) {
        return switch (effort) {
            case TINY -> new Sizes(200, 1, 200);
            case QUICK -> new Sizes(2_000, 3, 1_000);
            case DEFAULT -> new Sizes(20_000, 5, 10_000);
            case FULL -> new Sizes(50_000, 9, 10_000);
        };
    }

    /** Seconds the whole run takes on 2 cores (for the progress estimate): ~30 µs a spawn and join from a platform thread. */
    static double estimateSeconds(BenchMain.Effort effort) {
        Sizes s = sizes(effort);
        return 3 * (s.warmup() + (double) s.rounds() * s.perRound()) * 30e-6 + 0.3;
    }

    /** One implementation: medians over the rounds, in microseconds; or why it failed. */
    record Row(String impl, String name, double submitMeanMicros, double p50Micros, double p99Micros,
               double p50MinMicros, double p50MaxMicros, double p99MinMicros, double p99MaxMicros, long samples, String error) {
        boolean ok() { return error == null; }
    }

    /** A task started, not yet joined. */
    private interface Started { long join() throws Exception; }

    /** One way to start a task on a new virtual thread. */
    private interface Spawner { Started start(Callable<Long> task) throws Exception; }

    /** Every implementation, in report order. */
    static List<Row> run(Sizes sizes) {
        List<Row> rows = new ArrayList<>();
        rows.add(measure("vela", "Vela Worker.spawn + join", task -> {
            Worker<Long> w = Worker.spawn(task);
            return w::join;
        }, sizes));
        rows.add(measure("thread", "raw Thread.ofVirtual().start + join", SpawnLatencyBench::rawThread, sizes));
        try (ExecutorService ex = Executors.newVirtualThreadPerTaskExecutor()) {
            rows.add(measure("executor", "virtual-thread-per-task executor submit + get", task -> {
                Future<Long> f = ex.submit(task);
                return f::get;
            }, sizes));
        }
        return rows;
    }

    private static Started rawThread(Callable<Long> task) {
        long[] box = new long[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                box[0] = task.call();
            } catch (Exception e) {
                box[0] = Long.MIN_VALUE;
            }
        });
        return () -> {
            t.join();
            return box[0];
        };
    }

    private static Row measure(String impl, String name, Spawner spawner, Sizes sizes) {
        try {
            Histogram warm = new Histogram(3), warmSubmit = new Histogram(3);
            sample(spawner, sizes.warmup(), warm, warmSubmit);
            double[] p50 = new double[sizes.rounds()], p99 = new double[sizes.rounds()], submit = new double[sizes.rounds()];
            for (int r = 0; r < sizes.rounds(); r++) {
                Histogram completion = new Histogram(3), submission = new Histogram(3);
                sample(spawner, sizes.perRound(), completion, submission);
                p50[r] = completion.getValueAtPercentile(50) / 1e3;
                p99[r] = completion.getValueAtPercentile(99) / 1e3;
                submit[r] = submission.getMean() / 1e3;
            }
            return new Row(impl, name, median(submit), median(p50), median(p99), min(p50), max(p50), min(p99), max(p99),
                    (long) sizes.rounds() * sizes.perRound(), null);
        } catch (Exception e) {
            return new Row(impl, name, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0,
                    String.valueOf(e));
        }
    }

    private static void sample(Spawner spawner, int n, Histogram completion, Histogram submission) throws Exception {
        for (int i = 0; i < n; i++) {
            long t0 = System.nanoTime();
            Started s = spawner.start(TASK);
            long t1 = System.nanoTime();
            long ranAt = s.join();
            if (ranAt == Long.MIN_VALUE || ranAt < t0) throw new IllegalStateException("the task did not run: " + ranAt);
            submission.recordValue(t1 - t0);
            completion.recordValue(ranAt - t0);
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) { return Arrays.stream(v).min().orElse(Double.NaN); }

    private static double max(double[] v) { return Arrays.stream(v).max().orElse(Double.NaN); }
}
