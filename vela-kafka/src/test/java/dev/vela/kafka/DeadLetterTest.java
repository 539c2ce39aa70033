package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class DeadLetterTest {
    private final TestBroker broker = TestBroker.shared();

    /** Fails on the value "undeserializable", like a schema mismatch would. */
    static final class PickyDeserializer implements Deserializer<String> {
        @Override
        public String deserialize(String topic, byte[] data) {
            String s = new String(data, StandardCharsets.UTF_8);
            if (s.equals("undeserializable")) throw new IllegalArgumentException("not a valid value: " + s);
            return s;
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopicWithTheCauseAndTheRestIsProcessed() throws Exception {
        String in = unique("orders");
        String out = unique("orders-out");
        String dlt = unique("orders-dlt");
        String group = unique("g");
        broker.createTopics(2, in, out, dlt);
        List<String> input = new ArrayList<>(values("ok", 200));
        input.add(50, "poison");
        input.add(120, "undeserializable");
        produce(broker.bootstrap(), in, input);
        try (var pool = KafkaWorkerPool.builder(broker.bootstrap(), group, in, new StringDeserializer(), new PickyDeserializer(),
                        new StringSerializer(), new StringSerializer())
                .outputTopic(out).deadLetterTopic(dlt).parallelism(3).closeTimeout(Duration.ofSeconds(5))
                .start(r -> {
                    if (r.value().equals("poison")) throw new IllegalStateException("cannot process " + r.value());
                    return List.of(KafkaMessage.of(r.key(), r.value().toUpperCase()));
                })) {
            await("all records handled", Duration.ofSeconds(60), () -> pool.processed() + pool.deadLettered() >= 202);
            assertEquals(200, pool.processed());
            assertEquals(2, pool.deadLettered());
            assertNull(pool.failure());
        }
        var results = readAll(broker.bootstrap(), out, 200, Duration.ofSeconds(30));
        assertEquals(values("ok", 200).stream().map(String::toUpperCase).collect(Collectors.toSet()),
                results.stream().map(r -> r.value()).collect(Collectors.toSet()));
        var dead = readAll(broker.bootstrap(), dlt, 2, Duration.ofSeconds(30));
        assertEquals(Set.of("poison", "undeserializable"), dead.stream().map(r -> r.value()).collect(Collectors.toSet()));
        for (var d : dead) {
            assertEquals(in, DeadLetters.header(d.headers(), DeadLetters.TOPIC));
            assertNotNull(DeadLetters.header(d.headers(), DeadLetters.OFFSET));
            String exception = DeadLetters.header(d.headers(), DeadLetters.EXCEPTION);
            String message = DeadLetters.header(d.headers(), DeadLetters.MESSAGE);
            if (d.value().equals("poison")) {
                assertEquals(IllegalStateException.class.getName(), exception);
                assertEquals("cannot process poison", message);
            } else {
                assertEquals(RecordDeserializationFailure.class.getName(), exception);
                assertTrue(message.contains("not a valid value: undeserializable"), message);
            }
            assertTrue(DeadLetters.header(d.headers(), DeadLetters.STACKTRACE).contains("at "), "stack trace kept");
        }
        // every input offset, poison included, is committed: nothing is redelivered to the group
        long committedTotal = committed(broker, group).values().stream().mapToLong(o -> o.offset()).sum();
        assertEquals(202, committedTotal);
    }

    @Test
    void withoutADeadLetterTopicAPoisonRecordStopsThePoolUncommitted() throws Exception {
        String in = unique("strict");
        broker.createTopics(1, in);
        produce(broker.bootstrap(), in, List.of("a", "poison", "b"));
        try (var pool = KafkaWorkerPool.builder(broker.bootstrap(), unique("g"), in, new StringDeserializer(), new StringDeserializer(),
                        new StringSerializer(), new StringSerializer())
                .outputTopic(unique("unused")).parallelism(1).closeTimeout(Duration.ofSeconds(2))
                .start(r -> {
                    if (r.value().equals("poison")) throw new IllegalStateException("bad");
                    return List.of();
                })) {
            await("the pool to fail", Duration.ofSeconds(30), () -> pool.failure() != null);
            assertInstanceOf(IllegalStateException.class, pool.failure().getCause());
            assertTrue(pool.failure().getMessage().contains("no dead-letter topic"), pool.failure().getMessage());
        }
    }
}
