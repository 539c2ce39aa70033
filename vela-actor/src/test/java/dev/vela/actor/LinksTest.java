package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Erlang links: exit signals both ways, trapping, cascades, late links, unlink, and bad input. */
class LinksTest extends ActorTestBase {

    sealed interface Cmd permits Link, Unlink, Trap, Fail, Ping, Stop {}
    record Link(ActorRef<?> to) implements Cmd {}
    record Unlink(ActorRef<?> from) implements Cmd {}
    record Trap(boolean on) implements Cmd {}
    record Fail(String why) implements Cmd {}
    record Ping() implements Cmd {}
    record Stop() implements Cmd {}

    /** Records "label:event" for its lifecycle, its exits and its pings. */
    static final class Node extends Actor<Cmd> {
        private final String label;
        private final Probe<String> events;
        private final Probe<Object> signals;

        Node(String label, Probe<String> events, Probe<Object> signals) {
            this.label = label;
            this.events = events;
            this.signals = signals;
        }

        @Override
        protected void receive(Cmd m) {
            switch (m) {
                case Link l -> {
                    context().link(l.to());
                    events.add(label + ":linked");
                }
                case Unlink u -> {
                    context().unlink(u.from());
                    events.add(label + ":unlinked");
                }
                case Trap t -> {
                    context().trapExits(t.on());
                    events.add(label + ":trap=" + t.on());
                }
                case Fail f -> throw new IllegalStateException(f.why());
                case Ping p -> events.add(label + ":pong");
                case Stop s -> context().self().stop();
            }
        }

        @Override
        protected void preRestart(Throwable cause) {
            signals.add(cause);
            events.add(label + ":restart(" + cause.getClass().getSimpleName() + ")");
        }

        @Override
        protected void onExit(ExitSignal signal) {
            signals.add(signal);
            events.add(label + ":exit(" + signal.actor().name() + "," + (signal.failed() ? signal.cause().getMessage() : "normal") + ")");
        }
    }

    private final Probe<String> events = new Probe<>();
    private final Probe<Object> signals = new Probe<>();

    private ActorRef<Cmd> node(String name) {
        return system.spawn(name, () -> new Node(name, events, signals));
    }

    private void expect(String... expected) throws InterruptedException {
        for (String e : expected) assertEquals(e, events.next());
    }

    /** Pings each node and expects the pongs in order: everything sent before has been processed. */
    private void settle(ActorRef<Cmd>... nodes) throws InterruptedException {
        for (ActorRef<Cmd> n : nodes) {
            n.tell(new Ping());
            expect(n.name() + ":pong");
        }
    }

    @Test
    void aLinkedActorsFailureFailsItsPartnerBothWaysAndTheLinkIsGoneAfterwards() throws Exception {
        ActorRef<Cmd> a = node("a");
        ActorRef<Cmd> b = node("b");
        b.tell(new Link(a));
        expect("b:linked");
        a.tell(new Fail("boom"));
        List<String> seen = List.of(events.next(), events.next());
        assertTrue(seen.contains("a:restart(IllegalStateException)"), seen.toString());
        assertTrue(seen.contains("b:restart(LinkedActorFailedException)"), seen.toString());
        Object first = signals.next(), second = signals.next();
        LinkedActorFailedException linked = (LinkedActorFailedException) (first instanceof LinkedActorFailedException ? first : second);
        assertSame(a, linked.linkedActor());
        assertEquals("boom", linked.getCause().getMessage());
        assertTrue(linked.getMessage().contains("/user/a") && linked.getMessage().contains("/user/b"), linked.getMessage());

        a.tell(new Fail("again"));                     // the link broke at the first failure: b is not affected
        expect("a:restart(IllegalStateException)");
        settle(a, b);
        signals.next();
        signals.expectNothing(Duration.ofMillis(50));

        a.tell(new Link(b));                           // the other direction: b's failure now fails a
        expect("a:linked");
        b.tell(new Fail("b-boom"));
        seen = List.of(events.next(), events.next());
        assertTrue(seen.contains("b:restart(IllegalStateException)") && seen.contains("a:restart(LinkedActorFailedException)"),
                seen.toString());
    }

