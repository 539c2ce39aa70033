package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * The seed's pipeline: {@code stages} unbounded channels in a row, producer → ch1 → relay → ch2 → …
 * → ch{@code stages} → consumer, every stage a virtual thread (so stages + 1 threads, as in the
 * seed). Score = messages that reached the END of the pipeline per second ({@value #MESSAGES} per
 * invocation, checksummed), so each message is counted once although it crosses every channel;
 * multiply by {@code stages} for channel hops per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class ChainBench {
    static final int MESSAGES = 10_000;

    @Param({"2", "3", "4", "5"}) int stages;
    @Param({"vela", "jox", "lbq", "ltq"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long chain() throws InterruptedException {
        Pipe[] pipes = new Pipe[stages];
        for (int i = 0; i < stages; i++) pipes[i] = Pipe.create(impl, Pipe.UNBOUNDED);
        return Flows.chain(pipes, MESSAGES);
    }
}
