package dev.vela.kafka.examples;

import dev.vela.kafka.DeadLetters;
import dev.vela.kafka.KafkaMessage;
import dev.vela.kafka.KafkaRecord;
import dev.vela.kafka.KafkaWorkerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A word count spread over processes: start {@code count} in two (or more) processes with the same
 * group and they share the {@code lines} topic's partitions; each counts the words of its lines on a
 * Vela worker pool and sends {@code (word, count)} to the {@code counts} topic, tagged with the line's
 * coordinates; {@code total} adds the counts up, ignoring repeats of a line (at-least-once delivery
 * can process a line twice around a rebalance or a crash, so the sum is made idempotent).
 *
 * <pre>
 * java -cp "$CP" dev.vela.kafka.examples.WordCount count 127.0.0.1:9092 wc lines counts   # process 1
 * java -cp "$CP" dev.vela.kafka.examples.WordCount count 127.0.0.1:9092 wc lines counts   # process 2
 * java -cp "$CP" dev.vela.kafka.examples.WordCount total 127.0.0.1:9092 counts
 * </pre>
 * {@code count} runs until its standard input ends (press Enter or Ctrl-D): it then closes the pool
 * cleanly, finishing and committing what it holds. Killed instead, it loses nothing either: its
 * uncommitted lines are counted again by the other process, and {@code total} ignores the repeats.
 * See docs/kafka.md.
 */
public final class WordCount {
    /** Header on each count: {@code topic-partition@offset} of the line it came from. */
    public static final String SOURCE = "wordcount.source";

    private WordCount() { }

    /**
     * Runs one role.
     *
     * @param args {@code count <bootstrap> <group> <linesTopic> <countsTopic>} or {@code total <bootstrap> <countsTopic>}
     * @throws Exception if the role fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("count")) {
            count(args[1], args[2], args[3], args[4]);
        } else if (args.length == 3 && args[0].equals("total")) {
            read(args[1], args[2], Duration.ofSeconds(3)).forEach((w, n) -> System.out.println(w + "\t" + n));
        } else {
            System.err.println("usage: WordCount count <bootstrap> <group> <linesTopic> <countsTopic>\n"
                    + "       WordCount total <bootstrap> <countsTopic>");
            System.exit(2);
        }
    }

    /** The counts of one line: one message per distinct word, tagged with the line's coordinates. */
    static List<KafkaMessage<String, String>> countLine(KafkaRecord<String, String> line) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String w : line.value().toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+")) {
            if (!w.isEmpty()) counts.merge(w, 1, Integer::sum);
        }
        List<KafkaMessage<String, String>> out = new ArrayList<>(counts.size());
        counts.forEach((w, n) -> out.add(KafkaMessage.of(w, Integer.toString(n)).withHeader(SOURCE, line.toString())));
        return out;
    }

    private static void count(String bootstrap, String group, String lines, String counts) throws InterruptedException {
        var pool = KafkaWorkerPool.builder(bootstrap, group, lines, new StringDeserializer(), new StringDeserializer(),
                        new StringSerializer(), new StringSerializer())
                .outputTopic(counts).deadLetterTopic(lines + ".dlt").parallelism(4)
                .consumerProperty(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000)
                .consumerProperty(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000)
                .start(WordCount::countLine);
        var stop = new CountDownLatch(1);
        Thread.ofVirtual().start(() -> {   // end of standard input (Enter, Ctrl-D, or the parent closing the pipe) stops
            try {
                System.in.read();
            } catch (java.io.IOException ignored) {
                // treated as the end of input
            }
            stop.countDown();
        });
        String last = "";
        while (!stop.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            String now = "assignment=" + pool.assignment().size() + " processed=" + pool.processed();
            if (!now.equals(last)) System.out.println(now);
            last = now;
        }
        pool.close();   // finishes what it holds, waits for the outputs' acknowledgements, commits
        System.out.println("closed processed=" + pool.processed() + " failure=" + pool.failure());
    }

    /**
     * Adds up the counts topic's records, once per (line, word): repeats from at-least-once delivery
     * carry the same line coordinates and are ignored.
     *
     * @param records the counts topic's records
     * @return word → total, sorted by word
     */
    public static Map<String, Long> totals(Iterable<ConsumerRecord<String, String>> records) {
        Map<String, Long> totals = new TreeMap<>();
        var seen = new java.util.HashSet<String>();
        for (ConsumerRecord<String, String> r : records) {
            if (seen.add(DeadLetters.header(r.headers(), SOURCE) + "|" + r.key())) totals.merge(r.key(), Long.parseLong(r.value()), Long::sum);
        }
        return totals;
    }

    /** Reads the whole counts topic (until {@code quiet} passes without a record) and totals it. */
    static Map<String, Long> read(String bootstrap, String counts, Duration quiet) {
        List<ConsumerRecord<String, String>> all = new ArrayList<>();
        try (var c = new KafkaConsumer<>(Map.<String, Object>of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(), new StringDeserializer())) {
            var parts = c.partitionsFor(counts, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(counts, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            long lastSeen = System.nanoTime();
            while (System.nanoTime() - lastSeen < quiet.toNanos()) {
                var batch = c.poll(Duration.ofMillis(100));
                if (!batch.isEmpty()) lastSeen = System.nanoTime();
                batch.forEach(all::add);
            }
        }
        return totals(all);
    }
}
