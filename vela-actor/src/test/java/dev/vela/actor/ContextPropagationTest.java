package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Select;
import dev.vela.worker.ContextCarrier;
import dev.vela.worker.WorkContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An actor's handler runs with the context of the tell or ask that sent each message, its factory and
 * start hooks with the spawner's (docs/adr/0036). Every test closes its registrations.
 */
class ContextPropagationTest extends ActorTestBase {
    private static final ScopedValue<String> REQUEST = ScopedValue.newInstance();

    private static String request() {
        return REQUEST.isBound() ? REQUEST.get() : "unbound";
    }

    private static <T> T with(String value, Callable<T> body) throws Exception {
        return ScopedValue.where(REQUEST, value).call(body::call);
    }

    record Msg(String sender, int n) {}

    @Test
    void eachMessageIsHandledWithTheContextOfTheTellThatSentIt() throws Exception {
        int each = 2_000;
        List<String> wrong = new CopyOnWriteArrayList<>();
        CountDownLatch done = new CountDownLatch(3 * each);
        try (var reg = WorkContext.propagate(REQUEST)) {
            ActorRef<Msg> a = system.spawn("per-message", Actor.<Msg>of((ctx, m) -> {
                String expected = m.sender().equals("none") ? "unbound" : m.sender();
                if (!request().equals(expected)) wrong.add(m + " handled in " + request());
                done.countDown();
            }));
            List<Thread> senders = new ArrayList<>();
            for (String who : List.of("alice", "bob")) {         // interleaved: consecutive messages differ
                senders.add(Thread.ofVirtual().start(() -> ScopedValue.where(REQUEST, who).run(() -> {
                    for (int i = 0; i < each; i++) a.tell(new Msg(who, i));
                })));
            }
            senders.add(Thread.ofVirtual().start(() -> {         // nothing bound: the handler sees nothing
                for (int i = 0; i < each; i++) a.tell(new Msg("none", i));
            }));
            for (Thread t : senders) assertTrue(t.join(Duration.ofSeconds(10)));
            assertTrue(done.await(10, TimeUnit.SECONDS), "not every message was handled");
        }
        assertEquals(List.of(), wrong);
        assertEquals(0, system.deadLetters().count());
    }

    @Test
    void askCarriesTheAskersContextAndActorsPassItOnWhenTheyTell() throws Exception {
        record Req(ActorRef<String> replyTo) {}
        try (var reg = WorkContext.propagate(REQUEST)) {
            ActorRef<Req> backend = system.spawn("backend", Actor.<Req>of((ctx, r) -> r.replyTo().tell("backend saw " + request())));
            ActorRef<Req> front = system.spawn("front", Actor.<Req>of((ctx, r) ->
                    backend.tell(new Req(r.replyTo()))));             // told from the handler: the same context goes on
            CompletableFuture<String> a = with("ask-a", () -> backend.ask(Req::new, Duration.ofSeconds(10)));
            CompletableFuture<String> b = with("ask-b", () -> front.ask(Req::new, Duration.ofSeconds(10)));
            CompletableFuture<String> c = backend.ask(Req::new, Duration.ofSeconds(10));
            assertEquals("backend saw ask-a", await(a));
            assertEquals("backend saw ask-b", await(b), "two hops: front's handler told backend in ask-b's context");
            assertEquals("backend saw unbound", await(c));
        }
    }

    /** A carrier over one ThreadLocal, as an MDC carrier would be. */
    private static final class LocalCarrier implements ContextCarrier {
        final ThreadLocal<String> local = new ThreadLocal<>();

        @Override
        public Object capture() {
            return local.get();
        }

        @Override
        public Restorer attach(Object captured) {
            String previous = local.get();
            local.set((String) captured);
            return () -> local.set(previous);
        }
    }

    @Test
    void aCarrierFollowsEachMessageAndIsRestoredBetweenMessages() throws Exception {
        var mdc = new LocalCarrier();
        Probe<String> seen = new Probe<>();
        try (var reg = WorkContext.register(mdc)) {
            ActorRef<String> a = system.spawn("mdc", Actor.<String>of((ctx, m) -> {
                seen.add(m + ":" + mdc.local.get());
                mdc.local.set("leaked by " + m);                  // must not reach the next message
            }));
            mdc.local.set("trace-1");
            a.tell("first");
            mdc.local.remove();
            a.tell("second");
            mdc.local.set("trace-3");
            a.tell("third");
            assertEquals("first:trace-1", seen.next());
            assertEquals("second:null", seen.next());
            assertEquals("third:trace-3", seen.next());
        } finally {
            mdc.local.remove();
        }
    }

