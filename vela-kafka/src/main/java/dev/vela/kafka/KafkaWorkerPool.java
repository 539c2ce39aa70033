package dev.vela.kafka;

import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Receiver;
import dev.vela.worker.WorkerPool;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A distributed worker pool: every process that starts one with the same group id shares the input
 * topic's partitions (Kafka's consumer group), and each runs the handler on its own Vela
 * {@link WorkerPool}; the handler's results go to an output topic, records whose handler throws go to a
 * dead-letter topic with the cause.
 *
 * <pre>{@code
 * try (var pool = KafkaWorkerPool.builder(bootstrap, "word-count", "lines",
 *             new StringDeserializer(), new StringDeserializer(), new StringSerializer(), new LongSerializer())
 *         .outputTopic("counts").deadLetterTopic("lines.dlt").parallelism(4)
 *         .start(rec -> words(rec.value()).map(w -> KafkaMessage.of(w, 1L)).toList())) {
 *     ... // runs until closed; start the same program on another machine to share the work
 * }
 * }</pre>
 *
 * <h2>Implementation overview</h2>
 * A {@link KafkaSource} feeds a bounded channel; {@code parallelism} long-lived tasks on a
 * {@link WorkerPool} receive from it, call the handler, send its messages through a {@link KafkaSink}
 * and {@linkplain KafkaRecord#ackWhen acknowledge the input once every output is acknowledged by the
 * broker}, so an input's offset is committed only after its results are durable: at-least-once from
 * input to output. A handler exception (or an undeserializable record) sends the record's raw bytes to
 * the dead-letter topic ({@link DeadLetters}) and acknowledges it once that is durable; without a
 * dead-letter topic, it fails the pool (the record stays uncommitted). A failed sink fails the pool.
 * Backpressure: a slow output blocks the tasks, the records channel fills, the source pauses its partitions.
 *
 * @param <K>  input key type
 * @param <V>  input value type
 * @param <KO> output key type
 * @param <VO> output value type
 */
public final class KafkaWorkerPool<K, V, KO, VO> implements AutoCloseable {
    /**
     * Processes one input record into zero or more output messages (for the output topic unless they
     * name another). Called on a pool worker; may block. Must tolerate being called again for the same
     * record (at-least-once). An exception marks the record as poison.
     *
     * @param <K>  input key type
     * @param <V>  input value type
     * @param <KO> output key type
     * @param <VO> output value type
     */
    @FunctionalInterface
    public interface Handler<K, V, KO, VO> {
        /**
         * @param record the input record (do not acknowledge it: the pool does)
         * @return the messages to send, possibly empty, not null
         * @throws Exception if the record cannot be processed: it goes to the dead-letter topic
         */
        List<KafkaMessage<KO, VO>> handle(KafkaRecord<K, V> record) throws Exception;
    }

    private final KafkaSource<K, V> source;
    private final KafkaSink<KO, VO> sink;
    /** Null when no dead-letter topic was configured. */
    private final KafkaSink<byte[], byte[]> deadLetters;
    private final String deadLetterTopic;
    private final Handler<K, V, KO, VO> handler;
    private final WorkerPool pool;
    private final Duration closeTimeout;
    private final LongAdder processed = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    /** The first failure that stopped the pool; set once. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private KafkaWorkerPool(Builder<K, V, KO, VO> b, Handler<K, V, KO, VO> handler) {
        this.handler = handler;
        this.closeTimeout = b.closeTimeout;
        this.deadLetterTopic = b.deadLetterTopic;
        var sinkBuilder = KafkaSink.builder(b.bootstrapServers, b.keySerializer, b.valueSerializer).closeTimeout(b.closeTimeout);
        if (b.outputTopic != null) sinkBuilder.topic(b.outputTopic);
        b.producerProperties.forEach(sinkBuilder::property);
        this.sink = sinkBuilder.open();
        if (deadLetterTopic != null) {
            var dl = KafkaSink.builder(b.bootstrapServers, new ByteArraySerializer(), new ByteArraySerializer())
                    .topic(deadLetterTopic).closeTimeout(b.closeTimeout);
            b.producerProperties.forEach(dl::property);
            this.deadLetters = dl.open();
        } else {
            this.deadLetters = null;
        }
        var sourceBuilder = KafkaSource.builder(b.bootstrapServers, b.groupId, b.keyDeserializer, b.valueDeserializer)
                .topics(b.inputTopic).capacity(b.capacity).closeTimeout(b.closeTimeout);
        b.consumerProperties.forEach(sourceBuilder::property);
        this.source = sourceBuilder.open();
        this.pool = WorkerPool.create(b.parallelism);
        for (int i = 0; i < b.parallelism; i++) pool.spawn("kafka-pool-" + b.groupId + "-" + i, this::work);
    }

    /**
     * Starts building a distributed worker pool.
     *
     * @param bootstrapServers  the brokers
     * @param groupId           the consumer group shared by every process of this pool
     * @param inputTopic        the topic to process
     * @param keyDeserializer   input keys
     * @param valueDeserializer input values
     * @param keySerializer     output keys
     * @param valueSerializer   output values
     * @param <K>               input key type
     * @param <V>               input value type
     * @param <KO>              output key type
     * @param <VO>              output value type
     * @return a builder
     */
    public static <K, V, KO, VO> Builder<K, V, KO, VO> builder(String bootstrapServers, String groupId, String inputTopic,
            Deserializer<K> keyDeserializer, Deserializer<V> valueDeserializer,
            Serializer<KO> keySerializer, Serializer<VO> valueSerializer) {
        return new Builder<>(bootstrapServers, groupId, inputTopic, keyDeserializer, valueDeserializer, keySerializer, valueSerializer);
    }

