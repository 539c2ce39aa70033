package dev.vela.kafka;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * A record to send through a {@link KafkaSink}, with a future that completes when the broker has
 * acknowledged it ({@link #acknowledged()}).
 *
 * <p>Immutable apart from that future; send each message once (a second send produces a second
 * record, and the future reflects the first).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class KafkaMessage<K, V> {
    /** Final; null means the sink's default topic. */
    private final String topic;
    private final K key;
    private final V value;
    /** Final, unmodifiable. */
    private final List<Header> headers;
    /** Completed once: with the broker's metadata, or exceptionally with the send's failure. */
    private final CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    /**
     * Final; null for a record. Otherwise a request travelling through the sink's channel, handled by
     * the sink's worker once every earlier message is handed to the producer: {@link #FLUSH}, or a
     * {@link KafkaSink.TransactionCommit}.
     */
    final Object marker;
    /** The marker of a flush request. */
    static final Object FLUSH = new Object();

    private KafkaMessage(String topic, K key, V value, List<Header> headers, Object marker) {
        this.topic = topic;
        this.key = key;
        this.value = value;
        this.headers = headers;
        this.marker = marker;
    }

    /**
     * A message for the sink's default topic.
     *
     * @param key   the key (null: no key, partition chosen by the producer)
     * @param value the value (null: a tombstone)
     * @param <K>   the key type
     * @param <V>   the value type
     * @return the message
     */
    public static <K, V> KafkaMessage<K, V> of(K key, V value) {
        return new KafkaMessage<>(null, key, value, List.of(), null);
    }

    /**
     * A message for {@code topic}.
     *
     * @param topic the topic, not blank
     * @param key   the key, or null
     * @param value the value, or null
     * @param <K>   the key type
     * @param <V>   the value type
     * @return the message
     */
    public static <K, V> KafkaMessage<K, V> to(String topic, K key, V value) {
        return new KafkaMessage<>(KafkaSource.notBlank(topic, "topic"), key, value, List.of(), null);
    }

    /** A request for the sink's worker ({@link #marker}), not a record. */
    static <K, V> KafkaMessage<K, V> marker(Object marker) {
        return new KafkaMessage<>(null, null, null, List.of(), marker);
    }

    /** A message with these headers (unmodifiable, already checked), e.g. serialized by a pool. */
    static <K, V> KafkaMessage<K, V> withHeaders(String topic, K key, V value, List<Header> headers) {
        return new KafkaMessage<>(topic, key, value, headers, null);
    }

    /**
     * This message with one more header.
     *
     * @param name  the header name
     * @param value the header value (UTF-8 encoded)
     * @return a new message; this one is unchanged
     */
    public KafkaMessage<K, V> withHeader(String name, String value) {
        return withHeader(name, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * This message with one more header.
     *
     * @param name  the header name
     * @param value the header value's bytes, or null
     * @return a new message; this one is unchanged
     */
    public KafkaMessage<K, V> withHeader(String name, byte[] value) {
        List<Header> h = new ArrayList<>(headers);
        h.add(new RecordHeader(KafkaSource.notBlank(name, "header name"), value));
        return new KafkaMessage<>(topic, key, value(), List.copyOf(h), null);
    }

    /** @return the topic, or null for the sink's default topic */
    public String topic() { return topic; }

    /** @return the key, or null */
    public K key() { return key; }

    /** @return the value, or null */
    public V value() { return value; }

    /** @return the headers, unmodifiable */
    public List<Header> headers() { return headers; }

    /**
     * Completes with the broker's metadata (partition, offset) once the broker has acknowledged this
     * message under the producer's {@code acks} setting, or exceptionally with the send's failure.
     *
     * @return a dependent copy of the acknowledgement future (completing it has no effect on the message)
     */
    public CompletableFuture<RecordMetadata> acknowledged() {
        return acked.copy();
    }

    CompletableFuture<RecordMetadata> ackFuture() {
        return acked;
    }

    /** Returns {@code KafkaMessage[topic, key]}. */
    @Override
    public String toString() {
        return "KafkaMessage[" + (topic == null ? "<default topic>" : topic) + ", key=" + key + "]";
    }
}
