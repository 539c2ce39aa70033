package dev.vela.kafka;

import dev.vela.channel.Receiver;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a {@link KafkaWorkerPool} takes its records from: a consumer-group member ({@link KafkaSource})
 * or share-group consumers ({@link ShareSource}). Both deliver {@link KafkaRecord}s through a bounded
 * channel and learn the outcome of each record from {@link KafkaRecord#ack()} (done) or its absence
 * (processed again later, by this process or another).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
interface PoolInput<K, V> extends AutoCloseable {
    /** @return the bounded channel of records; ends when the input is closed, fails with the input's failure */
    Receiver<KafkaRecord<K, V>> records();

    /** @return the partitions this process owns now (empty for a share group: the broker hands out records, not partitions) */
    Set<TopicPartition> assignment();

    /**
     * Waits until this process has joined its group.
     *
     * <p><b>Interruption and timeout.</b> {@link TimeoutException} if it has not within {@code timeout};
     * {@link InterruptedException} if interrupted; the input is unaffected either way.
     *
     * @param timeout how long to wait at most
     * @return the assignment then
     * @throws TimeoutException     if not joined in time
     * @throws InterruptedException if interrupted
     */
    Set<TopicPartition> awaitAssignment(Duration timeout) throws InterruptedException, TimeoutException;

    /** Stops fetching, lets the records taken be settled within the close timeout, and closes the consumer(s). Idempotent. */
    @Override
    void close();
}
