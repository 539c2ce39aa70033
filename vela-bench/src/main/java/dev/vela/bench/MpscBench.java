package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * MPSC, the seed's scalability sweep done end to end: 1, 10, 50 or 100 producer virtual threads each
 * send {@value #PER_PRODUCER} values into one unbounded channel, one consumer virtual thread takes
 * them all. Score = messages the consumer took per second (checksummed). Each flow is the seed's
 * (producers × 1,000 messages, started afresh with a fresh channel, so thread start-up is part of
 * it, equally for every implementation); one invocation repeats the flow until
 * {@value #MESSAGES_PER_INVOCATION} messages have been delivered, so every parameter reports the
 * same unit. Vela producers each use their own Sender clone, as its API prescribes; the peers share
 * the queue object. JDK peers: the unbounded blocking queues.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class MpscBench {
    static final int PER_PRODUCER = 1_000;
    static final int MESSAGES_PER_INVOCATION = 100_000;

    @Param({"1", "10", "50", "100"}) int producers;
    @Param({"vela", "jox", "lbq", "ltq"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES_PER_INVOCATION)
    public long mpsc() throws InterruptedException {
        int perFlow = producers * PER_PRODUCER;
        if (MESSAGES_PER_INVOCATION % perFlow != 0) throw new IllegalStateException("producers must divide 100");
        long sum = 0;
        for (int delivered = 0; delivered < MESSAGES_PER_INVOCATION; delivered += perFlow)
            sum += Flows.mpsc(Pipe.create(impl, Pipe.UNBOUNDED), producers, perFlow);
        return sum;
    }
}
