package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The broker goes away and comes back on the same port and data: the pool resumes by itself. Own broker. */
@Timeout(150)
@Order(Integer.MAX_VALUE)   // last: see junit-platform.properties
class BrokerRestartTest {
    @Test
    void aWorkerPoolResumesAfterTheBrokerRestarts() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            String in = "in";
            String out = "out";
            broker.createTopics(2, in, out);
            produce(broker.bootstrap(), in, values("before", 500));
            Set<String> handled = ConcurrentHashMap.newKeySet();
            var b = KafkaWorkerPool.builder(broker.bootstrap(), "restart", in, new StringDeserializer(), new StringDeserializer(),
                            new StringSerializer(), new StringSerializer())
                    .outputTopic(out).parallelism(2).closeTimeout(Duration.ofSeconds(5));
            fastGroup().forEach(b::consumerProperty);
            try (var pool = b.start(r -> {
                handled.add(r.value());
                return List.of(KafkaMessage.of(r.key(), r.value()));
            })) {
                await("the first records", Duration.ofSeconds(60), () -> handled.size() >= 500);
                broker.stopServer();
                Thread.sleep(1000);
                broker.startAgain();
                produce(broker.bootstrap(), in, values("after", 500));
                await("the records produced after the restart", Duration.ofSeconds(90), () -> handled.size() >= 1000);
                await("all outputs", Duration.ofSeconds(60),
                        () -> readAll(broker.bootstrap(), out, Integer.MAX_VALUE, Duration.ofMillis(800)).stream()
                                .map(r -> r.value()).distinct().count() == 1000);
                assertNull(pool.failure());
            }
        }
    }
}
