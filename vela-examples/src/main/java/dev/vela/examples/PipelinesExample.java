package dev.vela.examples;

import dev.vela.pipeline.Pipeline;
import dev.vela.pipeline.PipelineFailedException;
import dev.vela.pipeline.PipelineRun;
import java.time.Duration;
import java.util.List;

/**
 * README: "Pipelines". The builder of {@code vela-pipeline}: the three-stage square-and-sum (42925) with a
 * parallel stage, a fan-out to three workers merged again, and a failure that stops every stage.
 */
public final class PipelinesExample {
    private PipelinesExample() {}

    public static void main(String[] args) throws Exception {
        long sum = Pipeline.range(1, 51)                 // 1..50
                .map(x -> (long) x * x)                  // fused with the source: one worker
                .mapPar(4, x -> x)                       // 4 workers, order kept
                .fold(0L, Long::sum)                     // runs on mapPar's collector; starts the run
                .await(Duration.ofSeconds(5));
        System.out.println("sum of squares 1..50 = " + sum);

        List<Pipeline<Integer>> shares = Pipeline.range(0, 12).roundRobin(3);          // fan-out
        List<Pipeline<Integer>> tens = shares.stream().map(p -> p.map(x -> x * 10)).toList();
        List<Integer> merged = Pipeline.merge(tens).toList().await(Duration.ofSeconds(5)); // fan-in
        System.out.println("merged " + merged.size() + " elements, sum = "
                + merged.stream().mapToInt(Integer::intValue).sum());

        PipelineRun<Long> failing = Pipeline.generate(() -> 1)                         // endless
                .map(x -> {
                    throw new IllegalStateException("bad element " + x);
                })
                .count();
        try {
            failing.await(Duration.ofSeconds(5));
        } catch (PipelineFailedException e) {
            System.out.println("failed: " + e.getCause().getMessage() + "; workers left: " + failing.activeWorkers());
        }
    }
}
