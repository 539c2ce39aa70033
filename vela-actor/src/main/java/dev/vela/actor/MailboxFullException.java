package dev.vela.actor;

import java.io.Serial;

/**
 * Thrown by {@link ActorRef#tell} when the recipient's bounded mailbox, with overflow policy
 * {@link Mailbox.Overflow#FAIL}, is full. The message was not delivered; it is also counted as a
 * {@linkplain DeadLetter.Reason#REJECTED dead letter}.
 */
public class MailboxFullException extends IllegalStateException {
    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the actor and the capacity
     */
    public MailboxFullException(String message) {
        super(message);
    }
}
