package dev.vela.bench;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorRef;
import dev.vela.actor.ActorSystem;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
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
 * Issue 6: Vela actors beside Apache Pekko typed actors (1.7.0) in the same JMH run.
 *
 * <p>Each method runs once per {@code impl} ({@code vela}, {@code pekko}), so {@code ./vela bench}
 * reports Vela ÷ Pekko per row.
 * <ul>
 *   <li>{@code tell1Sender}: one thread tells {@value #MESSAGES} messages to one actor; the
 *       invocation ends when the actor has <em>processed</em> the last one (end to end, not enqueue).</li>
 *   <li>{@code tell100Senders}: 100 virtual threads tell {@value #PER_SENDER} messages each into one
 *       actor, same end-to-end measure.</li>
 *   <li>{@code ask}: sequential ask round trips (request → actor → reply future) per second.</li>
 * </ul>
 * Both counters do the same work per message (increment, compare with a volatile target). Memory per
 * idle actor is not a JMH benchmark: run {@code java -cp vela-bench.jar dev.vela.bench.ActorBench}
 * ({@link #main}), which keeps 1,000,000 idle actors of each kind alive and divides the retained heap,
 * for Vela both freshly spawned and after each actor has processed one message (its mailbox's channel
 * then has been used; an idle Vela actor holds no thread either way, see ADR 0026).
 */
@State(Scope.Benchmark)
@Fork(1) @Warmup(iterations = 2, time = 1) @Measurement(iterations = 3, time = 1)
public class ActorBench {
    static final int MESSAGES = 100_000;
    static final int SENDERS = 100;
    static final int PER_SENDER = 1_000;

    // ---------------------------------------------------------------- messages
    /** Vela's counter protocol. */
    sealed interface VMsg permits VInc, VPing {}
    record VInc() implements VMsg {}
    record VPing(ActorRef<Long> replyTo) implements VMsg {}
    static final VInc V_INC = new VInc();

    /** Pekko's counter protocol. */
    sealed interface PMsg permits PInc, PPing {}
    record PInc() implements PMsg {}
    record PPing(org.apache.pekko.actor.typed.ActorRef<Long> replyTo) implements PMsg {}
    static final PInc P_INC = new PInc();

    /** What both counters share: the number to reach, and the future to complete there. */
    static final class Target {
        volatile long target = Long.MAX_VALUE;
        volatile CompletableFuture<Void> done = new CompletableFuture<>();
        long count; // only the actor's thread

        void hit() {
            if (++count == target) done.complete(null);
        }

        CompletableFuture<Void> expect(long more) {
            CompletableFuture<Void> f = new CompletableFuture<>();
            done = f;
            target = count + more; // count is quiescent here: the previous invocation completed
            return f;
        }
    }

    /** Which actor library this trial runs: only that one is started. */
    @Param({"vela", "pekko"}) String impl;

    private ActorSystem vela;
    private ActorRef<VMsg> velaCounter;
    private org.apache.pekko.actor.typed.ActorSystem<PMsg> pekko;
    private final Target target = new Target();
    /** One increment message to the counter of {@link #impl}. */
    private Runnable tell;
    /** One ask round trip to the counter of {@link #impl}. */
    private Callable<Long> ask;

    @Setup(Level.Trial)
    public void setUp() {
        Target t = target;
        if (impl.equals("vela")) {
            vela = ActorSystem.create("bench");
            velaCounter = vela.spawn("counter", () -> new Actor<VMsg>() {
                @Override
                protected void receive(VMsg m) {
                    switch (m) {
                        case VInc i -> t.hit();
                        case VPing p -> p.replyTo().tell(t.count);
                    }
                }
            });
            ActorRef<VMsg> c = velaCounter;
            tell = () -> c.tell(V_INC);
            ask = () -> c.<Long>ask(VPing::new, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS);
        } else if (impl.equals("pekko")) {
            Behavior<PMsg> counter = Behaviors.receiveMessage(m -> {
                switch (m) {
                    case PInc i -> t.hit();
                    case PPing p -> p.replyTo().tell(t.count);
                }
                return Behaviors.same();
            });
            var sys = org.apache.pekko.actor.typed.ActorSystem.create(counter, "bench");
            pekko = sys;
            tell = () -> sys.tell(P_INC);
            ask = () -> AskPattern.<PMsg, Long>ask(sys, PPing::new, Duration.ofSeconds(10), sys.scheduler())
                    .toCompletableFuture().get(10, TimeUnit.SECONDS);
        } else {
            throw new IllegalArgumentException("unknown actor implementation: " + impl);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        stop(vela, pekko);
    }

    /** Stops whichever of the two systems a trial started (either may be null), waiting up to 30 s for each. */
    static void stop(ActorSystem vela, org.apache.pekko.actor.typed.ActorSystem<?> pekko) throws Exception {
        if (vela != null) {
            vela.shutdown();
            vela.awaitTermination(Duration.ofSeconds(30));
        }
        if (pekko != null) {
            pekko.terminate();
            pekko.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    private static void await(CompletableFuture<Void> f) throws Exception {
        f.get(60, TimeUnit.SECONDS);
    }

    /** Tell, 1 sender: {@value #MESSAGES} messages from the JMH thread, ended when the actor has counted them all. */
    @Benchmark @BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS) @OperationsPerInvocation(MESSAGES)
    public void tell1Sender() throws Exception {
        CompletableFuture<Void> f = target.expect(MESSAGES);
        Runnable t = tell;
        for (int i = 0; i < MESSAGES; i++) t.run();
        await(f);
    }

    /** Tell, {@value #SENDERS} virtual-thread senders × {@value #PER_SENDER} messages into one actor. */
    @Benchmark @BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS) @OperationsPerInvocation(SENDERS * PER_SENDER)
    public void tell100Senders() throws Exception {
        CompletableFuture<Void> f = target.expect((long) SENDERS * PER_SENDER);
        Runnable t = tell;
        List<Thread> ts = new ArrayList<>(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            ts.add(Thread.ofVirtual().start(() -> {
                for (int i = 0; i < PER_SENDER; i++) t.run();
            }));
        }
        for (Thread th : ts) th.join();
        await(f);
    }

    /** Ask round trips per second, one at a time from the JMH thread (higher is better). */
    @Benchmark @BenchmarkMode(Mode.Throughput) @OutputTimeUnit(TimeUnit.SECONDS)
    public long ask() throws Exception {
        return ask.call();
    }

    // ---------------------------------------------------------------- memory per idle actor
    /** Heap in use after full collections (lowest of a few reads, nothing allocated in between). */
    static long usedHeap() throws InterruptedException {
        long best = Long.MAX_VALUE;
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }

    /**
     * Bytes per idle Vela actor with {@code n} alive: freshly spawned, or ({@code afterOneMessage}) each
     * after it has processed one message.
     */
    static double velaBytesPerIdleActor(int n, boolean afterOneMessage) throws Exception {
        ActorSystem sys = ActorSystem.create("memory");
        try {
            CountDownLatch started = new CountDownLatch(n), handled = new CountDownLatch(afterOneMessage ? n : 0);
            // warm up class loading and the system's own objects before the baseline
            sys.spawn(null, () -> new Actor<String>() {
                @Override
                protected void receive(String m) {}
            }).stop();
            // one factory for all, as Pekko's side shares one Behavior; each actor still gets its own instance
            Supplier<Actor<String>> factory = () -> new Actor<String>() {
                @Override
                protected void preStart() {
                    started.countDown();
                }

                @Override
                protected void receive(String m) {
                    handled.countDown();
                }
            };
            long before = usedHeap();
            List<ActorRef<String>> refs = new ArrayList<>(n);
            for (int i = 0; i < n; i++) refs.add(sys.spawn(null, factory));
            if (!started.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("actors did not start");
            if (afterOneMessage) {
                for (ActorRef<String> r : refs) r.tell("hello");
                if (!handled.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("messages not handled");
            }
            Thread.sleep(3000); // let every actor go idle (its runner thread ends)
            long after = usedHeap();
            long refList = 16L + 4L * n; // the benchmark's own ArrayList (compressed oops) is not the actors'
            Reference.reachabilityFence(refs);
            return (after - before - refList) / (double) n;
        } finally {
            sys.shutdown();
            sys.awaitTermination(Duration.ofMinutes(5));
        }
    }

    /** Bytes per idle Pekko typed actor with {@code n} alive (children of one parent). */
    static double pekkoBytesPerIdleActor(int n) throws Exception {
        CountDownLatch spawned = new CountDownLatch(1);
        Behavior<String> idle = Behaviors.receiveMessage(m -> Behaviors.same());
        Behavior<String> parent = Behaviors.setup(ctx -> {
            for (int i = 0; i < n; i++) ctx.spawnAnonymous(idle);
            spawned.countDown();
            return Behaviors.receiveMessage(m -> Behaviors.same());
        });
        org.apache.pekko.actor.typed.ActorSystem<String> warm =
                org.apache.pekko.actor.typed.ActorSystem.create(Behaviors.receiveMessage(m -> Behaviors.same()), "warm");
        org.apache.pekko.actor.typed.ActorSystem<String> base = null;
        try {
            long before = usedHeap();
            base = org.apache.pekko.actor.typed.ActorSystem.create(parent, "memory");
            if (!spawned.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("actors not spawned");
            Thread.sleep(1000);
            long after = usedHeap();
            return (after - before) / (double) n;
        } finally {
            warm.terminate();
            if (base != null) {
                base.terminate();
                base.getWhenTerminated().toCompletableFuture().get(5, TimeUnit.MINUTES);
            }
            warm.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
        }
    }

    /**
     * Memory per idle actor, Vela and Pekko: {@code java -cp vela-bench.jar dev.vela.bench.ActorBench [N]}
     * (N defaults to 1,000,000). Run with a large heap, e.g. {@code -Xmx8g}.
     *
     * @param args optional actor count
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        System.out.printf("JDK %s, %d CPUs, %d idle actors%n", Runtime.version(), Runtime.getRuntime().availableProcessors(), n);
        double v = velaBytesPerIdleActor(n, false);
        System.out.printf("Vela : %.0f bytes per idle actor%n", v);
        double vm = velaBytesPerIdleActor(n, true);
        System.out.printf("Vela : %.0f bytes per idle actor that has processed one message%n", vm);
        double p = pekkoBytesPerIdleActor(n);
        System.out.printf("Pekko: %.0f bytes per idle actor (includes one ActorSystem's fixed cost / N)%n", p);
        System.out.printf("Vela / Pekko = %.2f%n", v / p);
    }
}
