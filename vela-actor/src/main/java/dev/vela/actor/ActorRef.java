package dev.vela.actor;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The handle through which everyone talks to an actor: thread-safe, cheap to share, and the only way
 * in (an actor's state is reachable only from the thread running it).
 *
 * <pre>{@code
 * counter.tell(new Increment(5));
 * CompletableFuture<Long> n = counter.ask(Get::new, Duration.ofSeconds(1)); // Get(ActorRef<Long> replyTo)
 * counter.stop();
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Messages told by one thread to one actor are processed in the order told (per-sender FIFO;
 *       a priority mailbox orders by priority first). No order across senders.</li>
 *   <li>At most once: a message is processed once or becomes a {@linkplain DeadLetters dead letter}.</li>
 *   <li>Once {@link #stop()} has returned, no further message's processing begins.</li>
 * </ul>
 *
 * <p>Besides actors, the reply references that {@link #ask} creates are {@code ActorRef}s: a reply
 * told to one completes the ask's future.
 *
 * @param <M> the type of messages the actor accepts
 */
public sealed interface ActorRef<M> permits ActorCell, PromiseRef, Router {

    /**
     * The actor's name, unique among its siblings.
     *
     * @return the name
     */
    String name();

    /**
     * The actor's path from the system's root, such as {@code vela://shop/user/orders/order-42}.
     *
     * @return the path
     */
    String path();

    /**
     * Puts {@code message} into the actor's mailbox and returns ("fire and forget").
     *
     * <p>On an unbounded or priority mailbox this never blocks. On a bounded mailbox the overflow
     * policy decides: {@code BLOCK} waits for room, {@code DROP_NEWEST}/{@code DROP_OLDEST} drop a
     * message, {@code FAIL} throws. A message to a stopping or stopped actor becomes a dead letter.
     * Every message not delivered is counted in {@link ActorSystem#deadLetters()}.
     *
     * <p><b>Interruption and timeout.</b> Only a {@code BLOCK} mailbox can block. If the sender is
     * interrupted while blocked, the message was not delivered: it is counted as a
     * {@linkplain DeadLetter.Reason#SENDER_INTERRUPTED dead letter}, the tell returns normally and the
     * thread's interrupt status is set. There is no timeout; never tell into your own full
     * {@code BLOCK} mailbox from your own handler.
     *
     * @param message the message, not null
     * @throws NullPointerException if {@code message} is null
     * @throws MailboxFullException if the mailbox is bounded with overflow {@code FAIL} and full
     */
    void tell(M message);

    /**
     * Sends a request built around a fresh reply reference and returns the reply as a future
     * (the ask pattern). The future completes with the first value told to the reply reference;
     * exceptionally with {@link AskTimeoutException} if none comes within {@code timeout}, or at once
     * with {@link ActorStoppedException} if the request could not be delivered. A reply that comes
     * after the future completed becomes a {@linkplain DeadLetter.Reason#LATE_REPLY dead letter}.
     *
     * <pre>{@code
     * record Get(ActorRef<Long> replyTo) implements CounterMsg {}
     * long n = counter.ask(Get::new, Duration.ofSeconds(1)).get(2, TimeUnit.SECONDS);
     * }</pre>
     *
     * <p><b>Interruption and timeout.</b> The call itself blocks only as {@link #tell} does.
     * The timeout is mandatory and measured on a monotonic clock from the call; cancelling the future
     * also gives up (a later reply is a dead letter).
     *
     * @param request builds the request message from the reply reference
     * @param timeout how long to wait for the reply, positive
     * @param <R>     the reply type
     * @return the future reply
     * @throws NullPointerException     if an argument is null or the request builder returns null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    <R> CompletableFuture<R> ask(Function<? super ActorRef<R>, ? extends M> request, Duration timeout);

    /**
     * Stops the actor: the mailbox closes at once (later tells are dead letters), the message being
     * processed (if any) completes, the messages still in the mailbox become dead letters, the
     * children are stopped (and awaited), then {@link Actor#postStop()} runs and the watchers are told.
     * Idempotent; returns without waiting (see {@link #whenTerminated()}).
     */
    void stop();

    /**
     * A future that completes when the actor has terminated (children stopped, {@code postStop}
     * run), with the same {@link Terminated} notice watchers get. For an ask's reply reference: when
     * the ask completes. Each call returns a new dependent future; completing it has no effect on the
     * actor.
     *
     * @return the termination future
     */
    CompletableFuture<Terminated> whenTerminated();
}
