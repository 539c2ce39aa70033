package dev.vela.bench;

import dev.vela.channel.Channel;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.*;

/**
 * The cost of channel metrics (issue 9): SPSC through a bounded channel of capacity 1024, metrics off
 * vs on ({@code Channel.builder().metrics(true)}), {@value #MESSAGES} values per invocation, end to end.
 * Not in the default {@code ./vela bench} run (its answer is one ratio, recorded in docs/performance.md);
 * run it with {@code java -jar vela-bench/target/vela-bench.jar MetricsBench}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 3, time = 1) @Measurement(iterations = 5, time = 1)
public class MetricsBench {
    static final int MESSAGES = 100_000;

    @Param({"off", "on"}) String metrics;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long spsc1024() throws InterruptedException {
        Channel<Long> ch = Channel.<Long>builder().capacity(1024).metrics(metrics.equals("on")).build();
        long[] sum = new long[1];
        Flows.runAll(List.of(
                () -> {
                    long s = 0;
                    for (int i = 0; i < MESSAGES; i++) s += ch.receiver().receive();
                    sum[0] = s;
                },
                () -> {
                    for (long i = 1; i <= MESSAGES; i++) ch.sender().send(i);
                }));
        long want = (long) MESSAGES * (MESSAGES + 1) / 2;
        if (sum[0] != want) throw new IllegalStateException("checksum " + sum[0]);
        return want;
    }
}
