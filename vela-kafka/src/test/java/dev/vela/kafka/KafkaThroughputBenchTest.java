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
 * in each {@link Ordering} against a plain kafka-clients poll loop doing the same work
 * ({@link KafkaBenchChild}), with no blocking work and with 10 ms of blocking work per record, with 1 and
 * 2 consumer processes (child JVMs) in one group, against the same test broker, in the same run.
 *
 * <h2>Method</h2>
 * Two input topics (4 partitions each) are filled once: {@code records} records for the CPU-only cases,
 * {@code slowRecords} for the blocking ones; keys cycle over {@value #KEYS} values, so {@code KEY} mode
 * has that many lanes. Each run is a fresh consumer group reading its topic from the start: the children
 * start, print {@code ready}, get "go", and the group's committed offsets are sampled every 50 ms. The
 * window opens once the children hold every partition between them and either {@code 10 %} is committed
 * or {@value #WARMUP_MS} ms have passed since (JVM start, group join, the first rebalance and most of the
 * JIT warm-up are left out); it closes when everything is committed or {@value #WINDOW_MS} ms later. The
 * rate is the records committed in the window ÷ its length. Commits are what both loops make only after
 * the outputs are acknowledged (exactly-once: in the transaction with them), so this is end-to-end
 * throughput. One discarded warm-up round, then {@code reps} rounds; each round runs every case,
 * interleaved; medians are reported with their range. Nothing is asserted about speed (performance is measured, never asserted); the run fails
 * only if a case makes no progress.
 */
@Tag("bench")
@Timeout(3600)
class KafkaThroughputBenchTest {
    private static final int PARTITIONS = 4;
    private static final int KEYS = 1000;
    private static final double WINDOW_FROM = 0.1;
    private static final long WARMUP_MS = 2000;
    private static final long WINDOW_MS = 6000;
    private static final List<String> MODES = List.of("plain", "unordered", "key", "partition", "key-eos");
    /** Blocking work per record of the cases run: 0 and 10 ms, or one of them ({@code -Dvela.kafka.bench.workMs=0}). */
    private static final int[] WORK_MS = System.getProperty("vela.kafka.bench.workMs") == null ? new int[] {0, 10}
            : new int[] {Integer.getInteger("vela.kafka.bench.workMs")};
    private final int records = Integer.getInteger("vela.kafka.bench.records", 60_000);
    private final int slowRecords = Integer.getInteger("vela.kafka.bench.slowRecords", 20_000);
    private final int reps = Integer.getInteger("vela.kafka.bench.reps", 3);
    private final TestBroker broker = TestBroker.shared();

    /** One measured run: the rate and each child's share of the processed records. */
    private record Run(double rate, long[] processed) { }

    @Test
    void velaPoolInEachOrderingAgainstPlainLoopWithAndWithoutBlockingWork() throws Exception {
        Map<Integer, String> inputs = new TreeMap<>();
        String out = KafkaTestSupport.unique("bench-out");
        broker.createTopics(PARTITIONS, out);
        for (int workMs : WORK_MS) {
            String in = KafkaTestSupport.unique("bench-in-" + workMs + "ms");
            broker.createTopics(PARTITIONS, in);
            fill(in, workMs > 0 ? slowRecords : records);
            inputs.put(workMs, in);
        }
        Map<String, List<Run>> runs = new TreeMap<>();
        try (Admin admin = broker.admin()) {
            for (int round = 0; round <= reps; round++) {
                for (int workMs : WORK_MS) {
                    for (int processes = 1; processes <= 2; processes++) {
                        for (String mode : MODES) {
                            int total = workMs > 0 ? slowRecords : records;
                            Run r = run(admin, mode, processes, inputs.get(workMs), out, workMs, total);
                            String c = id(workMs, processes, mode);
                            System.out.printf("round %d %-22s %,10.0f records/s  per process %s%n", round, c, r.rate,
                                    Arrays.toString(r.processed));
                            if (round > 0) runs.computeIfAbsent(c, k -> new ArrayList<>()).add(r);
                        }
                    }
                }
            }
        }
        String table = table(runs);
        System.out.println(table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "kafka-bench.md"), table);
    }

    private static String id(int workMs, int processes, String mode) {
        return workMs + "ms x" + processes + " " + mode;
    }

    private void fill(String topic, int records) throws Exception {
        try (var p = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024),
                new StringSerializer(), new StringSerializer())) {
            var last = new ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < records; i++) {
                String v = i + "," + (i * 37 % 10_000) + ",invoice for customer " + (i % 997) + " of the vela kafka bench";
                last.add(p.send(new ProducerRecord<>(topic, "k" + (i % KEYS), v)));
            }
            p.flush();
            for (var f : last) f.get(60, TimeUnit.SECONDS);   // every one acknowledged
        }
    }

    private Run run(Admin admin, String mode, int processes, String in, String out, int workMs, int records) throws Exception {
        String group = KafkaTestSupport.unique("bench-" + mode + processes + "-" + workMs);
        List<Child> children = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) children.add(new Child(mode, group, in, out, workMs));
            for (Child c : children) c.await("ready", 60);
            for (Child c : children) c.go();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
            long held = 0, t1 = 0, c1 = 0;
            while (true) {
                long committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(20, TimeUnit.SECONDS)
                        .values().stream().filter(o -> o != null).mapToLong(o -> o.offset()).sum();
                long now = System.nanoTime();
                boolean allHeld = children.stream().allMatch(c -> c.assignment > 0)
                        && children.stream().mapToInt(c -> c.assignment).sum() == PARTITIONS;
                if (allHeld && held == 0) held = now;
                if (t1 == 0 && allHeld && (committed >= records * WINDOW_FROM || now - held >= WARMUP_MS * 1_000_000)) {
                    t1 = now;
                    c1 = committed;
                }
                if (t1 != 0 && (committed >= records || now - t1 >= WINDOW_MS * 1_000_000)) {
                    if (committed == c1 && committed < records) fail(mode + " x" + processes + " made no progress in its window");
                    if (now == t1) fail(mode + " x" + processes + ": all committed before the window opened; raise the record count");
                    long[] processed = children.stream().mapToLong(c -> c.processed).toArray();
                    return new Run((committed - c1) / ((now - t1) / 1e9), processed);
                }
                if (committed >= records && t1 == 0) {
                    fail(mode + " x" + processes + ": all committed before the window opened; raise the record count");
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

    private static String range(List<Run> rs) {
        double[] v = rs.stream().mapToDouble(Run::rate).sorted().toArray();
        return String.format("%,.0f … %,.0f", v[0], v[v.length - 1]);
    }

    private String table(Map<String, List<Run>> runs) {
        var sb = new StringBuilder();
        sb.append(String.format("Kafka throughput: %d partitions, %,d keys; %,d records without blocking work, %,d with 10 ms; "
                + "%d measured rounds of the %d cases (after 1 warm-up round), records/s committed end to end, medians; "
                + "Vela parallelism %d without blocking work, %d with; %d cores, JDK %s%n%n", PARTITIONS, KEYS, records,
                slowRecords, reps, WORK_MS.length * 2 * MODES.size(), KafkaBenchChild.velaParallelism(0),
                KafkaBenchChild.velaParallelism(10), Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version")));
        sb.append("| blocking work per record | processes | plain kafka-clients loop | Vela UNORDERED | Vela KEY | Vela PARTITION "
                + "| Vela KEY exactly-once | UNORDERED ÷ plain | KEY ÷ plain | PARTITION ÷ plain | KEY exactly-once ÷ plain | goal |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (int workMs : WORK_MS) {
            for (int processes = 1; processes <= 2; processes++) {
                double plain = median(runs.get(id(workMs, processes, "plain")));
                sb.append(String.format("| %d ms | %d | %,.0f |", workMs, processes, plain));
                for (String m : MODES.subList(1, MODES.size())) sb.append(String.format(" %,.0f |", median(runs.get(id(workMs, processes, m)))));
                for (String m : MODES.subList(1, MODES.size())) sb.append(String.format(" %.2f× |", median(runs.get(id(workMs, processes, m))) / plain));
                double goal = workMs > 0 ? 5 : 0.5;
                double worst = Math.min(median(runs.get(id(workMs, processes, "unordered"))), median(runs.get(id(workMs, processes, "key")))) / plain;
                sb.append(String.format(" ≥ %s× in UNORDERED and KEY: %s |%n", workMs > 0 ? "5" : "0.5", worst >= goal ? "met" : "not met"));
            }
        }
        sb.append("\nEvery case, median [range] (records/s; records processed per process in each run):\n\n");
        runs.forEach((c, rs) -> {
            sb.append("- ").append(c).append(String.format(": %,.0f [%s];", median(rs), range(rs)));
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

        Child(String mode, String group, String in, String out, int workMs) throws IOException {
            String java = ProcessHandle.current().info().command().orElse("java");
            process = new ProcessBuilder(java, "--sun-misc-unsafe-memory-access=allow", "-Xmx256m", "-cp",
                    System.getProperty("java.class.path"), KafkaBenchChild.class.getName(),
                    Long.toString(ProcessHandle.current().pid()), mode, broker.bootstrap(), group, in, out, Integer.toString(workMs))
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
