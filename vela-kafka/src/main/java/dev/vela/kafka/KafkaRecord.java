package dev.vela.kafka;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * One record received from a topic by a {@link KafkaSource}, with its coordinates and a way to say
 * "processed": {@link #ack()}.
 *
 * <p>The source commits a partition's offset only up to the first record that is not yet acknowledged,
 * so a record that is never acknowledged (its processing failed, the process died) is delivered again
 * to whichever group member owns the partition next: at-least-once. Acknowledgements may come from any
 * thread and in any order; commits stay in offset order per partition.
 *
 * <p>Key and value are deserialized by the source's worker when the record is polled. If that fails,
 * the record is still delivered (so it can go to a dead-letter topic with its raw bytes):
 * {@link #key()} / {@link #value()} then throw {@link RecordDeserializationFailure} with the cause.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class KafkaRecord<K, V> {
    /** Final; the partition's bookkeeping in the assignment generation this record was polled in. */
    private final PartitionState owner;
    private final String topic;
    private final int partition;
    private final long offset;
    private final long timestamp;
    private final Headers headers;
    private final byte[] rawKey;
    private final byte[] rawValue;
    /** Final; the deserialized key (null if absent or if deserialization failed). */
    private final K key;
    /** Final; the deserialized value (null if a tombstone or if deserialization failed). */
    private final V value;
    /** Final; why deserialization failed, or null. */
    private final RuntimeException deserializationError;
    /** False until {@link #ack()}; then true for good. Set by any thread, read by the source's worker. */
    private final AtomicBoolean acked = new AtomicBoolean();
    /**
     * For a {@link KafkaWorkerPool}: 0 not started, 1 started ({@link #start}, counted in the owner's
     * {@link PartitionState}), 2 settled (acknowledged or abandoned; uncounted). CAS via {@link #PHASE},
     * so a record is settled once even if an acknowledgement and an abandon race.
     */
    private volatile int phase;
    /**
     * For a {@link KafkaWorkerPool}: the record's lane ({@link Lanes}), null for none. Written by the
     * dispatcher before it hands the record on through a channel, read by the worker that is done with it.
     */
    Object lane;
    /**
     * For a {@link KafkaWorkerPool} in exactly-once mode: the record's serialized outputs (dead letter
     * included), held from the end of its processing until the commit point passes it, then sent into
     * the open transaction ({@link Transactions#release}); or dropped if its partition is revoked first.
     * Set once by the worker before {@link #ack()}; taken once ({@link #takeHeld}), by whoever comes first.
     */
    private volatile List<KafkaMessage<byte[], byte[]>> held;
    private static final AtomicReferenceFieldUpdater<KafkaRecord, List> HELD =
            AtomicReferenceFieldUpdater.newUpdater(KafkaRecord.class, List.class, "held");
    private static final AtomicIntegerFieldUpdater<KafkaRecord> PHASE = AtomicIntegerFieldUpdater.newUpdater(KafkaRecord.class, "phase");

    KafkaRecord(PartitionState owner, String topic, int partition, long offset, long timestamp, Headers headers,
                byte[] rawKey, byte[] rawValue, K key, V value, RuntimeException deserializationError) {
        this.owner = owner;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
        this.timestamp = timestamp;
        this.headers = headers;
        this.rawKey = rawKey;
        this.rawValue = rawValue;
        this.key = key;
        this.value = value;
        this.deserializationError = deserializationError;
    }

    /**
     * A polled record, deserialized with {@code keys} and {@code values}; a deserialization failure is
     * kept in the record (delivered all the same, so that it can be dead-lettered with its raw bytes).
     */
    static <K, V> KafkaRecord<K, V> of(PartitionState owner, ConsumerRecord<byte[], byte[]> r, Deserializer<K> keys,
                                       Deserializer<V> values) {
        K k = null;
        V v = null;
        RuntimeException error = null;
        try {
            k = r.key() == null ? null : keys.deserialize(r.topic(), r.headers(), r.key());
            v = r.value() == null ? null : values.deserialize(r.topic(), r.headers(), r.value());
        } catch (RuntimeException e) {
            error = e;
        }
        return new KafkaRecord<>(owner, r.topic(), r.partition(), r.offset(), r.timestamp(), r.headers(),
                r.key(), r.value(), k, v, error);
    }

    /** @return the topic this record was read from */
    public String topic() { return topic; }

    /** @return the partition number */
    public int partition() { return partition; }

    /** @return the topic and partition */
    public TopicPartition topicPartition() { return new TopicPartition(topic, partition); }

    /** @return the record's offset in its partition */
    public long offset() { return offset; }

    /** @return the record's timestamp (milliseconds since the epoch) */
    public long timestamp() { return timestamp; }

    /** @return the record's headers, as received (read-only use) */
    public Headers headers() { return headers; }

    /** @return the key's bytes as stored in Kafka, or null */
    public byte[] rawKey() { return rawKey; }

    /** @return the value's bytes as stored in Kafka, or null */
    public byte[] rawValue() { return rawValue; }

    /**
     * The deserialized key.
     *
     * @return the key, or null if the record has none
     * @throws RecordDeserializationFailure if the key or value could not be deserialized
     */
    public K key() {
        if (deserializationError != null) throw new RecordDeserializationFailure(this, deserializationError);
        return key;
    }

    /**
     * The deserialized value.
     *
     * @return the value, or null for a tombstone
     * @throws RecordDeserializationFailure if the key or value could not be deserialized
     */
    public V value() {
        if (deserializationError != null) throw new RecordDeserializationFailure(this, deserializationError);
        return value;
    }

    /** @return whether the key and value were deserialized without error */
    public boolean isReadable() { return deserializationError == null; }

    /**
     * Marks this record as processed: its offset may now be committed, once every earlier record of the
     * same partition is acknowledged too. Idempotent, thread-safe, never blocks. An acknowledgement that
     * arrives after the partition was revoked from this process is ignored (the new owner re-reads the
     * record: at-least-once).
     */
    public void ack() {
        if (!acked.compareAndSet(false, true)) return;   // the source's worker folds it into the commit point (PartitionState.advance)
        if (owner.countsPending) owner.pending.decrementAndGet();
        settle();
    }

    /** A pool's worker starts processing this record; false if its partition is being revoked (skip it, unacknowledged). */
    boolean start() {
        if (!owner.tryStart()) return false;
        phase = 1;
        return true;
    }

    /** A pool's worker gives the record up without acknowledging it (the pool failed): it no longer holds a revocation. */
    void abandon() {
        settle();
    }

    private void settle() {
        if (phase == 1 && PHASE.compareAndSet(this, 1, 2)) owner.settled();
    }

    /**
     * Acknowledges this record once every message in {@code outputs} is acknowledged by the broker
     * ({@link KafkaMessage#acknowledged()}); never if one of them fails (the record is then re-read
     * later). With no outputs, acknowledges now.
     *
     * @param outputs the messages produced from this record, already handed to a {@link KafkaSink}
     */
    public void ackWhen(Collection<? extends KafkaMessage<?, ?>> outputs) {
        Objects.requireNonNull(outputs, "outputs must not be null");
        if (outputs.isEmpty()) {
            ack();
            return;
        }
        List<CompletableFuture<?>> acks = outputs.stream().<CompletableFuture<?>>map(m -> m.ackFuture()).toList();
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenRun(this::ack);
    }

    /** Exactly-once mode: keeps {@code outputs} until the commit point passes this record (call before {@link #ack()}). */
    void hold(List<KafkaMessage<byte[], byte[]>> outputs) {
        held = outputs;
    }

    /** @return the held outputs, or null if none or already taken: exactly one caller gets them */
    @SuppressWarnings("unchecked")
    List<KafkaMessage<byte[], byte[]>> takeHeld() {
        return held == null ? null : (List<KafkaMessage<byte[], byte[]>>) HELD.getAndSet(this, null);
    }

    /** @return whether {@link #ack()} was called */
    public boolean isAcked() { return acked.get(); }

    PartitionState owner() { return owner; }

    /** Returns {@code topic-partition@offset}. */
    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