    private Void work() throws InterruptedException {
        Receiver<KafkaRecord<K, V>> in = source.records();
        while (true) {
            KafkaRecord<K, V> r;
            try {
                r = in.receive();
            } catch (ChannelClosedException e) {
                if (e.getCause() != null) failWith(e.getCause());
                return null;
            }
            try {
                handleOne(r);
            } catch (ChannelClosedException e) {   // the output or dead-letter sink failed
                failWith(e.getCause() != null ? e.getCause() : e);
                return null;
            }
        }
    }

    private void handleOne(KafkaRecord<K, V> r) throws InterruptedException {
        List<KafkaMessage<KO, VO>> outs;
        try {
            outs = Objects.requireNonNull(handler.handle(r), "the handler returned null (return List.of() for no output)");
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception | StackOverflowError e) {
            deadLetter(r, e);
            return;
        }
        for (KafkaMessage<KO, VO> m : outs) sink.send(m);
        r.ackWhen(outs);
        processed.increment();
    }

    private void deadLetter(KafkaRecord<K, V> r, Throwable cause) throws InterruptedException {
        if (deadLetters == null) {
            failWith(new KafkaSinkException("processing " + r + " failed and no dead-letter topic is configured", cause));
            return;
        }
        KafkaMessage<byte[], byte[]> m = DeadLetters.of(deadLetterTopic, r, cause);
        deadLetters.send(m);
        r.ackWhen(List.of(m));
        deadLettered.increment();
    }

    private void failWith(Throwable cause) {
        if (failure.compareAndSet(null, cause)) source.records().close();   // the source stops; the tasks drain and end
    }

    /** @return how many records the handler completed (outputs handed to the sink), counted in this process */
    public long processed() {
        return processed.sum();
    }

    /** @return how many records went to the dead-letter topic from this process */
    public long deadLettered() {
        return deadLettered.sum();
    }

    /** @return the failure that stopped this pool, or null */
    public Throwable failure() {
        Throwable f = failure.get();
        return f != null ? f : sink.failure();
    }

    /** @return the input partitions this process owns now */
    public Set<TopicPartition> assignment() {
        return source.assignment();
    }

    /**
     * Waits for this process's first partition assignment.
     *
     * <p><b>Interruption and timeout.</b> As {@link KafkaSource#awaitAssignment(Duration)}.
     *
     * @param timeout how long to wait at most
     * @return the assignment
     * @throws TimeoutException     if none came in time
     * @throws InterruptedException if interrupted
     */
    public Set<TopicPartition> awaitAssignment(Duration timeout) throws InterruptedException, TimeoutException {
        return source.awaitAssignment(timeout);
    }

