package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.worker.Backoff;
import dev.vela.worker.Retry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool's ordering modes, the in-flight bound, retries before the dead-letter topic, and the commit
 * rule, against the real in-process broker.
 */
@Timeout(180)
class ParallelProcessingTest {
    private final TestBroker broker = TestBroker.shared();

    /** Counts how many handler calls run at once, overall and per key; remembers the most seen. */
    static final class Concurrency {
        final AtomicInteger now = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final Map<String, AtomicInteger> perKey = new ConcurrentHashMap<>();
        final AtomicInteger mostPerKey = new AtomicInteger();

        void enter(String key) {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            if (key != null) mostPerKey.accumulateAndGet(perKey.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet(), Math::max);
        }

        void exit(String key) {
            now.decrementAndGet();
            if (key != null) perKey.get(key).decrementAndGet();
        }
    }

    private KafkaWorkerPool.Builder<String, String, String, String> pool(String group, String in) {
        return KafkaWorkerPool.builder(broker.bootstrap(), group, in, new StringDeserializer(), new StringDeserializer(),
                new StringSerializer(), new StringSerializer()).closeTimeout(Duration.ofSeconds(5));
    }

    private static long committedTotal(TestBroker broker, String group) {
        return committed(broker, group).values().stream().mapToLong(o -> o.offset()).sum();
    }

    @Test
    void perKeyOrderHoldsUnderParallelism16With1000Keys() throws Exception {
        String in = unique("keyed");
        String group = unique("g");
        broker.createTopics(4, in);
        int keys = 1000, perKey = 10;
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int seq = 0; seq < perKey; seq++) {
            for (int k = 0; k < keys; k++) records.add(Map.entry("k" + k, "k" + k + ":" + seq));
        }
        produceKeyed(broker.bootstrap(), in, records);
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        Concurrency c = new Concurrency();
        try (var pool = pool(group, in).ordering(Ordering.KEY).parallelism(16).start(r -> {
            c.enter(r.key());
            try {
                if (r.offset() % 50 == 0) Thread.sleep(1);     // some records take a while: the others overtake them
                int seq = Integer.parseInt(r.value().substring(r.value().indexOf(':') + 1));
                seen.computeIfAbsent(r.key(), k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(seq);
                return List.of();
            } finally {
                c.exit(r.key());
            }
        })) {
            await("every record processed", Duration.ofSeconds(90), () -> pool.processed() >= (long) keys * perKey);
            assertNull(pool.failure());
            await("every offset committed", Duration.ofSeconds(30), () -> committedTotal(broker, group) == (long) keys * perKey);
        }
        assertEquals(keys, seen.size());
        List<Integer> inOrder = java.util.stream.IntStream.range(0, perKey).boxed().toList();
        for (var e : seen.entrySet()) assertEquals(inOrder, e.getValue(), "key " + e.getKey() + " in offset order, once each");
        assertEquals(1, c.mostPerKey.get(), "one record of a key at a time");
        assertTrue(c.most.get() > 4, "more records at once than partitions (4): " + c.most.get());
    }

    @Test
    void unorderedGoesBeyondThePartitionCountAndPartitionOrderDoesNot() throws Exception {
        for (Ordering ordering : List.of(Ordering.UNORDERED, Ordering.PARTITION)) {
            String in = unique("one-partition");
            broker.createTopics(1, in);
            produce(broker.bootstrap(), in, values("v", 60));
            Concurrency c = new Concurrency();
            List<Long> offsets = java.util.Collections.synchronizedList(new ArrayList<>());
            try (var pool = pool(unique("g"), in).ordering(ordering).parallelism(8).start(r -> {
                c.enter(null);
                try {
                    Thread.sleep(20);                            // blocking work: where parallelism pays
                    offsets.add(r.offset());
                    return List.of();
                } finally {
                    c.exit(null);
                }
            })) {
                await("every record processed", Duration.ofSeconds(60), () -> pool.processed() >= 60);
            }
            if (ordering == Ordering.UNORDERED) {
                assertTrue(c.most.get() >= 6, "8 workers on 1 partition, seen at most " + c.most.get());
            } else {
                assertEquals(1, c.most.get(), "one partition: one at a time");
                assertEquals(java.util.stream.LongStream.range(0, 60).boxed().toList(), offsets, "in offset order");
            }
        }
    }

