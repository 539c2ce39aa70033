package dev.vela.actor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorRef;
import dev.vela.actor.AskTimeoutException;
import dev.vela.actor.Directive;
import dev.vela.actor.Mailbox;
import dev.vela.actor.SupervisorStrategy;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Backoff;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The kit under a test's virtual clock ({@code vela-test}): every probe and kit wait is a timed
 * receive on the runtime's clock, so long expectations take no real time and messages are checked
 * at exact instants.
 */
@Timeout(60)
class VirtualTimeTest {
    private static final Instant START = VirtualClock.DEFAULT_START;

    @Test
    void expectNoMessageForTenMinutesTakesNoRealTimeAndEndsExactlyThen() throws Exception {
        long real = System.nanoTime();
        VirtualClock.run(clock -> {
            try (ActorTestKit kit = ActorTestKit.create("quiet")) {
                TestProbe<String> probe = kit.createProbe(String.class);
                probe.expectNoMessage(Duration.ofMinutes(10));
                assertEquals(Duration.ofMinutes(10), clock.elapsed());
                assertEquals(START.plus(Duration.ofMinutes(10)), Timers.now());
            }
        });
        Duration took = Duration.ofNanos(System.nanoTime() - real);
        assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, "ten virtual minutes took " + took + " of real time");
    }

    @Test
    void expectNoMessageFailsAtTheInstantAMessageArrives() throws Exception {
        VirtualClock.run(clock -> {
            try (ActorTestKit kit = ActorTestKit.create("not-quiet")) {
                TestProbe<String> probe = kit.createProbe(String.class);
                ActorRef<String> late = kit.spawn("late", () -> new Actor<String>() {
                    @Override
                    protected void receive(String m) throws InterruptedException {
                        Timers.sleep(Duration.ofMinutes(7));
                        probe.ref().tell(m);
                    }
                });
                late.tell("seven minutes late");
                AssertionError e = assertThrows(AssertionError.class, () -> probe.expectNoMessage(Duration.ofMinutes(10)));
                assertTrue(e.getMessage().contains("<seven minutes late>"), e.getMessage());
                assertEquals(Duration.ofMinutes(7), clock.elapsed(), "the expectation failed when the message came");
            }
        });
    }

    /** Every {@code period}, tells its monitor the instant of the tick it got. */
    static final class Beacon extends Actor<Instant> {
        private final Duration period;
        private final ActorRef<Instant> monitor;

        Beacon(Duration period, ActorRef<Instant> monitor) {
            this.period = period;
            this.monitor = monitor;
        }

        @Override
        protected void preStart() {
            context().listen(Timers.tick(period), t -> t);
        }

        @Override
        protected void receive(Instant tick) {
            monitor.tell(tick);
        }
    }

    @Test
    void aTickerDrivenActorIsCheckedAtExactInstants() throws Exception {
        VirtualClock.run(clock -> {
            try (ActorTestKit kit = ActorTestKit.create("beacon")) {
                TestProbe<Instant> monitor = kit.createProbe(Instant.class);
                kit.spawn("beacon", () -> new Beacon(Duration.ofSeconds(1), monitor.ref()));
                for (int i = 1; i <= 3; i++) {
                    monitor.expectMessage(START.plusSeconds(i), Duration.ofSeconds(5));
                    assertEquals(Duration.ofSeconds(i), clock.elapsed(), "tick " + i + " is told at its instant");
                }
                monitor.expectNoMessage(Duration.ofMillis(999));     // the 4th beat is due at +4 s, not before
                monitor.expectMessage(START.plusSeconds(4), Duration.ofSeconds(1));
                assertEquals(Duration.ofSeconds(4), clock.elapsed());
                kit.expectNoFailure(Duration.ZERO);
            }
        });
    }

    /** Asks a target on every message and tells the probe how the ask ended, and when. */
    record Outcome(String what, Instant at) {}

    static final class Asker extends Actor<ActorRef<ActorRef<String>>> {
        private final ActorRef<Outcome> report;

        Asker(ActorRef<Outcome> report) {
            this.report = report;
        }

        @Override
        protected void receive(ActorRef<ActorRef<String>> target) {
            target.<String>ask(replyTo -> replyTo, Duration.ofSeconds(2)).whenComplete((reply, failure) ->
                    report.tell(new Outcome(failure != null ? failure.getClass().getSimpleName() : "reply " + reply, Timers.now())));
        }
    }

    @Test
    void anAskTimeoutIsObservedByTheProbeExactlyAtTheTimeout() throws Exception {
        VirtualClock.run(clock -> {
            try (ActorTestKit kit = ActorTestKit.create("asks")) {
                TestProbe<Outcome> outcomes = kit.createProbe(Outcome.class);
                ActorRef<ActorRef<ActorRef<String>>> asker = kit.spawn("asker", () -> new Asker(outcomes.ref()));
                TestProbe<ActorRef<String>> silent = kit.createProbe();          // records the ask, never replies
                ActorRef<ActorRef<String>> slow = kit.spawn("slow", () -> new Actor<ActorRef<String>>() {
                    @Override
                    protected void receive(ActorRef<String> replyTo) throws InterruptedException {
                        Timers.sleep(Duration.ofMillis(1999));
                        replyTo.tell("in time");
                    }
                });
                asker.tell(silent.ref());
                asker.tell(slow);
                assertEquals(new Outcome("reply in time", START.plusMillis(1999)), outcomes.receiveMessage(Duration.ofSeconds(5)));
                assertEquals(new Outcome(AskTimeoutException.class.getSimpleName(), START.plusSeconds(2)),
                        outcomes.receiveMessage(Duration.ofSeconds(5)));
                assertEquals(Duration.ofSeconds(2), clock.elapsed());
                silent.receiveMessage(Duration.ZERO);                 // the ask did reach the silent actor
                outcomes.expectNoMessage(Duration.ofMinutes(1));
            }
        });
    }

    @Test
    void aRestartBackoffIsSeenByTheProbeAtItsInstant() throws Exception {
        VirtualClock.run(clock -> {
            SupervisorStrategy restartAfter5s = SupervisorStrategy.oneForOne().withBackoff(Backoff.fixed(Duration.ofSeconds(5)));
            try (ActorTestKit kit = ActorTestKit.create("backoff")) {
                TestProbe<Instant> probe = kit.createProbe(Instant.class);
                ActorRef<String> echo = kit.spawn("echo", () -> new Actor<String>() {
                    @Override
                    protected void receive(String m) {
                        if (m.equals("fail")) throw new IllegalStateException("asked to");
                        probe.ref().tell(Timers.now());
                    }
                }, Mailbox.unbounded(), restartAfter5s);
                echo.tell("fail");
                echo.tell("after the restart");         // waits in the mailbox while the actor backs off
                assertEquals(Directive.RESTART, kit.expectFailure(IllegalStateException.class, Duration.ofSeconds(1)).directive());
                assertEquals(Duration.ZERO, clock.elapsed(), "the failure is recorded at once");
                assertEquals(START.plusSeconds(5), probe.receiveMessage(Duration.ofSeconds(10)));
                assertEquals(Duration.ofSeconds(5), clock.elapsed());
            }
        });
    }
}
