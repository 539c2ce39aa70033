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
 * <p><b>Restart intensity.</b> Restarts are counted within a sliding window, per failing child by
 * default ({@link RestartCounting#PER_CHILD}, Akka's rule) or for the whole supervisor
 * ({@link RestartCounting#PER_SUPERVISOR}, Erlang's rule: {@code intensity} restarts of any children
 * within {@code period}). Per child: when a child that has already been restarted {@code maxRestarts}
 * times within the window fails again (with a decider that says {@link Directive#RESTART}), the
 * children the kind selects are stopped with a {@link RestartLimitExceededException} (the failure as
 * its cause), and the supervisor itself fails with it (escalation). Per supervisor: when
 * {@code maxRestarts} restarts of any of its children already lie in the window, the next restart
 * stops <em>all</em> its children and escalates, as an Erlang supervisor terminates its children and
 * exits. {@code maxRestarts = 0} means "never restart". Under one-for-all, one failure counts one
 * restart either way, and per child a sibling restarted along with the failing child does not use up
 * its own budget.
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

    /** What the restart intensity ({@link #withMaxRestarts}) counts (docs/adr/0045). */
    public enum RestartCounting {
        /** Each child has its own budget of restarts in the window (Akka's rule; the default). */
        PER_CHILD,
        /** The restarts of all children share one budget, as an Erlang supervisor's intensity does. */
        PER_SUPERVISOR
    }

    private static final Function<Throwable, Directive> DEFAULT_DECIDER =
            t -> t instanceof Error ? Directive.ESCALATE : Directive.RESTART;

    private final Kind kind;
    private final Function<? super Throwable, Directive> decider;
    private final int maxRestarts;
    private final Duration window;
    private final Backoff backoff;
    private final RestartCounting counting;

    private SupervisorStrategy(Kind kind, Function<? super Throwable, Directive> decider, int maxRestarts,
                               Duration window, Backoff backoff, RestartCounting counting) {
        this.kind = kind;
        this.decider = decider;
        this.maxRestarts = maxRestarts;
        this.window = window;
        this.backoff = backoff;
        this.counting = counting;
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
        return new SupervisorStrategy(kind, DEFAULT_DECIDER, 3, Duration.ofSeconds(60), Backoff.none(), RestartCounting.PER_CHILD);
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
        return new SupervisorStrategy(kind, decider, maxRestarts, window, backoff, counting);
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
        return new SupervisorStrategy(kind, decider, maxRestarts, window, backoff, counting);
    }

    /**
     * Sets what the restart intensity counts: each child's restarts apart ({@link RestartCounting#PER_CHILD},
     * the default) or all children's restarts together ({@link RestartCounting#PER_SUPERVISOR}, Erlang).
     *
     * <pre>{@code
     * SupervisorStrategy.oneForOne()                       // Erlang: intensity 5, period 10 s, per supervisor
     *     .withMaxRestarts(5, Duration.ofSeconds(10))
     *     .withRestartCounting(RestartCounting.PER_SUPERVISOR);
     * }</pre>
     *
     * @param counting what to count, not null
     * @return a copy with this counting
     * @throws NullPointerException if {@code counting} is null
     */
    public SupervisorStrategy withRestartCounting(RestartCounting counting) {
        Objects.requireNonNull(counting, "counting");
        return new SupervisorStrategy(kind, decider, maxRestarts, window, backoff, counting);
    }

    /**
     * Sets the backoff before each restart: the {@code n}-th restart within the window (of the child,
     * or of any child when counted {@linkplain RestartCounting#PER_SUPERVISOR per supervisor})
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
        return new SupervisorStrategy(kind, decider, maxRestarts, window, backoff, counting);
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

    /**
     * What the restart intensity counts ({@link RestartCounting#PER_CHILD} unless set).
     *
     * @return the counting
     */
    public RestartCounting restartCounting() {
        return counting;
    }

    @Override
    public String toString() {
        return "SupervisorStrategy[" + kind + ", max " + maxRestarts + " restarts in " + window
                + (counting == RestartCounting.PER_SUPERVISOR ? " per supervisor" : " per child") + ", " + backoff + "]";
    }
}
