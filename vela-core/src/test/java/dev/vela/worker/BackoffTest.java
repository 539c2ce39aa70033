package dev.vela.worker;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Backoff: exact schedules, saturation, jitter bounds and reproducibility, and every bad argument. */
@Timeout(30)
class BackoffTest {
    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    /** A generator whose nextDouble() returns the given values in turn: exact jitter expectations. */
    private static RandomGenerator scripted(double... values) {
        return new RandomGenerator() {
            int i;

            @Override
            public double nextDouble() {
                return values[i++];
            }

            @Override
            public long nextLong() {
                throw new AssertionError("only nextDouble() is expected");
            }
        };
    }

    /** A generator that fails if used: schedules without jitter must not draw. */
    private static final RandomGenerator UNUSED = new RandomGenerator() {
        @Override
        public long nextLong() {
            throw new AssertionError("no random number expected");
        }

        @Override
        public double nextDouble() {
            throw new AssertionError("no random number expected");
        }
    };

    // ------------------------------------------------------------------ schedules

    @Test
    void noneIsAlwaysZero() {
        for (int n : new int[] {1, 2, 7, 1_000, Integer.MAX_VALUE}) {
            assertEquals(Duration.ZERO, Backoff.none().delay(n));
            assertEquals(Duration.ZERO, Backoff.none().withJitter(1.0).delay(n, UNUSED), "zero stays zero with jitter");
        }
    }

    @Test
    void fixedIsTheSameEveryTime() {
        Backoff b = Backoff.fixed(ms(50));
        for (int n : new int[] {1, 2, 3, 100, Integer.MAX_VALUE}) {
            assertEquals(ms(50), b.delay(n, UNUSED));
        }
        assertEquals(Duration.ZERO, Backoff.fixed(Duration.ZERO).delay(3));
    }

    @Test
    void linearGrowsByInitialUpToMax() {
        Backoff b = Backoff.linear(ms(100), ms(350));
        long[] expected = {100, 200, 300, 350, 350, 350};
        for (int n = 1; n <= expected.length; n++) {
            assertEquals(ms(expected[n - 1]), b.delay(n, UNUSED), "attempt " + n);
        }
        assertEquals(ms(350), b.delay(Integer.MAX_VALUE));
    }

    @Test
    void exponentialDoublesUpToMax() {
        Backoff b = Backoff.exponential(ms(100), Duration.ofSeconds(5));
        long[] expected = {100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000};
        for (int n = 1; n <= expected.length; n++) {
            assertEquals(ms(expected[n - 1]), b.delay(n, UNUSED), "attempt " + n);
        }
        // the prototype's restart policy, as the actors used it
        Backoff proto = Backoff.exponential(Duration.ofSeconds(1), Duration.ofSeconds(30));
        long[] seconds = {1, 2, 4, 8, 16, 30, 30};
        for (int n = 1; n <= seconds.length; n++) {
            assertEquals(Duration.ofSeconds(seconds[n - 1]), proto.delay(n), "attempt " + n);
        }
    }

    @Test
    void exponentialWithAnotherFactor() {
        Backoff b = Backoff.exponential(ms(100), Duration.ofSeconds(1)).withFactor(1.5);
        long[] expectedNanos = {100_000_000L, 150_000_000L, 225_000_000L, 337_500_000L, 506_250_000L,
                759_375_000L, 1_000_000_000L};
        for (int n = 1; n <= expectedNanos.length; n++) {
            assertEquals(Duration.ofNanos(expectedNanos[n - 1]), b.delay(n, UNUSED), "attempt " + n);
        }
        Backoff one = Backoff.exponential(ms(30), Duration.ofSeconds(1)).withFactor(1.0);
        assertEquals(ms(30), one.delay(1));
        assertEquals(ms(30), one.delay(Integer.MAX_VALUE), "factor 1 is a fixed delay");
        Backoff three = Backoff.exponential(ms(1), Duration.ofSeconds(1)).withFactor(3);
        assertEquals(ms(27), three.delay(4));
    }

