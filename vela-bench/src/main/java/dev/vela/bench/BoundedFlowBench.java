package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Issue 13's bounded flows, beside the seed's unbounded ones ({@link ChainBench}, {@link MpscBench}):
 * a pipeline of {@value #STAGES} channels of capacity {@value #CHAIN_CAPACITY} (every stage a virtual
 * thread, so a value is handed on {@value #STAGES} times through small buffers), and
 * {@value #PRODUCERS} producer virtual threads × 1,000 values into one channel of capacity
 * {@value #MPSC_CAPACITY} drained by one consumer. Score = messages that reached the consumer per second
 * (checksummed), {@value #MESSAGES} per invocation. JDK peers: the bounded blocking queues.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class BoundedFlowBench {
    static final int STAGES = 5;
    static final int CHAIN_CAPACITY = 16;
    static final int PRODUCERS = 100;
    static final int MPSC_CAPACITY = 1024;
    static final int MESSAGES = 100_000;

    @Param({"vela", "jox", "abq", "lbq"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long chain() throws InterruptedException {
        Pipe[] pipes = new Pipe[STAGES];
        for (int i = 0; i < STAGES; i++) pipes[i] = Pipe.create(impl, CHAIN_CAPACITY);
        return Flows.chain(pipes, MESSAGES);
    }

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long mpsc() throws InterruptedException {
        return Flows.mpsc(Pipe.create(impl, MPSC_CAPACITY), PRODUCERS, MESSAGES);
    }
}
