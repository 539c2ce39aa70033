package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A second member joins while the first has records in flight: the first finishes what it started
 * within the grace period and commits it before the partitions move, skips what it had not started,
 * and the second takes over from the commit. Nothing is lost, nothing is processed twice.
 */
@Timeout(180)
class RebalanceInFlightTest {
    private final TestBroker broker = TestBroker.shared();

    private KafkaWorkerPool<String, String, String, String> start(String group, String in, String out,
                                                                  Map<String, AtomicInteger> handled, AtomicInteger running) {
        var b = KafkaWorkerPool.builder(broker.bootstrap(), group, in, new StringDeserializer(), new StringDeserializer(),
                        new StringSerializer(), new StringSerializer())
                .outputTopic(out).ordering(Ordering.UNORDERED).parallelism(8).revokeGrace(Duration.ofSeconds(20))
                .closeTimeout(Duration.ofSeconds(5));
        fastGroup().forEach(b::consumerProperty);
        return b.start(r -> {
            running.incrementAndGet();
            try {
                Thread.sleep(50);                                  // slow records: some are always in flight
                handled.computeIfAbsent(r.value(), v -> new AtomicInteger()).incrementAndGet();
                return List.of(KafkaMessage.of(r.key(), r.value()));
            } finally {
                running.decrementAndGet();
            }
        });
    }

    @Test
    void aJoiningMemberTakesOverFromWhatTheFirstFinishedAndCommittedDuringTheGrace() throws Exception {
        String in = unique("rebalance");
        String out = unique("rebalance-out");
        String group = unique("g");
        broker.createTopics(4, in, out);
        int n = 600;
        produce(broker.bootstrap(), in, values("r", n));
        Map<String, AtomicInteger> handled = new ConcurrentHashMap<>();
        AtomicInteger runningA = new AtomicInteger(), runningB = new AtomicInteger();
        try (var a = start(group, in, out, handled, runningA)) {
            await("the first member busy", Duration.ofSeconds(60), () -> a.processed() >= 40 && runningA.get() > 0);
            try (var b = start(group, in, out, handled, runningB)) {
                await("both members own partitions", Duration.ofSeconds(60),
                        () -> !a.assignment().isEmpty() && !b.assignment().isEmpty());
                await("every record processed", Duration.ofSeconds(90), () -> handled.size() >= n);
                await("every offset committed", Duration.ofSeconds(30),
                        () -> committed(broker, group).values().stream().mapToLong(o -> o.offset()).sum() == n);
                assertTrue(b.processed() > 0, "the second member took part");
                assertNull(a.failure());
                assertNull(b.failure());
            }
        }
        var twice = handled.entrySet().stream().filter(e -> e.getValue().get() > 1).map(Map.Entry::getKey).collect(Collectors.toSet());
        assertEquals(0, twice.size(), "what the first member started it finished and committed before the partitions moved; "
                + "processed twice: " + twice.stream().limit(10).toList() + (twice.size() > 10 ? " and " + (twice.size() - 10) + " more" : ""));
        var outputs = readAll(broker.bootstrap(), out, n, Duration.ofSeconds(30));
        assertEquals(n, outputs.stream().map(r -> r.value()).distinct().count(), "nothing lost");
        assertEquals(n, outputs.size(), "nothing twice in the output topic");
    }
}
