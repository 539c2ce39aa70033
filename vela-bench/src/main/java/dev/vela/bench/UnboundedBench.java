package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * SPSC through an unbounded channel, measured END TO END: the score counts messages the consumer
 * virtual thread has taken (not what the producer managed to enqueue, which for an unbounded
 * channel only measures allocation speed). {@value #MESSAGES} messages per invocation, fresh channel each time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class UnboundedBench {
    static final int MESSAGES = 200_000;

    @Param({"vela", "jox", "lbq", "ltq"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long spsc() throws InterruptedException {
        return Flows.mpsc(Pipe.create(impl, Pipe.UNBOUNDED), 1, MESSAGES);
    }
}
