package dev.vela.kafka;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Topics read by one member of a consumer group, as a bounded Vela {@link Receiver} of
 * {@link KafkaRecord}s, with at-least-once delivery.
 *
 * <pre>{@code
 * try (var source = KafkaSource.builder("127.0.0.1:9092", "billing", new StringDeserializer(), new StringDeserializer())
 *         .topics("invoices").capacity(256).open()) {
 *     for (KafkaRecord<String, String> r : source.records()) {
 *         bill(r.value());
 *         r.ack();                       // now its offset may be committed
 *     }
 * }
 * }</pre>
 *
 * <p><b>Delivery.</b> Offsets are committed only for acknowledged records, and per partition only up to
 * the first record not yet acknowledged; acknowledgements may come in any order from any thread. A
 * record whose processing never completes is delivered again after a restart or a rebalance, so
 * processing must tolerate repeats (at-least-once). Records of one partition arrive in offset order.
 *
 * <p><b>Backpressure.</b> The channel holds at most {@code capacity} records; when it is full the
 * partitions with records waiting are paused, so the consumer stops fetching them.
 *
 * <p><b>Threads.</b> The {@code KafkaConsumer} (not thread-safe) lives on this source's own worker and
 * is never exposed. {@link #records()} may be read by many threads at once (e.g. a worker pool).
 *
 * <p><b>End.</b> {@link #close()} stops fetching, closes the channel (receivers end once it is drained),
 * waits a bounded time for the dispatched records to be acknowledged, commits, and closes the consumer.
 * A fatal consumer error fails the channel: receivers see a {@link dev.vela.channel.ChannelClosedException}
 * with that cause.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class KafkaSource<K, V> implements PoolInput<K, V> {
    /** Tunables shared by the builder and the worker; durations positive; {@code transactions} null unless exactly-once. */
    record Settings(Duration pollTimeout, Duration dispatchWait, Duration commitInterval, Duration closeTimeout,
                    Duration revokeGrace, int fairShare, Transactions transactions) { }

    private final Receiver<KafkaRecord<K, V>> records;
    private final SourceLoop<K, V> loop;
    private final Worker<Void> worker;
    private final Duration closeTimeout;

    private KafkaSource(Builder<K, V> b) {
        Map<String, Object> config = new HashMap<>(b.properties);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, b.groupId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        var consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        Channel<KafkaRecord<K, V>> channel = Channel.bounded(b.capacity);
        this.records = channel.receiver();
        this.closeTimeout = b.closeTimeout;
        this.loop = new SourceLoop<>(consumer, b.topics, b.keys, b.values, channel.sender(),
                new Settings(b.pollTimeout, Duration.ofMillis(20), b.commitInterval, b.closeTimeout, b.revokeGrace, b.fairShare,
                        b.transactions));
        this.worker = Worker.spawn("kafka-source-" + b.groupId, () -> {
            loop.run();
            return null;
        });
    }

    /**
     * Starts building a source.
     *
     * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
     * @param groupId          the consumer group; processes with the same group share the topics' partitions
     * @param keys             deserializes keys (called on the source's worker only)
     * @param values           deserializes values (called on the source's worker only)
     * @param <K>              the key type
     * @param <V>              the value type
     * @return a builder
     */
    public static <K, V> Builder<K, V> builder(String bootstrapServers, String groupId, Deserializer<K> keys, Deserializer<V> values) {
        return new Builder<>(bootstrapServers, groupId, keys, values);
    }

    /**
     * The records, in offset order per partition. Ends (closed, drained) after {@link #close()}; fails
     * with the consumer's error as cause if the consumer fails. Closing this receiver stops the source
     * as {@link #close()} would.
     *
     * @return the receiver of this source's bounded channel
     */
    public Receiver<KafkaRecord<K, V>> records() {
        return records;
    }

    /** @return the partitions this member owns now (changes on rebalances) */
    public Set<TopicPartition> assignment() {
        return loop.assignment();
    }

    /**
     * Waits until this member has received its first partition assignment (possibly empty when the group
     * has more members than partitions).
     *
     * <p><b>Interruption and timeout.</b> Throws {@link TimeoutException} if no assignment came within
     * {@code timeout}; {@link InterruptedException} if interrupted. The source is unaffected either way.
     *
     * @param timeout how long to wait at most
     * @return the assignment
     * @throws TimeoutException     if no assignment came in time
     * @throws InterruptedException if interrupted while waiting
     */
    public Set<TopicPartition> awaitAssignment(Duration timeout) throws InterruptedException, TimeoutException {
        if (!loop.firstAssignment.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("no partition assignment within " + timeout);
        }
        return assignment();
    }

    /**
     * Stops fetching, closes the channel, waits at most the close timeout (builder, default 10 s) for
     * dispatched records to be acknowledged, commits them and closes the consumer. Records not
     * acknowledged by then are delivered again later to the group. Idempotent.
     *
     * <p><b>Interruption and timeout.</b> Returns after at most about twice the close timeout (drain,
     * then the consumer's own close). If interrupted, it stops waiting, keeps the interrupt status set,
     * and the source finishes closing in the background.
     */
    @Override
    public void close() {
        loop.requestStop(closeTimeout);
        try {
            worker.join(closeTimeout.multipliedBy(2).plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            worker.cancel();
        } catch (Exception e) {
            // the failure is already the channel's cause; close() itself does not throw it
        }
    }

    /** Records polled but waiting for room in the channel (published before each poll; for tests). */
    int waitingForRoom() {
        return loop.waitingForRoom;
    }

    /** Partitions paused for backpressure (published before each poll; for tests). */
    Set<TopicPartition> pausedPartitions() {
        return loop.pausedView;
    }

    /** @return whether the source's worker has ended (closed or failed) */
    public boolean isClosed() {
        return worker.isDone();
    }

    /**
     * Builds a {@link KafkaSource}. Defaults: capacity 256, poll timeout 100 ms, commit every 200 ms,
     * close timeout 10 s, {@code auto.offset.reset=earliest}; {@code enable.auto.commit} is always false.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> {
        private final String bootstrapServers;
        private final String groupId;
        private final Deserializer<K> keys;
        private final Deserializer<V> values;
        private final Map<String, Object> properties = new HashMap<>();
        private List<String> topics = List.of();
        private int capacity = 256;
        private Duration pollTimeout = Duration.ofMillis(100);
        private Duration commitInterval = Duration.ofMillis(200);
        private Duration closeTimeout = Duration.ofSeconds(10);
        private Duration revokeGrace = Duration.ofSeconds(10);
        /** 0: off. Otherwise records polled and not yet done that the owned partitions share ({@link SourceLoop}). */
        private int fairShare;
        /** Null: the source commits offsets itself. Otherwise a pool's exactly-once mode commits them in its transactions. */
        private Transactions transactions;

        private Builder(String bootstrapServers, String groupId, Deserializer<K> keys, Deserializer<V> values) {
            this.bootstrapServers = notBlank(bootstrapServers, "bootstrapServers");
            this.groupId = notBlank(groupId, "groupId");
            this.keys = Objects.requireNonNull(keys, "key deserializer must not be null");
            this.values = Objects.requireNonNull(values, "value deserializer must not be null");
        }

        /**
         * The topics to subscribe to.
         *
         * @param topics at least one topic name
         * @return this builder
         */
        public Builder<K, V> topics(String... topics) {
            if (topics.length == 0) throw new IllegalArgumentException("at least one topic is needed");
            for (String t : topics) notBlank(t, "topic");
            this.topics = List.of(topics);
            return this;
        }

        /**
         * The capacity of the records channel: how many records may wait for a receiver before the
         * partitions are paused.
         *
         * @param capacity at least 1
         * @return this builder
         */
        public Builder<K, V> capacity(int capacity) {
            if (capacity < 1) throw new IllegalArgumentException("capacity must be at least 1: " + capacity);
            this.capacity = capacity;
            return this;
        }

        /**
         * How often acknowledged offsets are committed (asynchronously); revocation and close commit at once.
         *
         * @param interval positive
         * @return this builder
         */
        public Builder<K, V> commitInterval(Duration interval) {
            this.commitInterval = positive(interval, "commitInterval");
            return this;
        }

        /**
         * The longest single {@code poll} when records are wanted (also bounds how fast a stop is noticed).
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder<K, V> pollTimeout(Duration timeout) {
            this.pollTimeout = positive(timeout, "pollTimeout");
            return this;
        }

        /**
         * At a rebalance, how long the records of a revoked partition that a {@link KafkaWorkerPool} has
         * started may take to be acknowledged before the source commits and lets the partition go (what is
         * not done by then is processed again by the next owner). No record of the partition starts
         * meanwhile. Keep it well below {@code max.poll.interval.ms} (default 5 min): the whole group waits.
         *
         * @param grace positive (default 10 s)
         * @return this builder
         */
        public Builder<K, V> revokeGrace(Duration grace) {
            this.revokeGrace = positive(grace, "revokeGrace");
            return this;
        }

        /**
         * For a {@link KafkaWorkerPool}: a partition with at least {@code records / owned partitions} records
         * polled and not yet done is paused until it has fewer, so that the others get fetched too.
         */
        Builder<K, V> fairShare(int records) {
            this.fairShare = records;
            return this;
        }

        /** For a {@link KafkaWorkerPool} in exactly-once mode: offsets are committed in its transactions, not by the source. */
        Builder<K, V> transactions(Transactions transactions) {
            this.transactions = transactions;
            return this;
        }

        /**
         * How long {@link #close()} waits for acknowledgements, and for the final commit and consumer close.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder<K, V> closeTimeout(Duration timeout) {
            this.closeTimeout = positive(timeout, "closeTimeout");
            return this;
        }

        /**
         * Any {@code KafkaConsumer} property (e.g. {@code session.timeout.ms}, {@code max.poll.records},
         * {@code auto.offset.reset}). Bootstrap servers, group id, deserializers and auto-commit are set
         * by the source and cannot be overridden.
         *
         * @param name  the property name
         * @param value its value
         * @return this builder
         */
        public Builder<K, V> property(String name, Object value) {
            properties.put(notBlank(name, "property name"), Objects.requireNonNull(value, "value of " + name));
            return this;
        }

        /**
         * Creates the consumer, subscribes and starts the source's worker.
         *
         * @return the running source
         * @throws IllegalStateException if no topic was given
         * @throws org.apache.kafka.common.KafkaException if the consumer configuration is invalid
         */
        public KafkaSource<K, V> open() {
            if (topics.isEmpty()) throw new IllegalStateException("no topic given: call topics(...) before open()");
            return new KafkaSource<>(this);
        }
    }

    static String notBlank(String s, String what) {
        if (Objects.requireNonNull(s, what + " must not be null").isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return s;
    }

    static Duration positive(Duration d, String what) {
        if (Objects.requireNonNull(d, what + " must not be null").isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }
}
