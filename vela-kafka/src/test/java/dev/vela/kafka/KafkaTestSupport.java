package dev.vela.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Helpers shared by the Kafka tests: unique names, plain producers and readers, waiting with a deadline. */
final class KafkaTestSupport {
    private static final AtomicInteger IDS = new AtomicInteger();

    private KafkaTestSupport() { }

    /** A name unique in this JVM run, e.g. {@code roundtrip-3}. */
    static String unique(String prefix) {
        return prefix + "-" + IDS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    }

    /** Consumer properties for fast group takeover (dependency probes §1.5, classic protocol). */
    static Map<String, Object> fastGroup() {
        return Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 3000, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 500);
    }

    /** Sends {@code values} (key = value) with a plain producer and waits for every acknowledgement. */
    static void produce(String bootstrap, String topic, List<String> values) {
        try (var p = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new StringSerializer(), new StringSerializer())) {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (String v : values) futures.add(p.send(new ProducerRecord<>(topic, v, v)));
            for (var f : futures) f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("producing to " + topic + " failed: " + e, e);
        }
    }

    /** Sends {@code key → value} records in list order with a plain producer and waits for every acknowledgement. */
    static void produceKeyed(String bootstrap, String topic, List<Map.Entry<String, String>> records) {
        try (var p = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false, ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new StringSerializer(), new StringSerializer())) {
            var futures = new ArrayList<java.util.concurrent.Future<?>>();
            for (var r : records) futures.add(p.send(new ProducerRecord<>(topic, r.getKey(), r.getValue())));
            for (var f : futures) f.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("producing to " + topic + " failed: " + e, e);
        }
    }

    /** {@code prefix0 .. prefix(n-1)}. */
    static List<String> values(String prefix, int n) {
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(prefix + i);
        return out;
    }

    /** Reads a topic from the beginning (no group) until {@code expected} records or the timeout; returns them. */
    static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int expected, Duration timeout) {
        return readAll(bootstrap, topic, expected, timeout, false);
    }

    /** As {@link #readAll(String, String, int, Duration)}; {@code committedOnly}: {@code isolation.level=read_committed}. */
    static List<ConsumerRecord<String, String>> readAll(String bootstrap, String topic, int expected, Duration timeout,
                                                        boolean committedOnly) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (var c = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, committedOnly ? "read_committed" : "read_uncommitted"),
                new StringDeserializer(), new StringDeserializer())) {
            var parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        return out;
    }

    /** Reads a topic from the beginning until it holds {@code distinct} distinct values or the timeout; returns every record. */
    static List<ConsumerRecord<String, String>> readDistinct(String bootstrap, String topic, int distinct, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, String>> all;
        do {
            all = readAll(bootstrap, topic, Integer.MAX_VALUE, Duration.ofMillis(1500));
        } while (all.stream().map(ConsumerRecord::value).distinct().count() < distinct && System.nanoTime() < deadline);
        return all;
    }

    /** The group's committed offsets for {@code topic}'s partitions (missing = never committed). */
    static Map<TopicPartition, OffsetAndMetadata> committed(TestBroker broker, String group) {
        try (var admin = broker.admin()) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not read offsets of " + group + ": " + e, e);
        }
    }

    /** Waits until {@code condition} holds; fails with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            Thread.sleep(20);
        }
    }
}
