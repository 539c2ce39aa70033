package dev.vela.kafka;

import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Throughput over Kafka, optional (tag {@code bench}, excluded by default; run by {@code ./vela bench --kafka}
 * or {@code ./mvnw -pl vela-kafka test -Pkafka-bench}): records per second through a {@link KafkaWorkerPool}
 * against a plain kafka-clients poll loop doing the same work ({@link KafkaBenchChild}), with 1 and 2
 * consumer processes (child JVMs) in one group, against the same test broker, in the same run.
 *
 * <h2>Method</h2>
 * The input topic (4 partitions) is filled once with {@code records} records. Each run is a fresh
 * consumer group reading it from the start: the children start, print {@code ready}, get "go", and the
 * group's committed offsets are sampled every 50 ms. The rate is taken over the window from the moment
 * at least {@code 20 %} are committed <em>and</em> the children hold every partition between them (so JVM
 * start, group join, first rebalance and most of the JIT warm-up are left out) to the moment all are
 * committed: {@code (records - committedAtStart) / window}. Commits are what both loops make only after
 * the outputs are acknowledged, so this is end-to-end, at-least-once throughput. One discarded warm-up
 * round, then {@code reps} rounds; each round runs the four cases interleaved; medians are reported.
 * Nothing is asserted about speed (performance is measured, never asserted); the run fails only if a
 * case does not finish.
 */
@Tag("bench")
@Timeout(1800)
class KafkaThroughputBenchTest {
    private static final int PARTITIONS = 4;
    private static final double WINDOW_FROM = 0.2;
    private final int records = Integer.getInteger("vela.kafka.bench.records", 60_000);
    private final int reps = Integer.getInteger("vela.kafka.bench.reps", 3);
    private final TestBroker broker = TestBroker.shared();

    /** One measured run: the rate and each child's share of the processed records. */
    private record Run(double rate, long[] processed) { }

