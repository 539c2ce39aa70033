package dev.vela.worker;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.random.RandomGenerator;

/**
 * A schedule of delays: how long to wait before the {@code n}-th retry ({@link Retry}) or restart
 * (the actors' {@code SupervisorStrategy.withBackoff}). Immutable and thread-safe; the
 * {@code with...} methods return copies.
 *
 * <pre>{@code
 * Backoff.none();                                                    // 0, 0, 0, ...
 * Backoff.fixed(Duration.ofMillis(200));                             // 200 ms, 200 ms, ...
 * Backoff.linear(Duration.ofMillis(100), Duration.ofSeconds(1));     // 100, 200, 300 ms, ... 1 s
 * Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(5)) // 100, 200, 400 ms, ... 5 s
 *        .withFactor(1.5)                                            // 100, 150, 225 ms, ... 5 s
 *        .withJitter(0.2);                                           // each delay drawn from ±20 %, at most 5 s
 * }</pre>
 *
 * <h2>The schedule</h2>
 * Attempts are numbered from 1: {@code delay(1)} is the delay before the first retry (the second
 * attempt), {@code delay(n)} the delay before attempt {@code n + 1}. Without jitter:
 * <table>
 *   <caption>delay before retry {@code n}</caption>
 *   <tr><th>schedule</th><th>{@code delay(n)}</th></tr>
 *   <tr><td>{@link #none()}</td><td>0</td></tr>
 *   <tr><td>{@link #fixed fixed(d)}</td><td>{@code d}</td></tr>
 *   <tr><td>{@link #linear linear(initial, max)}</td><td>{@code min(initial·n, max)}</td></tr>
 *   <tr><td>{@link #exponential exponential(initial, max)}</td>
 *       <td>{@code min(initial·factor^(n−1), max)}, factor 2 unless {@link #withFactor} says otherwise</td></tr>
 * </table>
 * Computing a delay never overflows: a product past {@code max} (or past {@link Long#MAX_VALUE}
 * nanoseconds) is {@code max}, so {@code delay(Integer.MAX_VALUE)} is {@code max}.
 *
 * <h2>Jitter</h2>
 * {@link #withJitter withJitter(f)} spreads each delay {@code d} (the value above) uniformly over
 * {@code [d·(1−f), d·(1+f)]}, <b>truncated at {@code max}</b> for linear and exponential schedules: the
 * draw is uniform over {@code [d·(1−f), min(d·(1+f), max)]}, so no delay ever exceeds {@code max} and,
 * once the schedule has reached {@code max}, the delays do not pile up on it (as clamping each draw
 * would, for half of them). With {@code f = 1} at the cap that is AWS's "full jitter",
 * uniform over {@code [0, max]}. {@link #fixed} has no separate maximum: its delays spread over
 * {@code d·(1±f)}. The random numbers come from the generator given to
 * {@link #delay(int, RandomGenerator)}, which tests can seed; {@link #delay(int)} uses
 * {@link ThreadLocalRandom}.
 *
 * <h2>Range</h2>
 * Durations are kept in nanoseconds: a duration longer than {@link Long#MAX_VALUE} ns (about 292
 * years, the longest wait Vela measures) counts as that long, and {@code delay} then returns
 * {@code Duration.ofNanos(Long.MAX_VALUE)}.
 *
 * <h2>Implementation overview</h2>
 * One final class with a {@link Kind} tag rather than a subclass per schedule, so that
 * {@link #withJitter} and {@link #withFactor} copy uniformly and {@link #equals} compares values.
 * The base delay is computed in {@code long} nanoseconds for fixed and linear schedules
 * ({@link Math#multiplyExact} catches the overflow) and in {@code double} for exponential ones, where
 * {@code Math.pow} reaching infinity simply compares above {@code max}; for factor 2 and initial delays
 * under 2<sup>53</sup> ns (104 days) the double arithmetic is exact, so the classic doubling schedule
 * has no rounding at all.
 */
public final class Backoff {
    /** The shape of the schedule; fixed at creation. */
    private enum Kind { NONE, FIXED, LINEAR, EXPONENTIAL }

    private static final Backoff NONE = new Backoff(Kind.NONE, 0L, 0L, 1.0, 0.0);

