package dev.vela.actor;

import java.io.Serial;

/**
 * Thrown by {@link Stash#stash} when the stash is full. The message was not stashed; it was published
 * as a {@linkplain DeadLetter.Reason#STASH_OVERFLOW dead letter} before this was thrown. Thrown from a
 * handler, it is a failure of the actor like any other (the supervisor decides).
 */
public class StashOverflowException extends IllegalStateException {
    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the actor and the capacity
     */
    public StashOverflowException(String message) {
        super(message);
    }
}