    @Test
    void hugeAttemptsSaturateAtMaxAndNeverOverflow() {
        Duration year = Duration.ofDays(365);
        assertEquals(year, Backoff.exponential(Duration.ofNanos(1), year).delay(Integer.MAX_VALUE));
        assertEquals(year, Backoff.exponential(Duration.ofNanos(1), year).withFactor(1e300).delay(3));
        assertEquals(year, Backoff.linear(Duration.ofDays(1), year).delay(Integer.MAX_VALUE));
        assertEquals(Duration.ZERO, Backoff.exponential(Duration.ZERO, year).delay(Integer.MAX_VALUE), "0·2^n is 0");
        assertEquals(Duration.ZERO, Backoff.linear(Duration.ZERO, year).delay(Integer.MAX_VALUE));

        // beyond Long.MAX_VALUE ns the durations are clamped to it: still no overflow anywhere
        Duration longest = Duration.ofNanos(Long.MAX_VALUE);
        Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
        assertEquals(longest, Backoff.linear(Duration.ofDays(1), forever).delay(Integer.MAX_VALUE));
        assertEquals(longest, Backoff.exponential(Duration.ofDays(1), forever).delay(Integer.MAX_VALUE));
        assertEquals(longest, Backoff.fixed(forever).delay(1));
        Duration nearTop = Backoff.exponential(Duration.ofDays(1), forever).withJitter(1.0).delay(70, scripted(0.999999));
        assertTrue(nearTop.compareTo(longest) <= 0 && nearTop.compareTo(longest.multipliedBy(99).dividedBy(100).minusNanos(1)) > 0,
                nearTop.toString());
        Duration jittered = Backoff.fixed(forever).withJitter(1.0).delay(1, scripted(0.999));
        assertTrue(jittered.compareTo(longest) <= 0 && jittered.compareTo(longest.dividedBy(2)) > 0, jittered.toString());

        // monotone and bounded all the way up
        Backoff b = Backoff.exponential(ms(1), Duration.ofHours(1));
        Duration previous = Duration.ZERO;
        for (int n = 1; n <= 200; n++) {
            Duration d = b.delay(n, UNUSED);
            assertTrue(d.compareTo(previous) >= 0, "attempt " + n + ": " + d + " < " + previous);
            assertTrue(d.compareTo(Duration.ofHours(1)) <= 0, "attempt " + n + ": " + d);
            previous = d;
        }
        assertEquals(Duration.ofHours(1), previous);
    }

    // ------------------------------------------------------------------ jitter

    @Test
    void jitterDrawsUniformlyAroundTheDelayTruncatedAtMax() {
        Backoff b = Backoff.exponential(ms(100), Duration.ofSeconds(1)).withJitter(0.5);
        // attempt 1: base 100 ms, range [50, 150)
        assertEquals(ms(50), b.delay(1, scripted(0.0)));
        assertEquals(ms(100), b.delay(1, scripted(0.5)));
        assertEquals(ms(125), b.delay(1, scripted(0.75)));
        // attempt 4: base 800 ms, range [400, min(1200, 1000)) = [400, 1000)
        assertEquals(ms(400), b.delay(4, scripted(0.0)));
        assertEquals(ms(700), b.delay(4, scripted(0.5)));
        // attempt 5: base capped at 1000 ms, range [500, 1000)
        assertEquals(ms(500), b.delay(5, scripted(0.0)));
        assertEquals(ms(750), b.delay(5, scripted(0.5)));
        // full jitter at the cap: [0, max)
        Backoff full = Backoff.exponential(ms(100), Duration.ofSeconds(1)).withJitter(1.0);
        assertEquals(Duration.ZERO, full.delay(9, scripted(0.0)));
        assertEquals(ms(250), full.delay(9, scripted(0.25)));
        // fixed has no separate max: it spreads both ways
        Backoff fixed = Backoff.fixed(ms(100)).withJitter(0.5);
        assertEquals(ms(50), fixed.delay(3, scripted(0.0)));
        assertEquals(ms(125), fixed.delay(3, scripted(0.75)));
        // linear, too
        Backoff lin = Backoff.linear(ms(100), ms(250)).withJitter(0.2);
        assertEquals(ms(160), lin.delay(2, scripted(0.0)));     // base 200: [160, 240)
        assertEquals(ms(200), lin.delay(2, scripted(0.5)));
        assertEquals(ms(225), lin.delay(3, scripted(0.5)));     // base 250 (capped): [200, 250)
    }

