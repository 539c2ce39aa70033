package dev.vela.actor;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * A typed actor: private state plus a {@link #receive} method that processes one message at a time
 * on a virtual thread, with lifecycle hooks for start, stop and restart. An idle actor holds no
 * thread: one is started when a message arrives and ends when the mailbox is empty
 * (see {@code docs/actors.md}, "Threads and costs"), so keep no {@code ThreadLocal} across messages.
 *
 * <pre>{@code
 * sealed interface CounterMsg permits Add, Get {}
 * record Add(long n) implements CounterMsg {}
 * record Get(ActorRef<Long> replyTo) implements CounterMsg {}
 *
 * final class Counter extends Actor<CounterMsg> {
 *     private long total;                                   // touched only by this actor's thread
 *     @Override protected void receive(CounterMsg m) {
 *         switch (m) {
 *             case Add a -> total += a.n();
 *             case Get g -> g.replyTo().tell(total);
 *         }
 *     }
 * }
 * ActorRef<CounterMsg> counter = system.spawn("counter", Counter::new);
 * }</pre>
 *
 * <h2>Lifecycle</h2>
 * An actor is created by its factory (the {@code Supplier} given to {@code spawn}), then
 * {@link #preStart()} runs, then messages are processed. When {@code receive} (or a hook) throws, the
 * actor is suspended and its parent's {@link #supervisorStrategy()} decides:
 * <ul>
 *   <li>resume: the same instance goes on with the next message;</li>
 *   <li>restart: {@link #preRestart} runs on the old instance, the actor's children are stopped, the
 *       factory makes a new instance and {@link #postRestart} (by default: {@code preStart()}) runs
 *       on it. The mailbox is kept; the message that failed is not redelivered; the
 *       {@linkplain ActorContext#stash stash}'s messages are put in front of the mailbox; every
 *       {@linkplain ActorContext#timers timer} is cancelled;</li>
 *   <li>stop: every timer is cancelled, the mailbox's remaining messages and the stash's become dead
 *       letters, children stop, {@link #postStop()} runs;</li>
 *   <li>escalate: the parent fails in turn.</li>
 * </ul>
 * Hooks run on the actor's thread, like {@code receive}; nothing else ever runs there concurrently.
 * What {@code postStop} and {@code preRestart} throw is ignored.
 *
 * @param <M> the type of messages the actor accepts
 */
public abstract class Actor<M> {
    /** Set by the cell before {@link #preStart()} and never changed afterwards; null in the constructor. */
    ActorCell<M> cell;

    /** Creates the actor; {@link #context()} is not available yet (use {@link #preStart()}). */
    protected Actor() {}

    /**
     * This actor's context: spawn children, watch, listen, select over the mailbox.
     *
     * @return the context
     * @throws IllegalStateException if called from the constructor
     */
    protected final ActorContext<M> context() {
        ActorCell<M> c = cell;
        if (c == null) throw new IllegalStateException("context() is not available in the constructor; use preStart()");
        return c;
    }

    /**
     * This actor's own reference (same as {@code context().self()}).
     *
     * @return the reference
     * @throws IllegalStateException if called from the constructor
     */
    protected final ActorRef<M> self() {
        return context().self();
    }

    /**
     * Processes one message. Never called concurrently with itself or with a hook.
     *
     * @param message the message
     * @throws Exception a failure, handled by the parent's supervisor strategy
     */
    protected abstract void receive(M message) throws Exception;

    /**
     * Runs once before the first message (and, by default, after each restart).
     *
     * @throws Exception a failure, handled like a failure of {@code receive}
     */
    protected void preStart() throws Exception {}

    /**
     * Runs once when the actor stops, after its children have stopped. What it throws is ignored.
     *
     * @throws Exception ignored
     */
    protected void postStop() throws Exception {}

    /**
     * Runs on the old instance before a restart, before the actor's children are stopped. What it
     * throws is ignored.
     *
     * @param cause the failure that caused the restart
     * @throws Exception ignored
     */
    protected void preRestart(Throwable cause) throws Exception {}

    /**
     * Runs on the new instance after a restart, before the next message. By default calls {@link #preStart()}.
     *
     * @param cause the failure that caused the restart
     * @throws Exception a failure, handled like a failure of {@code receive}
     */
    protected void postRestart(Throwable cause) throws Exception {
        preStart();
    }

    /**
     * Death watch: an actor this one {@linkplain ActorContext#watch watches} has terminated.
     * Called on this actor's thread, between messages. Does nothing by default.
     *
     * @param terminated which actor, and why
     * @throws Exception a failure, handled like a failure of {@code receive}
     */
    protected void onTerminated(Terminated terminated) throws Exception {}

    /**
     * Links: an actor {@linkplain ActorContext#link linked} to this one failed or terminated, and this
     * actor {@linkplain ActorContext#trapExits traps exits}. Called on this actor's thread, between
     * messages. Does nothing by default.
     *
     * @param signal which actor, and its failure or termination cause ({@code null}: a normal stop)
     * @throws Exception a failure, handled like a failure of {@code receive}
     */
    protected void onExit(ExitSignal signal) throws Exception {}

    /**
     * How this actor supervises its children; read each time a child fails. The default is
     * {@link SupervisorStrategy#oneForOne()}.
     *
     * @return the strategy
     */
    protected SupervisorStrategy supervisorStrategy() {
        return SupervisorStrategy.oneForOne();
    }

    /** A message handler for {@link #of}: a stateless actor as a lambda. */
    @FunctionalInterface
    public interface Handler<M> {
        /**
         * Processes one message.
         *
         * @param context the actor's context
         * @param message the message
         * @throws Exception a failure, handled by the parent's supervisor strategy
         */
        void handle(ActorContext<M> context, M message) throws Exception;
    }

    /**
     * A factory of actors whose {@code receive} is {@code handler} (state, if any, lives outside).
     *
     * <pre>{@code
     * ActorRef<String> printer = system.spawn("printer", Actor.of((ctx, s) -> System.out.println(s)));
     * }</pre>
     *
     * @param handler the message handler
     * @param <M>     the message type
     * @return a factory for {@code spawn}
     */
    public static <M> Supplier<Actor<M>> of(Handler<M> handler) {
        Objects.requireNonNull(handler, "handler");
        return () -> new Actor<>() {
            @Override
            protected void receive(M message) throws Exception {
                handler.handle(context(), message);
            }
        };
    }
}