    /** Final; which formula {@link #baseNanos} applies. */
    private final Kind kind;
    /** Final; the first delay in ns, {@code 0 <= initialNanos <= maxNanos}. For FIXED the delay itself. */
    private final long initialNanos;
    /** Final; the cap in ns. For NONE 0, for FIXED equal to {@code initialNanos} (jitter may exceed it). */
    private final long maxNanos;
    /** Final; the exponential growth factor, {@code >= 1} and finite; 1.0 for other kinds (unused). */
    private final double factor;
    /** Final; the jitter fraction in {@code [0, 1]}; 0 means none. */
    private final double jitter;

    private Backoff(Kind kind, long initialNanos, long maxNanos, double factor, double jitter) {
        this.kind = kind;
        this.initialNanos = initialNanos;
        this.maxNanos = maxNanos;
        this.factor = factor;
        this.jitter = jitter;
    }

    /**
     * No delay: every retry starts at once.
     *
     * @return the zero schedule
     */
    public static Backoff none() {
        return NONE;
    }

    /**
     * The same delay before every retry.
     *
     * @param delay the delay, not negative
     * @return the schedule
     * @throws NullPointerException     if {@code delay} is null
     * @throws IllegalArgumentException if {@code delay} is negative
     */
    public static Backoff fixed(Duration delay) {
        long d = nanos(delay, "delay");
        return new Backoff(Kind.FIXED, d, d, 1.0, 0.0);
    }

    /**
     * Delays growing by {@code initial} each time: {@code initial·n} before retry {@code n}, at most
     * {@code max}.
     *
     * @param initial the first delay, not negative
     * @param max     the largest delay, at least {@code initial}
     * @return the schedule
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a duration is negative or {@code max < initial}
     */
    public static Backoff linear(Duration initial, Duration max) {
        return capped(Kind.LINEAR, initial, max);
    }

    /**
     * Delays that double each time: {@code initial·2^(n−1)} before retry {@code n}, at most
     * {@code max}. {@link #withFactor} changes the factor.
     *
     * @param initial the first delay, not negative
     * @param max     the largest delay, at least {@code initial}
     * @return the schedule
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if a duration is negative or {@code max < initial}
     */
    public static Backoff exponential(Duration initial, Duration max) {
        return capped(Kind.EXPONENTIAL, initial, max);
    }

    /**
     * This exponential schedule with another growth factor: {@code initial·factor^(n−1)} before retry
     * {@code n}, at most {@code max}. Factor 1 is a fixed delay of {@code initial}.
     *
     * @param factor the growth factor, finite and at least 1
     * @return a copy with this factor (and this schedule's jitter)
     * @throws IllegalArgumentException if {@code factor} is below 1, infinite or NaN
     * @throws IllegalStateException    if this is not an {@link #exponential} schedule
     */
    public Backoff withFactor(double factor) {
        if (kind != Kind.EXPONENTIAL) {
            throw new IllegalStateException("withFactor applies to Backoff.exponential only, not to " + this);
        }
        if (!(factor >= 1.0) || Double.isInfinite(factor)) {   // !(>=) also rejects NaN
            throw new IllegalArgumentException("factor must be finite and >= 1, got " + factor);
        }
        return new Backoff(kind, initialNanos, maxNanos, factor, jitter);
    }

    /**
     * This schedule with random jitter: each delay {@code d} is drawn uniformly from
     * {@code [d·(1−fraction), d·(1+fraction)]}, truncated at {@code max} (see the class comment).
     * Fraction 0 removes the jitter.
     *
     * @param fraction how far a delay may move either way, as a fraction of it, in {@code [0, 1]}
     * @return a copy with this jitter (and this schedule's factor)
     * @throws IllegalArgumentException if {@code fraction} is outside {@code [0, 1]} or NaN
     */
    public Backoff withJitter(double fraction) {
        if (!(fraction >= 0.0 && fraction <= 1.0)) {
            throw new IllegalArgumentException("jitter fraction must be in [0, 1], got " + fraction);
        }
        return new Backoff(kind, initialNanos, maxNanos, factor, fraction);
    }

    /**
     * The delay before retry {@code attempt}, with jitter drawn from {@link ThreadLocalRandom}.
     *
     * @param attempt 1 for the delay before the first retry (the second attempt), and so on
     * @return the delay, never negative and never more than {@code max} (for {@link #fixed fixed(d)}
     *         with jitter {@code f}: never more than {@code d·(1+f)})
     * @throws IllegalArgumentException if {@code attempt < 1}
     */
    public Duration delay(int attempt) {
        return delay(attempt, ThreadLocalRandom.current());
    }

