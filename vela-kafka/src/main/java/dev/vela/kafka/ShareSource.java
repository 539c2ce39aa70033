package dev.vela.kafka;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A topic read through a Kafka <b>share group</b> (KIP-932, "queues for Kafka") by {@code consumers}
 * share consumers, as one bounded channel of {@link KafkaRecord}s, with at-least-once delivery. Used by
 * {@link KafkaWorkerPool} when its builder's {@code shareGroup(n)} is called.
 *
 * <p><b>Delivery.</b> The broker hands each record to one consumer of the group at a time, however many
 * consumers there are per partition, and locks it for that consumer (the <em>acquisition lock</em>, group
 * config {@code share.record.lock.duration.ms}, default 30 s). A record {@linkplain KafkaRecord#ack()
 * acknowledged} while its lock is held is accepted: never delivered again. A record that is not, because
 * this source closed first or its batch outlived the lock, is released (or its lock expires) and the
 * broker delivers it again, to any consumer of the group: at-least-once, and a record whose processing
 * takes longer than the lock is processed twice. After {@code group.share.delivery.count.limit} deliveries
 * (broker config, default 5) the broker archives a record instead of delivering it again, so a record that
 * is never acknowledged in time is eventually dropped: keep the processing of one batch well inside the
 * lock (fewer records per poll with {@code max.poll.records}, or a longer lock). There is no order at all,
 * not even per partition.
 *
 * <p><b>Where a new group starts.</b> A share group starts at the <em>latest</em> offset by default. This
 * source starts a group at the <em>earliest</em> offset, like {@link KafkaSource}: when it opens, it sets
 * the group config {@code share.auto.offset.reset} to {@code earliest} (or to the consumer property
 * {@code auto.offset.reset} if one is given) if and only if the group's current value is the broker
 * default; a value set explicitly on the group (with {@code kafka-configs.sh --entity-type groups} or
 * the {@code Admin} API) is kept. The consumer property {@code isolation.level} is applied to the group
 * config {@code share.isolation.level} under the same rule. This needs the {@code DescribeConfigs}
 * permission on the group (and {@code AlterConfigs} when a value is set).
 *
 * <p><b>Consumer properties.</b> Passed to every share consumer, except: {@code bootstrap.servers},
 * {@code group.id}, the deserializers and {@code share.acknowledgement.mode} (always {@code explicit}),
 * which this source sets; {@code session.timeout.ms}, {@code heartbeat.interval.ms},
 * {@code group.protocol}, {@code group.remote.assignor}, {@code partition.assignment.strategy},
 * {@code group.instance.id} and {@code enable.auto.commit}, which a share consumer refuses and which only
 * tune a consumer group's membership (a share group's are broker-side group configs such as
 * {@code share.session.timeout.ms}): they are dropped, so a pool's consumer-group tuning does not stop it
 * from switching to a share group; {@code auto.offset.reset} and {@code isolation.level}, which become
 * group configs as said above. {@code interceptor.classes} is refused ({@link IllegalArgumentException}):
 * consumer interceptors see offsets committed, which a share group does not have. With several consumers
 * a {@code client.id} gets the suffix {@code -<i>}. {@code share.acquire.mode} defaults to
 * {@code record_limit}: a consumer acquires at most {@code max.poll.records} records per poll, so the work
 * spreads over the group's consumers and a batch stays short for the lock (with Kafka's default,
 * {@code batch_optimized}, one consumer acquires whole producer batches: in a test, all 400 records of a
 * one-partition topic went to one of four consumers). With a slow handler, lower {@code max.poll.records}
 * (default 500) so that a batch is done well within the lock.
 *
 * <p><b>Threads.</b> Each {@link KafkaShareConsumer} (not thread-safe) lives on its own worker and is
 * never exposed. {@link #records()} may be read by many threads at once.
 *
 * <h2>Implementation overview</h2>
 * {@code consumers} loops ({@link Loop}), one per share consumer and worker, all sending into one bounded
 * channel, each through its own counted {@link Sender} handle, so the channel closes by itself when the
 * last loop ends. A share consumer cannot pause partitions, and in explicit acknowledgement mode its
 * {@code poll} refuses to run until every record of the previous poll is acknowledged; so each loop takes
 * one batch at a time:
 * <ol>
 *   <li><b>poll</b> a batch (at most {@code max.poll.records}, default 500), wrap each record into a
 *       {@link KafkaRecord} (deserialized; a failure is kept in the record, as {@link SourceLoop} does);</li>
 *   <li><b>hand over and settle</b>, in one loop: send the batch into the channel as room comes (each
 *       send waits a few milliseconds at most), and between sends {@code acknowledge(ACCEPT)} every
 *       record whose {@link KafkaRecord#isAcked()} became true; while nothing moves, the loop sleeps 1 ms,
 *       doubling up to 8 ms. Acknowledgements reach the broker with a {@code commitAsync} every 200 ms,
 *       so a long batch does not hold them until its end. The batch ends when every record is accepted,
 *       or at its <b>deadline</b>, the acquisition lock's end counted from the poll
 *       ({@link KafkaShareConsumer#acquisitionLockTimeoutMs()}): the broker has taken the records back by
 *       then, so the ones not accepted are released (a no-op for those the broker already took back) and
 *       any later {@code ack()} of them is ignored;</li>
 *   <li>poll again: the poll carries the batch's acknowledgements to the broker.</li>
 * </ol>
 * Backpressure is the channel's: a full channel holds the batch's sends, so the loop does not poll again.
 * Throughput per consumer is one batch per its slowest record; {@code consumers} loops overlap batches.
 *
 * <p>Stop: {@link #close()}, or the receiving side closing the channel (a {@link KafkaWorkerPool} that
 * failed does that), or another loop failing the channel. No more polls; the current batch's records not
 * yet in the channel are released at once; those handed out get until the stop deadline (the close timeout
 * from the stop request, and never past the batch's own deadline) to be acknowledged, then the rest are
 * released; {@code commitSync}, close the consumer. {@link #close()} closes the channel at once, so
 * receivers end after what is buffered. A fatal consumer error fails the channel with that cause (the
 * consumer's close then lets the broker release what it held).
 *
 * <p>Not done (yet): renewing the locks of a slow batch ({@code AcknowledgeType.RENEW}, KIP-1222), which
 * would lift the limit of one batch per lock; releasing (or rejecting) at once a record that a failed pool
 * abandons ({@link KafkaRecord} does not tell an abandoned record from one still being processed, so it
 * waits for the stop deadline).
 *
 * @param <K> the key type
 * @param <V> the value type
 */
final class ShareSource<K, V> implements PoolInput<K, V> {
    /** The longest single {@code poll}; also bounds how fast a stop is noticed between batches. */
    static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    /** How often a batch's acceptances are sent while the batch lasts ({@code commitAsync}). */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);
    /** Bound of each Admin call that prepares the group at start. */
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
    /** The lock duration assumed until the consumer knows the group's (broker default of {@code share.record.lock.duration.ms}). */
    static final int DEFAULT_LOCK_MS = 30_000;
    /** The longest sleep of a batch waiting for acknowledgements (the sleep starts at 1 ms and doubles). */
    private static final long MAX_PAUSE_MS = 8;
    /** Consumer-group settings a share consumer refuses: dropped. */
    static final Set<String> DROPPED = Set.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG,
            ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, ConsumerConfig.GROUP_PROTOCOL_CONFIG,
            ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
            ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
    /** Consumer properties that a share group has as group configs: consumer property → group config. */
    static final Map<String, String> AS_GROUP_CONFIG = Map.of(
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "share.auto.offset.reset",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG, "share.isolation.level");

    /** Final. The receiving side of the records channel. */
    private final Receiver<KafkaRecord<K, V>> records;
    /** Final. One per share consumer. */
    private final List<Worker<Void>> workers;
    /** Final. */
    private final Duration closeTimeout;
    private final Deserializer<K> keys;
    private final Deserializer<V> values;
    private final String topic;
    /** Counted down when the first poll of any consumer returned (or a loop ended). */
    private final CountDownLatch joined = new CountDownLatch(1);
    /** Won by CAS by the first stop request (close, a closed channel, a failed loop), which alone writes the two fields below. */
    private final AtomicBoolean stopClaimed = new AtomicBoolean();
    /** The System.nanoTime() deadline for handed-out records to be acknowledged; written once, before {@link #stopRequested}. */
    private volatile long stopDeadline;
    /** False, then true for good; once it reads true, {@link #stopDeadline} is set. */
    private volatile boolean stopRequested;

    /**
     * Prepares the group, creates the share consumers and starts their workers.
     *
     * <p><b>Interruption and timeout.</b> Blocks while the group's configs are read (and set, the first
     * time), each Admin call for at most 30 s; a failure, a timeout or an interrupt (flag kept set) throws
     * {@link KafkaException} and nothing is left open.
     *
     * @param bootstrapServers the brokers
     * @param groupId          the share group
     * @param topic            the topic to read
     * @param keys             deserializes keys (on the consumers' workers)
     * @param values           deserializes values (on the consumers' workers)
     * @param consumers        how many share consumers, at least 1
     * @param capacity         the records channel's capacity
     * @param closeTimeout     how long {@link #close()} waits for acknowledgements, and for each consumer's close
     * @param properties       consumer properties (see the class comment for those dropped, moved or refused)
     * @throws IllegalArgumentException if a property cannot apply to a share consumer
     * @throws KafkaException           if the group cannot be prepared or a consumer cannot be created
     */
    ShareSource(String bootstrapServers, String groupId, String topic, Deserializer<K> keys, Deserializer<V> values,
                int consumers, int capacity, Duration closeTimeout, Map<String, Object> properties) {
        if (consumers < 1) throw new IllegalArgumentException("share consumers must be at least 1: " + consumers);
        this.topic = topic;
        this.keys = keys;
        this.values = values;
        this.closeTimeout = closeTimeout;
        Map<String, Object> config = consumerConfig(bootstrapServers, groupId, properties);
        prepareGroup(bootstrapServers, groupId, properties);
        List<KafkaShareConsumer<byte[], byte[]>> created = new ArrayList<>();
        try {
            for (int i = 0; i < consumers; i++) {
                Map<String, Object> own = new HashMap<>(config);
                if (consumers > 1 && own.get(ConsumerConfig.CLIENT_ID_CONFIG) != null) {
                    own.put(ConsumerConfig.CLIENT_ID_CONFIG, own.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-" + i);
                }
                created.add(new KafkaShareConsumer<>(own, new ByteArrayDeserializer(), new ByteArrayDeserializer()));
            }
        } catch (RuntimeException e) {
            for (var c : created) {
                try {
                    c.close(Duration.ZERO);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
        Channel<KafkaRecord<K, V>> channel = Channel.bounded(capacity);
        this.records = channel.receiver();
        Sender<KafkaRecord<K, V>> original = channel.sender();
        List<Worker<Void>> started = new ArrayList<>(consumers);
        for (int i = 0; i < consumers; i++) {
            Loop loop = new Loop(created.get(i), original.clone());
            started.add(Worker.spawn("kafka-share-" + groupId + "-" + i, () -> {
                loop.run();
                return null;
            }));
        }
        original.close();   // the loops' handles keep the channel open; it closes when the last loop ends
        this.workers = List.copyOf(started);
    }

    /**
     * The share consumers' configuration: the user's properties without those that cannot apply, and the
     * source's own settings.
     *
     * @throws IllegalArgumentException if a property is refused
     */
    static Map<String, Object> consumerConfig(String bootstrapServers, String groupId, Map<String, Object> properties) {
        Map<String, Object> config = new HashMap<>();
        properties.forEach((name, value) -> {
            if (name.equals(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG)) {
                throw new IllegalArgumentException("consumer property " + name + " cannot apply to a share group"
                        + " (consumer interceptors see committed offsets, which a share group does not have)");
            }
            if (!DROPPED.contains(name) && !AS_GROUP_CONFIG.containsKey(name)) config.put(name, value);
        });
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, "explicit");
        config.putIfAbsent(ConsumerConfig.SHARE_ACQUIRE_MODE_CONFIG, "record_limit");
        config.remove(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG);
        config.remove(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG);
        return config;
    }

    /**
     * The group configs this source wants, by name: {@code share.auto.offset.reset} ({@code earliest}
     * unless {@code auto.offset.reset} is given), and {@code share.isolation.level} if
     * {@code isolation.level} is given.
     */
    static Map<String, String> wantedGroupConfigs(Map<String, Object> properties) {
        Map<String, String> wanted = new LinkedHashMap<>();
        wanted.put(AS_GROUP_CONFIG.get(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        AS_GROUP_CONFIG.forEach((property, groupConfig) -> {
            Object v = properties.get(property);
            if (v != null) wanted.put(groupConfig, v.toString());
        });
        return wanted;
    }

    /**
     * Sets each wanted group config whose current value is the broker default (source
     * {@code DEFAULT_CONFIG}, or no entry) and differs from the wanted value; a value set on the group is
     * kept. The Admin client gets the user's properties that are Admin configs (security, timeouts).
     *
     * <p><b>Interruption and timeout.</b> Each Admin call waits at most {@link #ADMIN_TIMEOUT}. On timeout
     * or failure throws {@link KafkaException}; if interrupted, throws {@link InterruptException} (the
     * interrupt flag set). Nothing stays open.
     */
    static void prepareGroup(String bootstrapServers, String groupId, Map<String, Object> properties) {
        Map<String, Object> adminConfig = new HashMap<>();
        properties.forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains(name) && !name.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
                adminConfig.put(name, value);
            }
        });
        adminConfig.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        Map<String, String> wanted = wantedGroupConfigs(properties);
        var group = new ConfigResource(ConfigResource.Type.GROUP, groupId);
        Admin admin = Admin.create(adminConfig);
        try {
            Config current = admin.describeConfigs(List.of(group)).all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(group);
            List<AlterConfigOp> ops = new ArrayList<>();
            wanted.forEach((name, value) -> {
                ConfigEntry e = current == null ? null : current.get(name);
                boolean isDefault = e == null || e.source() == ConfigEntry.ConfigSource.DEFAULT_CONFIG;
                if (isDefault && (e == null || !value.equals(e.value()))) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                }
            });
            if (!ops.isEmpty()) {
                admin.incrementalAlterConfigs(Map.of(group, ops)).all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException("interrupted while preparing share group " + groupId, e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new KafkaException("could not read or set the configs " + wanted.keySet() + " of share group " + groupId
                    + " (set them on the group yourself, e.g. with kafka-configs.sh --entity-type groups): " + cause, cause);
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /**
     * The records, in no particular order. Ends (closed, drained) after {@link #close()}; fails with a
     * consumer's error as cause if one fails. Closing this receiver stops the source as {@link #close()}
     * would.
     *
     * @return the receiver of this source's bounded channel
     */
    @Override
    public Receiver<KafkaRecord<K, V>> records() {
        return records;
    }

    /** @return the empty set: a share group hands out records, not partitions */
    @Override
    public Set<TopicPartition> assignment() {
        return Set.of();
    }

    /**
     * Waits until the first poll of any of this source's consumers has returned: the consumer is subscribed
     * and running. The broker admits it to the group asynchronously, so its first records may come a moment
     * later (none is lost meanwhile: the group's records wait for whichever consumer fetches first).
     *
     * <p><b>Interruption and timeout.</b> {@link TimeoutException} if no poll returned within
     * {@code timeout}; {@link InterruptedException} if interrupted. The source is unaffected either way.
     *
     * @param timeout how long to wait at most
     * @return the empty set (see {@link #assignment()})
     * @throws TimeoutException     if no poll returned in time
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public Set<TopicPartition> awaitAssignment(Duration timeout) throws InterruptedException, TimeoutException {
        if (!joined.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
            throw new TimeoutException("no share consumer polled within " + timeout);
        }
        return Set.of();
    }

    /**
     * Stops polling, closes the channel (receivers end once it is drained), waits at most the close timeout
     * for the records handed out to be acknowledged, releases the others to the group (delivered again,
     * maybe to another process), commits the acknowledgements and closes the consumers. Idempotent.
     *
     * <p><b>Interruption and timeout.</b> Returns after at most about three times the close timeout (the
     * wait for acknowledgements, the final commit, the consumers' own close; each step bounded by the close
     * timeout, and usually much faster); workers still running then are cancelled. If
     * interrupted, it stops waiting, keeps the interrupt status set, and the consumers finish closing in
     * the background.
     */
    @Override
    public void close() {
        requestStop();
        records.close();
        long deadline = System.nanoTime() + closeTimeout.multipliedBy(3).plusSeconds(1).toNanos();
        for (Worker<Void> w : workers) {
            try {
                w.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (TimeoutException e) {
                w.cancel();
            } catch (Exception e) {
                // the failure is already the channel's cause; close() itself does not throw it
            }
        }
    }

    /** The first stop request fixes the deadline for handed-out records; later ones change nothing. */
    private void requestStop() {
        if (!stopClaimed.compareAndSet(false, true)) return;
        stopDeadline = System.nanoTime() + closeTimeout.toNanos();
        stopRequested = true;
    }

    /** @return whether every consumer's worker has ended (closed or failed) */
    boolean isClosed() {
        return workers.stream().allMatch(Worker::isDone);
    }

    /**
     * The body of one consumer's worker: the only code that touches its {@link KafkaShareConsumer}. See the
     * class comment for the turn: poll, hand over and settle, poll again.
     */
    private final class Loop {
        /** Worker only (created by the constructor, used by the worker alone from then on). */
        private final KafkaShareConsumer<byte[], byte[]> consumer;
        /** Final. This loop's counted handle on the records channel; closed (or failed) when the loop ends. */
        private final Sender<KafkaRecord<K, V>> out;
        /** Worker only. One per partition seen, never revoked: a share group has no revocation. */
        private final Map<TopicPartition, PartitionState> owners = new HashMap<>();
        /** Worker only. When the last {@code commitAsync} was sent (System.nanoTime()). */
        private long lastCommit = System.nanoTime();
        /** Worker only. Records accepted since the last commit or poll. */
        private boolean acceptedSinceCommit;

        Loop(KafkaShareConsumer<byte[], byte[]> consumer, Sender<KafkaRecord<K, V>> out) {
            this.consumer = consumer;
            this.out = out;
        }

        void run() {
            Throwable failure = null;
            try {
                consumer.subscribe(List.of(topic));
                while (!stopping()) {
                    ConsumerRecords<byte[], byte[]> polled = consumer.poll(POLL_TIMEOUT);
                    long polledAt = System.nanoTime();
                    acceptedSinceCommit = false;   // the poll sent them
                    joined.countDown();
                    if (!polled.isEmpty()) settleBatch(polled, polledAt);
                }
                try {
                    consumer.commitSync(closeTimeout);
                } catch (RuntimeException e) {
                    // the broker is away or the locks expired: those records are delivered again (at-least-once)
                }
            } catch (InterruptException | InterruptedException e) {
                failure = new IllegalStateException("the Kafka share consumer worker was interrupted", e);
            } catch (Throwable t) {
                failure = t;
            } finally {
                try {
                    consumer.close(closeTimeout);   // leaves the group: the broker releases whatever it still holds
                } catch (RuntimeException e) {
                    if (failure == null) failure = e;
                }
                if (failure != null) {
                    requestStop();
                    out.fail(failure);
                } else {
                    out.close();
                }
                joined.countDown();
            }
            if (failure instanceof Error err) throw err;
        }

        /** Whether to stop: a stop was requested, or the channel is closed (by its receivers, or failed by another loop). */
        private boolean stopping() {
            if (stopRequested) return true;
            if (!out.isClosed()) return false;
            requestStop();
            return stopRequested;   // false only for the instant until a concurrent request has set the deadline
        }

        /**
         * Hands one polled batch to the channel and acknowledges every record of it: ACCEPT for those
         * acknowledged in time, RELEASE for the others (see the class comment for the deadlines).
         */
        private void settleBatch(ConsumerRecords<byte[], byte[]> polled, long polledAt) throws InterruptedException {
            int n = polled.count();
            List<ConsumerRecord<byte[], byte[]>> raw = new ArrayList<>(n);
            List<KafkaRecord<K, V>> batch = new ArrayList<>(n);
            for (ConsumerRecord<byte[], byte[]> r : polled) {
                raw.add(r);
                batch.add(wrap(r));
            }
            boolean[] done = new boolean[n];   // acknowledged to the consumer (accepted or released)
            int left = n;                      // not yet acknowledged to the consumer
            int sent = 0;                      // batch[0, sent) are in the channel
            int firstOpen = 0;                 // every record before it is done
            long lockDeadline = polledAt + TimeUnit.MILLISECONDS.toNanos(consumer.acquisitionLockTimeoutMs().orElse(DEFAULT_LOCK_MS));
            long pause = 1;
            while (true) {
                boolean moved = false;
                // hand over what fits now
                while (sent < n && !stopping()) {
                    try {
                        if (!out.trySend(batch.get(sent))) break;
                    } catch (ChannelClosedException e) {
                        requestStop();
                        break;
                    }
                    sent++;
                    moved = true;
                }
                // accept what was acknowledged
                for (int i = firstOpen; i < sent; i++) {
                    if (!done[i] && batch.get(i).isAcked()) {
                        consumer.acknowledge(raw.get(i), AcknowledgeType.ACCEPT);
                        done[i] = true;
                        left--;
                        moved = true;
                        acceptedSinceCommit = true;
                    }
                    if (done[i] && i == firstOpen) firstOpen++;
                }
                boolean stop = stopping();
                if (stop && sent < n) {        // nobody will take them: back to the group at once
                    for (int i = sent; i < n; i++) {
                        consumer.acknowledge(raw.get(i), AcknowledgeType.RELEASE);
                        done[i] = true;
                        left--;
                    }
                    n = sent;
                }
                if (left == 0) return;
                long now = System.nanoTime();
                if (now - lockDeadline >= 0 || (stop && now - stopDeadline >= 0)) {
                    for (int i = firstOpen; i < n; i++) {
                        if (!done[i]) consumer.acknowledge(raw.get(i), AcknowledgeType.RELEASE);
                    }
                    return;
                }
                if (acceptedSinceCommit && now - lastCommit >= COMMIT_INTERVAL.toNanos()) {
                    consumer.commitAsync();
                    lastCommit = now;
                    acceptedSinceCommit = false;
                }
                pause = moved ? 1 : Math.min(pause * 2, MAX_PAUSE_MS);
                if (sent < n && !stop) {       // wait for room, a little
                    try {
                        if (out.send(batch.get(sent), Duration.ofMillis(pause))) sent++;
                    } catch (ChannelClosedException e) {
                        requestStop();
                    }
                } else {
                    Thread.sleep(pause);
                }
            }
        }

        /** Deserializes one polled record into a {@link KafkaRecord}; a failure is kept in the record. */
        private KafkaRecord<K, V> wrap(ConsumerRecord<byte[], byte[]> r) {
            PartitionState owner = owners.computeIfAbsent(new TopicPartition(r.topic(), r.partition()),
                    tp -> new PartitionState(tp, false));
            return KafkaRecord.of(owner, r, keys, values);
        }
    }
}
