package dev.vela.actor.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorRef;
import dev.vela.actor.Directive;
import dev.vela.actor.Mailbox;
import dev.vela.actor.RestartLimitExceededException;
import dev.vela.actor.SupervisorStrategy;
import dev.vela.actor.Terminated;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link ActorTestKit}: the test supervisor, its failures, request/reply with a probe, and close(). */
@Timeout(30)
class ActorTestKitTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(50);

    sealed interface CounterMsg permits Add, Get {}

    record Add(long n) implements CounterMsg {}

    record Get(ActorRef<Long> replyTo) implements CounterMsg {}

    /** Adds; replies with the total; throws on a negative amount. */
    static final class Counter extends Actor<CounterMsg> {
        private long total;

        @Override
        protected void receive(CounterMsg m) {
            switch (m) {
                case Add a -> {
                    if (a.n() < 0) throw new IllegalArgumentException("negative amount " + a.n());
                    total += a.n();
                }
                case Get g -> g.replyTo().tell(total);
            }
        }
    }

    @Test
    void requestReplyWithAProbeAsReplyTo() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
            TestProbe<Long> probe = kit.createProbe(Long.class);
            counter.tell(new Add(2));
            counter.tell(new Add(3));
            counter.tell(new Get(probe.ref()));
            probe.expectMessage(5L);
            probe.expectNoMessage();
            kit.expectNoFailure(Duration.ZERO);
        }
    }

    @Test
    void aSpawnedActorKeepsItsNameUnderItsTestSupervisor() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            assertEquals("ActorTestKitTest", kit.system().name(), "named after the calling class");
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
            assertEquals("counter", counter.name());
            assertEquals("vela://ActorTestKitTest/user/counter/counter", counter.path());
            assertThrows(IllegalArgumentException.class, () -> kit.spawn("counter", Counter::new), "the name is taken");
            assertThrows(IllegalArgumentException.class, () -> kit.spawn("$x", Counter::new));
            ActorRef<CounterMsg> anonymous = kit.spawn(null, Counter::new, Mailbox.bounded(4, Mailbox.Overflow.FAIL));
            assertTrue(anonymous.name().startsWith("$"), anonymous.name());
        }
    }

    @Test
    void aFailureIsObservedWithTheActorsNameAndTheDefaultStops() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
            TestProbe<Long> probe = kit.createProbe(Long.class);
            counter.tell(new Add(-1));
            ActorFailure f = kit.expectFailure(IllegalArgumentException.class, WAIT);
            assertEquals("counter", f.actorName());
            assertSame(counter, f.actor());
            assertEquals("negative amount -1", f.cause().getMessage());
            assertEquals(Directive.STOP, f.directive());
            Terminated t = probe.expectTerminated(counter, WAIT);
            assertSame(f.cause(), t.cause(), "stopped because of that failure");
            assertEquals(List.of(f), kit.failures());
            kit.spawn("counter", Counter::new); // the name is free again once the actor has stopped
        }
    }

    @Test
    void anErrorThrownInsideAnActorIsAFailureToo() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            ActorRef<String> checker = kit.spawn("checker", Actor.of((ctx, m) -> {
                throw new AssertionError("inside the actor: " + m);
            }));
            checker.tell("x");
            ActorFailure f = kit.expectFailure(AssertionError.class, WAIT);
            assertEquals("inside the actor: x", f.cause().getMessage());
            assertEquals(Directive.STOP, f.directive());
        }
    }

    @Test
    void expectFailureOfAnotherClassFailsWithTheFailureAsCause() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
            counter.tell(new Add(-1));
            AssertionError e = assertThrows(AssertionError.class, () -> kit.expectFailure(IllegalStateException.class, WAIT));
            assertTrue(e.getMessage().contains("expected: <a java.lang.IllegalStateException> but was: <vela://ActorTestKitTest/user/counter/counter failed with"),
                    e.getMessage());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        }
    }

    @Test
    void expectFailureTimesOutWhenNothingFails() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            kit.spawn("counter", Counter::new);
            AssertionError e = assertThrows(AssertionError.class, () -> kit.expectFailure(RuntimeException.class, SHORT));
            assertTrue(e.getMessage().contains("timeout (50 ms) during expectFailure: no actor failed"), e.getMessage());
        }
    }

    @Test
    void expectNoFailureFailsWhenAnActorFails() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
            kit.expectNoFailure(SHORT);
            counter.tell(new Add(-7));
            AssertionError e = assertThrows(AssertionError.class, () -> kit.expectNoFailure(WAIT));
            assertTrue(e.getMessage().contains("unexpected failure: vela://ActorTestKitTest/user/counter/counter failed with"), e.getMessage());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        } // the failure was taken (and failed the expectation): close() has nothing left to report
    }

    @Test
    void aRestartingStrategyRestartsWithFreshState() {
        try (ActorTestKit kit = ActorTestKit.builder().supervisorStrategy(SupervisorStrategy.oneForOne()).build()) {
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
            TestProbe<Long> probe = kit.createProbe(Long.class);
            counter.tell(new Add(5));
            counter.tell(new Get(probe.ref()));
            probe.expectMessage(5L);
            counter.tell(new Add(-1));
            counter.tell(new Get(probe.ref()));   // kept in the mailbox across the restart
            assertEquals(Directive.RESTART, kit.expectFailure(IllegalArgumentException.class, WAIT).directive());
            probe.expectMessage(0L);             // a new instance
            assertThrows(AssertionError.class, () -> probe.expectTerminated(counter, SHORT), "still alive");
        }
    }

    @Test
    void aResumingStrategyKeepsTheState() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new, Mailbox.unbounded(),
                    SupervisorStrategy.oneForOne().withDecider(e -> Directive.RESUME));
            TestProbe<Long> probe = kit.createProbe(Long.class);
            counter.tell(new Add(5));
            counter.tell(new Add(-1));
            counter.tell(new Get(probe.ref()));
            assertEquals(Directive.RESUME, kit.expectFailure(IllegalArgumentException.class, WAIT).directive());
            probe.expectMessage(5L);
        }
    }

    @Test
    void beyondTheRestartLimitTheActorStopsAndEveryFailureIsRecorded() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new, Mailbox.unbounded(),
                    SupervisorStrategy.oneForOne().withMaxRestarts(1, Duration.ofMinutes(1)));
            TestProbe<Long> probe = kit.createProbe(Long.class);
            counter.tell(new Add(-1));
            counter.tell(new Add(-2));
            assertEquals("negative amount -1", kit.expectFailure(IllegalArgumentException.class, WAIT).cause().getMessage());
            assertEquals("negative amount -2", kit.expectFailure(IllegalArgumentException.class, WAIT).cause().getMessage());
            Terminated t = probe.expectTerminated(counter, WAIT);
            RestartLimitExceededException limit = assertInstanceOf(RestartLimitExceededException.class, t.cause());
            assertEquals("negative amount -2", limit.getCause().getMessage());
            assertEquals(2, kit.failures().size());
        }
    }

    @Test
    void anEscalationStopsTheActor() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new, Mailbox.unbounded(),
                    SupervisorStrategy.oneForOne().withDecider(e -> Directive.ESCALATE));
            TestProbe<Long> probe = kit.createProbe(Long.class);
            counter.tell(new Add(-1));
            assertEquals(Directive.ESCALATE, kit.expectFailure(IllegalArgumentException.class, WAIT).directive());
            probe.expectTerminated(counter, WAIT);
        }
    }

    @Test
    void closeReportsAFailureThatWasNeverAsserted() {
        ActorTestKit kit = ActorTestKit.create();
        ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
        TestProbe<Long> probe = kit.createProbe(Long.class);
        counter.tell(new Add(-3));
        probe.expectTerminated(counter, WAIT); // the failure was recorded before the stop
        AssertionError e = assertThrows(AssertionError.class, kit::close);
        assertTrue(e.getMessage().contains("1 actor failure(s) never asserted with expectFailure: [vela://ActorTestKitTest/user/counter/counter failed with"),
                e.getMessage());
        assertEquals("negative amount -3", e.getCause().getMessage());
        assertTrue(kit.system().isTerminated());
        assertDoesNotThrow(kit::close, "a second close does nothing");
    }

    @Test
    void closeCanLetUnassertedFailuresPass() {
        ActorTestKit kit = ActorTestKit.builder().failOnUnassertedFailures(false).name("lenient").build();
        ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
        counter.tell(new Add(-3));
        kit.createProbe().expectTerminated(counter, WAIT);
        assertDoesNotThrow(kit::close);
        assertEquals(1, kit.failures().size());
    }

    @Test
    void closeReportsASystemThatDoesNotTerminateInTime() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        ActorTestKit kit = ActorTestKit.builder().shutdownTimeout(Duration.ofMillis(200)).build();
        try {
            ActorRef<String> stuck = kit.spawn("stuck", Actor.of((ctx, m) -> release.await()));
            TestProbe<String> probe = kit.createProbe(String.class);
            stuck.tell("block");
            AssertionError e = assertThrows(AssertionError.class, kit::close);
            assertTrue(e.getMessage().contains("did not terminate within 200 ms"), e.getMessage());
            release.countDown();
            probe.expectTerminated(stuck, WAIT);
            assertTrue(kit.system().awaitTermination(WAIT));
        } finally {
            release.countDown();
        }
    }

    @Test
    void aClosedKitSpawnsNothing() {
        ActorTestKit kit = ActorTestKit.create("closed");
        kit.close();
        assertThrows(IllegalStateException.class, () -> kit.spawn("late", Counter::new));
        assertThrows(IllegalStateException.class, () -> kit.createProbe(String.class));
    }

    @Test
    void stopWaitsForTheActorToTerminate() {
        try (ActorTestKit kit = ActorTestKit.create()) {
            ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
            Terminated t = kit.stop(counter, WAIT);
            assertSame(counter, t.actor());
            assertEquals(null, t.cause());
        }
    }

    @Test
    void builderRejectsNonPositiveTimeouts() {
        assertThrows(IllegalArgumentException.class, () -> ActorTestKit.builder().defaultTimeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> ActorTestKit.builder().shutdownTimeout(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> ActorTestKit.create("no spaces"));
    }
}
