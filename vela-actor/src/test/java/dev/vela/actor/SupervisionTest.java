package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Directives, strategies, intensity, backoff, escalation through trees, and death watch. */
class SupervisionTest extends ActorTestBase {

    /** Counts instances and records lifecycle events as "name:event". */
    static final class Worker extends Actor<String> {
        static final Map<String, AtomicInteger> INSTANCES = new ConcurrentHashMap<>();
        private final String label;
        private final Probe<String> events;
        private int state;

        Worker(String label, Probe<String> events) {
            this.label = label;
            this.events = events;
            INSTANCES.computeIfAbsent(label, k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        protected void preStart() {
            events.add(label + ":start");
        }

        @Override
        protected void receive(String m) {
            switch (m) {
                case "inc" -> state++;
                case "get" -> events.add(label + ":state=" + state);
                case "iae" -> throw new IllegalArgumentException(label + " bad");
                case "ise" -> throw new IllegalStateException(label + " broken");
                case "err" -> throw new AssertionError(label + " error");
                default -> events.add(label + ":" + m);
            }
        }

        @Override
        protected void preRestart(Throwable cause) {
            events.add(label + ":preRestart(" + cause.getMessage() + ")");
        }

        @Override
        protected void postRestart(Throwable cause) throws Exception {
            events.add(label + ":postRestart(" + cause.getMessage() + ")");
            super.postRestart(cause);
        }

        @Override
        protected void postStop() {
            events.add(label + ":stop");
        }
    }

    /** A parent with a given strategy that spawns the given children in order and hands their refs over. */
    static final class Parent extends Actor<String> {
        private final SupervisorStrategy strategy;
        private final List<String> names;
        private final Supplier<Probe<String>> probe;
        private final Probe<List<ActorRef<String>>> refs;

        Parent(SupervisorStrategy strategy, List<String> names, Probe<String> events, Probe<List<ActorRef<String>>> refs) {
            this.strategy = strategy;
            this.names = names;
            this.probe = () -> events;
            this.refs = refs;
        }

        @Override
        protected void preStart() {
            List<ActorRef<String>> kids = new ArrayList<>();
            for (String n : names) kids.add(context().spawn(n, () -> new Worker(n, probe.get())));
            refs.add(kids);
        }

        @Override
        protected void receive(String m) {}

        @Override
        protected SupervisorStrategy supervisorStrategy() {
            return strategy;
        }
    }

    private final Probe<String> events = new Probe<>();
    private final Probe<List<ActorRef<String>>> refs = new Probe<>();

    private List<ActorRef<String>> parentWith(String name, SupervisorStrategy s, String... children) throws Exception {
        system.spawn(name, () -> new Parent(s, List.of(children), events, refs));
        List<ActorRef<String>> kids = refs.next();
        java.util.Set<String> started = new java.util.HashSet<>();
        for (int i = 0; i < children.length; i++) started.add(events.next());
        java.util.Set<String> expected = new java.util.HashSet<>();
        for (String c : children) expected.add(c + ":start");
        assertEquals(expected, started);
        return kids;
    }

    private void expect(String... expected) throws InterruptedException {
        expectWithin(Probe.WAIT, expected);
    }

    /** For virtual time, where a wait of minutes takes no real time. */
    private void expectWithin(Duration max, String... expected) throws InterruptedException {
        for (String e : expected) assertEquals(e, events.next(max));
    }

    @Test
    void resumeKeepsTheInstanceAndItsState() throws Exception {
        var kids = parentWith("p", SupervisorStrategy.oneForOne()
                .withDecider(t -> t instanceof IllegalArgumentException ? Directive.RESUME : Directive.RESTART), "w");
        ActorRef<String> w = kids.get(0);
        w.tell("inc");
        w.tell("iae");
        w.tell("inc");
        w.tell("get");
        expect("w:state=2");
        assertEquals(1, Worker.INSTANCES.get("w").get());
    }

    @Test
    void restartMakesANewInstanceKeepsTheMailboxAndDropsTheFailedMessage() throws Exception {
        Worker.INSTANCES.remove("r");
        var kids = parentWith("p", SupervisorStrategy.oneForOne(), "r");
        ActorRef<String> r = kids.get(0);
        r.tell("inc");
        r.tell("ise");
        r.tell("inc");
        r.tell("get");
        expect("r:preRestart(r broken)", "r:postRestart(r broken)", "r:start", "r:state=1");
        assertEquals(2, Worker.INSTANCES.get("r").get());
        assertEquals(0, system.deadLetters().count());
    }

    @Test
    void stopDirectiveStopsTheChildAndWatchersSeeTheCause() throws Exception {
        var kids = parentWith("p", SupervisorStrategy.oneForOne().withDecider(t -> Directive.STOP), "s");
        ActorRef<String> s = kids.get(0);
        s.tell("ise");
        expect("s:stop");
        Terminated t = awaitTerminated(s);
        assertInstanceOf(IllegalStateException.class, t.cause());
        assertSame(s, t.actor());
    }

    @Test
    void oneForAllRestartsEverySibling() throws Exception {
        for (String n : List.of("a1", "b1", "c1")) Worker.INSTANCES.remove(n);
        var kids = parentWith("p", SupervisorStrategy.oneForAll(), "a1", "b1", "c1");
        kids.get(1).tell("ise");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 9; i++) seen.add(events.next());
        for (String n : List.of("a1", "b1", "c1")) {
            assertTrue(seen.contains(n + ":postRestart(b1 broken)"), seen.toString());
            assertEquals(2, Worker.INSTANCES.get(n).get(), n);
        }
    }