    @Test
    void velaPoolAgainstPlainLoopWithOneAndTwoProcesses() throws Exception {
        String in = KafkaTestSupport.unique("bench-in");
        String out = KafkaTestSupport.unique("bench-out");
        broker.createTopics(PARTITIONS, in, out);
        fill(in);
        String[] cases = {"plain 1", "vela 1", "plain 2", "vela 2"};
        Map<String, List<Run>> runs = new TreeMap<>();
        try (Admin admin = broker.admin()) {
            for (int round = 0; round <= reps; round++) {
                for (String c : cases) {
                    String[] mp = c.split(" ");
                    Run r = run(admin, mp[0], Integer.parseInt(mp[1]), in, out);
                    System.out.printf("round %d %-8s %,10.0f records/s  per process %s%n", round, c, r.rate,
                            Arrays.toString(r.processed));
                    if (round > 0) runs.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
                }
            }
        }
        String table = table(runs);
        System.out.println(table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "kafka-bench.md"), table);
    }

    private void fill(String topic) throws Exception {
        try (var p = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024),
                new StringSerializer(), new StringSerializer())) {
            var last = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < records; i++) {
                String v = i + "," + (i * 37 % 10_000) + ",invoice for customer " + (i % 997) + " of the vela kafka bench";
                last.add(p.send(new ProducerRecord<>(topic, "k" + i, v)));
            }
            p.flush();
            for (var f : last) f.get(60, TimeUnit.SECONDS);   // every one acknowledged
        }
    }

    private Run run(Admin admin, String mode, int processes, String in, String out) throws Exception {
        String group = KafkaTestSupport.unique("bench-" + mode + processes);
        List<Child> children = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) children.add(new Child(mode, group, in, out));
            for (Child c : children) c.await("ready", 60);
            for (Child c : children) c.go();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            long t1 = 0, c1 = 0;
            while (true) {
                long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS)
                        .values().stream().filter(o -> o != null).mapToLong(o -> o.offset()).sum();
                long now = System.nanoTime();
                if (t1 == 0 && committed >= records * WINDOW_FROM && children.stream().allMatch(c -> c.assignment > 0)
                        && children.stream().mapToInt(c -> c.assignment).sum() == PARTITIONS) {
                    t1 = now;
                    c1 = committed;
                }
                if (committed >= records) {
                    if (t1 == 0) fail(mode + " x" + processes + ": all committed before the window opened; raise -Dvela.kafka.bench.records");
                    long[] processed = children.stream().mapToLong(c -> c.processed).toArray();
                    return new Run((records - c1) / ((now - t1) / 1e9), processed);
                }
                for (Child c : children) {
                    if (!c.process.isAlive()) fail(mode + " child died:\n" + String.join("\n", c.lines));
                }
                if (now > deadline) fail(mode + " x" + processes + " did not finish; committed " + committed + " of " + records);
                Thread.sleep(50);
            }
        } finally {
            for (Child c : children) c.close();
        }
    }

    private static double median(List<Run> rs) {
        double[] v = rs.stream().mapToDouble(Run::rate).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private String table(Map<String, List<Run>> runs) {
        double p1 = median(runs.get("plain 1")), v1 = median(runs.get("vela 1"));
        double p2 = median(runs.get("plain 2")), v2 = median(runs.get("vela 2"));
        var sb = new StringBuilder();
        sb.append(String.format("Kafka throughput: %,d records, %d partitions, %d measured rounds of the 4 cases (after 1 warm-up round), "
                + "records/s committed end to end, medians; %d cores, JDK %s%n%n", records, PARTITIONS, reps,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version")));
        sb.append("| consumer processes | plain kafka-clients loop | Vela KafkaWorkerPool | Vela ÷ plain |\n|---|---:|---:|---:|\n");
        sb.append(String.format("| 1 | %,.0f | %,.0f | %.2f× |%n", p1, v1, v1 / p1));
        sb.append(String.format("| 2 | %,.0f | %,.0f | %.2f× |%n", p2, v2, v2 / p2));
        sb.append(String.format("| 2 ÷ 1 | %.2f× | %.2f× | |%n%n", p2 / p1, v2 / v1));
        sb.append("Every run (records/s; records processed per process):\n\n");
        runs.forEach((c, rs) -> {
            sb.append("- ").append(c).append(':');
            for (Run r : rs) sb.append(String.format(" %,.0f %s", r.rate, Arrays.toString(r.processed)));
            sb.append('\n');
        });
        return sb.toString();
    }

    /** A consumer child JVM ({@link KafkaBenchChild}) with full JIT (unlike the tests' {@link ChildJvm}). */
    private final class Child implements AutoCloseable {
        final Process process;
        final List<String> lines = new CopyOnWriteArrayList<>();
        volatile int assignment;
        volatile long processed;

        Child(String mode, String group, String in, String out) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow", "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), KafkaBenchChild.class.getName(),
                    Long.toString(ProcessHandle.current().pid()), mode, broker.bootstrap(), group, in, out)
                    .redirectErrorStream(true).start();
            Thread.ofVirtual().start(() -> {
                try (var r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        if (l.startsWith("state ")) {
                            String[] f = l.split("[ =]");   // state assignment N processed M
                            assignment = Integer.parseInt(f[2]);
                            processed = Long.parseLong(f[4]);
                        } else {
                            lines.add(l);
                        }
                    }
                } catch (IOException ignored) {
                    // the process died
                }
            });
        }

        void await(String line, int seconds) throws InterruptedException {
            KafkaTestSupport.await("child to print " + line + ": " + lines, java.time.Duration.ofSeconds(seconds),
                    () -> lines.contains(line));
        }

        void go() throws IOException {
            OutputStream o = process.getOutputStream();
            o.write("go\n".getBytes(StandardCharsets.UTF_8));
            o.flush();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(20, TimeUnit.SECONDS), "a bench child did not die");
        }
    }
}
