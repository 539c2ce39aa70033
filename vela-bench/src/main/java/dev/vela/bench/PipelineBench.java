package dev.vela.bench;

import dev.vela.pipeline.Pipeline;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.openjdk.jmh.annotations.*;

/**
 * Issue 7's pipelines against their peers, in one JMH run. Score = elements that reached the END of
 * the pipeline per second ({@code @OperationsPerInvocation}); every invocation checks its sum.
 *
 * <ul>
 *   <li>{@code map5}: source 0..N-1 → five {@code x + 1} stages → sum. Vela: one worker per stage,
 *       bounded channels of {@link Pipeline#DEFAULT_CAPACITY}; Jox: the same wiring by hand (7 virtual
 *       threads, {@code newBufferedChannel(64)}); Java: a parallel boxed stream; Pekko Streams 1.7.0:
 *       {@code Source.range...map x5...runWith(Sink.fold)} as users write it (Pekko fuses the stages
 *       into one actor).</li>
 *   <li>{@code mapPar4}: source → {@code f} on 4 workers → sum, with {@code f} ≈ a few hundred ns of
 *       CPU. Vela {@code mapPar(4)} (ordered) and {@code mapParUnordered(4)}; Jox: 4 hand-wired workers
 *       (unordered); Java: a parallel stream; Pekko: {@code mapAsync(4)} on its dispatcher (ordered).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class PipelineBench {
    static final int MAP_N = 100_000;
    static final int PAR_N = 20_000;
    static final int CAPACITY = 64;

    /** Shared Pekko actor system (created only when a Pekko case runs). */
    @State(Scope.Benchmark)
    public static class Map5 {
        @Param({"vela", "jox", "parallelStream", "pekko"}) String impl;
        ActorSystem system;

        @Setup public void setup() {
            if (impl.equals("pekko")) system = ActorSystem.create("bench");
        }

        @TearDown public void tearDown() throws Exception {
            if (system != null) system.terminate();
        }
    }

    @State(Scope.Benchmark)
    public static class MapPar {
        @Param({"vela", "velaUnordered", "jox", "parallelStream", "pekko"}) String impl;
        ActorSystem system;

        @Setup public void setup() {
            if (impl.equals("pekko")) system = ActorSystem.create("bench");
        }

        @TearDown public void tearDown() throws Exception {
            if (system != null) system.terminate();
        }
    }

    /** The mapPar workload: a few hundred nanoseconds of arithmetic the JIT cannot fold away. */
    static int work(int x) {
        int h = x;
        for (int i = 0; i < 200; i++) h = h * 31 + i;
        return h;
    }

    static final long MAP_SUM = (long) MAP_N * (MAP_N - 1) / 2 + 5L * MAP_N;
    static final long PAR_SUM = IntStream.range(0, PAR_N).mapToLong(PipelineBench::work).sum();

    private static long check(long got, long expected) {
        if (got != expected) throw new IllegalStateException("wrong sum " + got + ", expected " + expected);
        return got;
    }

    @Benchmark @OperationsPerInvocation(MAP_N)
    public long map5(Map5 s) throws Exception {
        long sum = switch (s.impl) {
            case "vela" -> Pipeline.range(0, MAP_N).map(x -> x + 1).map(x -> x + 1).map(x -> x + 1)
                    .map(x -> x + 1).map(x -> x + 1).fold(0L, (a, x) -> a + x).await();
            case "jox" -> joxMap5();
            case "parallelStream" -> IntStream.range(0, MAP_N).boxed().parallel().map(x -> x + 1).map(x -> x + 1)
                    .map(x -> x + 1).map(x -> x + 1).map(x -> x + 1).mapToLong(x -> x).sum();
            case "pekko" -> Source.range(0, MAP_N - 1).map(x -> x + 1).map(x -> x + 1).map(x -> x + 1)
                    .map(x -> x + 1).map(x -> x + 1)
                    .runWith(Sink.fold(0L, (a, x) -> a + x), s.system).toCompletableFuture().get();
            default -> throw new IllegalArgumentException(s.impl);
        };
        return check(sum, MAP_SUM);
    }

    @Benchmark @OperationsPerInvocation(PAR_N)
    public long mapPar4(MapPar s) throws Exception {
        long sum = switch (s.impl) {
            case "vela" -> Pipeline.range(0, PAR_N).mapPar(4, PipelineBench::work).fold(0L, (a, x) -> a + x).await();
            case "velaUnordered" -> Pipeline.range(0, PAR_N).mapParUnordered(4, PipelineBench::work)
                    .fold(0L, (a, x) -> a + x).await();
            case "jox" -> joxMapPar4();
            case "parallelStream" -> IntStream.range(0, PAR_N).boxed().parallel().map(PipelineBench::work)
                    .mapToLong(x -> x).sum();
            case "pekko" -> Source.range(0, PAR_N - 1)
                    .mapAsync(4, x -> CompletableFuture.supplyAsync(() -> work(x), s.system.dispatcher()))
                    .runWith(Sink.fold(0L, (a, x) -> a + x), s.system).toCompletableFuture().get();
            default -> throw new IllegalArgumentException(s.impl);
        };
        return check(sum, PAR_SUM);
    }

    // ------------------------------------------------------------------ Jox, wired by hand

    private static final Object END = new Object();

    @SuppressWarnings("unchecked")
    private static long joxMap5() throws Exception {
        com.softwaremill.jox.Channel<Object>[] ch = new com.softwaremill.jox.Channel[6];
        for (int i = 0; i < ch.length; i++) ch[i] = com.softwaremill.jox.Channel.newBufferedChannel(CAPACITY);
        Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < MAP_N; i++) ch[0].send(i);
                ch[0].send(END);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        for (int st = 0; st < 5; st++) {
            var in = ch[st];
            var out = ch[st + 1];
            Thread.ofVirtual().start(() -> {
                try {
                    Object v;
                    while ((v = in.receive()) != END) out.send((Integer) v + 1);
                    out.send(END);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
        }
        long sum = 0;
        Object v;
        while ((v = ch[5].receive()) != END) sum += (Integer) v;
        return sum;
    }

    private static long joxMapPar4() throws Exception {
        var in = com.softwaremill.jox.Channel.<Object>newBufferedChannel(CAPACITY);
        var out = com.softwaremill.jox.Channel.<Object>newBufferedChannel(CAPACITY);
        Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < PAR_N; i++) in.send(i);
                for (int w = 0; w < 4; w++) in.send(END);
            } catch (InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        AtomicInteger running = new AtomicInteger(4);
        for (int w = 0; w < 4; w++) {
            Thread.ofVirtual().start(() -> {
                try {
                    Object v;
                    while ((v = in.receive()) != END) out.send(work((Integer) v));
                    if (running.decrementAndGet() == 0) out.send(END);
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
        }
        long sum = 0;
        Object v;
        while ((v = out.receive()) != END) sum += (Integer) v;
        return sum;
    }
}
