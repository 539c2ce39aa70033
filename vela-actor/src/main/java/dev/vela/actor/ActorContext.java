package dev.vela.actor;

import dev.vela.channel.Receiver;
import dev.vela.channel.SelectClause;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What an actor can do besides processing messages: spawn and list children, watch other actors,
 * listen to channels, select over its own mailbox, start timers and stash messages. Obtained from {@link Actor#context()}; its
 * methods must be called from the thread running the actor (in a handler or a lifecycle hook), except
 * {@link #self()} and {@link #system()}.
 *
 * @param <M> the actor's message type
 */
public interface ActorContext<M> {

    /**
     * This actor's own reference.
     *
     * @return the reference
     */
    ActorRef<M> self();

    /**
     * The system this actor belongs to.
     *
     * @return the system
     */
    ActorSystem system();

    /**
     * Spawns a child with an unbounded mailbox, supervised by this actor's
     * {@link Actor#supervisorStrategy()}. The child starts at once: a virtual thread runs its
     * {@link Actor#preStart()}, then ends if it has nothing to process.
     *
     * @param name    unique among this actor's live children, no {@code '/'}, not starting with {@code '$'}; {@code null} for a generated name ({@code "$"} and a number)
     * @param factory creates a new instance on each call (at start and at every restart)
     * @param <C>     the child's message type
     * @return the child's reference
     * @throws IllegalArgumentException if the name is empty, contains '/', starts with '$', or is taken
     * @throws IllegalStateException    if this actor is stopping, or called from another thread
     */
    <C> ActorRef<C> spawn(String name, Supplier<? extends Actor<C>> factory);

    /**
     * Spawns a child with the given mailbox (see {@link #spawn(String, Supplier)}).
     *
     * @param name    unique among this actor's live children; {@code null} for a generated name
     * @param factory creates a new instance on each call
     * @param mailbox the mailbox spec
     * @param <C>     the child's message type
     * @return the child's reference
     * @throws IllegalArgumentException if the name is empty, contains '/', starts with '$', or is taken
     * @throws IllegalStateException    if this actor is stopping, or called from another thread
     */
    <C> ActorRef<C> spawn(String name, Supplier<? extends Actor<C>> factory, Mailbox<C> mailbox);

    /**
     * This actor's live children, in spawn order (the order rest-for-one uses).
     *
     * @return a snapshot
     */
    List<ActorRef<?>> children();

    /**
     * Death watch: when {@code target} terminates (or if it already has), this actor's
     * {@link Actor#onTerminated(Terminated)} is called with the cause. Watching twice is one watch.
     *
     * @param target the actor to watch (not an ask's reply reference)
     * @throws IllegalArgumentException if {@code target} is a reply reference
     * @throws IllegalStateException    if called from another thread
     */
    void watch(ActorRef<?> target);

    /**
     * Ends a watch; no notice for {@code target} is delivered afterwards.
     *
     * @param target the watched actor
     * @throws IllegalStateException if called from another thread
     */
    void unwatch(ActorRef<?> target);

    /**
     * Links this actor and {@code target} both ways (Erlang's {@code link/1}): when either fails (its
     * {@code receive} or a hook throws, whatever its supervisor then decides) or terminates, the link
     * breaks and the other gets an exit signal. An actor that does not {@linkplain #trapExits trap
     * exits} fails on a signal that carries a cause, with a {@link LinkedActorFailedException} (so its
     * own links fire in turn, and its supervisor decides as for any failure), and ignores a normal
     * stop; one that traps exits receives every signal in {@link Actor#onExit(ExitSignal)}. Linking
     * twice is one link; linking an actor that has already terminated gives its exit signal at once.
     * Links are not kept across a failure: a restarted actor links again (in {@code preStart}, say).
     *
     * @param target the actor to link to (not this actor, not an ask's reply reference)
     * @throws IllegalArgumentException if {@code target} is this actor or a reply reference
     * @throws IllegalStateException    if called from another thread
     */
    void link(ActorRef<?> target);

    /**
     * Removes the link with {@code target} (both ways); no exit signal from it is delivered afterwards.
     *
     * @param target the linked actor
     * @throws IllegalStateException if called from another thread
     */
    void unlink(ActorRef<?> target);

    /**
     * Makes exit signals of linked actors come to {@link Actor#onExit(ExitSignal)} instead of failing
     * this actor (Erlang's {@code process_flag(trap_exit, true)}). Off by default and again after each
     * restart: a new instance sets it in {@code preStart} if it wants it.
     *
     * @param trap {@code true} to receive exit signals as calls of {@code onExit}
     * @throws IllegalStateException if called from another thread
     */
    void trapExits(boolean trap);

    /**
     * Makes this actor's loop select over its mailbox and {@code source}: each value received from
     * {@code source} is turned into a message by {@code adapter} and processed like any other message,
     * one at a time. Ready sources and the mailbox are served fairly (uniformly at random). When
     * {@code source} is closed and drained the actor stops listening to it.
     *
     * @param source  a channel's receiving side (for example {@code Timers.tick(period)})
     * @param adapter turns a received value into a message, not null; what it throws is a failure of this actor
     * @param <T>     the channel's element type
     * @throws IllegalStateException if called from another thread
     */
    <T> void listen(Receiver<T> source, Function<? super T, ? extends M> adapter);

    /**
     * A {@link dev.vela.channel.Select Select} clause that takes the next message from this actor's
     * mailbox, for a handler that waits on its mailbox and other channels itself (a selective wait).
     * The message is processed by the clause's function, not by {@link Actor#receive}.
     *
     * @param fn  maps the message to the select's result
     * @param <R> the select's result type
     * @return the clause
     * @throws UnsupportedOperationException on a priority mailbox
     */
    <R> SelectClause<R> onMessage(Function<? super M, ? extends R> fn);

    /**
     * This actor's keyed timers, which tell messages to the actor itself (Akka's
     * {@code TimerScheduler}); all of them are cancelled at a restart and at a stop. The same object
     * for the actor's whole life.
     *
     * @return the timers
     * @throws IllegalStateException if called from another thread
     */
    ActorTimers<M> timers();

    /**
     * This actor's stash, created with {@code capacity} at the first call; later calls return the same
     * stash, which outlives restarts (its messages are unstashed for the new instance) and becomes
     * dead letters at a stop. See {@link Stash}.
     *
     * @param capacity the most messages it holds, at least 1; the same at every call
     * @return the stash
     * @throws IllegalArgumentException if {@code capacity < 1}
     * @throws IllegalStateException    if the stash exists with another capacity, or if called from another thread
     */
    Stash<M> stash(int capacity);
}
