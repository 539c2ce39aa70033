package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class RouterTest extends ActorTestBase {
    static final Duration ASK = Duration.ofSeconds(5);

    sealed interface Msg permits Work, Count, Fail, StopSelf, Keyed {}
    record Work(int id) implements Msg {}
    record Count(ActorRef<Integer> replyTo) implements Msg {}
    record Fail() implements Msg {}
    record StopSelf() implements Msg {}
    record Keyed(int key, int seq) implements Msg {}

    /** Counts what it processes (in its own state and, if given, in a shared per-id array), replies its count. */
    static Supplier<Actor<Msg>> counter(AtomicIntegerArray seen, CountDownLatch done) {
        return () -> new Actor<>() {
            private int count;

            @Override
            protected void receive(Msg m) {
                switch (m) {
                    case Work w -> {
                        count++;
                        if (seen != null) seen.incrementAndGet(w.id());
                        if (done != null) done.countDown();
                    }
                    case Count c -> c.replyTo().tell(count);
                    case Fail f -> throw new IllegalStateException("planted failure");
                    case StopSelf s -> self().stop();
                    case Keyed k -> count++;
                }
            }
        };
    }

    static int countOf(ActorRef<Msg> routee) throws Exception {
        return await(routee.ask(Count::new, ASK));
    }

    @Test
    void roundRobinGivesEachRouteeExactlyItsShare() throws Exception {
        int n = 4, k = 250;
        Router<Msg> router = Routers.pool(n, counter(null, null)).spawn(system, "rr");
        assertEquals(n, router.routees().size(), "routees exist when spawn returns");
        for (int i = 0; i < n * k; i++) router.tell(new Work(i));
        List<ActorRef<Msg>> routees = router.routees();
        for (int i = 0; i < n; i++) {
            assertEquals("r" + i, routees.get(i).name());
            assertEquals("vela://RouterTest/user/rr/r" + i, routees.get(i).path());
            assertEquals(k, countOf(routees.get(i)), "routee " + i);   // the ask follows the tells (per-sender FIFO)
        }
        assertEquals("rr", router.name());
        assertEquals("vela://RouterTest/user/rr", router.path());
        assertTrue(router.toString().contains("roundRobin") && router.toString().contains("4 routees"), router.toString());
        // an ask through the router goes to the next routee in turn (r0) and is answered by it
        assertEquals(k, await(router.<Integer>ask(Count::new, ASK)));
        assertEquals(0, system.deadLetters().count());
    }

    @Test
    void consistentHashKeepsEachKeyOnOneRouteeAndInOrder() throws Exception {
        int keys = 1_000, perKey = 10;
        Map<Integer, String> owner = new ConcurrentHashMap<>();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(keys * perKey);
        Supplier<Actor<Msg>> factory = () -> new Actor<>() {
            private final Map<Integer, Integer> last = new HashMap<>();

            @Override
            protected void receive(Msg m) {
                if (m instanceof Keyed k) {
                    String me = self().name();
                    String before = owner.putIfAbsent(k.key(), me);
                    if (before != null && !before.equals(me)) violations.add("key " + k.key() + " on " + before + " and " + me);
                    int prev = last.getOrDefault(k.key(), -1);
                    if (k.seq() != prev + 1) violations.add("key " + k.key() + ": " + k.seq() + " after " + prev);
                    last.put(k.key(), k.seq());
                    done.countDown();
                }
            }
        };
        Router<Msg> router = Routers.pool(4, factory)
                .consistentHash(m -> m instanceof Keyed k ? k.key() : 0)
                .spawn(system, "hash");
        assertTrue(router.toString().contains("consistentHash(10)"), router.toString());
        for (int s = 0; s < perKey; s++)
            for (int key = 0; key < keys; key++) router.tell(new Keyed(key, s));
        assertTrue(done.await(10, TimeUnit.SECONDS), "not all processed: " + done.getCount() + " left");
        assertEquals(List.of(), violations);
        assertEquals(keys, owner.size());
        Map<String, Integer> perRoutee = new HashMap<>();
        owner.values().forEach(r -> perRoutee.merge(r, 1, Integer::sum));
        assertEquals(4, perRoutee.size(), "every routee owns keys: " + perRoutee);
        assertEquals(0, system.deadLetters().count());
    }

    @Test
    void removingARouteeFromTheRingMovesOnlyItsKeys() {
        RoutingLogic<Integer> logic = RoutingLogic.consistentHash(k -> k, 10);
        @SuppressWarnings("unchecked")
        ActorRef<Integer>[] refs = new ActorRef[5];
        for (int i = 0; i < refs.length; i++) refs[i] = system.spawn("s" + i, Actor.<Integer>of((ctx, m) -> { }));
        int[] ids = {0, 1, 2, 3, 4};
        logic.publish(refs, ids);
        Map<Integer, ActorRef<Integer>> before = new HashMap<>();
        for (int key = 0; key < 10_000; key++) {
            before.put(key, logic.select(key));
            assertEquals(before.get(key), logic.select(key), "deterministic");
        }
        Set<ActorRef<Integer>> used = new HashSet<>(before.values());
        assertEquals(5, used.size());
        @SuppressWarnings("unchecked")
        ActorRef<Integer>[] without2 = new ActorRef[] {refs[0], refs[1], refs[3], refs[4]};
        logic.publish(without2, new int[] {0, 1, 3, 4});
        int moved = 0;
        for (int key = 0; key < 10_000; key++) {
            ActorRef<Integer> now = logic.select(key);
            assertNotEquals(refs[2], now);
            if (before.get(key) == refs[2]) moved++;
            else assertEquals(before.get(key), now, "key " + key + " moved though its routee stayed");
        }
        assertTrue(moved > 0);
        logic.close();
        assertNull(logic.select(1));
        logic.publish(refs, ids);
        assertNull(logic.select(1), "closed for good");
    }

    @Test
    void aFailingRouteeIsRestartedByThePoolsStrategyAndKeepsReceiving() throws Exception {
        CountDownLatch done = new CountDownLatch(6);
        Router<Msg> router = Routers.pool(2, counter(null, done))
                .supervisorStrategy(SupervisorStrategy.oneForOne().withMaxRestarts(5, Duration.ofMinutes(1)))
                .spawn(system, "restarting");
        List<ActorRef<Msg>> before = router.routees();
        router.tell(new Fail());             // r0 fails and is restarted
        for (int i = 0; i < 6; i++) router.tell(new Work(i));   // r1, r0, r1, r0, r1, r0
        assertTrue(done.await(10, TimeUnit.SECONDS), "the restarted routee got its messages");
        assertEquals(before, router.routees(), "a restarted routee keeps its reference and its place");
        assertEquals(3, countOf(before.get(0)), "new instance of r0: its 3 messages after the restart");
        assertEquals(3, countOf(before.get(1)));
        assertEquals(0, system.deadLetters().count());
    }

    @Test
    void aRouteeTheStrategyStopsIsRemoved() throws Exception {
        Router<Msg> router = Routers.pool(2, counter(null, null))
                .supervisorStrategy(SupervisorStrategy.oneForOne().withDecider(e -> Directive.STOP))
                .spawn(system, "stopped-by-strategy");
        ActorRef<Msg> r0 = router.routees().getFirst();
        router.tell(new Fail());             // r0
        Terminated t = awaitTerminated(r0);
        assertInstanceOf(IllegalStateException.class, t.cause());
        eventually("r0 removed", () -> router.routees().size() == 1);
        for (int i = 0; i < 10; i++) router.tell(new Work(i));
        assertEquals(10, countOf(router.routees().getFirst()));
        assertEquals(0, system.deadLetters().count());
    }

    @Test
    void stopStopsEveryRouteeAndThenThePool() throws Exception {
        Router<Msg> router = Routers.pool(3, counter(null, null)).spawn(system, "stopping");
        List<ActorRef<Msg>> routees = router.routees();
        router.stop();
        Terminated t = awaitTerminated(router);
        assertEquals(router, t.actor(), "the notice names the router, not its head");
        for (ActorRef<Msg> r : routees) assertTrue(r.whenTerminated().isDone(), r + " stopped before the pool");
        assertEquals(List.of(), router.routees());
        router.tell(new Work(1));
        assertEquals(1, system.deadLetters().count(DeadLetter.Reason.RECIPIENT_STOPPED));
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(router.<Integer>ask(Count::new, ASK)));
        assertInstanceOf(ActorStoppedException.class, e.getCause());
        router.stop();   // idempotent
    }

    @Test
    void watchingAndLinkingARouterMeanItsPoolAndTheNoticesNameTheRouter() throws Exception {
        Router<Msg> router = Routers.pool(2, counter(null, null)).spawn(system, "watched");
        Probe<Object> notices = new Probe<>();
        ActorRef<String> watcher = system.spawn("watcher", () -> new Actor<String>() {
            @Override
            protected void receive(String m) {
                context().trapExits(true);
                context().watch(router);
                context().link(router);
                notices.add("ready");
            }

            @Override
            protected void onTerminated(Terminated t) {
                notices.add(t);
            }

            @Override
            protected void onExit(ExitSignal s) {
                notices.add(s);
            }
        });
        watcher.tell("go");
        assertEquals("ready", notices.next());
        router.stop();
        Terminated t = null;
        ExitSignal x = null;
        for (int i = 0; i < 2; i++) {
            Object n = notices.next();
            if (n instanceof Terminated tt) t = tt;
            if (n instanceof ExitSignal xx) x = xx;
        }
        assertEquals(router, t.actor());
        assertNull(t.cause());
        assertEquals(router, x.actor());
        assertNull(x.cause());
    }

    @Test
    void aRouteeThatStopsIsRemovedAndTheOthersGetTheRest() throws Exception {
        Router<Msg> router = Routers.pool(3, counter(null, null)).spawn(system, "shrinking");
        ActorRef<Msg> r0 = router.routees().getFirst();
        router.tell(new StopSelf());        // round robin: r0
        awaitTerminated(r0);
        eventually("r0 removed", () -> router.routees().size() == 2);
        assertEquals(List.of("r1", "r2"), router.routees().stream().map(ActorRef::name).toList());
        for (int i = 0; i < 100; i++) router.tell(new Work(i));
        assertEquals(50, countOf(router.routees().get(0)));
        assertEquals(50, countOf(router.routees().get(1)));
        assertEquals(0, system.deadLetters().count());
        assertTrue(!router.whenTerminated().isDone(), "the pool lives on");
    }

    @Test
    void whenEveryRouteeHasStoppedThePoolStopsAndTellsAreDeadLetters() throws Exception {
        Router<Msg> router = Routers.pool(2, counter(null, null)).spawn(system, "emptied");
        for (ActorRef<Msg> r : router.routees()) r.stop();
        Terminated t = awaitTerminated(router);
        assertNull(t.cause());
        List<DeadLetter> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (var sub = system.deadLetters().subscribe(seen::add)) {
            for (int i = 0; i < 5; i++) router.tell(new Work(i));
        }
        assertEquals(5, system.deadLetters().count(DeadLetter.Reason.RECIPIENT_STOPPED));
        assertEquals(5, seen.size());
        assertEquals(router, seen.getFirst().recipient());
        // the name is free again
        Router<Msg> again = Routers.pool(1, counter(null, null)).spawn(system, "emptied");
        again.tell(new Work(1));
        assertEquals(1, countOf(again.routees().getFirst()));
    }

    @Test
    void spawnFromAnActorsContextMakesThePoolItsChild() throws Exception {
        record Forward(int id) {}
        Probe<String> paths = new Probe<>();
        CountDownLatch done = new CountDownLatch(10);
        ActorRef<Forward> parent = system.spawn("parent", () -> new Actor<>() {
            private Router<Msg> pool;

            @Override
            protected void preStart() {
                pool = Routers.pool(2, counter(null, done)).spawn(context(), "pool");
                paths.add(pool.path());
                pool.routees().forEach(r -> paths.add(r.path()));
                paths.add(String.valueOf(context().children().size()));
            }

            @Override
            protected void receive(Forward f) {
                pool.tell(new Work(f.id()));
            }
        });
        assertEquals("vela://RouterTest/user/parent/pool", paths.next());
        assertEquals("vela://RouterTest/user/parent/pool/r0", paths.next());
        assertEquals("vela://RouterTest/user/parent/pool/r1", paths.next());
        assertEquals("1", paths.next());
        for (int i = 0; i < 10; i++) parent.tell(new Forward(i));
        assertTrue(done.await(10, TimeUnit.SECONDS));
        parent.stop();
        awaitTerminated(parent);
        assertThrows(IllegalStateException.class,
                () -> Routers.pool(1, counter(null, null)).spawn(((ActorCell<?>) parent), "late"),
                "not from the actor's own thread");
    }

    @Test
    void badInputIsRejected() {
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> Routers.pool(0, counter(null, null)));
        assertTrue(size.getMessage().contains("size"), size.getMessage());
        assertThrows(NullPointerException.class, () -> Routers.<Msg>pool(1, null));
        PoolSpec<Msg> spec = Routers.pool(2, counter(null, null));
        assertThrows(NullPointerException.class, () -> spec.consistentHash(null));
        assertThrows(IllegalArgumentException.class, () -> spec.consistentHash(m -> 1, 0));
        assertThrows(NullPointerException.class, () -> spec.mailbox(null));
        assertThrows(NullPointerException.class, () -> spec.supervisorStrategy(null));
        assertThrows(NullPointerException.class, () -> spec.spawn((ActorSystem) null, "x"));
        assertThrows(IllegalArgumentException.class, () -> spec.spawn(system, "$bad"));

        Router<Msg> router = spec.consistentHash(m -> null).spawn(system, "nullkey");
        NullPointerException npe = assertThrows(NullPointerException.class, () -> router.tell(new Work(7)));
        assertEquals("consistent-hash key of Work[id=7] is null", npe.getMessage());
        assertThrows(NullPointerException.class, () -> router.tell(null));
        assertThrows(NullPointerException.class, () -> router.ask(Count::new, ASK));
    }

    @Test
    void specsAreImmutable() throws Exception {
        PoolSpec<Msg> base = Routers.pool(2, counter(null, null));
        PoolSpec<Msg> hashed = base.consistentHash(m -> 1);
        Router<Msg> rr = base.spawn(system, "base");
        Router<Msg> ch = hashed.roundRobin().consistentHash(m -> 1, 3).spawn(system, "hashed");
        assertTrue(rr.toString().contains("roundRobin"), rr.toString());
        assertTrue(ch.toString().contains("consistentHash(3)"), ch.toString());
        for (int i = 0; i < 10; i++) ch.tell(new Work(i));                 // one key: one routee
        int a = countOf(ch.routees().get(0)), b = countOf(ch.routees().get(1));
        assertEquals(10, a + b);
        assertTrue(a == 0 || b == 0, a + " / " + b);
    }

    @Test
    void concurrentSendersEachMessageProcessedExactlyOnce() throws Exception {
        int senders = 4, each = 25_000, total = senders * each;
        for (boolean hashed : new boolean[] {false, true}) {
            AtomicIntegerArray seen = new AtomicIntegerArray(total);
            CountDownLatch done = new CountDownLatch(total);
            PoolSpec<Msg> spec = Routers.pool(4, counter(seen, done));
            if (hashed) spec = spec.consistentHash(m -> m instanceof Work w ? w.id() : 0);
            Router<Msg> router = spec.spawn(system, hashed ? "stress-hash" : "stress-rr");
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int base = s * each;
                threads.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < each; i++) router.tell(new Work(base + i));
                }));
            }
            for (Thread t : threads) assertTrue(t.join(Duration.ofSeconds(10)), "sender stuck");
            assertTrue(done.await(10, TimeUnit.SECONDS), "not processed: " + done.getCount());
            for (int i = 0; i < total; i++) assertEquals(1, seen.get(i), "message " + i);
            int sum = 0;
            for (ActorRef<Msg> r : router.routees()) {
                int c = countOf(r);
                assertTrue(c > 0, r + " got nothing");
                sum += c;
            }
            assertEquals(total, sum);
            if (!hashed) for (ActorRef<Msg> r : router.routees()) assertEquals(each, countOf(r), "round robin: exactly a quarter");
            router.stop();
            awaitTerminated(router);
        }
        assertEquals(0, system.deadLetters().count());
    }
}
