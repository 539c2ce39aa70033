package dev.vela.actor;

import dev.vela.time.internal.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A pool router (Akka/Pekko's pool routers): one reference in front of {@code n} routee actors of the
 * same kind, which spreads the messages told to it over them, round robin or by consistent hashing.
 * Built by {@link Routers#pool(int, java.util.function.Supplier)}.
 *
 * <pre>{@code
 * Router<Job> workers = Routers.pool(4, Worker::new).spawn(system, "workers");
 * workers.tell(new Job(42));                  // goes straight into one routee's mailbox
 * workers.routees();                          // [vela://shop/user/workers/r0, ... /r3]
 * workers.stop();                             // stops the pool and every routee
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Every message goes to exactly one live routee, or becomes a {@linkplain DeadLetters dead letter}
 *       ({@link DeadLetter.Reason#RECIPIENT_STOPPED} with the router as recipient when the pool has no
 *       routee left or has stopped; a routee stopping at that moment makes it one at the routee).</li>
 *   <li>Round robin: tells from one thread take the routees in turn, so {@code n × k} of them give each
 *       routee exactly {@code k}. Consistent hash: equal keys go to the same routee while the routee
 *       set is unchanged, so one sender's messages with one key are processed in order (the routee's
 *       per-sender FIFO); when a routee is removed, only its keys move.</li>
 *   <li>A routee the pool's strategy restarts keeps its place (its reference survives the restart); a
 *       routee that stops (itself, by the strategy, or over its restart limit) is removed; when the last
 *       one is gone the pool stops.</li>
 * </ul>
 *
 * <h2>Implementation overview</h2>
 * <b>The pool is a head actor with the routees as its children.</b> The head ({@link PoolHead}, an
 * ordinary actor named after the pool) spawns routees {@code r0 .. r(n-1)} in its {@code preStart},
 * supervises them with the spec's strategy, watches them, and publishes the live set to the pool's
 * {@link RoutingLogic}, an immutable table behind one volatile field. {@link #name()}, {@link #path()},
 * {@link #stop()} and {@link #whenTerminated()} are the head's.
 *
 * <p><b>Direct tell.</b> {@link #tell} reads the table, picks a routee on the caller's thread and tells
 * it directly: no hop through the head's mailbox, so a routed message costs one mailbox hand-off, as an
 * actor tell does. Pekko typed's pool router forwards each message through the router actor (two
 * hand-offs and a serial bottleneck); Pekko classic's {@code RoutedActorRef} sends directly, as here.
 * The price: the routing logic runs on the senders' threads concurrently, so it must be thread-safe
 * (an atomic counter; an immutable ring), and a routee removed by the head may still get a message
 * told just before the head republished (a dead letter at that routee, never a lost message).
 *
 * <p><b>Start without loss.</b> Only the head's own thread may spawn its children, so the routees
 * exist only once the head's {@code preStart} has run. {@link PoolSpec#spawn} therefore waits (at most
 * 30 s, on the runtime's clock) until the head has published its routees, or has terminated, before it
 * returns the router: a tell can never find a pool that is still starting (which would have to buffer
 * it, or drop it). The wait is a thread start and {@code n} spawns; the spawner may be an actor's thread.
 * After a restart of the head (an escalated failure), its new {@code preStart} spawns and publishes new
 * routees; tells in between go to the stopped old ones and become dead letters there.
 *
 * <p><b>Stop.</b> {@link #stop()} closes the routing (later tells are dead letters at once), stops the
 * routees it knew directly (so, as for any actor, once {@code stop()} returned no routee begins a new
 * message), and stops the head, whose cell waits for its children before {@code postStop}.
 *
 * @param <M> the message type of the routees
 */
public final class Router<M> implements ActorRef<M> {
    /** How long {@link PoolSpec#spawn} waits for the head to spawn its routees. */
    static final long START_TIMEOUT_SECONDS = 30;

    /** The pool's head actor; fixed. */
    private final ActorCell<?> head;
    /** The live routee set and how to pick from it; shared with the head, which alone republishes it. */
    private final RoutingLogic<M> logic;
    /** {@code "roundRobin"} or {@code "consistentHash(n)"}, for {@link #toString()}. */
    private final String routing;

    private Router(ActorCell<?> head, RoutingLogic<M> logic, String routing) {
        this.head = head;
        this.logic = logic;
        this.routing = routing;
    }

    /**
     * The router of a just-spawned head, returned once the head has published its routees (or has
     * terminated: then every tell is a dead letter).
     */
    static <M> Router<M> whenStarted(ActorRef<Void> headRef, RoutingLogic<M> logic, CompletableFuture<Void> started,
                                     String routing) {
        ActorCell<?> cell = (ActorCell<?>) headRef;   // system.spawn and context.spawn return cells
        CompletableFuture<Object> either = CompletableFuture.anyOf(started, cell.terminationFuture());
        long deadline = Clock.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        boolean done = false, interrupted = false;
        while (true) {
            try {
                done = Clock.await(either, deadline - Clock.nanoTime());
                break;
            } catch (InterruptedException e) {
                interrupted = true;   // the spawn goes on: the routees are already being spawned
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        if (!done) {
            cell.stop();
            throw new IllegalStateException("pool " + cell.path() + " did not start its routees within "
                    + START_TIMEOUT_SECONDS + " s; stopped it");
        }
        return new Router<>(cell, logic, routing);
    }

    /**
     * The pool's name (its head actor's).
     *
     * @return the name
     */
    @Override
    public String name() {
        return head.name();
    }

    /**
     * The pool's path; its routees' paths are this plus {@code /r0}, {@code /r1}, ...
     *
     * @return the path
     */
    @Override
    public String path() {
        return head.path();
    }

    /**
     * Picks a routee (round robin, or by the message's consistent-hash key) and tells it
     * {@code message} directly, on the caller's thread: the routee's mailbox rules apply (a full
     * {@code BLOCK} mailbox blocks, {@code FAIL} throws). With no routee left, or after the pool
     * stopped, the message is a {@linkplain DeadLetter.Reason#RECIPIENT_STOPPED dead letter}.
     *
     * <p><b>Interruption and timeout.</b> As {@link ActorRef#tell}: only a routee's full {@code BLOCK}
     * mailbox makes the caller wait, and an interrupt then ends the wait as it does there.
     *
     * @param message the message, not null
     * @throws NullPointerException if {@code message} is null, or its consistent-hash key is null
     * @throws MailboxFullException if the chosen routee's mailbox is bounded with overflow {@code FAIL} and full
     */
    @Override
    public void tell(M message) {
        Objects.requireNonNull(message, "message");
        deliver(message);
    }

    /** Tells a routee; false (and a dead letter) if there is none. */
    private boolean deliver(M message) {
        ActorRef<M> routee = logic.select(message);
        if (routee == null) {
            head.system.deadLetters().publish(message, this, DeadLetter.Reason.RECIPIENT_STOPPED);
            return false;
        }
        routee.tell(message);
        return true;
    }

    /**
     * The ask pattern through the router: the request is built, routed like a {@link #tell}, and told
     * to the chosen routee, whose reply completes the future. With no routee left the future fails
     * at once with {@link ActorStoppedException}; a routee that stops before processing the request
     * makes it a dead letter, and the ask times out.
     *
     * @param request builds the request message from the reply reference
     * @param timeout how long to wait for the reply, positive
     * @param <R>     the reply type
     * @return the future reply
     * @throws NullPointerException     if an argument is null, the request builder returns null, or the key is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    @Override
    public <R> CompletableFuture<R> ask(Function<? super ActorRef<R>, ? extends M> request, Duration timeout) {
        return PromiseRef.ask(head.system, this, request, timeout, this::deliver);
    }

    /**
     * Stops the pool: later tells become dead letters at once, every routee is stopped (no routee
     * begins a new message once this returned), then the head stops after its routees. Idempotent;
     * returns without waiting (see {@link #whenTerminated()}).
     */
    @Override
    public void stop() {
        List<ActorRef<M>> live = logic.routees();
        logic.close();
        head.stop();
        for (ActorRef<M> r : live) r.stop();
    }

    /**
     * Completes when the pool has terminated: every routee stopped, then the head.
     *
     * @return the head's termination future
     */
    @Override
    public CompletableFuture<Terminated> whenTerminated() {
        return head.terminationFuture().thenApply(t -> new Terminated(this, t.cause()));   // names the router, as a watch does
    }

    /**
     * The live routees at this moment, in spawn order (a snapshot: empty once the pool has stopped).
     *
     * @return an unmodifiable list
     */
    public List<ActorRef<M>> routees() {
        return logic.routees();
    }

    /** The pool's head actor: what watching the router watches. */
    ActorCell<?> head() {
        return head;
    }

    @Override
    public String toString() {
        return "Router[" + path() + ", " + routing + ", " + logic.routees().size() + " routees]";
    }
}
