package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * SPSC through a buffered channel of capacity 16 and 1000 (the seed's "bounded throughput": capacity
 * 1000, 100,000 messages): one producer virtual thread sends {@value #MESSAGES} values, one consumer
 * virtual thread takes them. Score = messages delivered to
 * the consumer per second (end to end: the invocation ends when the consumer has them all and the
 * checksum matches), for Vela and its peers side by side. A fresh channel per invocation, so no
 * implementation starts warm or carries state between invocations.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class SpscBench {
    static final int MESSAGES = 100_000;

    @Param({"16", "1000"}) int capacity;
    @Param({"vela", "jox", "abq", "lbq"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long spsc() throws InterruptedException {
        return Flows.mpsc(Pipe.create(impl, capacity), 1, MESSAGES);
    }
}
