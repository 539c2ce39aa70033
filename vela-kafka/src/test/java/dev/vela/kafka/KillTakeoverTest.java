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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * At-least-once across processes: a consumer process (child JVM) processing beyond the partition count
 * (parallelism 16 over 3 partitions, in {@code KEY} and {@code UNORDERED} order) is killed with SIGKILL
 * in the middle of the stream; a second member of the same group (this JVM) takes its partitions over
 * after the session timeout (3 s) and every record ends up processed at least once — counted on the
 * output topic. The duplicates are counted and must stay within what the killed process could have
 * done without committing: its records in flight ({@code maxInFlight}), its records channel, and what it
 * acknowledged since its last commit (at most its rate over a commit interval of 200 ms; estimated from
 * its progress lines, three tenths of a second's worth).
 */
@Timeout(240)
class KillTakeoverTest {
    private static final int IN_FLIGHT = 64;
    private final TestBroker broker = TestBroker.shared();

    @ParameterizedTest
    @EnumSource(value = Ordering.class, names = {"KEY", "UNORDERED"})
    void aKilledConsumerProcessLosesNothingAndRepeatsAtMostWhatItHadInFlight(Ordering ordering) throws Exception {
        String in = unique("work");
        String out = unique("work-out");
        String group = unique("g");
        broker.createTopics(3, in, out);
        int n = 6000;
        List<String> input = values("r", n);
        List<Map.Entry<String, String>> keyed = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) keyed.add(Map.entry("k" + (i % 100), input.get(i)));   // 100 keys: lanes in KEY order
        produceKeyed(broker.bootstrap(), in, keyed);

        ChildJvm a = ChildJvm.start(PoolMain.class, broker.bootstrap(), group, in, out, "10", ordering.name(), "16",
                Integer.toString(IN_FLIGHT));
        AtomicLong processedHere = new AtomicLong();
        try (a) {
            await("child A to process some records: " + a.output(), Duration.ofSeconds(60), () -> {
                String l = a.lastLine("processed=");
                return l != null && Long.parseLong(l.substring(10, l.indexOf(' '))) >= 300;
            });
            var b = KafkaWorkerPool.builder(broker.bootstrap(), group, in, new StringDeserializer(), new StringDeserializer(),
                            new StringSerializer(), new StringSerializer())
                    .outputTopic(out).ordering(ordering).parallelism(16).maxInFlight(IN_FLIGHT).capacity(32)
                    .closeTimeout(Duration.ofSeconds(5));
            fastGroup().forEach(b::consumerProperty);
            try (var pool = b.start(r -> {
                Thread.sleep(10);
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
        long bound = IN_FLIGHT + PoolMain.CAPACITY + 3 * mostPer100Ms(a);
        System.out.printf("%s: outputs=%d distinct=%d duplicates=%d (bound %d) processed by B=%d%n", ordering, outputs.size(),
                times.size(), duplicates, bound, processedHere.get());
        assertTrue(processedHere.get() > 0, "B never processed anything: the takeover did not happen");
        assertEquals(n, times.size());
        assertTrue(duplicates <= bound, duplicates + " duplicates, more than the killed process could have left uncommitted: " + bound);
    }

    /** The killed child's fastest progress between two of its lines (printed every 100 ms). */
    private static long mostPer100Ms(ChildJvm child) {
        long most = 0, last = -1;
        for (String l : child.lines) {
            if (!l.startsWith("processed=")) continue;
            long p = Long.parseLong(l.substring(10, l.indexOf(' ')));
            if (last >= 0) most = Math.max(most, p - last);
            last = p;
        }
        return most;
    }
}
