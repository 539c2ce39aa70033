package dev.vela.kafka;

import dev.vela.channel.Receiver;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;

/** Share-group consumers (KIP-932) feeding a bounded channel of records: not built yet (the next step). */
final class ShareSource<K, V> implements PoolInput<K, V> {
    ShareSource(String bootstrapServers, String groupId, String topic, Deserializer<K> keys, Deserializer<V> values,
                int consumers, int capacity, Duration closeTimeout, Map<String, Object> properties) {
        throw new UnsupportedOperationException("share groups: not yet");
    }

    @Override
    public Receiver<KafkaRecord<K, V>> records() {
        throw new UnsupportedOperationException();
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.of();
    }

    @Override
    public Set<TopicPartition> awaitAssignment(Duration timeout) throws InterruptedException, TimeoutException {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
    }
}
