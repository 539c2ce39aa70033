package dev.vela.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka 4.4 broker in KRaft mode (combined broker + controller), started in this
 * JVM from the Maven Central artifacts, listening on 127.0.0.1 only on free ports, with its data in a
 * fresh temporary directory that {@link #close()} deletes. Recipe: shared/reference/dependency-probes.md §1.2.
 *
 * <p>{@link #shared()} is one broker for every test class of the run (started on first use, stopped by
 * a JVM shutdown hook); tests that stop the broker ({@link #restart()}) start their own with {@link #start()}.
 * If the broker cannot start, {@link BrokerStartException} says why — tests fail, they are never skipped.
 */
final class TestBroker implements AutoCloseable {
    private static TestBroker shared;

    private final Path dir;
    private final int brokerPort;
    private final int controllerPort;
    private final Properties props;
    /** Confined to the test thread; null while stopped. */
    private KafkaRaftServer server;

    /** Thrown when the broker does not start; the message names the step that failed. */
    static final class BrokerStartException extends RuntimeException {
        BrokerStartException(String message, Throwable cause) { super(message, cause); }
    }

    private TestBroker(Path dir, int brokerPort, int controllerPort) {
        this.dir = dir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
        this.props = properties();
    }

    /** The broker shared by every test class in this JVM. */
    static synchronized TestBroker shared() {
        if (shared == null) {
            TestBroker b = start();
            Runtime.getRuntime().addShutdownHook(new Thread(b::close, "test-broker-stop"));
            shared = b;
        }
        return shared;
    }

    /** Starts a new broker on free ports in a new temporary directory (one retry on a port race). */
    static TestBroker start() {
        RuntimeException last = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            Path dir;
            try {
                dir = Files.createTempDirectory("vela-kafka-broker-");
            } catch (IOException e) {
                throw new BrokerStartException("could not create the broker's temporary directory", e);
            }
            TestBroker b = new TestBroker(dir, freePort(), freePort());
            try {
                b.format();
                b.startServer();
                return b;
            } catch (RuntimeException e) {
                last = e;
                b.close();
            }
        }
        throw new BrokerStartException("the Kafka test broker (KRaft, 127.0.0.1) did not start: " + last.getMessage(), last);
    }

    private Properties properties() {
        Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("logs").toString()),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("transaction.state.log.num.partitions", "1"),
                // a killed transactional producer's open transaction is aborted soon after its timeout (default every 10 s)
                Map.entry("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("offsets.topic.num.partitions", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                Map.entry("group.min.session.timeout.ms", "1000"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("num.partitions", "3")));
        return p;
    }

    private void format() {
        try {
            Path file = dir.resolve("server.properties");
            try (var out = Files.newOutputStream(file)) {
                props.store(out, "vela-kafka test broker");
            }
            var log = new ByteArrayOutputStream();
            int rc;
            try (var ps = new PrintStream(log, true, StandardCharsets.UTF_8)) {
                rc = kafka.tools.StorageTool.execute(new String[] {"format", "-t", Uuid.randomUuid().toString(),
                        "-c", file.toString(), "--standalone"}, ps);
            }
            if (rc != 0) throw new IllegalStateException("StorageTool format returned " + rc + ": " + log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write the broker's properties", e);
        } catch (RuntimeException e) {
            throw new BrokerStartException("formatting the KRaft storage in " + dir + " failed: " + e, e);
        }
    }

    private void startServer() {
        try {
            server = new KafkaRaftServer(KafkaConfig.fromProps(props), Time.SYSTEM);
            server.startup();
        } catch (RuntimeException e) {
            throw new BrokerStartException("KafkaRaftServer.startup failed on 127.0.0.1:" + brokerPort + ": " + e, e);
        }
        awaitReady(Duration.ofSeconds(60));
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), brokerPort), 1000);
            } catch (IOException e) {
                last = e;
                sleep(100);
                continue;
            }
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) return;
            } catch (Exception e) {
                last = e;
            }
            sleep(100);
        }
        throw new BrokerStartException("the broker on 127.0.0.1:" + brokerPort + " was not ready within " + timeout, last);
    }

    /** {@code 127.0.0.1:<port>}. */
    String bootstrap() {
        return "127.0.0.1:" + brokerPort;
    }

    /** An admin client on this broker (the caller closes it). */
    Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000));
    }

    /** Creates topics with {@code partitions} partitions each, replication 1; waits at most 30 s. */
    void createTopics(int partitions, String... names) {
        try (Admin admin = admin()) {
            admin.createTopics(Stream.of(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
            // The controller has the topics; wait until the broker's metadata serves a leader for every
            // partition, or a producer's first request can race it (NOT_LEADER, then sequence errors).
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                boolean ready;
                try {
                    var described = admin.describeTopics(List.of(names)).allTopicNames().get(30, TimeUnit.SECONDS);
                    ready = described.size() == names.length && described.values().stream().allMatch(d ->
                            d.partitions().size() == partitions && d.partitions().stream().allMatch(p -> p.leader() != null));
                } catch (java.util.concurrent.ExecutionException e) {
                    // just created: the broker's metadata may not know the topic yet ("does not host this topic-partition")
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) throw e;
                    ready = false;
                }
                if (ready) break;
                if (System.nanoTime() > deadline) throw new IllegalStateException("no leaders for " + List.of(names));
                sleep(50);
            }
        } catch (Exception e) {
            throw new IllegalStateException("could not create topics " + List.of(names) + ": " + e, e);
        }
    }

    /** Stops the broker and starts it again on the same ports and data (no re-format). */
    void restart() {
        stopServer();
        startServer();
    }

    /** Stops the broker, keeping its data. */
    void stopServer() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts a stopped broker again on the same ports and data. */
    void startAgain() {
        if (server == null) startServer();
    }

    @Override
    public synchronized void close() {
        try {
            stopServer();
        } catch (RuntimeException ignored) {
            // best effort: the directory is removed anyway
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new BrokerStartException("no free port on 127.0.0.1", e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker", e);
        }
    }
}
