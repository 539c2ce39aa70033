package dev.vela.actor;

import java.io.Serial;

/**
 * The failure a supervisor escalates (and the cause its stopped children terminate with) when a child
 * failed more often than the strategy's restart intensity allows. {@link #getCause()} is the child's
 * last failure.
 */
public class RestartLimitExceededException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the child and the limit
     * @param cause   the child's last failure
     */
    public RestartLimitExceededException(String message, Throwable cause) {
        super(message, cause);
    }
}
