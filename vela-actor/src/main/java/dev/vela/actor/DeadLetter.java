package dev.vela.actor;

/**
 * A message that was not delivered to (or not processed by) its recipient, and why. Every such message
 * is counted by {@link DeadLetters} and shown to its listeners: no message is lost silently.
 *
 * @param message   the message
 * @param recipient the actor (or ask reply reference) it was meant for
 * @param reason    why it was not processed
 */
public record DeadLetter(Object message, ActorRef<?> recipient, Reason reason) {

    /** Why a message became a dead letter. */
    public enum Reason {
        /** A bounded mailbox with {@link Mailbox.Overflow#DROP_NEWEST} was full: the new message was dropped. */
        DROPPED_NEWEST,
        /** A bounded mailbox with {@link Mailbox.Overflow#DROP_OLDEST} was full: this older message made room. */
        DROPPED_OLDEST,
        /** A bounded mailbox with {@link Mailbox.Overflow#FAIL} was full: the tell threw {@link MailboxFullException}. */
        REJECTED,
        /** A sender blocked on a full {@link Mailbox.Overflow#BLOCK} mailbox was interrupted: not sent. */
        SENDER_INTERRUPTED,
        /** Told to an actor that was stopping or already stopped. */
        RECIPIENT_STOPPED,
        /** Was in the mailbox, unprocessed, when the actor stopped (the mailbox is drained to dead letters). */
        UNPROCESSED_AT_STOP,
        /** A reply to an ask that had already completed (timed out, cancelled or answered). */
        LATE_REPLY,
        /** {@link Stash#stash} found the stash full: it threw {@link StashOverflowException} and did not stash this. */
        STASH_OVERFLOW,
        /** Was in the actor's {@link Stash} when the actor stopped. */
        STASHED_AT_STOP
    }
}
