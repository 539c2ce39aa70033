package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.pipeline.Pipeline;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class PipelineAdapterTest {
    private final TestBroker broker = TestBroker.shared();

    @Test
    void aPipelineFromATopicToATopicAcknowledgesInputsAfterTheirOutputs() throws Exception {
        String in = unique("p-in");
        String out = unique("p-out");
        String group = unique("g");
        broker.createTopics(3, in, out);
        int n = 1000;
        try (var sink = KafkaSink.builder(broker.bootstrap(), new StringSerializer(), new StringSerializer()).topic(in).open()) {
            long sent = KafkaPipelines.toTopic(Pipeline.range(0, n).map(i -> KafkaMessage.of(Integer.toString(i), "m" + i)), sink, 128)
                    .await(Duration.ofSeconds(60));
            assertEquals(n, sent);
        }
        try (var source = KafkaSource.builder(broker.bootstrap(), group, new StringDeserializer(), new StringDeserializer())
                        .topics(in).closeTimeout(Duration.ofSeconds(5)).open();
             var sink = KafkaSink.builder(broker.bootstrap(), new StringSerializer(), new StringSerializer()).topic(out).open()) {
            AtomicInteger acked = new AtomicInteger();
            var run = KafkaPipelines.toTopic(KafkaPipelines.from(source)
                    .mapPar(4, r -> {
                        var m = KafkaMessage.of(r.key(), r.value().toUpperCase());
                        r.ackWhen(List.of(m));   // committed once the output is durable
                        m.acknowledged().thenRun(acked::incrementAndGet);
                        return m;
                    }), sink, 64);
            await("every output acknowledged", Duration.ofSeconds(60), () -> acked.get() == n);
            source.close();   // a topic is endless: closing the source ends the run
            assertEquals(n, run.await(Duration.ofSeconds(30)));
        }
        assertEquals(n, committed(broker, group).values().stream().mapToLong(o -> o.offset()).sum(), "every input committed");
        var results = readAll(broker.bootstrap(), out, n, Duration.ofSeconds(30));
        assertEquals(values("M", n).stream().collect(Collectors.toSet()),
                results.stream().map(r -> r.value()).collect(Collectors.toSet()));
    }
}
