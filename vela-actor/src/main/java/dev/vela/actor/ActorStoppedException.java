package dev.vela.actor;

import java.io.Serial;

/**
 * Completes an {@linkplain ActorRef#ask ask} at once (instead of waiting for its timeout) when the
 * request could not be delivered because the actor is stopping or stopped.
 */
public class ActorStoppedException extends IllegalStateException {
    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the actor
     */
    public ActorStoppedException(String message) {
        super(message);
    }
}
