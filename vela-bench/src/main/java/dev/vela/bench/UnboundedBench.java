package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * SPSC through an unbounded channel, measured END TO END: the score counts messages the consumer
 * virtual thread has taken (not what the producer managed to enqueue, which for an unbounded
 * channel only measures allocation speed; the seed's 1.26M msgs/s was that, reference W20).
 * {@value #MESSAGES} messages per invocation as in the seed, fresh channel each time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class UnboundedBench {
    static final int MESSAGES = 100_000;

    @Param({"vela", "jox", "lbq", "ltq"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long spsc() throws InterruptedException {
        return Flows.mpsc(Pipe.create(impl, Pipe.UNBOUNDED), 1, MESSAGES);
    }
}
