package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1,000 random failures under load: the supervisor restarts or resumes exactly as its strategy says,
 * and every message is accounted for (processed, failed in its handler, or a dead letter). The same
 * scenarios run at ten times the size under the "stress" tag.
 */
class FaultInjectionTest extends ActorTestBase {

    /** The size of one run: children of the supervisor, sending threads, messages per sender, injected failures. */
    record Load(int children, int senders, int perSender, int failures) {
        long total() {
            return (long) senders * perSender;
        }
    }

    static final Load DEFAULT = new Load(8, 4, 10_000, 1_000);
    static final Load LARGE = new Load(32, 8, 125_000, 10_000);

    enum Kind { OK, RESTART, RESUME }

    record Msg(int sender, int seq, Kind kind) {}

    /** Per child: counters the test checks against the strategy. */
    static final class Stats {
        final AtomicInteger ok = new AtomicInteger(), restartFailures = new AtomicInteger(), resumeFailures = new AtomicInteger();
        final AtomicInteger instances = new AtomicInteger(), postRestarts = new AtomicInteger();
        final ConcurrentLinkedQueue<String> fifoViolations = new ConcurrentLinkedQueue<>();
    }

    static final class Child extends Actor<Msg> {
        private final Stats stats;
        private final int[] lastSeq; // per sender; survives restarts on purpose (it checks the mailbox order)

        Child(Stats stats, int[] lastSeq) {
            this.stats = stats;
            this.lastSeq = lastSeq;
            stats.instances.incrementAndGet();
        }

        @Override
        protected void receive(Msg m) {
            if (m.seq() <= lastSeq[m.sender()]) stats.fifoViolations.add(m + " after " + lastSeq[m.sender()]);
            lastSeq[m.sender()] = m.seq();
            switch (m.kind()) {
                case OK -> stats.ok.incrementAndGet();
                case RESTART -> {
                    stats.restartFailures.incrementAndGet();
                    throw new IllegalStateException("injected restart failure " + m);
                }
                case RESUME -> {
                    stats.resumeFailures.incrementAndGet();
                    throw new IllegalArgumentException("injected resume failure " + m);
                }
            }
        }

        @Override
        protected void postRestart(Throwable cause) {
            stats.postRestarts.incrementAndGet();
        }
    }

    static final class Supervisor extends Actor<String> {
        private final SupervisorStrategy strategy;
        private final Stats[] stats;
        private final List<ActorRef<Msg>> out;
        private final CountDownLatch ready;

        private final int senders;

        Supervisor(SupervisorStrategy strategy, Stats[] stats, List<ActorRef<Msg>> out, CountDownLatch ready, int senders) {
            this.senders = senders;
            this.strategy = strategy;
            this.stats = stats;
            this.out = out;
            this.ready = ready;
        }

        @Override
        protected void preStart() {
            for (int i = 0; i < stats.length; i++) {
                Stats s = stats[i];
                int[] last = new int[senders];
                java.util.Arrays.fill(last, -1);
                out.add(context().spawn("child-" + i, () -> new Child(s, last)));
            }
            ready.countDown();
        }

        @Override
        protected void receive(String m) {}

        @Override
        protected SupervisorStrategy supervisorStrategy() {
            return strategy;
        }
    }

    /** The plan: which (sender, seq) messages fail, and how; same seed, same plan. */
    private static Kind[][] plan(long seed, Load load) {
        Random rnd = new Random(seed);
        Kind[][] p = new Kind[load.senders()][load.perSender()];
        for (Kind[] row : p) java.util.Arrays.fill(row, Kind.OK);
        int placed = 0;
        while (placed < load.failures()) {
            int s = rnd.nextInt(load.senders()), q = rnd.nextInt(load.perSender());
            if (p[s][q] != Kind.OK) continue;
            p[s][q] = rnd.nextInt(4) == 0 ? Kind.RESUME : Kind.RESTART;
            placed++;
        }
        return p;
    }

