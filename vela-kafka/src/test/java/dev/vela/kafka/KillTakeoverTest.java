package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * At-least-once across processes: a consumer process (child JVM) is killed with SIGKILL in the middle of
 * the stream; a second member of the same group (this JVM) takes its partitions over after the session
 * timeout (3 s) and every record ends up processed at least once — counted on the output topic.
 */
@Timeout(150)
class KillTakeoverTest {
    private final TestBroker broker = TestBroker.shared();

    @Test
    void aKilledConsumerProcessLosesNothing() throws Exception {
        String in = unique("work");
        String out = unique("work-out");
        String group = unique("g");
        broker.createTopics(3, in, out);
        int n = 3000;
        List<String> input = values("r", n);
        produce(broker.bootstrap(), in, input);

        ChildJvm a = ChildJvm.start(PoolMain.class, broker.bootstrap(), group, in, out, "2");
        AtomicLong processedHere = new AtomicLong();
        try (a) {
            await("child A to process some records: " + a.output(), Duration.ofSeconds(60), () -> {
                String l = a.lastLine("processed=");
                return l != null && Long.parseLong(l.substring(10, l.indexOf(' '))) >= 300;
            });
            var b = KafkaWorkerPool.builder(broker.bootstrap(), group, in, new StringDeserializer(), new StringDeserializer(),
                            new StringSerializer(), new StringSerializer())
                    .outputTopic(out).parallelism(4).capacity(32).closeTimeout(Duration.ofSeconds(5));
            fastGroup().forEach(b::consumerProperty);
            try (var pool = b.start(r -> {
                processedHere.incrementAndGet();
                return List.of(KafkaMessage.of(r.key(), r.value()));
            })) {
                Thread.sleep(1500);   // B joins; the group rebalances across both processes
                a.process.destroyForcibly();   // SIGKILL mid-stream: no commit, no LeaveGroup
                assertTrue(a.process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS), "child A did not die");
                long killedAt = System.nanoTime();
                await("B to own all 3 partitions", Duration.ofSeconds(30), () -> pool.assignment().size() == 3);
                System.out.printf("takeover after %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);
                await("every record on the output topic", Duration.ofSeconds(60),
                        () -> readAll(broker.bootstrap(), out, Integer.MAX_VALUE, Duration.ofMillis(800)).stream()
                                .map(r -> r.value()).distinct().count() == n);
                assertNull(pool.failure());
            }
        }
        var outputs = readDistinct(broker.bootstrap(), out, n, Duration.ofSeconds(30));
        Map<String, Integer> times = new HashMap<>();
        outputs.forEach(r -> times.merge(r.value(), 1, Integer::sum));
        for (String v : input) assertTrue(times.containsKey(v), "lost: " + v);
        long duplicates = outputs.size() - times.size();
        System.out.printf("outputs=%d distinct=%d duplicates=%d processed by B=%d%n", outputs.size(), times.size(), duplicates,
                processedHere.get());
        assertTrue(processedHere.get() > 0, "B never processed anything: the takeover did not happen");
        assertEquals(n, times.size());
    }
}
