package dev.vela.actor;

import java.io.Serial;
import java.util.concurrent.TimeoutException;

/** Completes an {@linkplain ActorRef#ask ask} whose reply did not come within its timeout. */
public class AskTimeoutException extends TimeoutException {
    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the actor and the timeout
     */
    public AskTimeoutException(String message) {
        super(message);
    }
}