    @Test
    void restForOneRestartsTheFailingChildAndThoseSpawnedAfterIt() throws Exception {
        for (String n : List.of("a2", "b2", "c2")) Worker.INSTANCES.remove(n);
        var kids = parentWith("p", SupervisorStrategy.restForOne(), "a2", "b2", "c2");
        kids.get(1).tell("ise");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) seen.add(events.next());
        events.expectNothing(Duration.ofMillis(100));
        assertEquals(1, Worker.INSTANCES.get("a2").get());
        assertEquals(2, Worker.INSTANCES.get("b2").get());
        assertEquals(2, Worker.INSTANCES.get("c2").get());
        assertTrue(seen.stream().noneMatch(e -> e.startsWith("a2")), seen.toString());
    }

    @Test
    void overTheRestartLimitTheChildStopsAndTheSupervisorEscalates() throws Exception {
        Probe<Throwable> topDecisions = new Probe<>();
        SupervisorStrategy top = SupervisorStrategy.oneForOne().withDecider(t -> {
            topDecisions.add(t);
            return Directive.STOP;
        });
        ActorSystem s = ActorSystem.create("limit", top);
        try {
            s.spawn("p", () -> new Parent(SupervisorStrategy.oneForOne().withMaxRestarts(2, Duration.ofSeconds(30)),
                    List.of("l"), events, refs));
            ActorRef<String> l = refs.next().get(0);
            expect("l:start");
            l.tell("ise");
            expect("l:preRestart(l broken)", "l:postRestart(l broken)", "l:start");
            l.tell("ise");
            expect("l:preRestart(l broken)", "l:postRestart(l broken)", "l:start");
            l.tell("ise");
            expect("l:stop");
            Terminated t = awaitTerminated(l);
            assertInstanceOf(RestartLimitExceededException.class, t.cause());
            assertInstanceOf(IllegalStateException.class, t.cause().getCause());
            Throwable escalated = topDecisions.next();
            assertInstanceOf(RestartLimitExceededException.class, escalated);
            assertTrue(escalated.getMessage().contains("/user/p/l"), escalated.getMessage());
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        }
    }

