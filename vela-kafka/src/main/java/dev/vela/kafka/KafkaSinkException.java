package dev.vela.kafka;

/**
 * A {@link KafkaSink} could not deliver: the cause is the producer's error (or the failure a sender
 * closed the sink's channel with).
 */
public final class KafkaSinkException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    KafkaSinkException(String message, Throwable cause) {
        super(message, cause);
    }
}
