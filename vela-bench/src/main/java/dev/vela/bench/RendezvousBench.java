package dev.vela.bench;

import org.openjdk.jmh.annotations.*;

import java.util.concurrent.TimeUnit;

/**
 * Rendezvous hand-off: no buffer, every send meets a receive. One producer and one consumer virtual
 * thread move {@value #MESSAGES} values; the score is hand-offs completed per second, end to end.
 * Peers: Jox's rendezvous channel, SynchronousQueue, LinkedTransferQueue.transfer and Exchanger
 * (which fits exactly this one-to-one shape).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class RendezvousBench {
    static final int MESSAGES = 50_000;

    @Param({"vela", "jox", "sq", "ltq", "exchanger"}) String impl;

    @Benchmark @OperationsPerInvocation(MESSAGES)
    public long handoff() throws InterruptedException {
        return Flows.mpsc(Pipe.create(impl, Pipe.RENDEZVOUS), 1, MESSAGES);
    }
}
