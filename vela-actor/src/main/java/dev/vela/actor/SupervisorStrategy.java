package dev.vela.actor;

import dev.vela.worker.Backoff;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a parent handles the failure of one of its children: which children a directive applies to
 * ({@link Kind}), which {@link Directive} a failure gets (the decider), how many restarts are allowed
 * in a window (the restart intensity) and how long to wait before each restart (a
 * {@link Backoff} — the same schedule type as {@link dev.vela.worker.Retry}'s).
 * Immutable; the {@code with...} methods return copies.
 *
 * <pre>{@code
 * SupervisorStrategy.oneForOne()
 *     .withDecider(e -> e instanceof IllegalArgumentException ? Directive.RESUME : Directive.RESTART)
 *     .withMaxRestarts(3, Duration.ofSeconds(60))
 *     .withBackoff(Backoff.exponential(Duration.ofMillis(100), Duration.ofSeconds(30)));
 * }</pre>
 *
 * <p><b>Restart intensity.</b> Restarts are counted per failing child within a sliding window. When a
 * child that has already been restarted {@code maxRestarts} times within the window fails again
 * (with a decider that says {@link Directive#RESTART}), the children the kind selects are stopped with
 * that failure as cause, and the supervisor itself fails with a {@link RestartLimitExceededException}
 * (escalation), as an Erlang supervisor does. {@code maxRestarts = 0} means "never restart".
 *
 * <p><b>Defaults</b> ({@link #oneForOne()} and the others): the decider restarts on every
 * {@link Exception} and escalates every {@link Error}; at most 3 restarts within 60 s (the prototype's
 * {@code RestartPolicy}); no backoff.
 */
public final class SupervisorStrategy {

    /** Which children a directive applies to. */
    public enum Kind {
        /** Only the failing child. */
        ONE_FOR_ONE,
        /** All children of the supervisor (for {@code RESTART} and {@code STOP}). */
        ONE_FOR_ALL,
        /** The failing child and every child spawned after it (for {@code RESTART} and {@code STOP}). */
        REST_FOR_ONE
    }

    private static final Function<Throwable, Directive> DEFAULT_DECIDER =
            t -> t instanceof Error ? Directive.ESCALATE : Directive.RESTART;

    private final Kind kind;
    private final Function<? super Throwable, Directive> decider;
    private final int maxRestarts;
    private final Duration window;
    private final Backoff backoff;

    private SupervisorStrategy(Kind kind, Function<? super Throwable, Directive> decider, int maxRestarts,
                               Duration window, Backoff backoff) {
        this.kind = kind;
        this.decider = decider;
        this.maxRestarts = maxRestarts;
        this.window = window;
        this.backoff = backoff;
    }

    /**
     * A strategy that applies each directive to the failing child only.
     *
     * @return the default one-for-one strategy
     */
    public static SupervisorStrategy oneForOne() {
        return of(Kind.ONE_FOR_ONE);
    }

    /**
     * A strategy that restarts or stops all children when one fails.
     *
     * @return the default one-for-all strategy
     */
    public static SupervisorStrategy oneForAll() {
        return of(Kind.ONE_FOR_ALL);
    }

    /**
     * A strategy that restarts or stops the failing child and the children spawned after it.
     *
     * @return the default rest-for-one strategy
     */
    public static SupervisorStrategy restForOne() {
        return of(Kind.REST_FOR_ONE);
    }

    private static SupervisorStrategy of(Kind kind) {
        return new SupervisorStrategy(kind, DEFAULT_DECIDER, 3, Duration.ofSeconds(60), Backoff.none());
    }

    /**
     * Sets the decider that maps a failure to a directive. If the decider throws or returns
     * {@code null}, the failure is escalated.
     *
     * @param decider the decider, not null
     * @return a copy with this decider
     */
    public SupervisorStrategy withDecider(Function<? super Throwable, Directive> decider) {
        Objects.requireNonNull(decider, "decider");
        return new SupervisorStrategy(kind, decider, maxRestarts, window, backoff);
    }

    /**
     * Sets the restart intensity: at most {@code maxRestarts} restarts of one child within {@code window}.
     *
     * @param maxRestarts how many restarts are allowed, at least 0 ({@link Integer#MAX_VALUE}: unlimited)
     * @param window      the sliding window, positive
     * @return a copy with this intensity
     * @throws IllegalArgumentException if {@code maxRestarts < 0} or {@code window} is not positive
     */
    public SupervisorStrategy withMaxRestarts(int maxRestarts, Duration window) {
        if (maxRestarts < 0) throw new IllegalArgumentException("maxRestarts must be >= 0, got " + maxRestarts);
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("restart window must be positive, got " + window);
        }
        return new SupervisorStrategy(kind, decider, maxRestarts, window, backoff);
    }

    /**
     * Sets the backoff before each restart: the {@code n}-th restart of a child within the window
     * ({@code n = 1} for the first) waits {@code backoff.delay(n)}, jitter included. While a child
     * waits for its restart it processes no message; its mailbox keeps filling (under its overflow
     * policy) and a stop ends the wait at once.
     *
     * @param backoff the backoff, not null
     * @return a copy with this backoff
     * @throws NullPointerException if {@code backoff} is null
     */
    public SupervisorStrategy withBackoff(Backoff backoff) {
        Objects.requireNonNull(backoff, "backoff");
        return new SupervisorStrategy(kind, decider, maxRestarts, window, backoff);
    }

    /**
     * The directive for a failure (never null: a throwing or null-returning decider escalates).
     *
     * @param failure what the child threw
     * @return the directive
     */
    public Directive decide(Throwable failure) {
        try {
            Directive d = decider.apply(failure);
            return d == null ? Directive.ESCALATE : d;
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            return Directive.ESCALATE;
        }
    }

    /**
     * Which children a directive applies to.
     *
     * @return the kind
     */
    public Kind kind() {
        return kind;
    }

    /**
     * The most restarts of one child allowed within {@link #window()}.
     *
     * @return the restart limit
     */
    public int maxRestarts() {
        return maxRestarts;
    }

    /**
     * The sliding window of the restart intensity.
     *
     * @return the window
     */
    public Duration window() {
        return window;
    }

    /**
     * The backoff before each restart ({@link Backoff#none()} unless set).
     *
     * @return the backoff
     */
    public Backoff backoff() {
        return backoff;
    }

    @Override
    public String toString() {
        return "SupervisorStrategy[" + kind + ", max " + maxRestarts + " restarts in " + window + ", " + backoff + "]";
    }
}
