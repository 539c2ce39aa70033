package dev.vela.channel;

import java.io.Serial;

/**
 * Thrown by a send on a closed channel, and by a receive on a channel that is closed and drained.
 *
 * <p>When the channel was closed with {@link Sender#fail(Throwable)}, {@link #getCause()} is that
 * failure, so a receiver learns why the stream ended.
 */
public class ChannelClosedException extends IllegalStateException {
    @Serial private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message names the channel and the operation
     * @param cause   the failure the channel was closed with, or {@code null} for a normal close
     */
    public ChannelClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
