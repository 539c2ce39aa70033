package dev.vela.kafka;

/**
 * Which records a {@link KafkaWorkerPool} may process at the same time (Confluent's parallel consumer
 * and KPipe offer the same three modes). Whatever the mode, the commit rule is the same: per partition,
 * the offset below which every record is done, never past a record still in flight (docs/kafka.md).
 */
public enum Ordering {
    /**
     * Any records at once, up to the pool's parallelism: the most throughput, no order at all (a
     * record may finish before an earlier one of its own partition).
     */
    UNORDERED,
    /**
     * Records with equal keys one at a time, in offset order; records with different keys at once.
     * Keys are compared as the record's raw bytes within its topic. Records without a key are ordered
     * per partition (as in {@link #PARTITION}). A record being retried holds its key's later records.
     * The default.
     */
    KEY,
    /**
     * The records of one partition one at a time, in offset order (a plain consumer loop's order);
     * different partitions at once, so the parallelism is at most the number of partitions owned.
     */
    PARTITION
}