    @Test
    void maxInFlightBoundsWhatIsTakenFromTheTopic() throws Exception {
        String in = unique("bounded");
        broker.createTopics(2, in);
        produce(broker.bootstrap(), in, values("v", 40));
        Concurrency c = new Concurrency();
        AtomicInteger mostInFlight = new AtomicInteger();
        try (var pool = pool(unique("g"), in).ordering(Ordering.UNORDERED).parallelism(8).maxInFlight(3).start(r -> {
            c.enter(null);
            try {
                Thread.sleep(10);
                return List.of();
            } finally {
                c.exit(null);
            }
        })) {
            while (pool.processed() < 40) {
                mostInFlight.accumulateAndGet(pool.inFlight(), Math::max);
                Thread.sleep(1);
            }
        }
        assertTrue(c.most.get() <= 3, "at most 3 in flight, so at most 3 at once: " + c.most.get());
        assertTrue(c.most.get() >= 2, "the bound is used: " + c.most.get());
        assertTrue(mostInFlight.get() <= 3, "inFlight() never above the bound: " + mostInFlight.get());
        assertThrows(IllegalArgumentException.class, () -> pool(unique("g"), in).maxInFlight(0));
        assertThrows(NullPointerException.class, () -> pool(unique("g"), in).ordering(null));
        assertThrows(NullPointerException.class, () -> pool(unique("g"), in).retry(null));
    }

    @Test
    void aFailingRecordIsRetriedThenDeadLetteredWithItsCauseAndAttemptsAndHoldsItsKey() throws Exception {
        String in = unique("retried");
        String dlt = unique("retried-dlt");
        String group = unique("g");
        broker.createTopics(1, in, dlt);
        produceKeyed(broker.bootstrap(), in, List.of(Map.entry("a", "flaky"), Map.entry("b", "poison"),
                Map.entry("b", "after-poison"), Map.entry("c", "fine")));
        Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
        Map<String, Long> doneAt = new ConcurrentHashMap<>();
        Retry policy = Retry.withBackoff(Backoff.fixed(Duration.ofMillis(50))).maxAttempts(3);
        try (var pool = pool(group, in).ordering(Ordering.KEY).parallelism(4).deadLetterTopic(dlt).retry(policy).start(r -> {
            int n = calls.computeIfAbsent(r.value(), v -> new AtomicInteger()).incrementAndGet();
            try {
                if (r.value().equals("poison")) throw new IllegalStateException("poison, attempt " + n);
                if (r.value().equals("flaky") && n < 3) throw new java.io.UncheckedIOException(new java.io.IOException("flaky " + n));
                return List.of();
            } finally {
                doneAt.put(r.value() + "#" + n, System.nanoTime());
            }
        })) {
            await("every record handled", Duration.ofSeconds(60), () -> pool.processed() + pool.deadLettered() >= 4);
            assertEquals(3, pool.processed());
            assertEquals(1, pool.deadLettered());
            await("every offset committed", Duration.ofSeconds(30), () -> committedTotal(broker, group) == 4);
        }
        assertEquals(3, calls.get("flaky").get(), "two failures, then success");
        assertEquals(3, calls.get("poison").get(), "maxAttempts 3");
        assertEquals(1, calls.get("after-poison").get());
        assertTrue(doneAt.get("after-poison#1") > doneAt.get("poison#3"), "key b's next record waited for every retry");
        var dead = readAll(broker.bootstrap(), dlt, 1, Duration.ofSeconds(30));
        assertEquals(1, dead.size());
        assertEquals("poison", dead.getFirst().value());
        assertEquals("3", DeadLetters.header(dead.getFirst().headers(), DeadLetters.ATTEMPTS));
        assertEquals(IllegalStateException.class.getName(), DeadLetters.header(dead.getFirst().headers(), DeadLetters.EXCEPTION));
        assertEquals("poison, attempt 3", DeadLetters.header(dead.getFirst().headers(), DeadLetters.MESSAGE), "the last failure");
    }

    @Test
    void theCommitNeverPassesARecordStillInFlight() throws Exception {
        String in = unique("slow-head");
        String group = unique("g");
        broker.createTopics(1, in);
        produce(broker.bootstrap(), in, values("v", 100));
        CountDownLatch release = new CountDownLatch(1);
        try (var pool = pool(group, in).ordering(Ordering.UNORDERED).parallelism(8).start(r -> {
                    if (r.offset() == 0) release.await(60, TimeUnit.SECONDS);   // the first record is slow
                    return List.of();
                })) {
            await("the other 99 processed", Duration.ofSeconds(60), () -> pool.processed() >= 99);
            Thread.sleep(1500);                                   // several commit intervals (200 ms each)
            var offsets = committed(broker, group);
            assertTrue(offsets.isEmpty() || offsets.values().iterator().next().offset() == 0,
                    "nothing committed past offset 0 while it is in flight: " + offsets);
            release.countDown();
            await("everything committed", Duration.ofSeconds(30), () -> committedTotal(broker, group) == 100);
        }
    }
}
