package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Pure functions: backoff delays and strategy settings, with their argument checks. */
class StrategyAndBackoffTest {
    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void backoffDelays() {
        assertEquals(Duration.ZERO, Backoff.none().delay(7));
        assertEquals(ms(50), Backoff.constant(ms(50)).delay(0));
        assertEquals(ms(50), Backoff.constant(ms(50)).delay(9));
        Backoff lin = Backoff.linear(ms(100), ms(350));
        assertEquals(ms(100), lin.delay(0));
        assertEquals(ms(200), lin.delay(1));
        assertEquals(ms(300), lin.delay(2));
        assertEquals(ms(350), lin.delay(3));
        Backoff exp = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30)); // the prototype's policy
        long[] seconds = {1, 2, 4, 8, 16, 30, 30};
        for (int n = 0; n < seconds.length; n++) assertEquals(Duration.ofSeconds(seconds[n]), exp.delay(n));
        assertEquals(Duration.ofSeconds(30), exp.delay(1_000_000));
        assertEquals(Duration.ofDays(1), Backoff.linear(Duration.ofDays(1), Duration.ofDays(1)).delay(Integer.MAX_VALUE));
    }

    @Test
    void badBackoffArguments() {
        assertThrows(IllegalArgumentException.class, () -> Backoff.constant(ms(-1)));
        assertThrows(IllegalArgumentException.class, () -> Backoff.exponential(ms(10), ms(5)));
        assertThrows(IllegalArgumentException.class, () -> Backoff.linear(ms(-10), ms(5)));
        assertThrows(NullPointerException.class, () -> Backoff.exponential(null, ms(5)));
        assertThrows(IllegalArgumentException.class, () -> Backoff.none().delay(-1));
    }

    @Test
    void strategySettingsAndDecider() {
        SupervisorStrategy s = SupervisorStrategy.restForOne();
        assertEquals(SupervisorStrategy.Kind.REST_FOR_ONE, s.kind());
        assertEquals(3, s.maxRestarts());
        assertEquals(Duration.ofSeconds(60), s.window());
        assertEquals(Directive.RESTART, s.decide(new RuntimeException()));
        assertEquals(Directive.ESCALATE, s.decide(new AssertionError()));
        SupervisorStrategy t = s.withDecider(e -> null).withMaxRestarts(0, ms(1)).withBackoff(Backoff.constant(ms(5)));
        assertEquals(Directive.ESCALATE, t.decide(new RuntimeException()), "a null directive escalates");
        assertEquals(Directive.ESCALATE, s.withDecider(e -> { throw new IllegalStateException(); }).decide(new RuntimeException()));
        assertEquals(0, t.maxRestarts());
        assertEquals(3, s.maxRestarts(), "with... returns a copy");
        assertThrows(IllegalArgumentException.class, () -> s.withMaxRestarts(-1, ms(1)));
        assertThrows(IllegalArgumentException.class, () -> s.withMaxRestarts(1, Duration.ZERO));
        assertThrows(NullPointerException.class, () -> s.withBackoff(null));
        assertEquals(SupervisorStrategy.Kind.ONE_FOR_ALL, SupervisorStrategy.oneForAll().kind());
    }
}
