package dev.vela.kafka;

/**
 * Thrown by {@link KafkaRecord#key()} and {@link KafkaRecord#value()} when the record's bytes could not
 * be deserialized; the cause is the deserializer's exception. A {@link KafkaWorkerPool} sends such a
 * record to its dead-letter topic like any other poison record.
 */
public final class RecordDeserializationFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RecordDeserializationFailure(KafkaRecord<?, ?> record, Throwable cause) {
        super("could not deserialize " + record + ": " + cause, cause);
    }
}