    /**
     * Stops taking records, lets the tasks finish what the channel holds, waits for their outputs to be
     * acknowledged, commits, and closes the consumer and producers. Does not throw: see {@link #failure()}.
     *
     * <p><b>Interruption and timeout.</b> Bounded by a few times the close timeout (builder, default
     * 10 s); if interrupted it stops waiting and keeps the interrupt status set.
     */
    @Override
    public void close() {
        source.close();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(closeTimeout)) pool.shutdownNow();
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
        sink.close();
        if (deadLetters != null) deadLetters.close();
    }

    /**
     * Builds a {@link KafkaWorkerPool}. Defaults: parallelism 4, channel capacity 256, close timeout 10 s,
     * no output topic (messages must name theirs), no dead-letter topic (a poison record fails the pool).
     *
     * @param <K>  input key type
     * @param <V>  input value type
     * @param <KO> output key type
     * @param <VO> output value type
     */
    public static final class Builder<K, V, KO, VO> {
        private final String bootstrapServers;
        private final String groupId;
        private final String inputTopic;
        private final Deserializer<K> keyDeserializer;
        private final Deserializer<V> valueDeserializer;
        private final Serializer<KO> keySerializer;
        private final Serializer<VO> valueSerializer;
        private final Map<String, Object> consumerProperties = new HashMap<>();
        private final Map<String, Object> producerProperties = new HashMap<>();
        private String outputTopic;
        private String deadLetterTopic;
        private int parallelism = 4;
        private int capacity = 256;
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder(String bootstrapServers, String groupId, String inputTopic, Deserializer<K> kd, Deserializer<V> vd,
                        Serializer<KO> ks, Serializer<VO> vs) {
            this.bootstrapServers = KafkaSource.notBlank(bootstrapServers, "bootstrapServers");
            this.groupId = KafkaSource.notBlank(groupId, "groupId");
            this.inputTopic = KafkaSource.notBlank(inputTopic, "inputTopic");
            this.keyDeserializer = Objects.requireNonNull(kd, "key deserializer must not be null");
            this.valueDeserializer = Objects.requireNonNull(vd, "value deserializer must not be null");
            this.keySerializer = Objects.requireNonNull(ks, "key serializer must not be null");
            this.valueSerializer = Objects.requireNonNull(vs, "value serializer must not be null");
        }

        /** @param topic where results go unless a message names another topic @return this builder */
        public Builder<K, V, KO, VO> outputTopic(String topic) {
            this.outputTopic = KafkaSource.notBlank(topic, "outputTopic");
            return this;
        }

        /** @param topic where poison records go, with the cause in {@code vela.dlt.*} headers @return this builder */
        public Builder<K, V, KO, VO> deadLetterTopic(String topic) {
            this.deadLetterTopic = KafkaSource.notBlank(topic, "deadLetterTopic");
            return this;
        }

        /** @param n how many records this process handles at once, at least 1 @return this builder */
        public Builder<K, V, KO, VO> parallelism(int n) {
            if (n < 1) throw new IllegalArgumentException("parallelism must be at least 1: " + n);
            this.parallelism = n;
            return this;
        }

        /** @param n capacity of the records channel, at least 1 @return this builder */
        public Builder<K, V, KO, VO> capacity(int n) {
            if (n < 1) throw new IllegalArgumentException("capacity must be at least 1: " + n);
            this.capacity = n;
            return this;
        }

        /** @param timeout bound for each close step, positive @return this builder */
        public Builder<K, V, KO, VO> closeTimeout(Duration timeout) {
            this.closeTimeout = KafkaSource.positive(timeout, "closeTimeout");
            return this;
        }

        /** @param name a KafkaConsumer property @param value its value @return this builder */
        public Builder<K, V, KO, VO> consumerProperty(String name, Object value) {
            consumerProperties.put(KafkaSource.notBlank(name, "property name"), Objects.requireNonNull(value, name));
            return this;
        }

        /** @param name a KafkaProducer property @param value its value @return this builder */
        public Builder<K, V, KO, VO> producerProperty(String name, Object value) {
            producerProperties.put(KafkaSource.notBlank(name, "property name"), Objects.requireNonNull(value, name));
            return this;
        }

        /**
         * Opens the producers and the consumer and starts the pool's tasks.
         *
         * @param handler what to do with each record
         * @return the running pool
         */
        public KafkaWorkerPool<K, V, KO, VO> start(Handler<K, V, KO, VO> handler) {
            return new KafkaWorkerPool<>(this, Objects.requireNonNull(handler, "handler must not be null"));
        }
    }
}