    @Test
    void theFactoryAndStartHooksRunWithTheSpawnersContextAndMessagesWithTheirSenders() throws Exception {
        Probe<String> seen = new Probe<>();
        try (var reg = WorkContext.propagate(REQUEST)) {
            ActorRef<String> a = with("spawner", () -> system.spawn("hooks", () -> {
                seen.add("factory:" + request());
                return new Actor<String>() {
                    @Override
                    protected void preStart() {
                        seen.add("preStart:" + request());
                    }

                    @Override
                    protected void postRestart(Throwable cause) {
                        seen.add("postRestart:" + request());
                    }

                    @Override
                    protected void receive(String m) {
                        seen.add(m + ":" + request());
                        if (m.equals("boom")) throw new IllegalStateException("restart me");
                    }
                };
            }));
            assertEquals("factory:spawner", seen.next());
            assertEquals("preStart:spawner", seen.next());
            a.tell("plain");
            assertEquals("plain:unbound", seen.next(), "a message's context is its sender's, not the spawner's");
            with("teller", () -> {
                a.tell("boom");
                return null;
            });
            assertEquals("boom:teller", seen.next());
            assertEquals("factory:spawner", seen.next(), "a restart builds the new instance with the spawner's context");
            assertEquals("postRestart:spawner", seen.next());
        }
    }

    @Test
    void onMessageInsideAHandlerRunsItsFunctionWithThatMessagesContext() throws Exception {
        Probe<String> seen = new Probe<>();
        CountDownLatch second = new CountDownLatch(1);
        try (var reg = WorkContext.propagate(REQUEST)) {
            ActorRef<String> a = system.spawn("select", Actor.<String>of((ctx, m) -> {
                assertTrue(second.await(10, TimeUnit.SECONDS));
                String r = Select.select(ctx.onMessage(x -> x + " in " + request()),
                        Select.onTimeout(Duration.ofSeconds(10), () -> "timeout"));
                seen.add(m + " in " + request() + ", then " + r);
            }));
            with("one", () -> {
                a.tell("first");
                return null;
            });
            with("two", () -> {
                a.tell("second");
                return null;
            });
            second.countDown();
            assertEquals("first in one, then second in two", seen.next());
        }
    }

    @Test
    void withNothingBoundTheMailboxHoldsTheMessageItselfAndDeadLettersAreNeverEnvelopes() throws Exception {
        Msg m = new Msg("x", 1);
        assertSame(m, Envelope.wrap(m), "nothing registered: no envelope");
        try (var reg = WorkContext.propagate(REQUEST)) {
            assertSame(m, Envelope.wrap(m), "registered but unbound: no envelope");
            assertInstanceOf(Envelope.class, with("bound", () -> Envelope.wrap(m)));

            List<DeadLetter> dead = new CopyOnWriteArrayList<>();
            try (var sub = system.deadLetters().subscribe(dead::add)) {
                CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
                List<Integer> processed = new CopyOnWriteArrayList<>();
                ActorRef<Integer> a = system.spawn("drop-oldest", Actor.<Integer>of((ctx, i) -> {
                    if (i == 0) {
                        entered.countDown();
                        assertTrue(gate.await(10, TimeUnit.SECONDS));
                    }
                    processed.add(i);
                }), Mailbox.bounded(2, Mailbox.Overflow.DROP_OLDEST));
                with("bound", () -> {
                    a.tell(0);
                    assertTrue(entered.await(10, TimeUnit.SECONDS));
                    for (int i = 1; i <= 4; i++) a.tell(i);
                    return null;
                });
                gate.countDown();
                eventually("processed", () -> processed.size() == 3);
                assertEquals(List.of(0, 3, 4), processed);
                a.stop();
                awaitTerminated(a);
                with("bound", () -> {
                    a.tell(99);
                    return null;
                });
                assertEquals(List.of(1, 2, 99), dead.stream().map(DeadLetter::message).toList(),
                        "dead letters carry the message, not its envelope");
            }
        }
    }

    @Test
    void aPriorityMailboxOrdersByTheMessageAndKeepsEachContext() throws Exception {
        Probe<String> seen = new Probe<>();
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        try (var reg = WorkContext.propagate(REQUEST)) {
            ActorRef<Integer> a = system.spawn("prio", Actor.<Integer>of((ctx, i) -> {
                if (i == 0) {
                    entered.countDown();
                    assertTrue(gate.await(10, TimeUnit.SECONDS));
                }
                seen.add(i + ":" + request());
            }), Mailbox.priority(Comparator.<Integer>naturalOrder()));
            a.tell(0);
            assertTrue(entered.await(10, TimeUnit.SECONDS));
            Map<Integer, String> who = new HashMap<>(Map.of(5, "e", 3, "c", 4, "d"));
            for (int i : List.of(5, 3, 4)) {
                with(who.get(i), () -> {
                    a.tell(i);
                    return null;
                });
            }
            a.tell(1);
            gate.countDown();
            assertEquals("0:unbound", seen.next());
            assertEquals("1:unbound", seen.next());
            assertEquals("3:c", seen.next());
            assertEquals("4:d", seen.next());
            assertEquals("5:e", seen.next());
        }
    }
}
