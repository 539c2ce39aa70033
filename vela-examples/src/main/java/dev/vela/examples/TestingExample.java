package dev.vela.examples;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorRef;
import dev.vela.actor.testkit.ActorTestKit;
import dev.vela.actor.testkit.TestProbe;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Backoff;
import dev.vela.worker.Retry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * README: "Testing with virtual time" (docs/testing.md): a retry-with-backoff service and a
 * ticker-driven actor, each tested under a virtual clock at exact instants, in milliseconds of real time.
 */
public final class TestingExample {
    private TestingExample() {}

    /** A price service that is down for its first three calls. */
    static final class FlakyPrices {
        private int calls;

        int fetch() throws IOException {
            if (++calls <= 3) throw new IOException("price service unavailable (call " + calls + ")");
            return 42;
        }
    }

    /** Every second, tells its monitor the instant it is alive at. */
    static final class Heartbeat extends Actor<Instant> {
        private final ActorRef<Instant> monitor;

        Heartbeat(ActorRef<Instant> monitor) {
            this.monitor = monitor;
        }

        @Override
        protected void preStart() {
            context().listen(Timers.tick(Duration.ofSeconds(1)), tick -> tick);
        }

        @Override
        protected void receive(Instant tick) {
            monitor.tell(tick);
        }
    }

    public static void main(String[] args) throws Exception {
        // 1. Retry with exponential backoff: attempts at +0, +100, +300, +700 ms of virtual time.
        VirtualClock.run(clock -> {
            FlakyPrices service = new FlakyPrices();
            List<Duration> attempts = new ArrayList<>();
            Retry retry = Retry.withBackoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(2)))
                    .maxAttempts(5);
            int price = retry.call(() -> {
                attempts.add(clock.elapsed());
                return service.fetch();
            });
            System.out.println("price " + price + " after attempts at " + attempts.stream().map(d -> "+" + d.toMillis() + " ms").toList());
            require(attempts.equals(List.of(ms(0), ms(100), ms(300), ms(700))), "attempts at exact instants: " + attempts);
        });

        // 2. A ticker-driven actor, checked with a probe: beats at exactly +1 s, +2 s, +3 s.
        VirtualClock.run(clock -> {
            try (ActorTestKit kit = ActorTestKit.create("testing-example")) {
                TestProbe<Instant> monitor = kit.createProbe(Instant.class);
                kit.spawn("heartbeat", () -> new Heartbeat(monitor.ref()));
                for (int i = 1; i <= 3; i++) {
                    Instant beat = monitor.receiveMessage(Duration.ofSeconds(5));
                    System.out.println("beat " + i + " at " + beat);
                    require(beat.equals(VirtualClock.DEFAULT_START.plusSeconds(i)), "beat " + i + " at +" + i + " s");
                }
                monitor.expectNoMessage(Duration.ofMillis(999));      // the next beat is due at +4 s, not before
                System.out.println("quiet until +" + clock.elapsed().toMillis() + " ms");
            }
        });
    }

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    private static void require(boolean ok, String what) {
        if (!ok) throw new AssertionError("expected " + what);
    }
}
