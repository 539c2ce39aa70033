package dev.vela.actor;

import dev.vela.time.internal.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A tree of actors under one root, the <em>guardian</em>, with one dead-letter office.
 *
 * <pre>{@code
 * try (ActorSystem system = ActorSystem.create("shop")) {
 *     ActorRef<CounterMsg> counter = system.spawn("counter", Counter::new);
 *     counter.tell(new Add(2));
 *     long n = counter.ask(Get::new, Duration.ofSeconds(1)).get(2, TimeUnit.SECONDS);
 * }   // close(): stops the whole tree and waits for it
 * }</pre>
 *
 * Top-level actors ({@link #spawn}) are children of the guardian, which supervises them with the
 * strategy given to {@link #create(String, SupervisorStrategy)} (default
 * {@link SupervisorStrategy#oneForOne()}). The guardian never fails: a failure escalated to it, or a
 * top-level actor over its restart limit, stops that actor (with the failure as cause).
 */
public final class ActorSystem implements AutoCloseable {
    private final String name;
    private final DeadLetters deadLetters = new DeadLetters();
    private final AtomicLong generatedNames = new AtomicLong();
    private final ActorCell<Void> guardian;
    /** Registered actors by key; closed when the guardian has terminated (read lazily: assigned below). */
    private final Registry registry = new Registry(this, system -> system.guardian.terminationFuture());

    private ActorSystem(String name, SupervisorStrategy strategy) {
        this.name = name;
        this.guardian = ActorCell.guardian(this, () -> new Guardian(strategy));
        LiveSystems.add(this);   // weakly, for monitoring (ActorConsoleSection); last, once the guardian is set
    }

    /** The root actor: receives no message; supervises the top-level actors. */
    private static final class Guardian extends Actor<Void> {
        private final SupervisorStrategy strategy;

        Guardian(SupervisorStrategy strategy) {
            this.strategy = strategy;
        }

        @Override
        protected void receive(Void message) {
            // the guardian's reference is never handed out
        }

        @Override
        protected SupervisorStrategy supervisorStrategy() {
            return strategy;
        }
    }

    /**
     * Creates a system whose top-level actors are supervised one-for-one with the default limits.
     *
     * @param name the system's name (letters, digits, '-', '_' and '.')
     * @return the running system
     * @throws IllegalArgumentException if the name is empty or has other characters
     */
    public static ActorSystem create(String name) {
        return create(name, SupervisorStrategy.oneForOne());
    }

    /**
     * Creates a system whose top-level actors are supervised with {@code guardianStrategy}.
     *
     * @param name             the system's name (letters, digits, '-', '_' and '.')
     * @param guardianStrategy how the guardian supervises top-level actors
     * @return the running system
     * @throws IllegalArgumentException if the name is empty or has other characters
     */
    public static ActorSystem create(String name, SupervisorStrategy guardianStrategy) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(guardianStrategy, "guardianStrategy");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("actor system name must be non-empty letters, digits, '.', '_' or '-', got '" + name + "'");
        }
        return new ActorSystem(name, guardianStrategy);
    }

    /**
     * The system's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Spawns a top-level actor with an unbounded mailbox.
     *
     * @param name    unique among the live top-level actors, no '/', not starting with '$'; {@code null} for a generated name ("$" and a number)
     * @param factory creates a new instance on each call (at start and at every restart)
     * @param <M>     the message type
     * @return the actor's reference
     * @throws IllegalArgumentException if the name is empty, contains '/', starts with '$', or is taken
     * @throws IllegalStateException    if the system is shutting down
     */
    public <M> ActorRef<M> spawn(String name, Supplier<? extends Actor<M>> factory) {
        return guardian.spawn(name, factory, Mailbox.unbounded());
    }

    /**
     * Spawns a top-level actor with the given mailbox.
     *
     * @param name    unique among the live top-level actors; {@code null} for a generated name
     * @param factory creates a new instance on each call
     * @param mailbox the mailbox spec
     * @param <M>     the message type
     * @return the actor's reference
     * @throws IllegalArgumentException if the name is empty, contains '/', starts with '$', or is taken
     * @throws IllegalStateException    if the system is shutting down
     */
    public <M> ActorRef<M> spawn(String name, Supplier<? extends Actor<M>> factory, Mailbox<M> mailbox) {
        return guardian.spawn(name, factory, mailbox);
    }

    /**
     * The dead-letter office: counts and listeners for every message that was not processed.
     *
     * @return the dead letters
     */
    public DeadLetters deadLetters() {
        return deadLetters;
    }

    /**
     * The actor registry of this system: actors registered under typed names ({@link ActorKey}), found
     * with {@link Registry#lookup} or awaited with {@link Registry#whenRegistered}; an actor is
     * unregistered when it terminates.
     *
     * @return the registry (one per system)
     */
    public Registry registry() {
        return registry;
    }

    /**
     * Stops every actor, top down (each actor stops its children before its own {@code postStop}).
     * Returns at once; see {@link #awaitTermination(Duration)}. Idempotent.
     */
    public void shutdown() {
        guardian.stop();
    }

    /**
     * Waits until every actor of the system has terminated (after {@link #shutdown()}).
     *
     * <p><b>Interruption and timeout.</b> Returns {@code false} if the tree is still stopping when
     * {@code timeout} elapses (an actor whose handler never returns keeps its parent waiting).
     * Interruption throws {@link InterruptedException}; the shutdown goes on.
     *
     * @param timeout how long to wait at most
     * @return {@code true} if the system has terminated
     * @throws InterruptedException if interrupted while waiting
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        long nanos;
        try {
            nanos = Math.max(0, timeout.toNanos());
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 4;
        }
        return Clock.await(guardian.terminationFuture(), nanos);   // the runtime's clock: a test's virtual clock too
    }

    /**
     * Tells whether every actor of the system has terminated.
     *
     * @return {@code true} after the shutdown completed
     */
    public boolean isTerminated() {
        return guardian.terminationFuture().isDone();
    }

    /**
     * {@link #shutdown()}, then waits until the whole tree has terminated, however long that takes.
     *
     * <p><b>Interruption and timeout.</b> If interrupted while waiting, returns with the interrupt
     * status set; the shutdown goes on. No timeout; use {@link #awaitTermination(Duration)} for one.
     */
    @Override
    public void close() {
        shutdown();
        try {
            guardian.terminationFuture().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // not reachable
        }
    }

    /**
     * A new number for a generated actor name ("$" + number, read as unsigned): unique within this
     * system for its first 4,294,967,295 generated names (an int keeps each actor 8 bytes smaller).
     */
    int generateId() {
        return (int) generatedNames.incrementAndGet();
    }

    /** The root actor's cell; for monitoring, which walks the tree from it ({@link ActorConsoleSection}). */
    ActorCell<Void> guardian() {
        return guardian;
    }

    String rootPath() {
        return "vela://" + name;
    }

    @Override
    public String toString() {
        return "ActorSystem[" + name + (isTerminated() ? ", terminated" : "") + "]";
    }
}