    @Test
    void aNormalStopOfAPartnerLeavesANonTrappingActorAlone() throws Exception {
        ActorRef<Cmd> a = node("a");
        ActorRef<Cmd> b = node("b");
        b.tell(new Link(a));
        expect("b:linked");
        a.tell(new Stop());
        assertNull(awaitTerminated(a).cause());
        settle(b);
        signals.expectNothing(Duration.ofMillis(50));
    }

    @Test
    void aTrappingActorReceivesEveryExitSignalAndKeepsRunning() throws Exception {
        ActorRef<Cmd> a = node("a");
        ActorRef<Cmd> c = node("c");
        ActorRef<Cmd> b = node("b");
        b.tell(new Trap(true));
        b.tell(new Link(a));
        b.tell(new Link(c));
        expect("b:trap=true", "b:linked", "b:linked");
        a.tell(new Fail("boom"));
        List<String> seen = List.of(events.next(), events.next());
        assertTrue(seen.contains("a:restart(IllegalStateException)") && seen.contains("b:exit(a,boom)"), seen.toString());
        c.tell(new Stop());
        expect("b:exit(c,normal)");
        List<Object> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) got.add(signals.next());
        ExitSignal normal = (ExitSignal) got.stream().filter(o -> o instanceof ExitSignal s && !s.failed()).findFirst().orElseThrow();
        assertSame(c, normal.actor());
        settle(b);
    }

    @Test
    void failuresCascadeAlongAChainOfLinks() throws Exception {
        ActorRef<Cmd> a = node("a");
        ActorRef<Cmd> b = node("b");
        ActorRef<Cmd> c = node("c");
        b.tell(new Link(a));
        c.tell(new Link(b));
        assertEquals(java.util.Set.of("b:linked", "c:linked"), java.util.Set.of(events.next(), events.next()), "two actors: any order");
        a.tell(new Fail("root"));
        List<String> seen = new ArrayList<>(List.of(events.next(), events.next(), events.next()));
        assertTrue(seen.containsAll(List.of("a:restart(IllegalStateException)", "b:restart(LinkedActorFailedException)",
                "c:restart(LinkedActorFailedException)")), seen.toString());
        Throwable cOf = null;
        for (int i = 0; i < 3; i++) {
            Object s = signals.next();
            if (s instanceof LinkedActorFailedException l && l.linkedActor() == b) cOf = l;
        }
        assertInstanceOf(LinkedActorFailedException.class, cOf.getCause(), "c's cause is b's failure");
        assertEquals("root", cOf.getCause().getCause().getMessage());
    }

    @Test
    void linkingAnActorThatAlreadyTerminatedGivesItsExitSignalAtOnce() throws Exception {
        ActorSystem s = ActorSystem.create("late", SupervisorStrategy.oneForOne().withDecider(t -> Directive.STOP));
        try {
            ActorRef<Cmd> failed = s.spawn("failed", () -> new Node("failed", events, signals));
            ActorRef<Cmd> stopped = s.spawn("stopped", () -> new Node("stopped", events, signals));
            ActorRef<Cmd> trapper = s.spawn("trapper", () -> new Node("trapper", events, signals));
            failed.tell(new Fail("dead"));
            assertEquals("dead", awaitTerminated(failed).cause().getMessage());
            stopped.stop();
            awaitTerminated(stopped);
            trapper.tell(new Trap(true));
            trapper.tell(new Link(stopped));
            expect("trapper:trap=true", "trapper:linked", "trapper:exit(stopped,normal)");
            trapper.tell(new Trap(false));
            trapper.tell(new Link(failed));
            expect("trapper:trap=false", "trapper:linked");
            Terminated t = awaitTerminated(trapper);      // its strategy stops it: it failed because of the link
            assertInstanceOf(LinkedActorFailedException.class, t.cause());
            assertEquals("dead", t.cause().getCause().getMessage());
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        }
    }

    @Test
    void unlinkRemovesTheLinkBothWays() throws Exception {
        ActorRef<Cmd> a = node("a");
        ActorRef<Cmd> b = node("b");
        b.tell(new Link(a));
        b.tell(new Unlink(a));
        expect("b:linked", "b:unlinked");
        settle(a);                                     // a has processed the Unlink (system messages go first)
        a.tell(new Fail("alone"));
        expect("a:restart(IllegalStateException)");
        b.tell(new Fail("alone too"));
        expect("b:restart(IllegalStateException)");
        settle(a, b);
        signals.next();
        signals.next();
        signals.expectNothing(Duration.ofMillis(50));
    }

    @Test
    void aRestartedInstanceDoesNotTrapUntilItAsksAgain() throws Exception {
        ActorRef<Cmd> a = node("a");
        ActorRef<Cmd> b = node("b");
        b.tell(new Trap(true));
        expect("b:trap=true");
        b.tell(new Fail("restart me"));
        expect("b:restart(IllegalStateException)");
        signals.next();
        b.tell(new Link(a));
        expect("b:linked");
        a.tell(new Fail("boom"));
        List<String> seen = List.of(events.next(), events.next());
        assertTrue(seen.contains("b:restart(LinkedActorFailedException)"), "not trapped after the restart: " + seen);
    }

    @Test
    void pairsThatFailAtTheSameTimeAllRestartAndNothingHangs() throws Exception {
        int pairs = 50;
        List<ActorRef<Cmd>> as = new ArrayList<>(), bs = new ArrayList<>();
        for (int i = 0; i < pairs; i++) {
            as.add(node("a" + i));
            bs.add(node("b" + i));
            bs.get(i).tell(new Link(as.get(i)));
        }
        for (int i = 0; i < pairs; i++) events.next();          // b_i:linked
        for (int i = 0; i < pairs; i++) {
            as.get(i).tell(new Fail("x"));
            bs.get(i).tell(new Fail("y"));
        }
        // Each actor fails once on its own message. The first failure of a pair breaks the link, so at most
        // one of the two also fails because of the link (before its own message), never both, never twice.
        int own = 0;
        java.util.Map<String, Integer> linkedPerPair = new java.util.HashMap<>();
        while (own < 2 * pairs) {
            String e = events.next();
            if (e.endsWith(":restart(IllegalStateException)")) own++;
            else if (e.endsWith(":restart(LinkedActorFailedException)")) linkedPerPair.merge(e.substring(1, e.indexOf(':')), 1, Integer::sum);
            else throw new AssertionError("unexpected " + e);
        }
        for (var entry : linkedPerPair.entrySet()) assertEquals(1, entry.getValue(), "pair " + entry.getKey());
        for (int i = 0; i < pairs; i++) settle(as.get(i), bs.get(i));   // nothing else came: every actor answers at once
    }

    @Test
    void badInputIsNamed() throws Exception {
        Probe<Throwable> errors = new Probe<>();
        ActorRef<String> self = system.spawn("self", Actor.of((ctx, m) -> {
            try {
                ctx.link(ctx.self());
            } catch (RuntimeException e) {
                errors.add(e);
            }
            try {
                ctx.link(null);
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }));
        self.tell("go");
        Throwable selfLink = errors.next();
        assertInstanceOf(IllegalArgumentException.class, selfLink);
        assertTrue(selfLink.getMessage().contains("itself"), selfLink.getMessage());
        assertInstanceOf(NullPointerException.class, errors.next());

        ActorRef<Cmd> a = node("a");
        ActorCell<?> cell = (ActorCell<?>) a;
        IllegalStateException wrongThread = assertThrows(IllegalStateException.class, () -> cell.link(self));
        assertTrue(wrongThread.getMessage().contains("link"), wrongThread.getMessage());
        assertThrows(IllegalStateException.class, () -> cell.trapExits(true));
        assertThrows(IllegalStateException.class, () -> cell.unlink(self));
    }
}
