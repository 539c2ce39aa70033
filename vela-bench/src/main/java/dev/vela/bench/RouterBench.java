package dev.vela.bench;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorSystem;
import dev.vela.actor.Router;
import dev.vela.actor.Routers;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Pool routers (ADR 0047): Vela's {@code Routers.pool(4, ...)} beside Pekko typed's
 * {@code Routers.pool(4, behavior)} (1.7.0), round robin and consistent hashing (10 virtual nodes per
 * routee for both), in the same JMH run; {@code impl} is {@code vela} or {@code pekko}.
 *
 * <p>{@link #tell1Sender}: the JMH thread tells {@value #MESSAGES} messages to the router; the
 * invocation ends when the routees have <em>processed</em> all of them (end to end, not enqueue). Each
 * message carries one of {@value #KEYS} keys (message {@code i} has key {@code i % KEYS}, as a
 * precomputed {@code String}, since Pekko's hash key is a {@code String}: both key functions only read
 * the field); the last {@value #KEYS} messages are markers, one per key. A routee counts every message
 * and counts a marker down on a shared counter; the invocation ends at the last marker. That is exact
 * with one sender: under consistent hashing each key's marker comes after all of that key's messages
 * at the same routee (per-sender order), and under round robin every routee gets some of the
 * {@value #KEYS} consecutive markers after all its other messages. (With several senders sharing the
 * round-robin sequence that last claim is only very likely, so there is no multi-sender case.)
 *
 * <p>Vela's router tells the chosen routee directly from the sender's thread; Pekko typed's pool
 * router is an actor that receives each message and forwards it to a routee.
 */
@State(Scope.Benchmark)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class RouterBench {
    static final int MESSAGES = 100_000;
    static final int KEYS = 1_024;
    static final int ROUTEES = 4;
    static final int VIRTUAL_NODES = 10;

    /** The message of both implementations: a key (for consistent hashing) and whether it is its key's last. */
    record Job(String key, boolean last) {}

    /** Which routing the pool uses. */
    @Param({"roundRobin", "consistentHash"}) String routing;
    /** Which actor library this trial runs: only that one is started. */
    @Param({"vela", "pekko"}) String impl;

    /** The markers still to be processed in this invocation, and the future completed at the last one. */
    static final class Markers {
        final AtomicInteger left = new AtomicInteger();
        volatile CompletableFuture<Void> done = new CompletableFuture<>();

        void hit() {
            if (left.decrementAndGet() == 0) done.complete(null);
        }

        CompletableFuture<Void> expect(int markers) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done = f;
            left.set(markers);  // quiescent: the previous invocation's markers were all processed
            return f;
        }
    }

    private final Markers markers = new Markers();
    private Job[] jobs;
    private ActorSystem vela;
    private org.apache.pekko.actor.typed.ActorSystem<Job> pekko;
    /** One tell to the router of {@link #impl}. */
    private Consumer<Job> tell;

    @Setup(Level.Trial)
    public void setUp() {
        jobs = new Job[MESSAGES];
        String[] keys = new String[KEYS];
        for (int k = 0; k < KEYS; k++) keys[k] = "key-" + k;
        for (int i = 0; i < MESSAGES; i++) jobs[i] = new Job(keys[i % KEYS], i >= MESSAGES - KEYS);
        boolean hash = switch (routing) {
            case "roundRobin" -> false;
            case "consistentHash" -> true;
            default -> throw new IllegalArgumentException("unknown routing: " + routing);
        };
        Markers m = markers;
        if (impl.equals("vela")) {
            vela = ActorSystem.create("bench");
            var spec = Routers.pool(ROUTEES, () -> new Actor<Job>() {
                private long count;   // a routee's own state

                @Override
                protected void receive(Job j) {
                    count++;
                    if (j.last()) m.hit();
                }
            });
            if (hash) spec = spec.consistentHash(Job::key, VIRTUAL_NODES);
            Router<Job> router = spec.spawn(vela, "pool");
            tell = router::tell;
        } else if (impl.equals("pekko")) {
            Behavior<Job> routee = Behaviors.setup(ctx -> {
                long[] count = {0};   // a routee's own state
                return Behaviors.receiveMessage(j -> {
                    count[0]++;
                    if (j.last()) m.hit();
                    return Behaviors.same();
                });
            });
            var pool = org.apache.pekko.actor.typed.javadsl.Routers.pool(ROUTEES, routee);
            pool = hash ? pool.withConsistentHashingRouting(VIRTUAL_NODES, Job::key) : pool.withRoundRobinRouting();
            var sys = org.apache.pekko.actor.typed.ActorSystem.create(pool, "bench");   // the guardian is the router
            pekko = sys;
            tell = sys::tell;
        } else {
            throw new IllegalArgumentException("unknown actor implementation: " + impl);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        ActorBench.stop(vela, pekko);
    }

    /** {@value #MESSAGES} tells from the JMH thread to a pool of {@value #ROUTEES}, ended when all are processed. */
    @Benchmark @BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS) @OperationsPerInvocation(MESSAGES)
    public void tell1Sender() throws Exception {
        CompletableFuture<Void> f = markers.expect(KEYS);
        Consumer<Job> t = tell;
        for (Job j : jobs) t.accept(j);
        f.get(60, TimeUnit.SECONDS);
    }
}
