package dev.vela.kafka;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What a {@link KafkaSource} does at its commit points for a {@link KafkaWorkerPool} in exactly-once
 * mode, instead of committing offsets itself. Called on the source's worker only, so releases and
 * commits are ordered: a transaction holds exactly the outputs of the records behind the offsets it
 * commits (ADR 0049).
 */
interface Transactions {
    /**
     * {@code record} is now behind its partition's commit point: its held outputs go into the open
     * transaction. May block while the sink's channel is full.
     *
     * @throws org.apache.kafka.common.errors.InterruptException if interrupted (the interrupt status is set)
     */
    void release(KafkaRecord<?, ?> record);

    /** {@code record}'s partition left this process before the commit point passed it: its outputs are dropped. */
    void discard(KafkaRecord<?, ?> record);

    /**
     * Commits the open transaction with {@code offsets} as the group's committed offsets and opens the
     * next one. Throws if that fails: the transaction is then aborted and the pool must stop.
     *
     * @param offsets every owned partition's new commit point
     * @param group   the consumer's group metadata (fences a member the group has moved on from)
     */
    void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group);
}
