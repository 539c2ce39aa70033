package dev.vela.kafka;

import static dev.vela.kafka.KafkaTestSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.ChannelClosedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link KafkaWorkerPool} over a share group ({@link ShareSource}, KIP-932) against the in-process broker:
 * more consumers than partitions, release on close, dead letters, the builder's refusals, and the group
 * configs set at start.
 */
@Timeout(240)
class ShareGroupTest {
    private final TestBroker broker = TestBroker.shared();

    private KafkaWorkerPool.Builder<String, String, String, String> pool(String group, String in) {
        return KafkaWorkerPool.builder(broker.bootstrap(), group, in, new StringDeserializer(), new StringDeserializer(),
                new StringSerializer(), new StringSerializer()).closeTimeout(Duration.ofSeconds(5));
    }

    /** Waits until the share group has {@code members} members, each with a partition assigned. */
    private void awaitMembers(String group, int members) throws InterruptedException {
        try (var admin = broker.admin()) {
            await(members + " share-group members with an assignment", Duration.ofSeconds(60), () -> {
                try {
                    var d = admin.describeShareGroups(List.of(group)).all().get(10, TimeUnit.SECONDS).get(group);
                    return d.members().size() >= members
                            && d.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty());
                } catch (Exception e) {
                    return false;
                }
            });
        }
    }

    private static long duplicates(List<ConsumerRecord<String, String>> out) {
        return out.size() - out.stream().map(ConsumerRecord::value).distinct().count();
    }

    @Test
    void twoPoolsShareOnePartitionAndLoseNothing() throws Exception {
        String in = unique("share-in");
        String out = unique("share-out");
        String group = unique("sg");
        broker.createTopics(1, in);
        broker.createTopics(2, out);
        int n = 400;
        KafkaWorkerPool.Handler<String, String, String, String> copy = r -> {
            Thread.sleep(3);
            return List.of(KafkaMessage.of(r.key(), r.value()));
        };
        var a = pool(group, in).outputTopic(out).parallelism(2).shareGroup(2).consumerProperty("max.poll.records", 10);
        var b = pool(group, in).outputTopic(out).parallelism(2).shareGroup(2).consumerProperty("max.poll.records", 10);
        fastGroup().forEach(a::consumerProperty);   // consumer-group tuning: dropped for a share group, not an error
        try (var poolA = a.start(copy); var poolB = b.start(copy)) {
            assertEquals(Set.of(), poolA.awaitAssignment(Duration.ofSeconds(30)));
            assertEquals(Set.of(), poolB.awaitAssignment(Duration.ofSeconds(30)));
            awaitMembers(group, 4);
            produce(broker.bootstrap(), in, values("v", n));
            await("every record processed", Duration.ofSeconds(90), () -> poolA.processed() + poolB.processed() >= n);
            var output = readDistinct(broker.bootstrap(), out, n, Duration.ofSeconds(60));
            System.out.printf("SHARE two pools, 4 consumers, 1 partition: A processed %d, B processed %d, output %d records, "
                    + "%d distinct, %d duplicates%n", poolA.processed(), poolB.processed(), output.size(),
                    output.stream().map(ConsumerRecord::value).distinct().count(), duplicates(output));
            assertTrue(poolA.processed() > 0, "pool A got records");
            assertTrue(poolB.processed() > 0, "pool B got records");
            assertEquals(new HashSet<>(values("v", n)), output.stream().map(ConsumerRecord::value).collect(Collectors.toSet()));
            assertNull(poolA.failure());
            assertNull(poolB.failure());
        }
    }

    @Test
    void aPoolClosedMidStreamReleasesWhatItHeldToTheOther() throws Exception {
        String in = unique("share-rel");
        String out = unique("share-rel-out");
        String group = unique("sg");
        broker.createTopics(2, in, out);
        int n = 300;
        Set<String> startedByA = ConcurrentHashMap.newKeySet();
        Set<String> doneByA = ConcurrentHashMap.newKeySet();
        Set<String> doneByB = ConcurrentHashMap.newKeySet();
        var slowA = pool(group, in).outputTopic(out).parallelism(2).shareGroup(2).closeTimeout(Duration.ofMillis(300))
                .consumerProperty("max.poll.records", 20).start(r -> {
                    startedByA.add(r.value());
                    Thread.sleep(100);
                    doneByA.add(r.value());
                    return List.of(KafkaMessage.of(r.key(), r.value()));
                });
        long closedAt;
        try (var fastB = pool(group, in).outputTopic(out).parallelism(2).shareGroup(1)
                .consumerProperty("max.poll.records", 20).start(r -> {
                    Thread.sleep(2);
                    doneByB.add(r.value());
                    return List.of(KafkaMessage.of(r.key(), r.value()));
                })) {
            try {
                awaitMembers(group, 3);
                produce(broker.bootstrap(), in, values("r", n));
                await("pool A to process some records", Duration.ofSeconds(60), () -> slowA.processed() >= 4);
            } finally {
                closedAt = System.nanoTime();
                slowA.close();
            }
            Set<String> heldByA = new HashSet<>(startedByA);
            heldByA.removeAll(doneByA);   // started, not finished before the close: never acknowledged
            await("the rest processed by pool B", Duration.ofSeconds(90), () -> {
                Set<String> all = new HashSet<>(doneByA);
                all.addAll(doneByB);
                return all.size() >= n;
            });
            long afterClose = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt);
            var output = readDistinct(broker.bootstrap(), out, n, Duration.ofSeconds(60));
            System.out.printf("SHARE close mid-stream: A processed %d (started %d, unfinished at close %d), B processed %d, "
                    + "all done %d ms after A's close; output %d records, %d duplicates%n", slowA.processed(), startedByA.size(),
                    heldByA.size(), fastB.processed(), afterClose, output.size(), duplicates(output));
            assertTrue(doneByB.containsAll(heldByA), "what A left unfinished was processed by B");
            assertEquals(new HashSet<>(values("r", n)), output.stream().map(ConsumerRecord::value).collect(Collectors.toSet()));
            // released at A's close, not merely taken back when the 30 s acquisition lock expired
            assertTrue(afterClose < 25_000, "released at close: " + afterClose + " ms");
            assertNull(fastB.failure());
        }
    }

    @Test
    void poisonRecordsGoToTheDeadLetterTopic() throws Exception {
        String in = unique("share-poison");
        String out = unique("share-poison-out");
        String dlt = unique("share-poison-dlt");
        broker.createTopics(2, in, out, dlt);
        List<String> input = new ArrayList<>(values("ok", 100));
        input.add(30, "poison-1");
        input.add(60, "undeserializable");
        input.add(90, "poison-2");
        produce(broker.bootstrap(), in, input);
        try (var pool = KafkaWorkerPool.builder(broker.bootstrap(), unique("sg"), in, new StringDeserializer(),
                        new DeadLetterTest.PickyDeserializer(), new StringSerializer(), new StringSerializer())
                .outputTopic(out).deadLetterTopic(dlt).parallelism(3).shareGroup(2).closeTimeout(Duration.ofSeconds(5))
                .start(r -> {
                    if (r.value().startsWith("poison")) throw new IllegalStateException("cannot process " + r.value());
                    return List.of(KafkaMessage.of(r.key(), r.value().toUpperCase()));
                })) {
            await("every record handled", Duration.ofSeconds(60), () -> pool.processed() + pool.deadLettered() >= 103);
            assertNull(pool.failure());
            System.out.printf("SHARE dead letters: processed %d, dead-lettered %d%n", pool.processed(), pool.deadLettered());
        }
        var results = readDistinct(broker.bootstrap(), out, 100, Duration.ofSeconds(30));
        assertEquals(values("ok", 100).stream().map(String::toUpperCase).collect(Collectors.toSet()),
                results.stream().map(ConsumerRecord::value).collect(Collectors.toSet()));
        var dead = readDistinct(broker.bootstrap(), dlt, 3, Duration.ofSeconds(30));
        assertEquals(Set.of("poison-1", "poison-2", "undeserializable"),
                dead.stream().map(ConsumerRecord::value).collect(Collectors.toSet()));
        for (var d : dead) {
            assertEquals(in, DeadLetters.header(d.headers(), DeadLetters.TOPIC));
            assertNotNull(DeadLetters.header(d.headers(), DeadLetters.PARTITION));
            assertNotNull(DeadLetters.header(d.headers(), DeadLetters.OFFSET));
            assertEquals("1", DeadLetters.header(d.headers(), DeadLetters.ATTEMPTS));
            String exception = DeadLetters.header(d.headers(), DeadLetters.EXCEPTION);
            String message = DeadLetters.header(d.headers(), DeadLetters.MESSAGE);
            if (d.value().startsWith("poison")) {
                assertEquals(IllegalStateException.class.getName(), exception);
                assertEquals("cannot process " + d.value(), message);
            } else {
                assertEquals(RecordDeserializationFailure.class.getName(), exception);
                assertTrue(message.contains("not a valid value: undeserializable"), message);
            }
        }
    }

    @Test
    void asASourceUnacknowledgedRecordsAreReleasedAtCloseAndDeliveredAgain() throws Exception {
        String in = unique("share-src");
        String group = unique("sg");
        broker.createTopics(1, in);
        produce(broker.bootstrap(), in, values("s", 30));
        Set<String> keep = Set.of("s27", "s28", "s29");   // the tail: holding them back blocks no other record
        Set<String> first = new HashSet<>();
        var source = new ShareSource<>(broker.bootstrap(), group, in, new StringDeserializer(), new StringDeserializer(),
                2, 8, Duration.ofSeconds(2), Map.of("max.poll.records", 5));
        try {
            while (first.size() < 30) {
                KafkaRecord<String, String> r = source.records().receive(Duration.ofSeconds(30));
                assertNotNull(r, "a record within 30 s; got " + first.size());
                assertTrue(first.add(r.value()), "no repeat while the source holds the records: " + r.value());
                if (!keep.contains(r.value())) r.ack();
            }
        } finally {
            long t0 = System.nanoTime();
            source.close();
            source.close();   // idempotent
            System.out.printf("SHARE source close with 3 unacknowledged: %d ms%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
        assertTrue(source.isClosed());
        assertThrows(ChannelClosedException.class, () -> source.records().receive(Duration.ofMillis(10)), "closed and drained");
        var again = new ShareSource<>(broker.bootstrap(), group, in, new StringDeserializer(), new StringDeserializer(),
                1, 8, Duration.ofSeconds(2), Map.of());
        try {
            Set<String> second = new HashSet<>();
            long t0 = System.nanoTime();
            while (second.size() < 3) {
                // well inside the 30 s acquisition lock: they were released, not taken back at the lock's expiry
                KafkaRecord<String, String> r = again.records().receive(Duration.ofSeconds(20));
                assertNotNull(r, "the released records come again within 20 s; got " + second);
                second.add(r.value());
                r.ack();
            }
            System.out.printf("SHARE released records delivered again after %d ms: %s%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), second);
            assertEquals(keep, second);
            assertNull(again.records().receive(Duration.ofSeconds(1)), "the accepted records are not delivered again");
        } finally {
            again.close();
        }
    }

    @Test
    void withoutADeadLetterTopicAPoisonRecordStopsThePool() throws Exception {
        String in = unique("share-strict");
        broker.createTopics(1, in);
        produce(broker.bootstrap(), in, List.of("a", "poison", "b"));
        var pool = pool(unique("sg"), in).outputTopic(unique("unused")).parallelism(1).shareGroup(2)
                .closeTimeout(Duration.ofSeconds(2)).start(r -> {
                    if (r.value().equals("poison")) throw new IllegalStateException("bad");
                    return List.of();
                });
        try {
            await("the pool to fail", Duration.ofSeconds(30), () -> pool.failure() != null);
            assertInstanceOf(IllegalStateException.class, pool.failure().getCause());
        } finally {
            long t0 = System.nanoTime();
            pool.close();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("SHARE failed pool closed in %d ms%n", ms);
            assertTrue(ms < 15_000, "close is bounded: " + ms + " ms");
        }
    }

    @Test
    void theBuilderRefusesAnOrderAndNoConsumers() {
        var b = pool(unique("sg"), unique("unused")).ordering(Ordering.KEY).shareGroup(1);
        var e = assertThrows(IllegalStateException.class, () -> b.start(r -> List.of()));
        assertTrue(e.getMessage().contains("ordering KEY"), e.getMessage());
        assertThrows(IllegalStateException.class,
                () -> pool(unique("sg"), unique("unused")).shareGroup(2).ordering(Ordering.PARTITION).start(r -> List.of()));
        assertThrows(IllegalArgumentException.class, () -> pool(unique("sg"), unique("unused")).shareGroup(0));
        assertThrows(IllegalArgumentException.class, () -> pool(unique("sg"), unique("unused")).shareGroup(-1));
    }

    @Test
    void consumerPropertiesAreFilteredForAShareConsumer() {
        var config = ShareSource.consumerConfig("b:9092", "g", Map.of("session.timeout.ms", 3000,
                "heartbeat.interval.ms", 500, "auto.offset.reset", "latest", "max.poll.records", 7, "share.acquire.mode", "batch_optimized",
                "share.acknowledgement.mode", "implicit", "enable.auto.commit", true));
        assertEquals(Map.of("bootstrap.servers", "b:9092", "group.id", "g", "max.poll.records", 7, "share.acquire.mode", "batch_optimized",
                "share.acknowledgement.mode", "explicit"), config);
        assertEquals("record_limit", ShareSource.consumerConfig("b:9092", "g", Map.of()).get("share.acquire.mode"));
        assertThrows(IllegalArgumentException.class, () -> ShareSource.consumerConfig("b:9092", "g",
                Map.of("interceptor.classes", "x.Y")));
        assertEquals(Map.of("share.auto.offset.reset", "earliest"), ShareSource.wantedGroupConfigs(Map.of()));
        assertEquals(Map.of("share.auto.offset.reset", "latest", "share.isolation.level", "read_committed"),
                ShareSource.wantedGroupConfigs(Map.of("auto.offset.reset", "latest", "isolation.level", "read_committed")));
    }

    @Test
    void aNewGroupStartsAtTheEarliestOffsetButAnExplicitSettingIsKept() throws Exception {
        String fresh = unique("sg-fresh");
        String preset = unique("sg-preset");
        try (var admin = broker.admin()) {
            var presetGroup = new ConfigResource(ConfigResource.Type.GROUP, preset);
            admin.incrementalAlterConfigs(Map.of(presetGroup, List.of(new AlterConfigOp(
                    new ConfigEntry("share.auto.offset.reset", "latest"), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
            ShareSource.prepareGroup(broker.bootstrap(), fresh, Map.of());
            ShareSource.prepareGroup(broker.bootstrap(), preset, Map.of());
            ShareSource.prepareGroup(broker.bootstrap(), fresh, Map.of());   // again: unchanged, no error
            var freshGroup = new ConfigResource(ConfigResource.Type.GROUP, fresh);
            var configs = admin.describeConfigs(List.of(freshGroup, presetGroup)).all().get(30, TimeUnit.SECONDS);
            ConfigEntry f = configs.get(freshGroup).get("share.auto.offset.reset");
            ConfigEntry p = configs.get(presetGroup).get("share.auto.offset.reset");
            System.out.println("SHARE group configs: fresh " + f + ", preset " + p);
            assertEquals("earliest", f.value());
            assertEquals("latest", p.value());
        }
    }
}
