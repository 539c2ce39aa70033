package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.ChannelClosedException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class SinkAndBackpressureTest {
    private final TestBroker broker = TestBroker.shared();

    @Test
    void aFailedSendFailsTheChannelWithTheProducersErrorAsCause() throws Exception {
        // auto-creation is off on the test broker: the producer gives up on a missing topic after max.block.ms
        try (var sink = KafkaSink.builder(broker.bootstrap(), new StringSerializer(), new StringSerializer())
                .topic(unique("missing")).property(ProducerConfig.MAX_BLOCK_MS_CONFIG, 500)
                .property(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 1000).property(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 500)
                .closeTimeout(Duration.ofSeconds(2)).open()) {
            var tx = sink.sender();
            var first = sink.send(KafkaMessage.of("k", "v"));
            var e = assertThrows(ExecutionException.class, () -> first.get(20, TimeUnit.SECONDS));
            assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, e.getCause());
            await("the channel to fail", Duration.ofSeconds(10), tx::isClosed);
            var closed = assertThrows(ChannelClosedException.class, () -> tx.send(KafkaMessage.of("k", "w")));
            assertSame(sink.failure(), closed.getCause(), "the channel's cause is the producer's error");
            var flush = assertThrows(KafkaSinkException.class, () -> sink.flush(Duration.ofSeconds(5)));
            assertSame(sink.failure(), flush.getCause());
        }
    }

    @Test
    void aFullChannelPausesThePartitionsAndNothingIsLost() throws Exception {
        String topic = unique("backpressure");
        broker.createTopics(2, topic);
        int n = 3000;
        produce(broker.bootstrap(), topic, values("x", n));
        int capacity = 8;
        int maxPoll = 50;
        try (var source = KafkaSource.builder(broker.bootstrap(), unique("g"), new StringDeserializer(), new StringDeserializer())
                .topics(topic).capacity(capacity).property(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, maxPoll)
                .closeTimeout(Duration.ofSeconds(2)).open()) {
            // nobody receives: the channel fills, the rest waits, partitions get paused, fetching stops
            await("partitions to be paused", Duration.ofSeconds(30), () -> !source.pausedPartitions().isEmpty());
            Thread.sleep(500);
            assertTrue(source.waitingForRoom() <= maxPoll, "held back " + source.waitingForRoom() + " > one poll of " + maxPoll);
            Set<String> got = new HashSet<>();
            while (got.size() < n) {
                var r = source.records().receive(Duration.ofSeconds(30));
                assertNotNull(r, "stalled after " + got.size() + " of " + n);
                got.add(r.value());
                r.ack();
                if (got.size() % 500 == 0) Thread.sleep(50);   // a slow consumer
            }
            await("partitions to be resumed", Duration.ofSeconds(10), () -> source.pausedPartitions().isEmpty());
            assertEquals(n, got.size());
        }
    }
}
