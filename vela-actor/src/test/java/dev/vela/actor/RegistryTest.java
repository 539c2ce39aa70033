package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RegistryTest extends ActorTestBase {
    static final Duration SHORT = Duration.ofSeconds(2);

    record Order(int id) {}
    record Invoice(int id) {}

    static final ActorKey<Order> ORDERS = ActorKey.of("orders", Order.class);
    static final ActorKey<Invoice> ORDERS_AS_INVOICES = ActorKey.of("orders", Invoice.class);

    private ActorRef<Order> orders(String name) {
        return system.spawn(name, Actor.<Order>of((ctx, o) -> { }));
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return await(f, SHORT);
    }

    private static Throwable failureOf(CompletableFuture<?> f) {
        return assertThrows(ExecutionException.class, () -> get(f)).getCause();
    }

    // ---- ActorKey

    @Test
    void keyHasNameTypeEqualityAndText() {
        ActorKey<Order> k = ActorKey.of("orders", Order.class);
        assertEquals("orders", k.name());
        assertEquals(Order.class, k.messageType());
        assertEquals(ORDERS, k);
        assertEquals(ORDERS.hashCode(), k.hashCode());
        assertNotEquals(ORDERS, ORDERS_AS_INVOICES);
        assertNotEquals(ORDERS, ActorKey.of("orders2", Order.class));
        assertEquals("ActorKey[orders: Order]", k.toString());
    }

    @Test
    void keyRefusesBadInput() {
        assertEquals("name", assertThrows(NullPointerException.class, () -> ActorKey.of(null, Order.class)).getMessage());
        assertEquals("messageType", assertThrows(NullPointerException.class, () -> ActorKey.of("x", null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ActorKey.of("", Order.class)).getMessage().contains("''"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ActorKey.of(" \t", Order.class)).getMessage().contains("' \t'"));
        assertThrows(IllegalArgumentException.class, () -> ActorKey.of("n", int.class));
    }

    // ---- register, lookup, unregister, keys

    @Test
    void registerLookupUnregister() {
        Registry registry = system.registry();
        assertSame(registry, system.registry(), "one registry per system");
        assertEquals(Optional.empty(), registry.lookup(ORDERS));
        ActorRef<Order> a = orders("a");
        registry.register(ORDERS, a);
        assertSame(a, registry.lookup(ORDERS).orElseThrow());
        assertEquals(Set.of(ORDERS), registry.keys());

        registry.register(ORDERS, a);                                   // again: no-op
        assertSame(a, registry.lookup(ORDERS).orElseThrow());

        assertFalse(registry.unregister(ORDERS, orders("other")), "not registered by that ref");
        assertSame(a, registry.lookup(ORDERS).orElseThrow());
        assertTrue(registry.unregister(ORDERS, a));
        assertFalse(registry.unregister(ORDERS, a), "already unregistered");
        assertEquals(Optional.empty(), registry.lookup(ORDERS));
        assertEquals(Set.of(), registry.keys());
    }

    @Test
    void anActorMayHoldSeveralNamesAndKeysIsASnapshot() {
        ActorKey<Order> other = ActorKey.of("orders-eu", Order.class);
        ActorRef<Order> a = orders("a");
        system.registry().register(ORDERS, a);
        Set<ActorKey<?>> before = system.registry().keys();
        system.registry().register(other, a);
        assertEquals(Set.of(ORDERS), before, "not updated afterwards");
        assertThrows(UnsupportedOperationException.class, () -> before.add(other));
        assertEquals(Set.of(ORDERS, other), system.registry().keys());
    }

    @Test
    void aNameHeldByAnotherLiveActorIsRefusedNamingTheHolder() {
        ActorRef<Order> a = orders("a");
        system.registry().register(ORDERS, a);
        ActorRef<Order> b = orders("b");
        var e = assertThrows(IllegalStateException.class, () -> system.registry().register(ORDERS, b));
        assertTrue(e.getMessage().contains("'orders'") && e.getMessage().contains(a.path()), e.getMessage());
        assertSame(a, system.registry().lookup(ORDERS).orElseThrow());
    }

    @Test
    void anActorOfAnotherSystemIsRefused() throws Exception {
        ActorSystem other = ActorSystem.create("other-system");
        try {
            ActorRef<Order> foreign = other.spawn("a", Actor.<Order>of((ctx, o) -> { }));
            var e = assertThrows(IllegalArgumentException.class, () -> system.registry().register(ORDERS, foreign));
            assertTrue(e.getMessage().contains("other-system"), e.getMessage());
            assertEquals(Set.of(), system.registry().keys());
        } finally {
            other.shutdown();
            assertTrue(other.awaitTermination(SHORT));
        }
    }

    @Test
    void anAskReplyReferenceIsRefused() throws Exception {
        record Get(ActorRef<Order> replyTo) {}
        Probe<ActorRef<Order>> replyRefs = new Probe<>();
        ActorRef<Get> server = system.spawn("server", Actor.<Get>of((ctx, g) -> replyRefs.add(g.replyTo())));
        CompletableFuture<Order> reply = server.ask(Get::new, SHORT);
        ActorRef<Order> replyTo = replyRefs.next(SHORT);
        var e = assertThrows(IllegalArgumentException.class, () -> system.registry().register(ORDERS, replyTo));
        assertTrue(e.getMessage().contains("reply"), e.getMessage());
        assertEquals(Set.of(), system.registry().keys());
        replyTo.tell(new Order(1));
        assertEquals(new Order(1), get(reply));
    }

    @Test
    void aRouterCanBeRegisteredAndIsUnregisteredWhenThePoolStops() throws Exception {
        Router<Order> pool = Routers.pool(2, Actor.<Order>of((ctx, o) -> { })).spawn(system, "order-pool");
        system.registry().register(ORDERS, pool);
        assertSame(pool, system.registry().lookup(ORDERS).orElseThrow());
        pool.stop();
        get(pool.whenTerminated());
        assertEquals(Optional.empty(), system.registry().lookup(ORDERS));
        var e = assertThrows(IllegalStateException.class, () -> system.registry().register(ORDERS, pool));
        assertTrue(e.getMessage().contains("terminated"), e.getMessage());
    }

    @Test
    void aRouterOfAnotherSystemIsRefused() throws Exception {
        ActorSystem other = ActorSystem.create("other-system");
        try {
            Router<Order> pool = Routers.pool(1, Actor.<Order>of((ctx, o) -> { })).spawn(other, "order-pool");
            var e = assertThrows(IllegalArgumentException.class, () -> system.registry().register(ORDERS, pool));
            assertTrue(e.getMessage().contains("other-system"), e.getMessage());
        } finally {
            other.shutdown();
            assertTrue(other.awaitTermination(SHORT));
        }
    }

    @Test
    void aTerminatedActorIsRefusedAndNothingIsRegistered() throws Exception {
        ActorRef<Order> a = orders("a");
        a.stop();
        get(a.whenTerminated());
        var e = assertThrows(IllegalStateException.class, () -> system.registry().register(ORDERS, a));
        assertTrue(e.getMessage().contains(a.path()) && e.getMessage().contains("terminated"), e.getMessage());
        assertEquals(Optional.empty(), system.registry().lookup(ORDERS));
        assertEquals(Set.of(), system.registry().keys());
    }

    @Test
    void nullArgumentsAreNamed() {
        Registry r = system.registry();
        ActorRef<Order> a = orders("a");
        assertEquals("key", assertThrows(NullPointerException.class, () -> r.register(null, a)).getMessage());
        assertEquals("ref", assertThrows(NullPointerException.class, () -> r.register(ORDERS, null)).getMessage());
        assertEquals("key", assertThrows(NullPointerException.class, () -> r.lookup(null)).getMessage());
        assertEquals("key", assertThrows(NullPointerException.class, () -> r.whenRegistered(null)).getMessage());
        assertEquals("key", assertThrows(NullPointerException.class, () -> r.unregister(null, a)).getMessage());
        assertEquals("ref", assertThrows(NullPointerException.class, () -> r.unregister(ORDERS, null)).getMessage());
    }

    // ---- one message type per name

    @Test
    void everyOperationRefusesTheSameNameWithAnotherType() {
        ActorRef<Order> a = orders("a");
        system.registry().register(ORDERS, a);
        ActorRef<Invoice> invoices = system.spawn("invoices", Actor.<Invoice>of((ctx, i) -> { }));
        String expected = "'orders' is registered for Order, asked for Invoice";
        Registry r = system.registry();
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> r.lookup(ORDERS_AS_INVOICES)).getMessage());
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> r.register(ORDERS_AS_INVOICES, invoices)).getMessage());
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> r.whenRegistered(ORDERS_AS_INVOICES)).getMessage());
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> r.unregister(ORDERS_AS_INVOICES, invoices)).getMessage());
        assertSame(a, r.lookup(ORDERS).orElseThrow(), "unchanged");
    }

    @Test
    void sameSimpleNamesAreShownInFull() {
        record Order(int id) {}                                         // another class named Order
        ActorKey<Order> local = ActorKey.of("orders", Order.class);
        system.registry().register(ORDERS, orders("a"));
        var e = assertThrows(IllegalArgumentException.class, () -> system.registry().lookup(local));
        assertEquals("'orders' is registered for " + RegistryTest.Order.class.getName() + ", asked for " + Order.class.getName(),
                e.getMessage());
    }

    @Test
    void aWaiterOfAnotherTypeFailsWhenTheNameIsRegistered() throws Exception {
        CompletableFuture<ActorRef<Invoice>> wrong = system.registry().whenRegistered(ORDERS_AS_INVOICES);
        CompletableFuture<ActorRef<Order>> right = system.registry().whenRegistered(ORDERS);
        ActorRef<Order> a = orders("a");
        system.registry().register(ORDERS, a);
        assertSame(a, get(right));
        Throwable t = failureOf(wrong);
        assertInstanceOf(IllegalArgumentException.class, t);
        assertEquals("'orders' is registered for Order, asked for Invoice", t.getMessage());
        assertEquals(0, system.registry().pendingWaiters());
    }

    // ---- whenRegistered

    @Test
    void whenRegisteredAfterRegistrationCompletesAtOnce() {
        ActorRef<Order> a = orders("a");
        system.registry().register(ORDERS, a);
        CompletableFuture<ActorRef<Order>> f = system.registry().whenRegistered(ORDERS);
        assertTrue(f.isDone());
        assertSame(a, f.join());
    }

    @Test
    void whenRegisteredBeforeRegistrationCompletesWhenAnActorRegistersItselfAtStart() throws Exception {
        CompletableFuture<ActorRef<Order>> f = system.registry().whenRegistered(ORDERS);
        CompletableFuture<ActorRef<Order>> g = system.registry().whenRegistered(ORDERS);
        assertFalse(f.isDone());
        assertEquals(2, system.registry().pendingWaiters());
        ActorRef<Order> a = system.spawn("self-registering", () -> new Actor<Order>() {
            @Override
            protected void preStart() {
                context().system().registry().register(ORDERS, context().self());
            }

            @Override
            protected void receive(Order message) { }
        });
        assertSame(a, get(f));
        assertSame(a, get(g));
        assertEquals(0, system.registry().pendingWaiters());
    }

    @Test
    void cancellingWhenRegisteredWithdrawsTheInterest() throws Exception {
        CompletableFuture<ActorRef<Order>> cancelled = system.registry().whenRegistered(ORDERS);
        CompletableFuture<ActorRef<Order>> kept = system.registry().whenRegistered(ORDERS);
        assertEquals(2, system.registry().pendingWaiters());
        assertTrue(cancelled.cancel(false));
        assertEquals(1, system.registry().pendingWaiters(), "the cancelled future left");
        ActorRef<Order> a = orders("a");
        system.registry().register(ORDERS, a);
        assertTrue(cancelled.isCancelled());
        assertSame(a, get(kept));

        CompletableFuture<ActorRef<Order>> timedOut = system.registry().whenRegistered(ActorKey.of("never", Order.class))
                .orTimeout(10, TimeUnit.MILLISECONDS);
        assertInstanceOf(java.util.concurrent.TimeoutException.class, failureOf(timedOut));
        // orTimeout fails the registry's future itself (it returns this), which withdraws it
        assertEquals(0, system.registry().pendingWaiters());
    }

    @Test
    void pendingWhenRegisteredFailsWhenTheSystemTerminates() throws Exception {
        ActorSystem other = ActorSystem.create("short-lived");
        CompletableFuture<ActorRef<Order>> f = other.registry().whenRegistered(ORDERS);
        other.shutdown();
        assertTrue(other.awaitTermination(SHORT));
        Throwable t = failureOf(f);
        assertInstanceOf(IllegalStateException.class, t);
        assertTrue(t.getMessage().contains("'short-lived'"), t.getMessage());

        Throwable late = failureOf(other.registry().whenRegistered(ORDERS));    // after termination: at once
        assertInstanceOf(IllegalStateException.class, late);
        assertTrue(late.getMessage().contains("'short-lived'"), late.getMessage());
        assertEquals(0, other.registry().pendingWaiters());
    }

    // ---- termination and restart

    @Test
    void aStoppedActorIsUnregisteredOnceItHasTerminated() throws Exception {
        ActorRef<Order> a = orders("a");
        system.registry().register(ORDERS, a);
        a.stop();
        get(a.whenTerminated());
        assertEquals(Optional.empty(), system.registry().lookup(ORDERS));
        assertEquals(Set.of(), system.registry().keys());
        assertFalse(system.registry().unregister(ORDERS, a));
    }

    @Test
    void aFreedNameCanBeRegisteredAgainAndWhenRegisteredWaitsForTheNewHolder() throws Exception {
        ActorRef<Order> a = orders("a");
        system.registry().register(ORDERS, a);
        a.stop();
        get(a.whenTerminated());
        CompletableFuture<ActorRef<Order>> f = system.registry().whenRegistered(ORDERS);
        assertFalse(f.isDone(), "not completed with the terminated actor");
        ActorRef<Order> b = orders("b");
        system.registry().register(ORDERS, b);
        assertSame(b, get(f));
        assertSame(b, system.registry().lookup(ORDERS).orElseThrow());
    }

    @Test
    void theOldHoldersTerminationNeverRemovesTheNewRegistration() throws Exception {
        int n = 50;
        List<ActorRef<Order>> olds = new ArrayList<>(), news = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ActorKey<Order> key = ActorKey.of("slot-" + i, Order.class);
            ActorRef<Order> old = orders("old-" + i);
            system.registry().register(key, old);
            old.stop();
            ActorRef<Order> fresh = orders("new-" + i);
            long deadline = System.nanoTime() + SHORT.toNanos();
            while (true) {                                              // as soon as the name is free
                try {
                    system.registry().register(key, fresh);
                    break;
                } catch (IllegalStateException stillHeld) {
                    assertTrue(System.nanoTime() < deadline, "the name was never freed");
                    Thread.onSpinWait();
                }
            }
            olds.add(old);
            news.add(fresh);
        }
        for (ActorRef<Order> old : olds) get(old.whenTerminated());
        Thread.sleep(20);   // let every old actor's runner finish its termination callbacks (a negative check)
        for (int i = 0; i < n; i++) {
            assertSame(news.get(i), system.registry().lookup(ActorKey.of("slot-" + i, Order.class)).orElseThrow());
        }
        assertEquals(n, system.registry().keys().size());
    }

    @Test
    void aRestartedActorKeepsItsRegistration() throws Exception {
        AtomicInteger instances = new AtomicInteger();
        Probe<Integer> seenBy = new Probe<>();
        ActorRef<Order> a = system.spawn("flaky", () -> {
            int instance = instances.incrementAndGet();
            return Actor.<Order>of((ctx, o) -> {
                if (o.id() < 0) throw new IllegalStateException("test failure (expected)");
                seenBy.add(instance);
            }).get();
        });
        system.registry().register(ORDERS, a);
        a.tell(new Order(-1));                                          // the default strategy restarts it
        a.tell(new Order(1));
        assertEquals(2, seenBy.next(SHORT), "processed by the second instance");
        assertSame(a, system.registry().lookup(ORDERS).orElseThrow());
        assertFalse(a.whenTerminated().isDone());
    }

    // ---- concurrency

    @Test
    void concurrentRegistrationsOfOneNameHaveExactlyOneWinner() throws Exception {
        int threads = 16;
        for (int round = 0; round < 10; round++) {
            ActorKey<Order> key = ActorKey.of("leader-" + round, Order.class);
            List<ActorRef<Order>> candidates = new ArrayList<>();
            for (int i = 0; i < threads; i++) candidates.add(orders("r" + round + "-c" + i));
            CountDownLatch start = new CountDownLatch(1);
            AtomicInteger refused = new AtomicInteger();
            List<ActorRef<Order>> winners = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
            List<Thread> ts = new ArrayList<>();
            for (ActorRef<Order> c : candidates) {
                ts.add(Thread.ofVirtual().start(() -> {
                    try {
                        if (!start.await(2, TimeUnit.SECONDS)) throw new AssertionError("no start");
                        system.registry().register(key, c);
                        winners.add(c);
                    } catch (IllegalStateException held) {
                        refused.incrementAndGet();
                    } catch (Throwable t) {
                        unexpected.add(t);
                    }
                }));
            }
            start.countDown();
            for (Thread t : ts) assertTrue(t.join(SHORT), "a registering thread did not finish");
            assertEquals(List.of(), unexpected);
            assertEquals(1, winners.size(), "exactly one winner");
            assertEquals(threads - 1, refused.get());
            assertSame(winners.get(0), system.registry().lookup(key).orElseThrow());
        }
    }
}
