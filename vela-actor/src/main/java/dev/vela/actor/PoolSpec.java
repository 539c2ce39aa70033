package dev.vela.actor;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How to build a pool router: how many routees, how each is made, how messages are spread over them,
 * their mailbox and how the pool supervises them. Immutable: each method returns a new spec, and one
 * spec can spawn any number of pools. Obtained from {@link Routers#pool(int, Supplier)}.
 *
 * <pre>{@code
 * Router<Job> workers = Routers.pool(4, Worker::new)
 *         .consistentHash(Job::customerId)                  // one customer's jobs: one worker, in order
 *         .supervisorStrategy(SupervisorStrategy.oneForOne().withMaxRestarts(10, Duration.ofMinutes(1)))
 *         .spawn(system, "workers");
 * }</pre>
 *
 * @param <M> the message type of the routees (and of the router)
 */
public final class PoolSpec<M> {
    private final int size;                               // >= 1
    private final Supplier<? extends Actor<M>> factory;   // not null
    private final Function<? super M, ?> hashKey;         // null: round robin
    private final int virtualNodes;                       // >= 1
    private final Mailbox<M> mailbox;                     // not null
    private final SupervisorStrategy strategy;            // not null

    private PoolSpec(int size, Supplier<? extends Actor<M>> factory, Function<? super M, ?> hashKey, int virtualNodes,
                     Mailbox<M> mailbox, SupervisorStrategy strategy) {
        this.size = size;
        this.factory = factory;
        this.hashKey = hashKey;
        this.virtualNodes = virtualNodes;
        this.mailbox = mailbox;
        this.strategy = strategy;
    }

    static <M> PoolSpec<M> of(int size, Supplier<? extends Actor<M>> factory) {
        Objects.requireNonNull(factory, "factory");
        if (size < 1) throw new IllegalArgumentException("pool size must be at least 1, got " + size);
        return new PoolSpec<>(size, factory, null, RoutingLogic.DEFAULT_VIRTUAL_NODES, Mailbox.unbounded(),
                SupervisorStrategy.oneForOne());
    }

    /**
     * Round-robin routing (the default): routee {@code 0, 1, ..., n-1, 0, ...} in turn; each tell of
     * any sender takes the next one.
     *
     * @return a spec with round-robin routing
     */
    public PoolSpec<M> roundRobin() {
        return new PoolSpec<>(size, factory, null, virtualNodes, mailbox, strategy);
    }

    /**
     * Consistent-hash routing with {@value RoutingLogic#DEFAULT_VIRTUAL_NODES} virtual nodes per routee
     * (Pekko's default): messages with equal keys go to the same routee while the routee set is
     * unchanged, so one key's messages from one sender are processed in order; when a routee is
     * removed, only its keys move to others.
     *
     * @param key the key of a message (compared by {@code hashCode}); it must not return null
     * @return a spec with consistent-hash routing
     * @throws NullPointerException if {@code key} is null
     */
    public PoolSpec<M> consistentHash(Function<? super M, ?> key) {
        return consistentHash(key, RoutingLogic.DEFAULT_VIRTUAL_NODES);
    }

    /**
     * Consistent-hash routing with {@code virtualNodesPerRoutee} points per routee on the hash ring
     * (more points spread keys more evenly; see {@link #consistentHash(Function)}).
     *
     * @param key                   the key of a message (compared by {@code hashCode}); it must not return null
     * @param virtualNodesPerRoutee points per routee on the ring, at least 1
     * @return a spec with consistent-hash routing
     * @throws NullPointerException     if {@code key} is null
     * @throws IllegalArgumentException if {@code virtualNodesPerRoutee < 1}
     */
    public PoolSpec<M> consistentHash(Function<? super M, ?> key, int virtualNodesPerRoutee) {
        Objects.requireNonNull(key, "key");
        if (virtualNodesPerRoutee < 1) {
            throw new IllegalArgumentException("virtualNodesPerRoutee must be at least 1, got " + virtualNodesPerRoutee);
        }
        return new PoolSpec<>(size, factory, key, virtualNodesPerRoutee, mailbox, strategy);
    }

    /**
     * The mailbox of each routee (default {@link Mailbox#unbounded()}).
     *
     * @param mailbox the mailbox spec, applied to every routee
     * @return a spec with that mailbox
     * @throws NullPointerException if {@code mailbox} is null
     */
    public PoolSpec<M> mailbox(Mailbox<M> mailbox) {
        return new PoolSpec<>(size, factory, hashKey, virtualNodes, Objects.requireNonNull(mailbox, "mailbox"), strategy);
    }

    /**
     * How the pool supervises its routees (default {@link SupervisorStrategy#oneForOne()}). A restarted
     * routee keeps its place in the pool; a stopped one is removed; an escalated failure fails the
     * pool's head actor, which its own parent then supervises.
     *
     * @param strategy the routees' supervisor strategy
     * @return a spec with that strategy
     * @throws NullPointerException if {@code strategy} is null
     */
    public PoolSpec<M> supervisorStrategy(SupervisorStrategy strategy) {
        return new PoolSpec<>(size, factory, hashKey, virtualNodes, mailbox, Objects.requireNonNull(strategy, "strategy"));
    }

    /**
     * Spawns the pool as a top-level actor named {@code name}, with its routees as its children
     * {@code r0 .. r(size-1)}. Returns once the routees are spawned, so nothing told to the router is
     * lost to a pool still starting.
     *
     * <p><b>Interruption and timeout.</b> Waits, on the runtime's clock, until the pool's head actor has
     * spawned the routees: at most 30 s, then the head is stopped and {@link IllegalStateException} is
     * thrown. An interrupt does not end the wait (the routees are already being spawned, and a router
     * returned early would lose messages); the interrupt status is restored before this returns.
     *
          * @param system the system
     * @param name   the pool's name, as for {@link ActorSystem#spawn(String, Supplier)}; {@code null} for a generated one
     * @return the router
     * @throws IllegalArgumentException if the name is invalid or taken
     * @throws IllegalStateException    if the system is shutting down, or the pool did not start within
     *                                  30 s
     */
    public Router<M> spawn(ActorSystem system, String name) {
        Objects.requireNonNull(system, "system");
        RoutingLogic<M> logic = logic();
        CompletableFuture<Void> started = new CompletableFuture<>();
        ActorRef<Void> head = system.spawn(name, () -> new PoolHead<>(this, logic, started));
        return Router.whenStarted(head, logic, started, routing());
    }

    /**
     * Spawns the pool as a child of the actor whose context this is (call it from that actor's thread,
     * as {@link ActorContext#spawn(String, Supplier)} requires), with its routees as the pool's children.
     * Returns once the routees are spawned.
     *
     * <p><b>Interruption and timeout.</b> Waits, on the runtime's clock, until the pool's head actor has
     * spawned the routees: at most 30 s, then the head is stopped and {@link IllegalStateException} is
     * thrown. An interrupt does not end the wait (the routees are already being spawned, and a router
     * returned early would lose messages); the interrupt status is restored before this returns.
     *
          * @param context the parent actor's context
     * @param name    the pool's name among the parent's children; {@code null} for a generated one
     * @return the router
     * @throws IllegalArgumentException if the name is invalid or taken
     * @throws IllegalStateException    if the parent is stopping, if called from another thread, or if the
     *                                  pool did not start within 30 s
     */
    public Router<M> spawn(ActorContext<?> context, String name) {
        Objects.requireNonNull(context, "context");
        RoutingLogic<M> logic = logic();
        CompletableFuture<Void> started = new CompletableFuture<>();
        ActorRef<Void> head = context.spawn(name, () -> new PoolHead<>(this, logic, started));
        return Router.whenStarted(head, logic, started, routing());
    }

    private RoutingLogic<M> logic() {
        return hashKey == null ? RoutingLogic.roundRobin() : RoutingLogic.consistentHash(hashKey, virtualNodes);
    }

    int size() {
        return size;
    }

    Supplier<? extends Actor<M>> factory() {
        return factory;
    }

    Mailbox<M> mailbox() {
        return mailbox;
    }

    SupervisorStrategy strategy() {
        return strategy;
    }

    /** {@code "roundRobin"} or {@code "consistentHash(10)"}. */
    String routing() {
        return hashKey == null ? "roundRobin" : "consistentHash(" + virtualNodes + ")";
    }

    @Override
    public String toString() {
        return "PoolSpec[" + size + " routees, " + routing() + ", " + mailbox + ", " + strategy + "]";
    }
}