    private List<Thread> send(Kind[][] plan, List<ActorRef<Msg>> children, int[][] target, AtomicLong sent) {
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < plan.length; s++) {
            int sender = s;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int q = 0; q < plan[sender].length; q++) {
                    children.get(target[sender][q]).tell(new Msg(sender, q, plan[sender][q]));
                    sent.incrementAndGet();
                }
            }));
        }
        return threads;
    }

    private static int[][] targets(long seed, Load load) {
        Random rnd = new Random(seed ^ 0x5DEECE66DL);
        int[][] t = new int[load.senders()][load.perSender()];
        for (int[] row : t) for (int q = 0; q < row.length; q++) row[q] = rnd.nextInt(load.children());
        return t;
    }

    /** A supervisor with its children (one-for-one: IllegalArgumentException resumes, others restart), ready, and a random plan. */
    private record Tree(long seed, Kind[][] plan, int[][] target, Stats[] stats, List<ActorRef<Msg>> children, ActorRef<String> supervisor) {}

    private Tree startTree(Load load) throws InterruptedException {
        long seed = System.nanoTime();
        Kind[][] plan = plan(seed, load);
        int[][] target = targets(seed, load);
        Stats[] stats = new Stats[load.children()];
        for (int i = 0; i < stats.length; i++) stats[i] = new Stats();
        List<ActorRef<Msg>> children = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        SupervisorStrategy strategy = SupervisorStrategy.oneForOne()
                .withDecider(t -> t instanceof IllegalArgumentException ? Directive.RESUME : Directive.RESTART)
                .withMaxRestarts(Integer.MAX_VALUE, Duration.ofMinutes(1));
        ActorRef<String> sup = system.spawn("sup", () -> new Supervisor(strategy, stats, children, ready, load.senders()));
        assertTrue(ready.await(10, TimeUnit.SECONDS));
        return new Tree(seed, plan, target, stats, children, sup);
    }

    @Test
    void thousandRandomFailuresRestartOrResumeExactlyAsThePolicySaysAndLoseNothing() throws Exception {
        randomFailuresRestartOrResumeExactlyAsThePolicySays(DEFAULT);
    }

    @Test
    @Tag("stress")
    @Timeout(600)
    void tenThousandRandomFailuresOverAMillionMessages() throws Exception {
        randomFailuresRestartOrResumeExactlyAsThePolicySays(LARGE);
    }

    private void randomFailuresRestartOrResumeExactlyAsThePolicySays(Load load) throws Exception {
        Tree tree = startTree(load);
        long seed = tree.seed();
        Kind[][] plan = tree.plan();
        int[][] target = tree.target();
        Stats[] stats = tree.stats();
        List<ActorRef<Msg>> children = tree.children();
        AtomicLong sent = new AtomicLong();
        for (Thread t : send(plan, children, target, sent)) assertTrue(t.join(Duration.ofMinutes(5)), "sender stuck");
        long total = load.total();
        eventuallyWithin(Duration.ofMinutes(5), "every message handled", () -> handled(stats) == total);

        int expectedRestarts = 0, expectedResumes = 0;
        int[] restartsPerChild = new int[load.children()];
        for (int s = 0; s < load.senders(); s++) {
            for (int q = 0; q < load.perSender(); q++) {
                if (plan[s][q] == Kind.RESTART) {
                    expectedRestarts++;
                    restartsPerChild[target[s][q]]++;
                } else if (plan[s][q] == Kind.RESUME) {
                    expectedResumes++;
                }
            }
        }
        assertEquals(load.failures(), expectedRestarts + expectedResumes);
        int restarts = 0, resumes = 0;
        for (int i = 0; i < load.children(); i++) {
            Stats s = stats[i];
            assertEquals(restartsPerChild[i], s.restartFailures.get(), "seed " + seed + ": child " + i);
            assertEquals(restartsPerChild[i], s.postRestarts.get(), "seed " + seed + ": restarts of child " + i);
            assertEquals(1 + restartsPerChild[i], s.instances.get(), "seed " + seed + ": instances of child " + i);
            assertEquals(List.of(), List.copyOf(s.fifoViolations), "seed " + seed + ": per-sender FIFO of child " + i);
            restarts += s.postRestarts.get();
            resumes += s.resumeFailures.get();
        }
        assertEquals(expectedRestarts, restarts);
        assertEquals(expectedResumes, resumes);
        assertEquals(0, system.deadLetters().count(), "nothing is dropped while the actors live");
        assertEquals(total, sent.get());
    }

    private static long handled(Stats[] stats) {
        long n = 0;
        for (Stats s : stats) n += s.ok.get() + s.restartFailures.get() + s.resumeFailures.get();
        return n;
    }

    @Test
    void stoppingTheTreeUnderLoadAccountsForEveryMessage() throws Exception {
        stoppingTheTreeUnderLoadAccountsForEveryMessage(DEFAULT);
    }

    @Test
    @Tag("stress")
    @Timeout(600)
    void stoppingALargeTreeUnderHeavyLoadAccountsForEveryMessage() throws Exception {
        stoppingTheTreeUnderLoadAccountsForEveryMessage(LARGE);
    }

    private void stoppingTheTreeUnderLoadAccountsForEveryMessage(Load load) throws Exception {
        Tree tree = startTree(load);
        long seed = tree.seed();
        Kind[][] plan = tree.plan();
        int[][] target = tree.target();
        Stats[] stats = tree.stats();
        List<ActorRef<Msg>> children = tree.children();
        ActorRef<String> sup = tree.supervisor();
        AtomicLong sent = new AtomicLong();
        List<Thread> senders = send(plan, children, target, sent);
        eventually("some progress", () -> handled(stats) > load.total() / 8);
        sup.stop();
        for (Thread t : senders) assertTrue(t.join(Duration.ofMinutes(5)), "sender stuck");
        sup.whenTerminated().get(5, TimeUnit.MINUTES);
        long total = load.total();
        assertEquals(total, handled(stats) + system.deadLetters().count(), "seed " + seed);
        for (ActorRef<Msg> c : children) assertTrue(c.whenTerminated().isDone());
    }

    @Test
    void theRestartLimitStopsTheChildAfterExactlyMaxRestartsAndTheRestAreDeadLetters() throws Exception {
        Stats[] stats = {new Stats()};
        List<ActorRef<Msg>> children = new java.util.concurrent.CopyOnWriteArrayList<>();
        CountDownLatch ready = new CountDownLatch(1);
        Probe<Throwable> escalated = new Probe<>();
        ActorSystem s = ActorSystem.create("limit-load", SupervisorStrategy.oneForOne().withDecider(t -> {
            escalated.add(t);
            return Directive.STOP;
        }));
        try {
            s.spawn("sup", () -> new Supervisor(SupervisorStrategy.oneForOne().withMaxRestarts(5, Duration.ofMinutes(1)),
                    stats, children, ready, 1));
            assertTrue(ready.await(10, TimeUnit.SECONDS));
            ActorRef<Msg> c = children.get(0);
            int total = 2_000;
            for (int q = 0; q < total; q++) c.tell(new Msg(0, q, q % 100 == 99 ? Kind.RESTART : Kind.OK));
            Terminated t = awaitTerminated(c);
            assertInstanceOf(RestartLimitExceededException.class, t.cause());
            assertInstanceOf(RestartLimitExceededException.class, escalated.next());
            assertEquals(5, stats[0].postRestarts.get());
            assertEquals(6, stats[0].restartFailures.get());
            assertEquals(600 - 6, stats[0].ok.get());
            assertEquals(total, handled(stats) + s.deadLetters().count());
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        }
    }
}
