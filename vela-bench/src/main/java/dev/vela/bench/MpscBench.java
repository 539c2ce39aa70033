package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * MPSC: 1, 10 or 100 producer virtual threads share one channel of capacity 1024 and one consumer
 * virtual thread; together they send {@value #MESSAGES} values. Score = messages the consumer took
 * per second (end to end, checksummed). Vela producers each use their own Sender clone, as its API
 * prescribes; the peers share the queue object.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class MpscBench {
    static final int MESSAGES = 200_000;
    static final int CAPACITY = 1024;

    @Param({"1", "10", "100"}) int producers;
    @Param({"vela", "jox", "abq", "lbq"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long mpsc() throws InterruptedException {
        return Flows.mpsc(Pipe.create(impl, CAPACITY), producers, MESSAGES);
    }
}
