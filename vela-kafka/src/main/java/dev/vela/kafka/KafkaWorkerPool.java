package dev.vela.kafka;

import dev.vela.channel.ChannelClosedException;
import dev.vela.worker.Retry;
import dev.vela.worker.RetryExhaustedException;
import dev.vela.worker.WorkerPool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
 * <p>Parallelism goes beyond the partition count: {@code parallelism} records are processed at once
 * within the {@link Ordering} chosen (default {@link Ordering#KEY}: one key at a time, in offset
 * order), at most {@code maxInFlight} records are taken from the topic and not yet done, and each
 * partition's committed offset never passes a record still in flight, whatever the mode. A failing
 * record is retried as the {@link Retry} policy says (default: not retried) before it goes to the
 * dead-letter topic, with the cause and the number of attempts in its headers.
 *
 * <h2>Implementation overview</h2>
 * A {@link KafkaSource} feeds a bounded channel; one dispatcher task takes records from it into
 * {@link Lanes}, which bounds the records in flight and keeps the ordering; {@code parallelism}
 * long-lived tasks on a {@link WorkerPool} take the records that may run, call the handler (through the
 * retry policy) and serialize its messages (a failure of either is the record's), send them through one
 * byte-array {@link KafkaSink} (outputs and dead letters) and {@linkplain KafkaRecord#ackWhen
 * acknowledge the input once every output is acknowledged by the broker}, so an input's offset is
 * committed only after its results are durable: at-least-once from input to output. In exactly-once
 * mode the sink is transactional and a record's outputs are instead held with it ({@link HeldOutputs}):
 * the source's worker sends them into the open transaction when the partition's commit point passes the
 * record, and commits the transaction with the offsets (ADR 0049). With {@link Builder#shareGroup} the
 * records come from share-group consumers ({@link ShareSource}) instead of a {@link KafkaSource}. The source commits
 * per partition the offset below which every record is acknowledged ({@link PartitionState}). A handler
 * exception that the policy does not retry, or the last one, (or an undeserializable record) sends the
 * record's raw bytes to the dead-letter topic ({@link DeadLetters}) and acknowledges it once that is
 * durable; without a dead-letter topic, it fails the pool (the record stays uncommitted, and so do all
 * after it in its partition). A failed sink fails the pool; after a failure the tasks skip the records
 * still in flight without acknowledging them. At a rebalance, the records of a revoked partition that
 * were started get {@code revokeGrace} to finish before the source commits and lets it go; those not
 * started are skipped, unacknowledged, for the new owner. Backpressure: slow processing keeps every place in flight
 * taken, the dispatcher waits, the records channel fills, the source pauses its partitions.
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

    private final PoolInput<K, V> source;
    /** Final. Outputs and dead letters, serialized by the workers; transactional in exactly-once mode. */
    private final KafkaSink<byte[], byte[]> sink;
    /** Final; null when no dead-letter topic was configured. */
    private final String deadLetterTopic;
    /** Final; null: every output message must name its topic. */
    private final String outputTopic;
    private final Serializer<KO> keySerializer;
    private final Serializer<VO> valueSerializer;
    /** Final; null unless exactly-once: then a record's outputs are held until the source releases them. */
    private final HeldOutputs held;
    private final Handler<K, V, KO, VO> handler;
    private final WorkerPool pool;
    private final Lanes<K, V> lanes;
    /** Null: one attempt per record. */
    private final Retry retry;
    private final Duration closeTimeout;
    private final LongAdder processed = new LongAdder();
    private final LongAdder deadLettered = new LongAdder();
    /** The first failure that stopped the pool; set once. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private KafkaWorkerPool(Builder<K, V, KO, VO> b, Handler<K, V, KO, VO> handler) {
        this.handler = handler;
        this.closeTimeout = b.closeTimeout;
        this.deadLetterTopic = b.deadLetterTopic;
        this.outputTopic = b.outputTopic;
        this.keySerializer = b.keySerializer;
        this.valueSerializer = b.valueSerializer;
        var sinkBuilder = KafkaSink.builder(b.bootstrapServers, new ByteArraySerializer(), new ByteArraySerializer())
                .closeTimeout(b.closeTimeout);
        b.producerProperties.forEach(sinkBuilder::property);
        if (b.exactlyOnce) {
            sinkBuilder.transactionalId(Objects.toString(b.producerProperties.get(ProducerConfig.TRANSACTIONAL_ID_CONFIG),
                    "vela-" + b.groupId + "-" + UUID.randomUUID()));
        }
        this.sink = sinkBuilder.open();
        this.held = b.exactlyOnce ? new HeldOutputs() : null;
        try {
            this.source = b.shareConsumers > 0
                    ? new ShareSource<>(b.bootstrapServers, b.groupId, b.inputTopic, b.keyDeserializer, b.valueDeserializer,
                            b.shareConsumers, b.capacity, b.closeTimeout, b.consumerProperties)
                    : openSource(b, held);
        } catch (RuntimeException e) {   // a refused property, an unreachable admin: the producer must not leak
            sink.close();
            throw e;
        }
        this.retry = b.retry;
        this.lanes = new Lanes<>(b.shareConsumers > 0 ? Ordering.UNORDERED : b.ordering, b.maxInFlight);
        this.pool = WorkerPool.create(b.parallelism + 1);
        pool.spawn("kafka-pool-" + b.groupId + "-dispatch", this::dispatch);
        for (int i = 0; i < b.parallelism; i++) pool.spawn("kafka-pool-" + b.groupId + "-" + i, this::work);
    }

    private static <K, V> KafkaSource<K, V> openSource(Builder<K, V, ?, ?> b, Transactions transactions) {
        var sourceBuilder = KafkaSource.builder(b.bootstrapServers, b.groupId, b.keyDeserializer, b.valueDeserializer)
                .topics(b.inputTopic).capacity(b.capacity).closeTimeout(b.closeTimeout).revokeGrace(b.revokeGrace)
                // PARTITION only: without it one partition's run takes every place in flight (the others wait, 1x the
                // plain loop with blocking work; with it 4x on 4 partitions); in the other orders it cost 30-45 % of
                // CPU-bound throughput in A/B runs and buys nothing with many keys (ADR 0048)
                .fairShare(b.ordering == Ordering.PARTITION ? b.maxInFlight + b.capacity : 0);
        if (transactions != null) {
            sourceBuilder.transactions(transactions).property(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
        b.consumerProperties.forEach(sourceBuilder::property);
        return sourceBuilder.open();
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

    /** The dispatcher task: the source's records into the lanes, until the source closes. */
    private Void dispatch() throws InterruptedException {
        try {
            lanes.dispatch(source.records());
        } catch (ChannelClosedException e) {
            if (e.getCause() != null) failWith(e.getCause());
        }
        return null;
    }

    /** A processing task: the records the lanes let run, until every taken record is done. */
    private Void work() throws InterruptedException {
        KafkaRecord<K, V> r;
        while ((r = lanes.next()) != null) {
            boolean handedOver = false;     // to an acknowledgement, now or when its outputs are durable
            try {
                if (failure.get() == null && r.start()) handedOver = handleOne(r);   // else: left uncommitted, read again
            } catch (ChannelClosedException e) {   // the output or dead-letter sink failed
                failWith(e.getCause() != null ? e.getCause() : e);
            } finally {
                if (!handedOver) r.abandon();      // no acknowledgement will come: it must not hold a revocation
                lanes.done(r, handedOver && held != null);   // exactly-once: the place stays with the held outputs
            }
        }
        return null;
    }

    /** Processes {@code r}; true if it was handed to an acknowledgement (its outputs' or its dead letter's). */
    private boolean handleOne(KafkaRecord<K, V> r) throws InterruptedException {
        AtomicInteger attempts = new AtomicInteger();
        List<KafkaMessage<byte[], byte[]>> outs;
        if (!r.isReadable()) {                    // no attempt can succeed: not retried
            try {
                r.value();
                r.key();
            } catch (RecordDeserializationFailure e) {
                return deadLetter(r, e, 1);
            }
        }
        try {
            outs = retry == null ? call(r, attempts) : retry.call(() -> call(r, attempts));
        } catch (InterruptedException e) {
            throw e;
        } catch (RetryExhaustedException e) {
            return deadLetter(r, e.getCause(), attempts.get());
        } catch (CompletionException e) {    // a checked exception the policy does not retry
            return deadLetter(r, e.getCause() != null ? e.getCause() : e, attempts.get());
        } catch (Exception | StackOverflowError e) {
            return deadLetter(r, e, attempts.get());
        }
        emit(r, outs);
        processed.increment();
        return true;
    }

    /** One attempt at {@code r}, counted: the handler, then its outputs serialized (a failure of either is the record's). */
    private List<KafkaMessage<byte[], byte[]>> call(KafkaRecord<K, V> r, AtomicInteger attempts) throws Exception {
        attempts.incrementAndGet();
        var outs = Objects.requireNonNull(handler.handle(r), "the handler returned null (return List.of() for no output)");
        List<KafkaMessage<byte[], byte[]>> serialized = new ArrayList<>(outs.size());
        for (KafkaMessage<KO, VO> m : outs) serialized.add(serialize(m));
        return serialized;
    }

    private KafkaMessage<byte[], byte[]> serialize(KafkaMessage<KO, VO> m) {
        String topic = m.topic() != null ? m.topic() : outputTopic;
        if (topic == null) throw new IllegalArgumentException(m + " names no topic and the pool has no output topic");
        var headers = new RecordHeaders(m.headers());   // serializers may add headers
        byte[] key = keySerializer.serialize(topic, headers, m.key());
        byte[] value = valueSerializer.serialize(topic, headers, m.value());
        return KafkaMessage.withHeaders(topic, key, value, List.of(headers.toArray()));
    }

    /**
     * {@code r} is processed into {@code outs}: at-least-once, they are sent now and {@code r} is
     * acknowledged once the broker has them all; exactly-once, they are held with {@code r}, which is
     * acknowledged now, and go into the open transaction when the commit point passes {@code r}.
     */
    private void emit(KafkaRecord<K, V> r, List<KafkaMessage<byte[], byte[]>> outs) throws InterruptedException {
        if (held == null) {
            for (KafkaMessage<byte[], byte[]> m : outs) sink.send(m);
            r.ackWhen(outs);
            return;
        }
        r.hold(outs);
        r.ack();
        if (r.owner().revoked) held.discard(r);   // revoked meanwhile: the source may have looked before the hold
    }

    private boolean deadLetter(KafkaRecord<K, V> r, Throwable cause, int attempts) throws InterruptedException {
        if (deadLetterTopic == null) {
            failWith(new KafkaSinkException("processing " + r + " failed after " + attempts
                    + " attempt(s) and no dead-letter topic is configured", cause));
            return false;
        }
        emit(r, List.of(DeadLetters.of(deadLetterTopic, r, cause, attempts)));
        deadLettered.increment();
        return true;
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

    /** @return records taken from the topic by this process and not yet done (approximate; at most {@code maxInFlight}) */
    public int inFlight() {
        return lanes.inFlight();
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
    }

    /**
     * Exactly-once: the source's worker releases a record's held outputs into the open transaction when
     * its commit point passes the record, and commits the transaction with the offsets (ADR 0049).
     * Whoever takes the outputs ({@link KafkaRecord#takeHeld}) frees the record's place in flight.
     */
    private final class HeldOutputs implements Transactions {
        @Override
        public void release(KafkaRecord<?, ?> record) {
            var outs = record.takeHeld();
            if (outs == null) return;
            try {
                for (KafkaMessage<byte[], byte[]> m : outs) sink.send(m);
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            } finally {
                lanes.freePlace();
            }
        }

        @Override
        public void discard(KafkaRecord<?, ?> record) {
            if (record.takeHeld() != null) lanes.freePlace();
        }

        @Override
        public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) {
            try {
                sink.commitTransaction(offsets, group).get(closeTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                throw new InterruptException(e);
            } catch (ExecutionException e) {
                throw new KafkaSinkException("the transaction commit failed", e.getCause());
            } catch (TimeoutException e) {
                throw new KafkaSinkException("the transaction commit took longer than " + closeTimeout, e);
            }
        }
    }

    /**
     * Builds a {@link KafkaWorkerPool}. Defaults: parallelism 4, ordering {@link Ordering#KEY}, at most
     * 1,024 records in flight, channel capacity 256, no retry, close timeout 10 s, no output topic
     * (messages must name theirs), no dead-letter topic (a poison record fails the pool).
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
        private Ordering ordering = Ordering.KEY;
        /** Whether {@link #ordering} was chosen (a share group refuses any but UNORDERED). */
        private boolean orderingChosen;
        private boolean exactlyOnce;
        /** 0: a consumer group; otherwise the number of share-group consumers. */
        private int shareConsumers;
        private int maxInFlight = 1024;
        private Retry retry;
        private Duration revokeGrace = Duration.ofSeconds(10);
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

        /**
         * Which records may be processed at the same time.
         *
         * @param ordering {@link Ordering#UNORDERED}, {@link Ordering#KEY} (the default) or {@link Ordering#PARTITION}
         * @return this builder
         */
        public Builder<K, V, KO, VO> ordering(Ordering ordering) {
            this.ordering = Objects.requireNonNull(ordering, "ordering must not be null");
            this.orderingChosen = true;
            return this;
        }

        /**
         * The most records this process has taken from the topic and not yet done: being processed,
         * retried, or waiting behind their key or partition. When they are all taken the source pauses
         * its partitions. Also the bound of what a crash of this process can make the group process twice
         * (with the records channel's capacity and what was done since the last commit).
         *
         * @param n at least 1 (default 1,024)
         * @return this builder
         */
        public Builder<K, V, KO, VO> maxInFlight(int n) {
            if (n < 1) throw new IllegalArgumentException("maxInFlight must be at least 1: " + n);
            this.maxInFlight = n;
            return this;
        }

        /**
         * Retries a record whose handler throws, before it goes to the dead-letter topic: attempts,
         * backoff (with jitter) and which exceptions are retried are the policy's
         * ({@code Retry.withBackoff(Backoff.exponential(...)).maxAttempts(5).retryOn(IOException.class)}).
         * A record being retried keeps its place in flight and, in {@link Ordering#KEY} and
         * {@link Ordering#PARTITION}, holds its key's or partition's later records. The dead letter's
         * headers say the last failure and the number of attempts ({@link DeadLetters#ATTEMPTS}).
         *
         * @param policy the retry policy (default: none, one attempt)
         * @return this builder
         */
        public Builder<K, V, KO, VO> retry(Retry policy) {
            this.retry = Objects.requireNonNull(policy, "retry policy must not be null");
            return this;
        }

        /**
         * At a rebalance, how long the records this process has started from a revoked partition may
         * take to finish (outputs durable) before it commits and lets the partition go; the records of
         * that partition it has not started are left to the next owner. See
         * {@link KafkaSource.Builder#revokeGrace(Duration)}.
         *
         * @param grace positive (default 10 s)
         * @return this builder
         */
        public Builder<K, V, KO, VO> revokeGrace(Duration grace) {
            this.revokeGrace = KafkaSource.positive(grace, "revokeGrace");
            return this;
        }

        /**
         * Reads the input through a <b>share group</b> (Kafka queues, KIP-932, Kafka 4.2 and later) instead of
         * a consumer group: the broker hands each record to one of the group's consumers, however many
         * there are per partition, and takes back the records a consumer does not acknowledge in time (its
         * lock expires) or releases (it closed), delivering them again. No order at all, so the pool runs in
         * {@link Ordering#UNORDERED}; {@link #ordering} with another order is refused. A new share group
         * starts at the earliest offset, as a consumer group does here (the group's
         * {@code share.auto.offset.reset} is set to {@code earliest} when it is still the broker default).
         *
         * @param consumers how many share consumers this process runs, at least 1: each polls a batch,
         *                  which the pool processes in parallel, and acknowledges it before its next poll
         * @return this builder
         */
        public Builder<K, V, KO, VO> shareGroup(int consumers) {
            if (consumers < 1) throw new IllegalArgumentException("share consumers must be at least 1: " + consumers);
            this.shareConsumers = consumers;
            return this;
        }

        /**
         * Exactly-once consume-transform-produce through Kafka transactions: each record's outputs (and
         * dead letters) are committed in the same transaction as the input offsets that pass it, so after
         * a crash, a rebalance or a retry, a consumer reading the output topics with
         * {@code isolation.level=read_committed} sees each record's outputs exactly once. The input is read
         * with {@code read_committed} too. Costs: a record's outputs wait until every earlier record of its
         * partition is done (they are held with its place in flight, so a slow record holds back at most
         * {@code maxInFlight} others), and a transaction commits every commit interval (200 ms). The
         * producer's {@code transactional.id} is {@code vela-<group>-<random>} unless given as a producer
         * property. A partition lost (not revoked: this member was out of the group too long) while its
         * outputs are in the open transaction fails the pool: restart it. Not with {@link #shareGroup}. Off by default.
         *
         * @return this builder
         */
        public Builder<K, V, KO, VO> exactlyOnce() {
            this.exactlyOnce = true;
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

        /**
         * Any consumer property. For a {@link #shareGroup share group}, group-membership settings that
         * share consumers reject ({@code session.timeout.ms}, {@code heartbeat.interval.ms}, …) are dropped,
         * {@code auto.offset.reset} and {@code isolation.level} become the group's {@code share.*} configs,
         * and {@code share.acquire.mode} defaults to {@code record_limit} (see {@link ShareSource}).
         *
         * @param name a consumer property
         * @param value its value
         * @return this builder
         */
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
         * @throws IllegalStateException if the options contradict each other (a share group with an order other
         *                               than UNORDERED or with exactly-once; a transactional id without exactly-once)
         */
        public KafkaWorkerPool<K, V, KO, VO> start(Handler<K, V, KO, VO> handler) {
            if (shareConsumers > 0 && orderingChosen && ordering != Ordering.UNORDERED) {
                throw new IllegalStateException("a share group delivers records in no order: ordering " + ordering
                        + " cannot be kept (use Ordering.UNORDERED or a consumer group)");
            }
            if (shareConsumers > 0 && exactlyOnce) {
                throw new IllegalStateException("exactly-once needs a consumer group: a share group cannot commit offsets in a transaction");
            }
            if (!exactlyOnce && producerProperties.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG)) {
                throw new IllegalStateException("a transactional.id is only used in exactly-once mode: call exactlyOnce()");
            }
            return new KafkaWorkerPool<>(this, Objects.requireNonNull(handler, "handler must not be null"));
        }
    }
}