    @Test
    void seededJitterStaysInBoundsForEveryAttemptAndIsReproducible() {
        Duration max = Duration.ofSeconds(10);
        Backoff plain = Backoff.exponential(ms(10), max);
        double f = 0.3;
        Backoff jittered = plain.withJitter(f);
        SplittableRandom random = new SplittableRandom(42);
        List<Duration> first = new ArrayList<>();
        Set<Duration> distinct = new HashSet<>();
        for (int n = 1; n <= 64; n++) {
            Duration base = plain.delay(n);
            Duration d = jittered.delay(n, random);
            long lo = (long) (base.toNanos() * (1 - f));
            long hi = Math.min((long) (base.toNanos() * (1 + f)), max.toNanos());
            assertTrue(d.toNanos() >= lo && d.toNanos() <= hi,
                    "attempt " + n + ": " + d + " outside [" + Duration.ofNanos(lo) + ", " + Duration.ofNanos(hi) + "]");
            first.add(d);
            distinct.add(d);
        }
        assertTrue(distinct.size() > 50, "jitter should spread the delays, got " + distinct.size() + " distinct of 64");
        SplittableRandom again = new SplittableRandom(42);
        List<Duration> second = new ArrayList<>();
        for (int n = 1; n <= 64; n++) {
            second.add(jittered.delay(n, again));
        }
        assertEquals(first, second, "the same seed gives the same delays");
        SplittableRandom other = new SplittableRandom(43);
        List<Duration> third = new ArrayList<>();
        for (int n = 1; n <= 64; n++) {
            third.add(jittered.delay(n, other));
        }
        assertNotEquals(first, third, "another seed gives other delays");
    }

    @Test
    void atTheCapJitterDoesNotPileUpOnMax() {
        Duration max = ms(1_000);
        Backoff b = Backoff.exponential(ms(100), max).withJitter(0.5);
        Random random = new Random(7);
        int atMax = 0;
        long sum = 0;
        int draws = 10_000;
        for (int i = 0; i < draws; i++) {
            Duration d = b.delay(20, random);
            assertTrue(d.compareTo(ms(500)) >= 0 && d.compareTo(max) <= 0, d.toString());
            if (d.equals(max)) atMax++;
            sum += d.toNanos();
        }
        assertTrue(atMax < 5, atMax + " of " + draws + " draws landed exactly on max (clamping would give about half)");
        double mean = sum / (double) draws / 1e6;
        assertEquals(750.0, mean, 10.0, "uniform over [500, 1000) ms");
    }

