package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class RoundTripTest {
    private final TestBroker broker = TestBroker.shared();

    private KafkaSource<String, String> source(String group, String topic, int capacity) {
        return KafkaSource.builder(broker.bootstrap(), group, new StringDeserializer(), new StringDeserializer())
                .topics(topic).capacity(capacity).closeTimeout(Duration.ofSeconds(2)).open();
    }

    @Test
    void sinkToSourceRoundTripKeepsPartitionOrderAndCommitsEverything() throws Exception {
        String topic = unique("roundtrip");
        String group = unique("g");
        broker.createTopics(3, topic);
        int n = 2000;
        try (var sink = KafkaSink.builder(broker.bootstrap(), new StringSerializer(), new StringSerializer()).topic(topic).open()) {
            var tx = sink.sender();
            for (int i = 0; i < n; i++) tx.send(KafkaMessage.of("k" + (i % 7), Integer.toString(i)));
            sink.flush(Duration.ofSeconds(30));
            assertNull(sink.failure());
        }
        Set<Integer> seen = new HashSet<>();
        Map<String, Integer> lastPerKey = new HashMap<>();
        Map<Integer, Long> lastOffset = new HashMap<>();
        try (var source = source(group, topic, 64)) {
            while (seen.size() < n) {
                KafkaRecord<String, String> r = source.records().receive(Duration.ofSeconds(30));
                assertNotNull(r, "only " + seen.size() + " of " + n + " records arrived within 30 s");
                int v = Integer.parseInt(r.value());
                assertTrue(seen.add(v), "duplicate without any failure: " + v);
                Integer prev = lastPerKey.put(r.key(), v);
                assertTrue(prev == null || prev < v, "key order broken for " + r.key() + ": " + prev + " then " + v);
                Long prevOffset = lastOffset.put(r.partition(), r.offset());
                assertTrue(prevOffset == null || prevOffset < r.offset(), "offset order broken in partition " + r.partition());
                r.ack();
            }
        }
        var committed = committed(broker, group);
        long total = committed.values().stream().mapToLong(o -> o.offset()).sum();
        assertEquals(n, total, "committed offsets " + committed);
    }

    @Test
    void commitsStopAtTheFirstUnacknowledgedRecordAndTheRestIsRedelivered() throws Exception {
        String topic = unique("acks");
        String group = unique("g");
        broker.createTopics(1, topic);
        produce(broker.bootstrap(), topic, values("v", 100));
        List<Long> acked = new ArrayList<>();
        try (var source = source(group, topic, 16)) {
            // acknowledge out of order: everything but offset 40, then 30..39 last
            for (int i = 0; i < 100; i++) {
                KafkaRecord<String, String> r = source.records().receive(Duration.ofSeconds(30));
                assertNotNull(r, "record " + i + " did not arrive");
                if (r.offset() != 40) {
                    r.ack();
                    acked.add(r.offset());
                }
            }
        }
        assertEquals(99, acked.size());
        assertEquals(40L, committed(broker, group).get(new TopicPartition(topic, 0)).offset(),
                "the commit must stop before the unacknowledged offset 40");
        try (var again = source(group, topic, 16)) {
            KafkaRecord<String, String> first = again.records().receive(Duration.ofSeconds(30));
            assertNotNull(first, "nothing redelivered");
            assertEquals(40L, first.offset());
            assertEquals("v40", first.value());
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        var b = KafkaSource.builder(broker.bootstrap(), "g", new StringDeserializer(), new StringDeserializer());
        assertEquals("capacity must be at least 1: 0", assertThrows(IllegalArgumentException.class, () -> b.capacity(0)).getMessage());
        assertThrows(IllegalStateException.class, b::open, "no topic");
        assertThrows(IllegalArgumentException.class, () -> KafkaSource.builder(" ", "g", new StringDeserializer(), new StringDeserializer()));
        assertThrows(IllegalArgumentException.class, () -> KafkaMessage.to("", "k", "v"));
    }
}