    @Test
    void countedPerSupervisorTheRestartsOfAllChildrenShareOneBudgetAndTheLimitStopsThemAll() throws Exception {
        Probe<Throwable> topDecisions = new Probe<>();
        ActorSystem s = ActorSystem.create("persup", SupervisorStrategy.oneForOne().withDecider(t -> {
            topDecisions.add(t);
            return Directive.STOP;
        }));
        try {
            s.spawn("p", () -> new Parent(SupervisorStrategy.oneForOne().withMaxRestarts(2, Duration.ofSeconds(30))
                    .withRestartCounting(SupervisorStrategy.RestartCounting.PER_SUPERVISOR), List.of("x", "y", "z"), events, refs));
            List<ActorRef<String>> kids = refs.next();
            java.util.Set<String> starts = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) starts.add(events.next());
            assertEquals(java.util.Set.of("x:start", "y:start", "z:start"), starts);
            kids.get(0).tell("ise");
            expect("x:preRestart(x broken)", "x:postRestart(x broken)", "x:start");
            kids.get(1).tell("ise");
            expect("y:preRestart(y broken)", "y:postRestart(y broken)", "y:start");
            kids.get(2).tell("ise");                   // the third restart of any child within 30 s: over the limit
            java.util.Set<String> stops = new java.util.HashSet<>();
            for (int i = 0; i < 3; i++) stops.add(events.next());
            assertEquals(java.util.Set.of("x:stop", "y:stop", "z:stop"), stops, "Erlang: the supervisor stops all its children");
            for (ActorRef<String> k : kids) assertInstanceOf(RestartLimitExceededException.class, awaitTerminated(k).cause());
            Throwable escalated = topDecisions.next();
            assertInstanceOf(RestartLimitExceededException.class, escalated);
            assertTrue(escalated.getMessage().contains("of the children of vela://persup/user/p within"), escalated.getMessage());
            assertInstanceOf(IllegalStateException.class, escalated.getCause());
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        }
    }

    @Test
    void countedPerChildTheSameFailuresRestartEveryChild() throws Exception {
        var kids = parentWith("p", SupervisorStrategy.oneForOne().withMaxRestarts(2, Duration.ofSeconds(30)), "x", "y", "z");
        for (int i = 0; i < 3; i++) {
            String n = List.of("x", "y", "z").get(i);
            kids.get(i).tell("ise");
            expect(n + ":preRestart(" + n + " broken)", n + ":postRestart(" + n + " broken)", n + ":start");
        }
        assertEquals(SupervisorStrategy.RestartCounting.PER_CHILD, SupervisorStrategy.oneForOne().restartCounting());
        assertTrue(SupervisorStrategy.oneForOne().withRestartCounting(SupervisorStrategy.RestartCounting.PER_SUPERVISOR)
                .toString().contains("per supervisor"));
        assertThrows(NullPointerException.class, () -> SupervisorStrategy.oneForOne().withRestartCounting(null));
    }

    // ---- restart window and backoff, in virtual time: exact instants (real-clock smoke tests below)

    @Test
    void restartsOutsideTheWindowDoNotCount() throws Exception {
        inVirtualTime(clock -> {
            var kids = parentWith("p", SupervisorStrategy.oneForOne().withMaxRestarts(1, ms(150)), "win");
            ActorRef<String> w = kids.get(0);
            for (int i = 0; i < 3; i++) {
                w.tell("ise");
                expect("win:preRestart(win broken)", "win:postRestart(win broken)", "win:start");
                assertEquals(ms(200L * i), clock.elapsed(), "restart " + (i + 1) + " at once (no backoff)");
                Timers.sleep(ms(200));
            }
            w.tell("get");
            expect("win:state=0");
        });
    }

    @Test
    void theRestartWindowEndsExactlyWindowAfterARestart() throws Exception {
        inVirtualTime(clock -> {
            var kids = parentWith("p", SupervisorStrategy.oneForOne().withMaxRestarts(1, ms(150)), "edge");
            ActorRef<String> w = kids.get(0);
            w.tell("ise");                                   // +0: restart 1 of 1
            expect("edge:preRestart(edge broken)", "edge:postRestart(edge broken)", "edge:start");
            Timers.sleep(ms(150).plusNanos(1));              // one nanosecond past the window: restart 1 no longer counts
            w.tell("ise");
            expect("edge:preRestart(edge broken)", "edge:postRestart(edge broken)", "edge:start");
            assertEquals(ms(150).plusNanos(1), clock.elapsed());
            Timers.sleep(ms(150));                           // exactly the window after restart 2: it still counts
            w.tell("ise");
            expect("edge:stop");
            Terminated t = awaitTerminated(w);
            assertInstanceOf(RestartLimitExceededException.class, t.cause());
            assertEquals(ms(300).plusNanos(1), clock.elapsed());
        });
    }

    @Test
    void exponentialBackoffDelaysEachRestartUpToTheCap() throws Exception {
        inVirtualTime(clock -> {
            Backoff b = Backoff.exponential(ms(100), ms(500));      // 100, 200, 400, 500, 500 ms
            var kids = parentWith("p", SupervisorStrategy.oneForOne().withMaxRestarts(10, Duration.ofMinutes(1)).withBackoff(b), "bo");
            ActorRef<String> w = kids.get(0);
            List<Duration> restartedAt = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                w.tell("ise");                                       // fails at once, at the instant of the last restart
                expect("bo:preRestart(bo broken)", "bo:postRestart(bo broken)", "bo:start");
                restartedAt.add(clock.elapsed());
            }
            assertEquals(List.of(ms(100), ms(300), ms(700), ms(1200), ms(1700)), restartedAt);
            assertEquals(VirtualClock.DEFAULT_START.plusMillis(1700), Timers.now());
        });
    }

    @Test
    void theFirstRestartInTheWindowWaitsTheDelayOfAttemptOneAndAQuietWindowStartsOver() throws Exception {
        inVirtualTime(clock -> {
            // delay(1) = 10 ms, delay(2) = 100 s: an off-by-one would make the first restart wait 100 s
            Backoff b = Backoff.exponential(ms(10), Duration.ofMinutes(10)).withFactor(10_000);
            var kids = parentWith("p", SupervisorStrategy.oneForOne().withBackoff(b), "first");   // 3 restarts in 60 s
            ActorRef<String> w = kids.get(0);
            List<Duration> restartedAt = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                w.tell("ise");
                expectWithin(Duration.ofMinutes(5), "first:preRestart(first broken)", "first:postRestart(first broken)", "first:start");
                restartedAt.add(clock.elapsed());
            }
            // 1st: delay(1) after +0; 2nd (failed at +10 ms, 1 restart in the window): delay(2) = 100 s;
            // 3rd (failed at +100.01 s, both earlier restarts older than 60 s): attempt 1 again, 10 ms
            assertEquals(List.of(ms(10), ms(100_010), ms(100_020)), restartedAt);
        });
    }

    @Test
    void aStopDuringBackoffEndsTheWaitAtOnce() throws Exception {
        inVirtualTime(clock -> {
            var kids = parentWith("p", SupervisorStrategy.oneForOne().withBackoff(Backoff.fixed(Duration.ofSeconds(30))), "slow");
            ActorRef<String> w = kids.get(0);
            w.tell("ise");
            w.tell("queued");
            Timers.sleep(ms(50));           // the clock moves only once the child waits out its 30 s backoff
            w.stop();
            Terminated t = awaitTerminated(w);
            assertEquals(ms(50), clock.elapsed(), "the stop ended the 30 s wait at the instant it came");
            assertNull(t.cause());
            expect("slow:stop");
            assertEquals(1, system.deadLetters().count(DeadLetter.Reason.UNPROCESSED_AT_STOP));
        });
    }

    // ---- the same mechanisms on the real clock: one smoke test each, generous bounds

    @Test
    void realClockBackoffDelaysTheRestart() throws Exception {
        var kids = parentWith("p", SupervisorStrategy.oneForOne().withBackoff(Backoff.fixed(ms(50))), "real");
        ActorRef<String> w = kids.get(0);
        long start = System.nanoTime();
        w.tell("ise");
        expect("real:preRestart(real broken)", "real:postRestart(real broken)", "real:start");
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took >= 45, "restart after " + took + " ms, backoff says 50 ms");
    }

    @Test
    void realClockRestartOutsideTheWindowDoesNotCount() throws Exception {
        var kids = parentWith("p", SupervisorStrategy.oneForOne().withMaxRestarts(1, ms(50)), "rwin");
        ActorRef<String> w = kids.get(0);
        w.tell("ise");
        expect("rwin:preRestart(rwin broken)", "rwin:postRestart(rwin broken)", "rwin:start");
        Thread.sleep(100);              // the test thread, not code under test: past the 50 ms window
        w.tell("ise");
        expect("rwin:preRestart(rwin broken)", "rwin:postRestart(rwin broken)", "rwin:start");
    }

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void escalationTravelsUpADeepTreeAndTheRestartReachesTheLeaf() throws Exception {
        AtomicInteger leafInstances = new AtomicInteger();
        Probe<ActorRef<String>> leaves = new Probe<>();
        Probe<String> topSaw = new Probe<>();
        class Level extends Actor<String> {
            private final int depth;

            Level(int depth) {
                this.depth = depth;
            }

            @Override
            protected void preStart() {
                if (depth == 0) {
                    leafInstances.incrementAndGet();
                    leaves.add(self());
                } else {
                    context().spawn("l" + (depth - 1), () -> new Level(depth - 1));
                }
            }

            @Override
            protected void receive(String m) {
                if (m.equals("boom")) throw new IllegalStateException("leaf boom");
            }

            @Override
            protected SupervisorStrategy supervisorStrategy() {
                return SupervisorStrategy.oneForOne().withDecider(t -> {
                    if (depth < 5) return Directive.ESCALATE;
                    topSaw.add(t.getMessage());
                    return Directive.RESTART;
                });
            }
        }
        system.spawn("top", () -> new Level(6));
        ActorRef<String> leaf = leaves.next();
        assertTrue(leaf.path().endsWith("/top/l5/l4/l3/l2/l1/l0"), leaf.path());
        leaf.tell("boom");
        assertEquals("leaf boom", topSaw.next());
        ActorRef<String> newLeaf = leaves.next();
        assertEquals(2, leafInstances.get());
        assertTrue(awaitTerminated(leaf).cause() == null, "the old leaf was stopped by the restart of l4");
        assertTrue(newLeaf != leaf && newLeaf.path().equals(leaf.path()));
    }

    @Test
    void anErrorEscalatesByDefaultAndTheGuardianStopsTheTopLevelActor() throws Exception {
        ActorRef<String> w = system.spawn("err", () -> new Worker("err", events));
        expect("err:start");
        w.tell("err");
        expect("err:stop");
        assertInstanceOf(AssertionError.class, awaitTerminated(w).cause());
    }

    @Test
    void escalatedChildIsResumedWhenItsParentIsResumed() throws Exception {
        ActorSystem s = ActorSystem.create("resume-up", SupervisorStrategy.oneForOne().withDecider(t -> Directive.RESUME));
        try {
            s.spawn("p", () -> new Parent(SupervisorStrategy.oneForOne().withDecider(t -> Directive.ESCALATE), List.of("e"), events, refs));
            ActorRef<String> e = refs.next().get(0);
            expect("e:start");
            e.tell("inc");
            e.tell("iae");
            e.tell("inc");
            e.tell("get");
            expect("e:state=2");
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        }
    }

    @Test
    void failureInPreStartIsSupervisedToo() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(1);
        system.spawn("flaky-start", () -> new Actor<String>() {
            @Override
            protected void preStart() {
                if (attempts.incrementAndGet() < 3) throw new IllegalStateException("not yet");
                started.countDown();
            }

            @Override
            protected void receive(String m) {}
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        assertEquals(3, attempts.get());
    }

    @Test
    void deathWatchDeliversTerminatedWithTheCause() throws Exception {
        Probe<Terminated> notices = new Probe<>();
        ActorSystem s = ActorSystem.create("watch", SupervisorStrategy.oneForOne().withDecider(t -> Directive.STOP));
        try {
            ActorRef<String> victim = s.spawn("victim", Actor.<String>of((c, m) -> { throw new IllegalStateException("died"); }));
            ActorRef<String> quiet = s.spawn("quiet", Actor.<String>of((c, m) -> { }));
            ActorRef<ActorRef<String>> watcher = s.spawn("watcher", () -> new Actor<ActorRef<String>>() {
                @Override
                protected void receive(ActorRef<String> target) {
                    if (target == quiet) {
                        context().watch(target);
                        context().unwatch(target);
                    } else {
                        context().watch(target);
                        context().watch(target); // twice is one watch
                    }
                }

                @Override
                protected void onTerminated(Terminated t) {
                    notices.add(t);
                }
            });
            watcher.tell(victim);
            watcher.tell(quiet);
            Thread.sleep(50);
            victim.tell("x");
            Terminated t = notices.next();
            assertSame(victim, t.actor());
            assertTrue(t.failed());
            assertEquals("died", t.cause().getMessage());
            quiet.stop();
            awaitTerminated(quiet);
            notices.expectNothing(Duration.ofMillis(100));
            watcher.tell(quiet); // watching an already-terminated actor: notice at once (then unwatched: none)
            watcher.tell(victim);
            Terminated again = notices.next();
            assertSame(victim, again.actor());
            notices.expectNothing(Duration.ofMillis(100));
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        }
    }
}
