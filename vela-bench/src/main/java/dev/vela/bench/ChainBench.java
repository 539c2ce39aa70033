package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * A chain of {@value #STAGES} channels of capacity 16: producer → ch1 → relay → ch2 → … → ch5 →
 * consumer, every stage a virtual thread. Score = messages that reached the END of the chain per
 * second ({@value #MESSAGES} per invocation, checksummed), so each message is counted once although
 * it crosses five channels.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class ChainBench {
    static final int MESSAGES = 50_000;
    static final int STAGES = 5;
    static final int CAPACITY = 16;

    @Param({"vela", "jox", "abq", "lbq"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long chain() throws InterruptedException {
        Pipe[] pipes = new Pipe[STAGES];
        for (int i = 0; i < STAGES; i++) pipes[i] = Pipe.create(impl, CAPACITY);
        return Flows.chain(pipes, MESSAGES);
    }
}
