package dev.vela.kafka;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A Kafka producer behind a bounded Vela channel: a topic as a {@link Sender}.
 *
 * <pre>{@code
 * try (var sink = KafkaSink.builder("127.0.0.1:9092", new StringSerializer(), new StringSerializer())
 *         .topic("words").open()) {
 *     Sender<KafkaMessage<String, String>> tx = sink.sender();
 *     tx.send(KafkaMessage.of("k", "v"));          // blocks while the channel is full
 *     sink.flush(Duration.ofSeconds(10));          // every message so far acknowledged by the broker
 * }
 * }</pre>
 *
 * <h2>Implementation overview</h2>
 * One worker receives from the channel and calls {@code producer.send} with a callback: the producer
 * batches records per partition ({@code linger.ms}, {@code batch.size}) while the worker keeps taking
 * the next ones, so sends are pipelined, not one round trip each. The callback completes the message's
 * {@link KafkaMessage#acknowledged()} future. The first failure (a send the producer gave up on, a
 * serializer error, a message without a topic) <b>fails the channel</b> with that cause: later sends
 * throw {@link ChannelClosedException} whose cause is the failure, messages still buffered are completed
 * exceptionally without being sent (sending them could reorder a partition), and {@link #flush} and
 * {@link #close()} report it. {@link #flush} sends a marker through the channel; when the worker reaches
 * it, every earlier message has been handed to the producer, and {@code producer.flush()} waits for their
 * acknowledgements. Broker outages shorter than the producer's {@code delivery.timeout.ms} (default 2
 * minutes) are retried by the producer and are not failures. A sink opened for a pool in exactly-once
 * mode is transactional: a transaction is open at all times, and a commit request travels through the
 * channel like a flush, so that it covers exactly the messages sent before it
 * ({@link #commitTransaction}).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class KafkaSink<K, V> implements AutoCloseable {
    private final Producer<K, V> producer;
    /** Final; may be null: every message must then name its topic. */
    private final String defaultTopic;
    /** The original handle: kept open for the sink's life so only {@link #close()} ends the channel; used to fail it. */
    private final Sender<KafkaMessage<K, V>> tx;
    private final Receiver<KafkaMessage<K, V>> rx;
    /** The first failure; set once. */
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Duration closeTimeout;
    private final Worker<Void> worker;
    /** Final. Opened with a transactional id: every message goes into the open transaction ({@link #commitTransaction}). */
    private final boolean transactional;

    private KafkaSink(Builder<K, V> b) {
        Map<String, Object> config = new HashMap<>(b.properties);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, b.bootstrapServers);
        config.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        config.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
        this.transactional = b.transactionalId != null;
        if (transactional) config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, b.transactionalId);
        this.producer = new KafkaProducer<>(config, b.keys, b.values);
        if (transactional) {
            try {
                producer.initTransactions();   // fences an older producer with this id and aborts what it left open
                producer.beginTransaction();
            } catch (RuntimeException e) {
                producer.close(Duration.ZERO);
                throw e;
            }
        }
        this.defaultTopic = b.topic;
        this.closeTimeout = b.closeTimeout;
        Channel<KafkaMessage<K, V>> channel = Channel.bounded(b.capacity);
        this.tx = channel.sender();
        this.rx = channel.receiver();
        this.worker = Worker.spawn("kafka-sink" + (defaultTopic == null ? "" : "-" + defaultTopic), () -> {
            drainLoop();
            return null;
        });
    }

    /**
     * Starts building a sink.
     *
     * @param bootstrapServers the brokers, {@code host:port[,host:port...]}
     * @param keys             serializes keys
     * @param values           serializes values
     * @param <K>              the key type
     * @param <V>              the value type
     * @return a builder
     */
    public static <K, V> Builder<K, V> builder(String bootstrapServers, Serializer<K> keys, Serializer<V> values) {
        return new Builder<>(bootstrapServers, keys, values);
    }

    private void drainLoop() {
        try {
            while (true) {
                KafkaMessage<K, V> m;
                try {
                    m = rx.receive();
                } catch (ChannelClosedException e) {
                    if (e.getCause() != null) failWith(e.getCause());   // a sender failed the channel
                    return;
                }
                Throwable failed = failure.get();
                if (failed != null) {
                    m.ackFuture().completeExceptionally(new KafkaSinkException("not sent: the sink failed earlier", failed));
                } else if (m.marker == KafkaMessage.FLUSH) {
                    producer.flush();
                    Throwable f = failure.get();
                    if (f == null) m.ackFuture().complete(null);
                    else m.ackFuture().completeExceptionally(f);
                } else if (m.marker instanceof TransactionCommit c) {
                    commitTransaction(c, m);
                } else {
                    produce(m);
                }
            }
        } catch (InterruptedException e) {
            failWith(new KafkaSinkException("the sink's worker was interrupted", e));
        } finally {
            try {
                producer.close(closeTimeout);
            } catch (RuntimeException e) {
                failWith(e);
            }
            rx.close();
            try {
                for (KafkaMessage<K, V> m; (m = rx.tryReceive()) != null; ) {
                    m.ackFuture().completeExceptionally(new KafkaSinkException("not sent: the sink is closed", failure.get()));
                }
            } catch (ChannelClosedException drained) {
                // nothing left
            }
        }
    }

    private void produce(KafkaMessage<K, V> m) {
        String topic = m.topic() != null ? m.topic() : defaultTopic;
        if (topic == null) {
            var e = new IllegalArgumentException(m + " names no topic and the sink has no default topic");
            m.ackFuture().completeExceptionally(e);
            failWith(e);
            return;
        }
        try {
            producer.send(new ProducerRecord<>(topic, null, m.key(), m.value(), m.headers()), (meta, error) -> {
                if (error == null) {
                    m.ackFuture().complete(meta);
                } else {
                    m.ackFuture().completeExceptionally(error);
                    failWith(error);
                }
            });
        } catch (RuntimeException e) {
            m.ackFuture().completeExceptionally(e);
            failWith(e);
        }
    }

    /**
     * The sink's worker, at a {@link TransactionCommit} marker: every message before it is in the open
     * transaction; the offsets join it, it commits, and the next one begins. Any failure (fenced by a
     * newer member, the group moved on, the transaction timed out) fails the sink: the transaction is
     * aborted when the producer closes, so none of its messages or offsets count.
     */
    private void commitTransaction(TransactionCommit c, KafkaMessage<K, V> marker) {
        try {
            producer.sendOffsetsToTransaction(c.offsets(), c.group());
            producer.commitTransaction();
            producer.beginTransaction();
            marker.ackFuture().complete(null);
        } catch (RuntimeException e) {
            marker.ackFuture().completeExceptionally(e);
            failWith(e);
        }
    }

    /**
     * Commits the open transaction, with {@code offsets} as the consumer group's committed offsets, once
     * every message sent before this call is in it (the request travels through the channel); the next
     * transaction begins at once. Only for a sink opened with a transactional id.
     *
     * @return completes when committed, or exceptionally with the failure (which also fails the sink)
     * @throws ChannelClosedException if the sink is closed or failed
     * @throws InterruptedException   if interrupted while waiting for room in the channel
     */
    CompletableFuture<RecordMetadata> commitTransaction(Map<TopicPartition, OffsetAndMetadata> offsets,
                                                       ConsumerGroupMetadata group) throws InterruptedException {
        if (!transactional) throw new IllegalStateException("this sink has no transactional id");
        KafkaMessage<K, V> marker = KafkaMessage.marker(new TransactionCommit(Map.copyOf(offsets), group));
        tx.send(marker);
        return marker.ackFuture();
    }

    /** A transaction commit request for the sink's worker: the consumer group's offsets to commit with it. */
    record TransactionCommit(Map<TopicPartition, OffsetAndMetadata> offsets, ConsumerGroupMetadata group) { }

    private void failWith(Throwable cause) {
        if (failure.compareAndSet(null, cause)) tx.fail(cause);
    }

    /**
     * A new sender handle on the sink's channel. Closing it releases only that handle; the channel stays
     * open until {@link #close()}. Failing it ({@link Sender#fail}) fails the whole sink, as a
     * {@code pipeline.to(sink.sender())} does when the pipeline fails.
     *
     * @return a sender of messages; a full channel blocks senders (backpressure)
     * @throws IllegalStateException if the sink is closed
     */
    public Sender<KafkaMessage<K, V>> sender() {
        return tx.clone();
    }

    /**
     * Sends {@code message}, blocking while the channel is full.
     *
     * <p><b>Interruption and timeout.</b> As {@link Sender#send(Object)}: if interrupted while waiting
     * for room, the message was not sent. No timeout: wait on {@link KafkaMessage#acknowledged()} with one.
     *
     * @param message the message
     * @return the message's acknowledgement
     * @throws ChannelClosedException if the sink is closed or failed (the cause then is the failure)
     * @throws InterruptedException   if interrupted while waiting for room
     */
    public CompletableFuture<RecordMetadata> send(KafkaMessage<K, V> message) throws InterruptedException {
        tx.send(Objects.requireNonNull(message, "message must not be null"));
        return message.acknowledged();
    }

    /**
     * Waits until every message sent before this call is acknowledged by the broker.
     *
     * <p><b>Interruption and timeout.</b> {@link TimeoutException} if that takes longer than
     * {@code timeout}; {@link InterruptedException} if interrupted. In both cases the messages are still
     * being sent.
     *
     * @param timeout how long to wait at most
     * @throws KafkaSinkException   if the sink has failed (cause: the first failure)
     * @throws TimeoutException     if not all acknowledged in time
     * @throws InterruptedException if interrupted while waiting
     */
    public void flush(Duration timeout) throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        KafkaMessage<K, V> marker = KafkaMessage.marker(KafkaMessage.FLUSH);
        try {
            if (!tx.send(marker, timeout)) throw new TimeoutException("the sink's channel stayed full for " + timeout);
            marker.ackFuture().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ChannelClosedException e) {
            throw new KafkaSinkException("the sink is " + (failure.get() != null ? "failed" : "closed"),
                    failure.get() != null ? failure.get() : e);
        } catch (ExecutionException e) {
            throw new KafkaSinkException("a send failed", e.getCause());
        }
    }

    /** @return the first failure, or null */
    public Throwable failure() {
        return failure.get();
    }

    /**
     * Stops accepting messages, sends what the channel holds, waits for the acknowledgements and closes
     * the producer. Idempotent. Does not throw: check {@link #failure()}.
     *
     * <p><b>Interruption and timeout.</b> Returns after at most about the close timeout (builder,
     * default 10 s) plus one second; if interrupted it stops waiting and keeps the interrupt status set.
     */
    @Override
    public void close() {
        rx.close();
        try {
            worker.join(closeTimeout.plusSeconds(1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            worker.cancel();
        } catch (Exception e) {
            failWith(e);
        }
    }

    /**
     * Builds a {@link KafkaSink}. Defaults: capacity 1024, close timeout 10 s, {@code acks=all},
     * {@code linger.ms=5}.
     *
     * @param <K> the key type
     * @param <V> the value type
     */
    public static final class Builder<K, V> {
        private final String bootstrapServers;
        private final Serializer<K> keys;
        private final Serializer<V> values;
        private final Map<String, Object> properties = new HashMap<>();
        private String topic;
        private int capacity = 1024;
        private Duration closeTimeout = Duration.ofSeconds(10);
        /** Null: not transactional. */
        private String transactionalId;

        private Builder(String bootstrapServers, Serializer<K> keys, Serializer<V> values) {
            this.bootstrapServers = KafkaSource.notBlank(bootstrapServers, "bootstrapServers");
            this.keys = Objects.requireNonNull(keys, "key serializer must not be null");
            this.values = Objects.requireNonNull(values, "value serializer must not be null");
        }

        /**
         * The topic of messages that name none ({@link KafkaMessage#of}).
         *
         * @param topic the default topic
         * @return this builder
         */
        public Builder<K, V> topic(String topic) {
            this.topic = KafkaSource.notBlank(topic, "topic");
            return this;
        }

        /**
         * How many messages may wait in the channel before senders block.
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
         * How long {@link #close()} waits for the last acknowledgements.
         *
         * @param timeout positive
         * @return this builder
         */
        public Builder<K, V> closeTimeout(Duration timeout) {
            this.closeTimeout = KafkaSource.positive(timeout, "closeTimeout");
            return this;
        }

        /**
         * Any {@code KafkaProducer} property (e.g. {@code acks}, {@code linger.ms}, {@code batch.size},
         * {@code delivery.timeout.ms}). Bootstrap servers and serializers are set by the sink.
         *
         * @param name  the property name
         * @param value its value
         * @return this builder
         */
        public Builder<K, V> property(String name, Object value) {
            properties.put(KafkaSource.notBlank(name, "property name"), Objects.requireNonNull(value, "value of " + name));
            return this;
        }

        /**
         * For a {@link KafkaWorkerPool} in exactly-once mode: a transactional producer (the id must be
         * unique to this producer); the sink opens a transaction at once, and {@link #commitTransaction}
         * commits it with the consumer group's offsets.
         */
        Builder<K, V> transactionalId(String id) {
            this.transactionalId = KafkaSource.notBlank(id, "transactional id");
            return this;
        }

        /**
         * Creates the producer and starts the sink's worker.
         *
         * @return the running sink
         * @throws org.apache.kafka.common.KafkaException if the producer configuration is invalid
         */
        public KafkaSink<K, V> open() {
            return new KafkaSink<>(this);
        }
    }
}
