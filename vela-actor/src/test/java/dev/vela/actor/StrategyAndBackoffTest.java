package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.worker.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pure functions: strategy settings, its backoff (the core's schedule type), and their argument checks. */
class StrategyAndBackoffTest {
    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void theStrategyTakesTheCoreBackoffAndDefaultsToNone() {
        // the schedules themselves are tested in vela-core (dev.vela.worker.BackoffTest)
        assertEquals(Backoff.none(), SupervisorStrategy.oneForOne().backoff());
        Backoff exp = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)).withJitter(0.1);
        SupervisorStrategy s = SupervisorStrategy.oneForAll().withBackoff(exp);
        assertSame(exp, s.backoff());
        assertEquals(Backoff.none(), SupervisorStrategy.oneForAll().backoff(), "withBackoff returns a copy");
        assertTrue(s.toString().contains("Backoff.exponential(1000 ms, 30 s).withJitter(0.1)"), s.toString());
        // the prototype's restart policy: restart n of the window (n = 1 first) waits delay(n)
        Backoff proto = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
        long[] seconds = {1, 2, 4, 8, 16, 30, 30};
        for (int n = 1; n <= seconds.length; n++) assertEquals(Duration.ofSeconds(seconds[n - 1]), proto.delay(n));
    }

    @Test
    void strategySettingsAndDecider() {
        SupervisorStrategy s = SupervisorStrategy.restForOne();
        assertEquals(SupervisorStrategy.Kind.REST_FOR_ONE, s.kind());
        assertEquals(3, s.maxRestarts());
        assertEquals(Duration.ofSeconds(60), s.window());
        assertEquals(Directive.RESTART, s.decide(new RuntimeException()));
        assertEquals(Directive.ESCALATE, s.decide(new AssertionError()));
        SupervisorStrategy t = s.withDecider(e -> null).withMaxRestarts(0, ms(1)).withBackoff(Backoff.fixed(ms(5)));
        assertEquals(Directive.ESCALATE, t.decide(new RuntimeException()), "a null directive escalates");
        assertEquals(Directive.ESCALATE, s.withDecider(e -> { throw new IllegalStateException(); }).decide(new RuntimeException()));
        assertEquals(0, t.maxRestarts());
        assertEquals(3, s.maxRestarts(), "with... returns a copy");
        assertThrows(IllegalArgumentException.class, () -> s.withMaxRestarts(-1, ms(1)));
        assertThrows(IllegalArgumentException.class, () -> s.withMaxRestarts(1, Duration.ZERO));
        assertEquals("backoff", assertThrows(NullPointerException.class, () -> s.withBackoff(null)).getMessage());
        assertEquals(SupervisorStrategy.Kind.ONE_FOR_ALL, SupervisorStrategy.oneForAll().kind());
    }
}
