package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * {@value #PAIRS} independent channels (capacity 16), each with its own producer and consumer virtual
 * thread moving {@value #EACH} messages: many small, mostly idle channels, as in a server with one
 * channel per connection. Score = messages delivered per second over all pairs, end to end; creating
 * the channels and starting the 20,000 threads is part of the work, and the same for every implementation.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class PairsBench {
    static final int PAIRS = 10_000;
    static final int EACH = 10;
    static final int CAPACITY = 16;

    @Param({"vela", "jox", "abq", "lbq"}) String impl;

    @Benchmark @OperationsPerInvocation(PAIRS * EACH)
    public long pairs() throws InterruptedException {
        Pipe[] pipes = new Pipe[PAIRS];
        for (int i = 0; i < PAIRS; i++) pipes[i] = Pipe.create(impl, CAPACITY);
        return Flows.pairs(pipes, EACH);
    }
}
