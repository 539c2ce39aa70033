package dev.vela.actor.testkit;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorRef;
import dev.vela.actor.ActorSystem;
import dev.vela.actor.Directive;
import dev.vela.actor.Mailbox;
import dev.vela.actor.SupervisorStrategy;
import dev.vela.actor.Terminated;
import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * An actor system for one test: spawns the actors under test under an observable test supervisor,
 * creates {@link TestProbe}s, and on {@link #close()} stops everything and reports the actor failures
 * the test never asserted (the counterpart of Akka Typed's {@code ActorTestKit}).
 *
 * <pre>{@code
 * try (ActorTestKit kit = ActorTestKit.create()) {
 *     ActorRef<CounterMsg> counter = kit.spawn("counter", Counter::new);
 *     TestProbe<Long> probe = kit.createProbe(Long.class);
 *     counter.tell(new Add(5));
 *     counter.tell(new Get(probe.ref()));
 *     probe.expectMessage(5L);
 *
 *     counter.tell(new Add(-1));                                  // Counter throws on a negative amount
 *     ActorFailure f = kit.expectFailure(IllegalArgumentException.class);
 *     probe.expectTerminated(counter);                            // the default strategy stops it
 * }
 * }</pre>
 *
 * <h2>The test supervisor</h2>
 * Each actor {@link #spawn spawned} by the kit gets its own parent, a test supervisor, which records
 * every failure of the actor (what it threw, and the directive decided) before the strategy's
 * directive is carried out. The failures can be awaited with {@link #expectFailure} and
 * {@link #expectNoFailure}, and listed with {@link #failures()}. The default strategy,
 * {@link #DEFAULT_SUPERVISOR_STRATEGY}, <b>stops</b> the actor on any failure, as Akka Typed does by
 * default (and its test kit does not change): a test sees the first failure and a stopped actor, not
 * a silently restarted one. To test restarts, give {@link Builder#supervisorStrategy} or
 * {@link #spawn(String, Supplier, Mailbox, SupervisorStrategy)} another strategy; its restart limit
 * and backoff apply as under any parent. Because of that extra parent, a spawned actor's
 * {@link ActorRef#path() path} is {@code vela://<kit>/user/<name>/<name>}; its {@link ActorRef#name()
 * name} is the one given. Actors the tested actors spawn themselves are supervised by them, as usual.
 *
 * <h2>Unasserted failures</h2>
 * A failure is <em>asserted</em> when {@link #expectFailure} (or {@link #expectNoFailure}, failing)
 * takes it. By default {@link #close()} throws an {@link AssertionError} listing the failures no
 * expectation took, with the first one's exception as cause: an actor that threw during a test is
 * never passed over in silence. {@link Builder#failOnUnassertedFailures(boolean)} turns that off.
 *
 * <h2>Time</h2>
 * Every wait of the kit and its probes is a timed receive on a Vela channel, so it follows the
 * runtime's clock (real, or a test's virtual clock); none sleeps. Expectations without a timeout
 * argument use {@link #defaultTimeout()} (3 s unless set), except {@link TestProbe#expectNoMessage()}
 * (100 ms).
 *
 * <p>Thread safety: every method may be called from any thread.
 */
public final class ActorTestKit implements AutoCloseable {
    /** The default strategy of the test supervisor: stop the failed actor, whatever it threw (Akka Typed's default). */
    public static final SupervisorStrategy DEFAULT_SUPERVISOR_STRATEGY =
            SupervisorStrategy.oneForOne().withDecider(failure -> Directive.STOP);
    /** The default timeout of expectations without a timeout argument: 3 s, Akka's {@code single-expect-default}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    /** How long {@link #close()} waits for the system to terminate, unless set: 10 s. */
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    /** How the system's guardian treats a test supervisor that failed (an escalation): it stops it. */
    private static final SupervisorStrategy GUARDIAN_STRATEGY =
            SupervisorStrategy.oneForOne().withDecider(failure -> Directive.STOP).withMaxRestarts(0, Duration.ofSeconds(1));

    private final ActorSystem system;
    private final SupervisorStrategy strategy;      // the test supervisors' default strategy
    private final Duration defaultTimeout;          // positive
    private final Duration shutdownTimeout;         // positive
    private final boolean failOnUnassertedFailures;
    // Invariant: every recorded failure is in history and, until an expectation takes it, in the
    // pending channel, in the order recorded. Written by test supervisors (on their threads).
    private final List<ActorFailure> history = new ArrayList<>(); // guarded by itself; append-only
    private final Sender<ActorFailure> pending;     // unbounded, never closed: trySend always succeeds
    private final Receiver<ActorFailure> unasserted;
    private final AtomicBoolean closed = new AtomicBoolean(); // set once, by the first close()

    private ActorTestKit(Builder b) {
        this.system = ActorSystem.create(b.name, GUARDIAN_STRATEGY);
        this.strategy = b.strategy;
        this.defaultTimeout = b.defaultTimeout;
        this.shutdownTimeout = b.shutdownTimeout;
        this.failOnUnassertedFailures = b.failOnUnassertedFailures;
        Channel<ActorFailure> failures = Channel.unbounded();
        this.pending = failures.sender();
        this.unasserted = failures.receiver();
    }

    /**
     * A test kit with the default settings, its system named after the calling class.
     *
     * @return the running test kit
     */
    public static ActorTestKit create() {
        return new Builder(systemName(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass())).build();
    }

    /**
     * A test kit with the default settings and the given system name.
     *
     * @param name the actor system's name (letters, digits, '-', '_' and '.')
     * @return the running test kit
     * @throws IllegalArgumentException if the name is empty or has other characters
     */
    public static ActorTestKit create(String name) {
        return builder().name(name).build();
    }

    /**
     * A builder for a test kit with other settings; its system is named after the calling class
     * unless {@link Builder#name} says otherwise.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder(systemName(StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE).getCallerClass()));
    }

    /** A valid system name from a class: its simple name with other characters replaced by '-'. */
    private static String systemName(Class<?> caller) {
        String n = caller.getSimpleName().replaceAll("[^A-Za-z0-9._-]", "-");
        return n.isEmpty() ? "testkit" : n;
    }

    /** The settings of a test kit. Not thread-safe; {@link #build()} may be called more than once. */
    public static final class Builder {
        private String name;
        private SupervisorStrategy strategy = DEFAULT_SUPERVISOR_STRATEGY;
        private Duration defaultTimeout = DEFAULT_TIMEOUT;
        private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        private boolean failOnUnassertedFailures = true;

        private Builder(String name) {
            this.name = name;
        }

        /**
         * Sets the actor system's name (it appears in every path: {@code vela://<name>/user/...}).
         *
         * @param name letters, digits, '-', '_' and '.'
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Sets how the test supervisors handle failures of the spawned actors (default
         * {@link #DEFAULT_SUPERVISOR_STRATEGY}: stop). Its kind does not matter (each spawned actor has
         * its own supervisor); its decider, restart limit and backoff do.
         *
         * @param strategy the strategy
         * @return this builder
         */
        public Builder supervisorStrategy(SupervisorStrategy strategy) {
            this.strategy = Objects.requireNonNull(strategy, "strategy");
            return this;
        }

        /**
         * Sets the timeout of expectations that take no timeout argument (default 3 s).
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder defaultTimeout(Duration timeout) {
            this.defaultTimeout = positive(timeout, "defaultTimeout");
            return this;
        }

        /**
         * Sets how long {@link ActorTestKit#close()} waits for the system to terminate (default 10 s).
         *
         * @param timeout positive
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder shutdownTimeout(Duration timeout) {
            this.shutdownTimeout = positive(timeout, "shutdownTimeout");
            return this;
        }

        /**
         * Sets whether {@link ActorTestKit#close()} throws when actor failures were never taken by
         * {@link ActorTestKit#expectFailure} (default {@code true}).
         *
         * @param fail {@code false} to let unasserted failures pass
         * @return this builder
         */
        public Builder failOnUnassertedFailures(boolean fail) {
            this.failOnUnassertedFailures = fail;
            return this;
        }

        /**
         * Creates the test kit and starts its actor system.
         *
         * @return the running test kit
         * @throws IllegalArgumentException if the name is empty or has characters other than letters, digits, '-', '_' and '.'
         */
        public ActorTestKit build() {
            return new ActorTestKit(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException(what + " must be positive, got " + d);
            return d;
        }
    }

    /**
     * The kit's actor system, for what the kit does not wrap (dead letters, actors spawned without a
     * test supervisor). Closed by {@link #close()}.
     *
     * @return the system
     */
    public ActorSystem system() {
        return system;
    }

    /**
     * The timeout of expectations that take no timeout argument.
     *
     * @return the default timeout (3 s unless the builder set another)
     */
    public Duration defaultTimeout() {
        return defaultTimeout;
    }

    /**
     * Spawns an actor with an unbounded mailbox under a test supervisor with the kit's strategy.
     *
     * <p><b>Interruption and timeout.</b> Returns once the test supervisor has spawned the actor,
     * which it does as soon as it starts (it runs no user code before); not interruptible, no timeout.
     *
     * @param name    unique among the kit's live top-level actors, no '/', not starting with '$'; {@code null} for a generated name
     * @param factory creates a new instance on each call (at start and at every restart)
     * @param <M>     the message type
     * @return the actor's reference
     * @throws IllegalArgumentException if the name is empty, contains '/', starts with '$', or is taken
     * @throws IllegalStateException    if the kit is closed
     */
    public <M> ActorRef<M> spawn(String name, Supplier<? extends Actor<M>> factory) {
        return spawn(name, factory, Mailbox.unbounded(), strategy);
    }

    /**
     * Spawns an actor with the given mailbox under a test supervisor with the kit's strategy.
     *
     * <p><b>Interruption and timeout.</b> As {@link #spawn(String, Supplier)}.
     *
     * @param name    unique among the kit's live top-level actors; {@code null} for a generated name
     * @param factory creates a new instance on each call
     * @param mailbox the mailbox spec
     * @param <M>     the message type
     * @return the actor's reference
     * @throws IllegalArgumentException if the name is empty, contains '/', starts with '$', or is taken
     * @throws IllegalStateException    if the kit is closed
     */
    public <M> ActorRef<M> spawn(String name, Supplier<? extends Actor<M>> factory, Mailbox<M> mailbox) {
        return spawn(name, factory, mailbox, strategy);
    }

    /**
     * Spawns an actor with the given mailbox under a test supervisor with the given strategy (for
     * example a restarting one, in a kit whose default stops). Every failure is recorded as with the
     * kit's strategy.
     *
     * <p><b>Interruption and timeout.</b> As {@link #spawn(String, Supplier)}.
     *
     * @param name     unique among the kit's live top-level actors; {@code null} for a generated name
     * @param factory  creates a new instance on each call
     * @param mailbox  the mailbox spec
     * @param strategy how the test supervisor handles the actor's failures
     * @param <M>      the message type
     * @return the actor's reference
     * @throws IllegalArgumentException if the name is empty, contains '/', starts with '$', or is taken
     * @throws IllegalStateException    if the kit is closed
     */
    public <M> ActorRef<M> spawn(String name, Supplier<? extends Actor<M>> factory, Mailbox<M> mailbox, SupervisorStrategy strategy) {
        Objects.requireNonNull(factory, "factory");
        Objects.requireNonNull(mailbox, "mailbox");
        Objects.requireNonNull(strategy, "strategy");
        CompletableFuture<ActorRef<M>> spawned = new CompletableFuture<>();
        ActorRef<Void> supervisor = system.spawn(name, () -> new TestSupervisor<>(name, factory, mailbox, strategy, this::record, spawned));
        // If the supervisor stops before its preStart ran (the kit is closing), nobody else completes the future.
        supervisor.whenTerminated().whenComplete((t, e) -> {
            if (!spawned.isDone()) {
                spawned.completeExceptionally(new IllegalStateException(
                        this + ": stopped before it could spawn '" + (name == null ? "(generated)" : name) + "'"));
            }
        });
        try {
            return spawned.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            throw e;
        }
    }

    /** Called by test supervisors, on their threads; never throws (a throwing decider would escalate). */
    private void record(ActorFailure failure) {
        synchronized (history) {
            history.add(failure);
        }
        pending.trySend(failure);
    }

    /**
     * Creates a probe whose message type is inferred from the assignment
     * ({@code TestProbe<Reply> p = kit.createProbe();}).
     *
     * @param <M> the message type
     * @return a new probe, with a generated name
     * @throws IllegalStateException if the kit is closed
     */
    public <M> TestProbe<M> createProbe() {
        return new TestProbe<>(system, null, defaultTimeout);
    }

    /**
     * Creates a probe for messages of type {@code M} ({@code kit.createProbe(Reply.class)}).
     *
     * @param type the message type (only for the compiler's type inference)
     * @param <M>  the message type
     * @return a new probe, with a generated name
     * @throws IllegalStateException if the kit is closed
     */
    public <M> TestProbe<M> createProbe(Class<M> type) {
        Objects.requireNonNull(type, "type");
        return new TestProbe<>(system, null, defaultTimeout);
    }

    /**
     * Creates a named probe, so that failure messages and paths read {@code vela://<kit>/user/<name>}.
     *
     * @param name unique among the kit's live top-level actors, no '/', not starting with '$'
     * @param type the message type (only for the compiler's type inference)
     * @param <M>  the message type
     * @return a new probe
     * @throws IllegalArgumentException if the name is empty, contains '/', starts with '$', or is taken
     * @throws IllegalStateException    if the kit is closed
     */
    public <M> TestProbe<M> createProbe(String name, Class<M> type) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        return new TestProbe<>(system, name, defaultTimeout);
    }

    /**
     * Takes the next failure of a spawned actor and asserts that it is a {@code type}, waiting up to
     * the kit's default timeout.
     *
     * <p><b>Interruption and timeout.</b> As {@link #expectFailure(Class, Duration)}.
     *
     * @param type the exception class expected (a subclass matches)
     * @return the failure: the actor, what it threw, the directive decided
     * @throws AssertionError if no failure comes in time, if it has another class, or if interrupted
     */
    public ActorFailure expectFailure(Class<? extends Throwable> type) {
        return expectFailure(type, defaultTimeout);
    }

    /**
     * Takes the next failure of a spawned actor (in the order the test supervisors handled them) and
     * asserts that what the actor threw is a {@code type}. The failure counts as asserted either way.
     *
     * <p><b>Interruption and timeout.</b> A timed receive (the runtime's clock). On timeout no
     * failure was taken and the {@link AssertionError} says so; a failure of another class is taken
     * and becomes the error's cause. If the thread is interrupted while waiting, nothing was taken,
     * the interrupt status is set again and an {@link AssertionError} is thrown with the
     * {@link InterruptedException} as cause.
     *
     * @param type the exception class expected (a subclass matches)
     * @param max  how long to wait at most, not negative
     * @return the failure: the actor, what it threw, the directive decided
     * @throws AssertionError           if no failure comes in time, if it has another class, or if interrupted
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public ActorFailure expectFailure(Class<? extends Throwable> type, Duration max) {
        Objects.requireNonNull(type, "type");
        Waits.checkTimeout(max);
        ActorFailure f = Waits.receive(unasserted, max, () -> this + ": expectFailure(" + type.getName() + ")");
        if (f == null) {
            throw new AssertionError(this + ": timeout (" + Waits.format(max) + ") during expectFailure: no actor failed (expected a "
                    + type.getName() + ")");
        }
        if (!type.isInstance(f.cause())) {
            throw new AssertionError(this + ": expectFailure ==> expected: <a " + type.getName() + "> but was: <" + f + ">", f.cause());
        }
        return f;
    }

    /**
     * Asserts that no spawned actor fails within {@code max}: waits the whole of {@code max} unless
     * one does.
     *
     * <p><b>Interruption and timeout.</b> A timed receive (the runtime's clock; under a virtual
     * clock that advances by itself it takes no real time). A failure that comes is taken and becomes
     * the {@link AssertionError}'s cause. Interruption: as in {@link #expectFailure(Class, Duration)}.
     *
     * @param max how long no failure may come, not negative (zero: checks only those already recorded)
     * @throws AssertionError           if a failure comes, or if interrupted
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public void expectNoFailure(Duration max) {
        Waits.checkTimeout(max);
        ActorFailure f = Waits.receive(unasserted, max, () -> this + ": expectNoFailure(" + Waits.format(max) + ")");
        if (f != null) {
            throw new AssertionError(this + ": expectNoFailure(" + Waits.format(max) + "): unexpected failure: " + f, f.cause());
        }
    }

    /**
     * Every failure of a spawned actor so far, in the order handled, asserted or not.
     *
     * @return a snapshot
     */
    public List<ActorFailure> failures() {
        synchronized (history) {
            return List.copyOf(history);
        }
    }

    /**
     * Stops {@code actor} and waits until it has terminated, up to the kit's default timeout.
     *
     * <p><b>Interruption and timeout.</b> As {@link #stop(ActorRef, Duration)}.
     *
     * @param actor the actor to stop (spawned by the kit or not, or a probe's reference)
     * @return its termination notice
     * @throws AssertionError if it does not terminate in time, or if interrupted
     */
    public Terminated stop(ActorRef<?> actor) {
        return stop(actor, defaultTimeout);
    }

    /**
     * Stops {@code actor} and waits until it has terminated (children stopped, {@code postStop} run).
     *
     * <p><b>Interruption and timeout.</b> The stop is requested at once and goes on whatever happens
     * to the wait, which is a timed receive (the runtime's clock). A handler that never returns keeps
     * the actor from terminating: then an {@link AssertionError} says it did not stop within
     * {@code max}. Interruption: as in {@link #expectFailure(Class, Duration)}.
     *
     * @param actor the actor to stop
     * @param max   how long to wait at most, not negative
     * @return its termination notice
     * @throws AssertionError           if it does not terminate in time, or if interrupted
     * @throws IllegalArgumentException if {@code max} is negative
     */
    public Terminated stop(ActorRef<?> actor, Duration max) {
        Objects.requireNonNull(actor, "actor");
        Waits.checkTimeout(max);
        actor.stop();
        Terminated t = TestProbe.awaitTermination(actor, max, () -> this + ": stop(" + actor.path() + ")");
        if (t == null) throw new AssertionError(this + ": " + actor.path() + " did not stop within " + Waits.format(max));
        return t;
    }

    /**
     * Stops the system (every actor and probe, top down), waits for it up to the shutdown timeout
     * (10 s unless set), then reports what went wrong. Idempotent: later calls do nothing.
     *
     * <p>It throws an {@link AssertionError} if the system did not terminate in time, or if actor
     * failures were never taken by an expectation (unless the builder turned that off); the error's
     * cause is the first such failure's exception, the others are suppressed. Used in
     * try-with-resources after a failing test, the error is added to the test's as suppressed.
     *
     * <p><b>Interruption and timeout.</b> The wait for termination is bounded by the shutdown
     * timeout. If the thread is interrupted while waiting, it stops waiting, keeps the interrupt
     * status set, and reports the system as not terminated if it has not; the shutdown goes on.
     *
     * @throws AssertionError if the system did not terminate in time, or failures were not asserted
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        system.shutdown();
        boolean terminated;
        try {
            terminated = system.awaitTermination(shutdownTimeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            terminated = system.isTerminated();
        }
        List<ActorFailure> left = new ArrayList<>();
        for (ActorFailure f; (f = unasserted.tryReceive()) != null; ) left.add(f);
        AssertionError error = null;
        if (!terminated) {
            error = new AssertionError(this + ": the actor system did not terminate within " + Waits.format(shutdownTimeout)
                    + " (a handler that never returns keeps its parent's stop waiting)");
        }
        if (failOnUnassertedFailures && !left.isEmpty()) {
            AssertionError e = new AssertionError(this + ": " + left.size() + " actor failure(s) never asserted with expectFailure: "
                    + left, left.getFirst().cause());
            for (ActorFailure f : left.subList(1, left.size())) e.addSuppressed(f.cause());
            if (error == null) error = e;
            else error.addSuppressed(e);
        }
        if (error != null) throw error;
    }

    @Override
    public String toString() {
        return "ActorTestKit[" + system.name() + "]";
    }
}