    /**
     * The delay before retry {@code attempt}, with jitter drawn from {@code random} (one
     * {@link RandomGenerator#nextDouble() nextDouble()} per call when this schedule has jitter and the
     * delay is not zero; none otherwise). A seeded generator makes the delays reproducible.
     *
     * @param attempt 1 for the delay before the first retry (the second attempt), and so on
     * @param random  the source of jitter
     * @return the delay, never negative and never more than {@code max} (for {@link #fixed fixed(d)}
     *         with jitter {@code f}: never more than {@code d·(1+f)})
     * @throws IllegalArgumentException if {@code attempt < 1}
     * @throws NullPointerException     if {@code random} is null
     */
    public Duration delay(int attempt, RandomGenerator random) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + attempt);
        }
        if (random == null) {
            throw new NullPointerException("random must not be null");
        }
        long base = baseNanos(attempt);
        if (jitter == 0.0 || base == 0L) {
            return Duration.ofNanos(base);
        }
        double lo = base * (1.0 - jitter);
        double hi = base * (1.0 + jitter);
        if (kind != Kind.FIXED && hi > maxNanos) {
            hi = maxNanos;
        }
        double d = lo + (hi - lo) * random.nextDouble();    // in [lo, hi)
        // (long) saturates at Long.MAX_VALUE, and never goes below 0 since lo >= 0.
        return Duration.ofNanos((long) d);
    }

    /** The delay before retry {@code attempt} without jitter, in ns, in {@code [0, maxNanos]}. */
    private long baseNanos(int attempt) {
        return switch (kind) {
            case NONE -> 0L;
            case FIXED -> initialNanos;
            case LINEAR -> {
                long d;
                try {
                    d = Math.multiplyExact(initialNanos, (long) attempt);
                } catch (ArithmeticException overflow) {
                    d = Long.MAX_VALUE;
                }
                yield Math.min(d, maxNanos);
            }
            case EXPONENTIAL -> {
                if (initialNanos == 0L) {
                    yield 0L;                                   // 0 · ∞ would be NaN
                }
                double d = initialNanos * Math.pow(factor, attempt - 1);
                yield d >= maxNanos ? maxNanos : Math.min(Math.round(d), maxNanos);
            }
        };
    }

    private static Backoff capped(Kind kind, Duration initial, Duration max) {
        long i = nanos(initial, "initial");
        long m = nanos(max, "max");
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("max must be >= initial, got max " + max + " < initial " + initial);
        }
        return new Backoff(kind, i, m, kind == Kind.EXPONENTIAL ? 2.0 : 1.0, 0.0);
    }

    /** Validates a duration argument and converts it to ns, saturating at {@link Long#MAX_VALUE}. */
    private static long nanos(Duration d, String argName) {
        return Deadlines.toNanos(Deadlines.check(d, argName));
    }

    /** Equal when the same kind, durations (in ns), factor and jitter. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Backoff b && kind == b.kind && initialNanos == b.initialNanos && maxNanos == b.maxNanos
                && Double.compare(factor, b.factor) == 0 && Double.compare(jitter, b.jitter) == 0;
    }

    @Override
    public int hashCode() {
        int h = kind.hashCode();
        h = 31 * h + Long.hashCode(initialNanos);
        h = 31 * h + Long.hashCode(maxNanos);
        h = 31 * h + Double.hashCode(factor);
        return 31 * h + Double.hashCode(jitter);
    }

    /**
     * Returns a description in the shape of the code that makes the schedule, e.g.
     * {@code Backoff.exponential(100 ms, 5 s).withFactor(1.5).withJitter(0.2)}.
     */
    @Override
    public String toString() {
        String s = switch (kind) {
            case NONE -> "Backoff.none()";
            case FIXED -> "Backoff.fixed(" + format(initialNanos) + ")";
            case LINEAR -> "Backoff.linear(" + format(initialNanos) + ", " + format(maxNanos) + ")";
            case EXPONENTIAL -> "Backoff.exponential(" + format(initialNanos) + ", " + format(maxNanos) + ")"
                    + (factor == 2.0 ? "" : ".withFactor(" + factor + ")");
        };
        return jitter == 0.0 ? s : s + ".withJitter(" + jitter + ")";
    }

    private static String format(long nanos) {
        return Deadlines.format(Duration.ofNanos(nanos));
    }
}