    @Test
    void delayWithoutAGeneratorUsesThreadLocalRandomWithinBounds() {
        Backoff b = Backoff.fixed(ms(100)).withJitter(0.1);
        Set<Duration> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            Duration d = b.delay(1);
            assertTrue(d.compareTo(ms(90)) >= 0 && d.compareTo(ms(110)) <= 0, d.toString());
            seen.add(d);
        }
        assertTrue(seen.size() > 100, "expected spread, got " + seen.size() + " distinct");
    }

    @Test
    void withJitterZeroRemovesJitterAndCopiesKeepTheirSettings() {
        Backoff base = Backoff.exponential(ms(10), ms(1_000));
        Backoff fast = base.withFactor(3.0);
        Backoff noisy = fast.withJitter(0.4);
        assertEquals(ms(90), fast.delay(3, UNUSED));
        assertEquals(ms(40), base.delay(3, UNUSED), "withFactor returns a copy");
        assertEquals(fast, noisy.withJitter(0.0));
        assertEquals(ms(90), noisy.withJitter(0.0).delay(3, UNUSED));
        assertEquals(Duration.ofNanos(54_000_000L), noisy.delay(3, scripted(0.0)), "the jitter keeps the factor");
        assertEquals(Duration.ofNanos(54_000_000L), noisy.withFactor(3.0).delay(3, scripted(0.0)), "the factor keeps the jitter");
    }

    @Test
    void equalsHashCodeAndToString() {
        Backoff a = Backoff.exponential(ms(100), Duration.ofSeconds(5)).withFactor(1.5).withJitter(0.2);
        Backoff b = Backoff.exponential(Duration.ofNanos(100_000_000L), ms(5_000)).withFactor(1.5).withJitter(0.2);
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, a.withJitter(0.3));
        assertNotEquals(a, a.withFactor(2.0));
        assertNotEquals(Backoff.linear(ms(1), ms(2)), Backoff.exponential(ms(1), ms(2)));
        assertNotEquals(Backoff.fixed(ms(1)), Backoff.fixed(ms(2)));
        assertEquals("Backoff.none()", Backoff.none().toString());
        assertEquals("Backoff.fixed(250 ms)", Backoff.fixed(ms(250)).toString());
        assertEquals("Backoff.linear(100 ms, 350 ms)", Backoff.linear(ms(100), ms(350)).toString());
        assertEquals("Backoff.exponential(100 ms, 5000 ms).withFactor(1.5).withJitter(0.2)", a.toString());
        assertEquals("Backoff.exponential(100 ms, 30 s)", Backoff.exponential(ms(100), Duration.ofSeconds(30)).toString());
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badDurationsAreRejectedNamingTheArgumentAndValue() {
        assertMessage(NullPointerException.class, "delay must not be null", () -> Backoff.fixed(null));
        assertMessage(IllegalArgumentException.class, "delay must not be negative: PT-0.001S", () -> Backoff.fixed(ms(-1)));
        assertMessage(NullPointerException.class, "initial must not be null", () -> Backoff.linear(null, ms(5)));
        assertMessage(NullPointerException.class, "max must not be null", () -> Backoff.linear(ms(5), null));
        assertMessage(NullPointerException.class, "initial must not be null", () -> Backoff.exponential(null, ms(5)));
        assertMessage(NullPointerException.class, "max must not be null", () -> Backoff.exponential(ms(5), null));
        assertMessage(IllegalArgumentException.class, "initial must not be negative: PT-0.01S", () -> Backoff.linear(ms(-10), ms(5)));
        assertMessage(IllegalArgumentException.class, "max must not be negative: PT-0.005S", () -> Backoff.exponential(ms(0), ms(-5)));
        assertMessage(IllegalArgumentException.class, "max must be >= initial, got max PT0.005S < initial PT0.01S",
                () -> Backoff.exponential(ms(10), ms(5)));
        assertMessage(IllegalArgumentException.class, "max must be >= initial, got max PT0.005S < initial PT0.01S",
                () -> Backoff.linear(ms(10), ms(5)));
    }

    @Test
    void badFactorJitterAndAttemptAreRejected() {
        Backoff exp = Backoff.exponential(ms(10), ms(100));
        assertMessage(IllegalArgumentException.class, "factor must be finite and >= 1, got 0.5", () -> exp.withFactor(0.5));
        assertMessage(IllegalArgumentException.class, "factor must be finite and >= 1, got -2.0", () -> exp.withFactor(-2));
        assertMessage(IllegalArgumentException.class, "factor must be finite and >= 1, got NaN", () -> exp.withFactor(Double.NaN));
        assertMessage(IllegalArgumentException.class, "factor must be finite and >= 1, got Infinity",
                () -> exp.withFactor(Double.POSITIVE_INFINITY));
        IllegalStateException notExp = assertThrows(IllegalStateException.class, () -> Backoff.fixed(ms(10)).withFactor(2));
        assertTrue(notExp.getMessage().contains("Backoff.fixed(10 ms)"), notExp.getMessage());
        assertThrows(IllegalStateException.class, () -> Backoff.linear(ms(1), ms(2)).withFactor(2));
        assertThrows(IllegalStateException.class, () -> Backoff.none().withFactor(2));

        assertMessage(IllegalArgumentException.class, "jitter fraction must be in [0, 1], got -0.1", () -> exp.withJitter(-0.1));
        assertMessage(IllegalArgumentException.class, "jitter fraction must be in [0, 1], got 1.5", () -> exp.withJitter(1.5));
        assertMessage(IllegalArgumentException.class, "jitter fraction must be in [0, 1], got NaN", () -> exp.withJitter(Double.NaN));

        assertMessage(IllegalArgumentException.class, "attempt must be >= 1, got 0", () -> exp.delay(0));
        assertMessage(IllegalArgumentException.class, "attempt must be >= 1, got -3", () -> Backoff.none().delay(-3));
        assertMessage(IllegalArgumentException.class, "attempt must be >= 1, got " + Integer.MIN_VALUE,
                () -> exp.delay(Integer.MIN_VALUE, new Random()));
        assertMessage(NullPointerException.class, "random must not be null", () -> exp.delay(1, null));
    }

    private static void assertMessage(Class<? extends Throwable> type, String message, org.junit.jupiter.api.function.Executable call) {
        Throwable t = assertThrows(type, call);
        assertEquals(message, t.getMessage());
    }
}
