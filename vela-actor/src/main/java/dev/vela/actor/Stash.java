package dev.vela.actor;

/**
 * A bounded buffer of messages an actor is not ready for yet (Akka's {@code StashBuffer}): stash them
 * while initialising, then {@link #unstashAll()} puts them back in front of the mailbox, in the order
 * they were stashed. Obtained from {@link ActorContext#stash(int)}; {@link #stash} and
 * {@link #unstashAll} must be called from the thread running the actor ({@link IllegalStateException}
 * otherwise), and the other methods are meant for it too (from another thread they read a stale value).
 *
 * <pre>{@code
 * @Override protected void receive(Msg m) {
 *     if (!ready) {
 *         if (m instanceof Ready) { ready = true; context().stash(100).unstashAll(); }
 *         else context().stash(100).stash(m);                 // processed after Ready, in order
 *         return;
 *     }
 *     ...
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li><b>Order</b>: unstashed messages are processed before any message still in the mailbox, in
 *       the order they were stashed (Akka's prepend). A message stashed again while being processed
 *       after an {@code unstashAll} goes back into the stash.</li>
 *   <li><b>Restart</b>: the stash belongs to the actor, not to the instance. At a restart its messages
 *       are put in front of the mailbox, so the new instance processes them first, in order: a restart
 *       never loses a stashed message.</li>
 *   <li><b>Stop</b>: stashed messages become dead letters {@link DeadLetter.Reason#STASHED_AT_STOP};
 *       unstashed ones not yet processed, {@link DeadLetter.Reason#UNPROCESSED_AT_STOP}.</li>
 *   <li><b>Overflow</b>: {@link #stash} on a full stash throws {@link StashOverflowException}, after
 *       publishing the message as a dead letter {@link DeadLetter.Reason#STASH_OVERFLOW}: nothing is
 *       lost silently.</li>
 *   <li><b>Context</b>: a stashed message keeps the sender's context it was being processed with.</li>
 * </ul>
 * Nothing here blocks.
 *
 * @param <M> the actor's message type
 */
public interface Stash<M> {

    /**
     * Adds {@code message} to the end of the stash.
     *
     * @param message the message, not null (typically the one being processed)
     * @throws StashOverflowException if the stash is full (the message is then a dead letter)
     * @throws IllegalStateException  if called from another thread than the actor's
     */
    void stash(M message);

    /**
     * Empties the stash into the front of the mailbox: its messages are processed next, in the order
     * they were stashed, before any message already in the mailbox. Does nothing when empty.
     *
     * @throws IllegalStateException if called from another thread than the actor's
     */
    void unstashAll();

    /**
     * How many messages are stashed.
     *
     * @return the count
     */
    int size();

    /**
     * Whether nothing is stashed.
     *
     * @return {@code true} if empty
     */
    boolean isEmpty();

    /**
     * Whether a further {@link #stash} would overflow.
     *
     * @return {@code true} if {@code size() == capacity()}
     */
    boolean isFull();

    /**
     * The most messages the stash holds, as given to {@link ActorContext#stash(int)}.
     *
     * @return the capacity
     */
    int capacity();
}
