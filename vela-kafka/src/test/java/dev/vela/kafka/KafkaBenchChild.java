package dev.vela.kafka;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

/**
 * One consumer process of {@link KafkaThroughputBenchTest}:
 * {@code args = parentPid mode bootstrap group in out workMs}, mode {@code plain} (the classic
 * kafka-clients loop: poll, process and send each record, flush the producer, commit the batch's
 * offsets) or {@code unordered}, {@code key}, {@code partition} (a {@link KafkaWorkerPool} in that
 * {@link Ordering}, parallelism {@link #velaParallelism}), or {@code key-eos} ({@code KEY} with
 * {@code exactlyOnce()}). Both do the same per-record work ({@link #work}:
 * a few microseconds of CPU, then {@code workMs} of blocking sleep) and the same producer settings
 * ({@code acks=all}, {@code linger.ms=5}). With blocking work the plain loop polls at most
 * {@value #SLOW_POLL_RECORDS} records at a time, so that it commits every 0.2 s, as a user with slow
 * records would configure it. Prints {@code ready}, waits for a line on stdin, then runs until killed,
 * printing {@code state assignment=<partitions> processed=<records>} every 100 ms.
 */
public final class KafkaBenchChild {
    /** Rounds of the xorshift mix in {@link #work}: a few microseconds of CPU per record. */
    static final int WORK_ROUNDS = 2000;
    /** {@code max.poll.records} of the plain loop when records block: 20 × 10 ms = a commit every 0.2 s. */
    static final int SLOW_POLL_RECORDS = 20;

    /** The pool's parallelism: 4 for CPU-only records (2 cores), 100 when each record blocks (the point of the pool). */
    static int velaParallelism(int workMs) {
        return workMs > 0 ? 100 : 4;
    }

    private static volatile int assignment;
    private static volatile long processedPlain;

    private KafkaBenchChild() { }

    /**
     * The per-record work of both loops: parse {@code id,amount,text}, mix, format a result.
     *
     * @param value an input value
     * @return the output value
     */
    static String work(String value, int workMs) throws InterruptedException {
        if (workMs > 0) Thread.sleep(workMs);   // blocking work: a call to a database or a service
        return work(value);
    }

    /**
     * The CPU part of {@link #work(String, int)}.
     *
     * @param value an input value
     * @return the output value
     */
    static String work(String value) {
        int c1 = value.indexOf(',');
        int c2 = value.indexOf(',', c1 + 1);
        long id = Long.parseLong(value, 0, c1, 10);
        long amount = Long.parseLong(value, c1 + 1, c2, 10);
        long h = id * 0x9E3779B97F4A7C15L ^ amount;
        for (int i = 0; i < WORK_ROUNDS; i++) {
            h ^= h << 13;
            h ^= h >>> 7;
            h ^= h << 17;
        }
        h += value.substring(c2 + 1).hashCode();
        return id + "," + Long.toHexString(h);
    }

    public static void main(String[] args) throws Exception {
        ChildJvm.watchParent(args[0]);
        String mode = args[1], bootstrap = args[2], group = args[3], in = args[4], out = args[5];
        int workMs = Integer.parseInt(args[6]);
        System.out.println("ready");
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();   // "go"
        switch (mode) {
            case "plain" -> plain(bootstrap, group, in, out, workMs);
            case "unordered", "key", "partition" -> vela(bootstrap, group, in, out, workMs, Ordering.valueOf(mode.toUpperCase()), false);
            case "key-eos" -> vela(bootstrap, group, in, out, workMs, Ordering.KEY, true);
            default -> throw new IllegalArgumentException("mode must be plain, unordered, key, partition or key-eos: " + mode);
        }
    }

    private static void report(java.util.function.LongSupplier processed) {
        Thread.ofPlatform().daemon().start(() -> {
            while (true) {
                System.out.println("state assignment=" + assignment + " processed=" + processed.getAsLong());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private static void vela(String bootstrap, String group, String in, String out, int workMs, Ordering ordering,
                             boolean exactlyOnce) throws Exception {
        var b = KafkaWorkerPool.builder(bootstrap, group, in, new StringDeserializer(), new StringDeserializer(),
                new StringSerializer(), new StringSerializer()).outputTopic(out)
                .ordering(ordering).parallelism(velaParallelism(workMs));
        if (exactlyOnce) b.exactlyOnce();
        KafkaTestSupport.fastGroup().forEach(b::consumerProperty);
        var pool = b.start(r -> List.of(KafkaMessage.of(r.key(), work(r.value(), workMs))));
        report(pool::processed);
        while (pool.failure() == null) {
            assignment = pool.assignment().size();
            Thread.sleep(20);
        }
        System.out.println("failure=" + pool.failure());
        System.exit(1);
    }

    private static void plain(String bootstrap, String group, String in, String out, int workMs) throws InterruptedException {
        Map<String, Object> cp = new HashMap<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        cp.putAll(KafkaTestSupport.fastGroup());
        if (workMs > 0) cp.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, SLOW_POLL_RECORDS);
        Map<String, Object> pp = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5);
        report(() -> processedPlain);
        try (var consumer = new KafkaConsumer<>(cp, new StringDeserializer(), new StringDeserializer());
             var producer = new KafkaProducer<>(pp, new StringSerializer(), new StringSerializer())) {
            consumer.subscribe(List.of(in));
            while (true) {
                var records = consumer.poll(Duration.ofMillis(100));
                assignment = consumer.assignment().size();
                if (records.isEmpty()) continue;
                Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                for (ConsumerRecord<String, String> r : records) {
                    producer.send(new ProducerRecord<>(out, r.key(), work(r.value(), workMs)));
                    offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                }
                producer.flush();   // every output of the batch acknowledged before its inputs are committed
                consumer.commitAsync(offsets, null);
                processedPlain += records.count();
            }
        }
    }
}
