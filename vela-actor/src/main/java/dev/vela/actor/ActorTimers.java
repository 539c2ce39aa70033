package dev.vela.actor;

import java.time.Duration;

/**
 * An actor's keyed timers (Akka's {@code TimerScheduler}): each timer tells a message to the actor
 * itself, through its mailbox, so that the message is processed on the actor's thread like any other.
 * Obtained from {@link ActorContext#timers()}; every method must be called from the thread running the
 * actor (a handler or a hook), and throws {@link IllegalStateException} otherwise.
 *
 * <pre>{@code
 * @Override protected void preStart() {
 *     context().timers().startTimerAtFixedRate("poll", new Poll(), Duration.ofSeconds(1));
 *     context().timers().startSingleTimer("give-up", new GiveUp(), Duration.ofSeconds(30));
 * }
 * }</pre>
 *
 * <h2>Keys and replacement</h2>
 * At most one timer is active per key (compared with {@code equals}). Starting a timer with a key that
 * is active cancels the old timer first, and a message of the old timer that is already in the
 * mailbox is <em>not</em> delivered: each timer message carries its key and a generation, and the
 * actor drops a message whose generation is no longer the key's current one before {@code receive}
 * sees it. The same holds after {@link #cancel} and {@link #cancelAll}: once they return, no message
 * of the cancelled timers reaches {@code receive}. Such dropped messages are not dead letters (the
 * timer was cancelled, nothing was promised); a timer message that the mailbox's overflow policy
 * refuses is a dead letter like any other message.
 *
 * <h2>Restart and stop</h2>
 * Every timer is cancelled when the actor restarts (before the new instance's {@code postRestart})
 * and when it stops. The new instance starts the timers it needs, typically in {@code preStart}.
 *
 * <h2>Time</h2>
 * Timers follow the runtime's clock: real time, or a test's virtual clock
 * ({@code dev.vela.test.VirtualClock}), under which a timer fires at its exact instant. A timer's
 * task only puts the message in the mailbox and never blocks: on a full {@code BLOCK} mailbox the
 * timer message is dropped as a {@link DeadLetter.Reason#DROPPED_NEWEST} dead letter.
 *
 * <p>Nothing here blocks, so there is no "Interruption and timeout" paragraph.
 *
 * @param <M> the actor's message type
 */
public interface ActorTimers<M> {

    /**
     * Tells {@code message} to this actor once, after {@code delay}. The key is active until the
     * message is processed (or the timer is cancelled or replaced).
     *
     * @param key     the timer's key, not null; an active timer with an equal key is replaced
     * @param message the message, not null
     * @param delay   not negative
     * @throws IllegalArgumentException if {@code delay} is negative
     * @throws IllegalStateException    if called from another thread than the actor's
     */
    void startSingleTimer(Object key, M message, Duration delay);

    /**
     * Tells {@code message} to this actor every {@code period}, the first time after {@code period},
     * at instants {@code +period}, {@code +2·period}, ... from now, whatever the handler takes (a slow
     * actor finds several in its mailbox).
     *
     * @param key     the timer's key, not null; an active timer with an equal key is replaced
     * @param message the message, not null (the same instance every time)
     * @param period  positive
     * @throws IllegalArgumentException if {@code period} is zero or negative
     * @throws IllegalStateException    if called from another thread than the actor's
     */
    void startTimerAtFixedRate(Object key, M message, Duration period);

    /**
     * Tells {@code message} to this actor after {@code delay}, and again {@code delay} after each
     * time the actor begins processing it: never more than one of its messages is in the mailbox.
     * With a handler that takes no time, the instants are {@code +delay}, {@code +2·delay}, ...
     *
     * @param key     the timer's key, not null; an active timer with an equal key is replaced
     * @param message the message, not null (the same instance every time)
     * @param delay   positive
     * @throws IllegalArgumentException if {@code delay} is zero or negative
     * @throws IllegalStateException    if called from another thread than the actor's
     */
    void startTimerWithFixedDelay(Object key, M message, Duration delay);

    /**
     * Cancels the timer with this key, if one is active; its message is not delivered afterwards,
     * even if it is already in the mailbox. Idempotent.
     *
     * @param key the timer's key, not null
     * @throws IllegalStateException if called from another thread than the actor's
     */
    void cancel(Object key);

    /**
     * Cancels every timer of this actor (see {@link #cancel}).
     *
     * @throws IllegalStateException if called from another thread than the actor's
     */
    void cancelAll();

    /**
     * Whether a timer with this key is active: started, not cancelled or replaced, and (for a single
     * timer) its message not yet processed.
     *
     * @param key the timer's key, not null
     * @return {@code true} if active
     * @throws IllegalStateException if called from another thread than the actor's
     */
    boolean isTimerActive(Object key);
}
