package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Exactly-once consume-transform-produce ({@code exactlyOnce()}): whatever happens to the processes, a
 * {@code read_committed} reader of the output topic sees each input record's output exactly once. The
 * same kill as {@link KillTakeoverTest} (which, at-least-once, leaves 100-300 duplicates) leaves none;
 * a member joining mid-stream, retries and dead letters leave none either.
 */
@Timeout(240)
class ExactlyOnceTest {
    private static final int IN_FLIGHT = 64;
    private final TestBroker broker = TestBroker.shared();

    private KafkaWorkerPool.Builder<String, String, String, String> eos(String group, String in, String out) {
        var b = KafkaWorkerPool.builder(broker.bootstrap(), group, in, new StringDeserializer(), new StringDeserializer(),
                        new StringSerializer(), new StringSerializer())
                .outputTopic(out).exactlyOnce().parallelism(16).maxInFlight(IN_FLIGHT).capacity(32)
                .closeTimeout(Duration.ofSeconds(5)).producerProperty("transaction.timeout.ms", 10_000);
        fastGroup().forEach(b::consumerProperty);
        return b;
    }

    @Test
    void aKilledProcessLeavesEveryOutputExactlyOnceForReadCommittedReaders() throws Exception {
        String in = unique("eos");
        String out = unique("eos-out");
        String group = unique("g");
        broker.createTopics(3, in, out);
        int n = 4000;
        List<String> input = values("r", n);
        List<Map.Entry<String, String>> keyed = new ArrayList<>();
        for (int i = 0; i < n; i++) keyed.add(Map.entry("k" + (i % 100), input.get(i)));
        produceKeyed(broker.bootstrap(), in, keyed);

        AtomicLong processedHere = new AtomicLong();
        try (ChildJvm a = ChildJvm.start(PoolMain.class, broker.bootstrap(), group, in, out, "10", "KEY", "16",
                Integer.toString(IN_FLIGHT), "eos")) {
            await("child A to process some records: " + a.output(), Duration.ofSeconds(60), () -> {
                String l = a.lastLine("processed=");
                return l != null && Long.parseLong(l.substring(10, l.indexOf(' '))) >= 300;
            });
            try (var pool = eos(group, in, out).start(r -> {
                Thread.sleep(10);
                processedHere.incrementAndGet();
                return List.of(KafkaMessage.of(r.key(), r.value()));
            })) {
                Thread.sleep(1500);   // B joins; the group rebalances across both processes
                a.process.destroyForcibly();   // SIGKILL mid-stream: an open transaction, no commit, no LeaveGroup
                assertTrue(a.process.waitFor(10, TimeUnit.SECONDS), "child A did not die");
                await("B to own all 3 partitions", Duration.ofSeconds(30), () -> pool.assignment().size() == 3);
                await("every record's output committed", Duration.ofSeconds(90),
                        () -> distinct(readAll(broker.bootstrap(), out, Integer.MAX_VALUE, Duration.ofMillis(800), true)) == n);
                assertNull(pool.failure());
            }
        }
        var committed = readAll(broker.bootstrap(), out, Integer.MAX_VALUE, Duration.ofSeconds(3), true);
        var everything = readAll(broker.bootstrap(), out, Integer.MAX_VALUE, Duration.ofSeconds(3), false);
        System.out.printf("exactly-once kill: committed outputs=%d distinct=%d; read_uncommitted sees %d (aborted included);"
                + " processed by B=%d%n", committed.size(), distinct(committed), everything.size(), processedHere.get());
        assertTrue(processedHere.get() > 0, "B never processed anything: the takeover did not happen");
        assertEquals(n, distinct(committed), "nothing lost");
        assertEquals(n, committed.size(), "nothing twice: " + twice(committed));
    }

    @Test
    void aJoiningMemberRetriesAndDeadLettersLeaveNoDuplicate() throws Exception {
        String in = unique("eos-join");
        String out = unique("eos-join-out");
        String dlt = unique("eos-join-dlt");
        String group = unique("g");
        broker.createTopics(4, in, out, dlt);
        int n = 1200;
        produce(broker.bootstrap(), in, values("r", n));
        Map<String, Integer> attempts = new java.util.concurrent.ConcurrentHashMap<>();
        KafkaWorkerPool.Handler<String, String, String, String> handler = r -> {
            Thread.sleep(5);
            int i = Integer.parseInt(r.value().substring(1));
            if (i % 100 == 7) throw new IllegalArgumentException("poison " + r.value());       // 12 dead letters
            if (i % 50 == 3 && attempts.merge(r.value(), 1, Integer::sum) == 1) {
                throw new IllegalStateException("transient " + r.value());                      // succeeds on the retry
            }
            return List.of(KafkaMessage.of(r.key(), r.value()), KafkaMessage.of(r.key(), r.value() + "'"));   // two outputs each
        };
        var retry = dev.vela.worker.Retry.withBackoff(dev.vela.worker.Backoff.fixed(Duration.ofMillis(5))).maxAttempts(2);
        try (var a = eos(group, in, out).deadLetterTopic(dlt).retry(retry).start(handler)) {
            await("the first member busy", Duration.ofSeconds(60), () -> a.processed() >= 100);
            try (var b = eos(group, in, out).deadLetterTopic(dlt).retry(retry).start(handler)) {
                await("both members own partitions", Duration.ofSeconds(60),
                        () -> !a.assignment().isEmpty() && !b.assignment().isEmpty());
                await("every output committed", Duration.ofSeconds(90),
                        () -> readAll(broker.bootstrap(), out, Integer.MAX_VALUE, Duration.ofMillis(800), true).size()
                                >= 2 * (n - 12));
                assertNull(a.failure());
                assertNull(b.failure());
            }
        }
        var outputs = readAll(broker.bootstrap(), out, Integer.MAX_VALUE, Duration.ofSeconds(3), true);
        var deadLetters = readAll(broker.bootstrap(), dlt, Integer.MAX_VALUE, Duration.ofSeconds(3), true);
        assertEquals(2 * (n - 12), outputs.size(), "each output once: " + twice(outputs));
        assertEquals(2 * (n - 12), distinct(outputs));
        assertEquals(12, deadLetters.size(), "each poison record dead-lettered once: " + twice(deadLetters));
        assertEquals(12, distinct(deadLetters));
    }

    @Test
    void optionsThatContradictExactlyOnceAreRefused() {
        var b = eos("g", "in", "out").shareGroup(1);
        var e = assertThrows(IllegalStateException.class, () -> b.start(r -> List.of()));
        assertTrue(e.getMessage().contains("exactly-once"), e.getMessage());
        var plain = KafkaWorkerPool.builder(broker.bootstrap(), "g", "in", new StringDeserializer(), new StringDeserializer(),
                new StringSerializer(), new StringSerializer()).producerProperty("transactional.id", "mine");
        e = assertThrows(IllegalStateException.class, () -> plain.start(r -> List.of()));
        assertTrue(e.getMessage().contains("exactlyOnce()"), e.getMessage());
    }

    private static long distinct(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).distinct().count();
    }

    private static List<String> twice(List<ConsumerRecord<String, String>> records) {
        Map<String, Integer> times = new HashMap<>();
        records.forEach(r -> times.merge(r.value(), 1, Integer::sum));
        return times.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).limit(10).toList();
    }
}
