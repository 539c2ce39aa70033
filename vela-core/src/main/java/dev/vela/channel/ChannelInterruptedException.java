package dev.vela.channel;

import java.io.Serial;

/**
 * Unchecked wrapper for an {@link InterruptedException} raised where a checked exception cannot
 * be thrown: by a receiver's iterator or stream. The thread's interrupt status is set again
 * before this is thrown.
 */
public class ChannelInterruptedException extends RuntimeException {
    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what was interrupted
     * @param cause   the original interruption
     */
    public ChannelInterruptedException(String message, InterruptedException cause) {
        super(message, cause);
    }
}
