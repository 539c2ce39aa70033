package dev.vela.bench;

import dev.vela.worker.Semaphore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.openjdk.jmh.annotations.*;

/**
 * {@link Semaphore} (a bounded channel of permit tokens, ADR 0041) against
 * {@link java.util.concurrent.Semaphore}, fair and unfair: {@value #THREADS} virtual threads each
 * acquire and release {@value #OPS} times (blocking acquire, nothing done while holding), with 1 or 2
 * permits so that threads really contend and wait. Score = acquire/release pairs per second, from the
 * start of the threads to the end of the last one.
 * In {@code ./vela bench}'s default run with 1 permit only ({@code BenchMain}); plain JMH runs both.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class SemaphoreBench {
    static final int THREADS = 4;
    static final int OPS = 20_000;

    @Param({"1", "2"}) int permits;
    @Param({"vela", "juc-unfair", "juc-fair"}) String impl;

    /** What the implementations offer the scenario. */
    private interface Permits {
        void acquire() throws InterruptedException;

        void release();
    }

    @Benchmark @OperationsPerInvocation(THREADS * OPS)
    public void acquireRelease() throws InterruptedException {
        Permits p = switch (impl) {
            case "vela" -> {
                Semaphore s = Semaphore.create(permits);
                yield new Permits() {
                    @Override public void acquire() throws InterruptedException { s.acquire(); }
                    @Override public void release() { s.release(); }
                };
            }
            case "juc-unfair", "juc-fair" -> {
                var s = new java.util.concurrent.Semaphore(permits, impl.equals("juc-fair"));
                yield new Permits() {
                    @Override public void acquire() throws InterruptedException { s.acquire(); }
                    @Override public void release() { s.release(); }
                };
            }
            default -> throw new IllegalArgumentException(impl);
        };
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(THREADS);
        for (int t = 0; t < THREADS; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < OPS; i++) {
                        p.acquire();
                        p.release();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("a bench thread failed", failure.get());
        }
    }
}
