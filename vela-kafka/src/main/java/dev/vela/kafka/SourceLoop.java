package dev.vela.kafka;

import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Sender;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The body of a {@link KafkaSource}'s worker: the only code that touches the {@link Consumer}.
 *
 * <h2>Implementation overview</h2>
 * One loop, one thread (a Vela worker), so the consumer's single-thread rule holds by construction.
 * Each turn:
 * <ol>
 *   <li><b>advance</b>: for each owned partition, move its commit point over the acknowledged records at
 *       the head of its in-flight queue ({@link PartitionState}); acknowledgements are flags set by any
 *       thread, so nothing blocks the processing side;</li>
 *   <li><b>commit</b> (every {@code commitInterval}): {@code commitAsync} of every moved commit point;</li>
 *   <li><b>dispatch</b>: hand undispatched records to the bounded channel in poll order, waiting for
 *       room at most {@code dispatchWait} in all; the records left over stay in {@code undispatched};</li>
 *   <li><b>pause or resume</b>, <em>before</em> the poll: while records are left over, the owned
 *       partitions are <b>paused</b>, so the consumer fetches nothing more (backpressure reaches the
 *       broker; a poll adds records only when none wait, so at most one poll of records is held back)
 *       while {@code poll} still keeps the group membership alive; once every waiting record is in the
 *       channel they are resumed, so this very poll fetches again;</li>
 *   <li><b>poll</b>, waiting at most {@code pollTimeout} (briefly when records are waiting for room);
 *       deserialize each record with the user's deserializers (a failure is kept in the record).</li>
 * </ol>
 * The order matters: deciding pauses after the poll would pause everything on every batch (its records
 * have not been dispatched yet) and make the next poll sleep its whole timeout on paused partitions:
 * one batch per {@code pollTimeout}, ADR 0028.
 * Rebalances run inside {@code poll}, on this thread ({@link Listener}): for a revoked partition, no
 * record of it starts in a pool any more and the records a pool's workers have started get a grace
 * period ({@code revokeGrace}) to be acknowledged; then what was processed is committed with
 * {@code commitSync}, the partition's undispatched records are dropped and its state is marked revoked
 * (later acknowledgements are ignored). A lost partition is dropped without a grace or a commit
 * (another member already owns it). Records of a revoked partition already in the channel are still
 * delivered to plain receivers (a pool skips them); their processing may be repeated by the new owner
 * (at-least-once, never lost).
 *
 * <p>Exactly-once ({@link Transactions}, for a pool): the offsets are not committed by the consumer but
 * in the pool's transactions, always synchronously, with every owned partition's commit point (the open
 * transaction holds outputs of all of them); as <b>advance</b> moves a commit point over a record, the
 * record's held outputs go into the open transaction; a revoked partition's records not passed are
 * discarded; a partition <em>lost</em> while its outputs are in the open transaction fails the source.
 *
 * <p>Stop ({@link #requestStop}): no more fetching (everything paused), undispatched records dropped,
 * the channel closed so receivers end after what is buffered; the loop keeps polling and committing
 * until every dispatched record is acknowledged or the drain deadline passes, then commits with
 * {@code commitSync} and closes the consumer. A fatal consumer error fails the channel with that cause.
 */
final class SourceLoop<K, V> implements Runnable {
    private final Consumer<byte[], byte[]> consumer;
    private final Collection<String> topics;
    private final Deserializer<K> keys;
    private final Deserializer<V> values;
    /** The original sender handle of the records channel; this loop is its only user. */
    private final Sender<KafkaRecord<K, V>> out;
    private final KafkaSource.Settings settings;
    /** Final; null unless a pool runs in exactly-once mode: then commits are its transactions' (ADR 0049). */
    private final Transactions txn;
    /** Worker only. The partitions owned now, each with its current assignment's state. */
    private final Map<TopicPartition, PartitionState> owned = new HashMap<>();
    /** Worker only. Polled but not yet in the channel, in poll order. */
    private final ArrayDeque<KafkaRecord<K, V>> undispatched = new ArrayDeque<>();
    /** Worker only. Partitions this loop has paused. */
    private final Set<TopicPartition> paused = new HashSet<>();
    /** Published copy of {@code owned.keySet()} for {@link KafkaSource#assignment()}. */
    private volatile Set<TopicPartition> assignment = Set.of();
    /** Published before each poll for tests and monitoring: records waiting for room in the channel. */
    volatile int waitingForRoom;
    /** Published before each poll: the partitions paused for backpressure. */
    volatile Set<TopicPartition> pausedView = Set.of();
    /** Counted down once the first assignment (even an empty one) arrived. */
    final CountDownLatch firstAssignment = new CountDownLatch(1);
    /** 0 = running; otherwise the System.nanoTime() deadline of the drain. Written by close, read by the worker. */
    private volatile long stopDeadline;
    private volatile boolean stopRequested;
    private long lastCommit = System.nanoTime();
    /** Worker only. Some partition is paused for holding its fair share (not for want of room): poll briefly. */
    private boolean sharePaused;

    SourceLoop(Consumer<byte[], byte[]> consumer, Collection<String> topics, Deserializer<K> keys, Deserializer<V> values,
               Sender<KafkaRecord<K, V>> out, KafkaSource.Settings settings) {
        this.consumer = consumer;
        this.topics = List.copyOf(topics);
        this.keys = keys;
        this.values = values;
        this.out = out;
        this.settings = settings;
        this.txn = settings.transactions();
    }

    Set<TopicPartition> assignment() {
        return assignment;
    }

    void requestStop(Duration drain) {
        stopDeadline = System.nanoTime() + drain.toNanos();
        stopRequested = true;
    }

    @Override
    public void run() {
        Throwable failure = null;
        try {
            consumer.subscribe(topics, new Listener());
            while (!stopRequested) {
                if (out.isClosed()) {   // the receiving side closed the channel: stop as close() would
                    requestStop(settings.closeTimeout());
                    break;
                }
                advanceAll();
                maybeCommit(false);
                dispatch();
                // Before the poll, not after it: freshly polled records always wait for the next dispatch,
                // so deciding after the poll paused every partition on every batch, and the next poll then
                // slept its whole timeout on paused partitions (ADR 0028).
                updatePauses();
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(!undispatched.isEmpty() ? Duration.ofMillis(1)
                        : sharePaused ? Duration.ofMillis(5) : settings.pollTimeout());
                for (ConsumerRecord<byte[], byte[]> r : batch) accept(r);
            }
            drain();
        } catch (InterruptException | InterruptedException e) {
            failure = new IllegalStateException("the Kafka source worker was interrupted", e);
        } catch (Throwable t) {
            failure = t;
        } finally {
            try {
                consumer.close(settings.closeTimeout());
            } catch (RuntimeException e) {
                if (failure == null) failure = e;
            }
            if (failure != null) out.fail(failure);
            else out.close();
            firstAssignment.countDown();
        }
        if (failure instanceof Error err) throw err;
    }

    /** Deserializes one polled record and queues it for dispatch (its partition may have been revoked since). */
    private void accept(ConsumerRecord<byte[], byte[]> r) {
        PartitionState state = owned.get(new TopicPartition(r.topic(), r.partition()));
        if (state == null) return;   // revoked inside this very poll: the new owner reads it
        var rec = KafkaRecord.of(state, r, keys, values);
        state.inFlight.addLast(rec);
        if (state.countsPending) state.pending.incrementAndGet();
        undispatched.addLast(rec);
    }

    /**
     * Hands undispatched records to the channel, waiting for room at most {@code dispatchWait} in all
     * (not per record): while receivers keep taking records, a whole poll goes in without pausing.
     */
    private void dispatch() throws InterruptedException {
        long deadline = 0;   // set at the first wait
        KafkaRecord<K, V> head;
        while ((head = undispatched.peekFirst()) != null) {
            boolean sent;
            try {
                sent = out.trySend(head);
                if (!sent) {
                    long now = System.nanoTime();
                    if (deadline == 0) deadline = now + settings.dispatchWait().toNanos();
                    long left = deadline - now;
                    sent = left > 0 && out.send(head, Duration.ofNanos(left));
                }
            } catch (ChannelClosedException e) {
                // the receiving side closed the channel: nobody will process more, stop like close()
                requestStop(settings.closeTimeout());
                return;
            }
            if (!sent) return;
            undispatched.pollFirst();
        }
    }

    /**
     * While records wait for room, pauses every owned partition (the channel is shared: a record fetched
     * now from any partition would have to wait too, so at most one poll's worth is ever held back);
     * resumes them once everything waiting is in the channel. With a fair share (a pool's
     * {@code maxInFlight}), a partition that holds its share of it or more (records polled and not yet
     * acknowledged) is paused too, until it holds less than half of it, and the poll then waits only
     * 5 ms, to resume it soon: the consumer hands records over partition by partition in runs of
     * thousands, and without this one partition's run would take every place in flight while the
     * others' records wait behind it (ADR 0048).
     */
    private void updatePauses() {
        boolean waiting = !undispatched.isEmpty();
        int share = settings.fairShare() <= 0 || owned.isEmpty() ? Integer.MAX_VALUE
                : Math.max(1, settings.fairShare() / owned.size());
        Set<TopicPartition> pause = new HashSet<>(), resume = new HashSet<>();
        for (Map.Entry<TopicPartition, PartitionState> e : owned.entrySet()) {
            int pending = e.getValue().pending.get();
            boolean isPaused = paused.contains(e.getKey());
            // hysteresis: paused at its share, resumed below half of it, so fast records do not toggle it every poll
            boolean want = waiting || pending >= share || (isPaused && pending >= share / 2 && share != Integer.MAX_VALUE);
            if (want && !isPaused) pause.add(e.getKey());
            if (!want && isPaused) resume.add(e.getKey());
        }
        if (!pause.isEmpty()) {
            consumer.pause(pause);
            paused.addAll(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
            paused.removeAll(resume);
        }
        if (!pause.isEmpty() || !resume.isEmpty()) pausedView = Set.copyOf(paused);
        sharePaused = !waiting && !paused.isEmpty();
        waitingForRoom = undispatched.size();
    }

    private void advanceAll() {
        for (PartitionState s : owned.values()) s.advance(txn);
    }

    /** Commits every moved commit point: asynchronously on the timer, synchronously when {@code sync}. */
    private void maybeCommit(boolean sync) {
        long now = System.nanoTime();
        if (!sync && now - lastCommit < settings.commitInterval().toNanos()) return;
        lastCommit = now;
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (PartitionState s : owned.values()) {
            if (s.hasNewCommit()) offsets.put(s.partition, new OffsetAndMetadata(s.commitPoint));
        }
        commit(offsets, sync);
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> offsets, boolean sync) {
        if (offsets.isEmpty()) return;
        Map<TopicPartition, PartitionState> states = new HashMap<>();
        offsets.keySet().forEach(tp -> states.put(tp, owned.get(tp)));
        if (txn != null) {   // always synchronous; a failure ends the source (the transaction is aborted)
            txn.commit(offsets, consumer.groupMetadata());
            offsets.forEach((tp, o) -> states.get(tp).committed = o.offset());
            return;
        }
        offsets.forEach((tp, o) -> states.get(tp).committed = o.offset());
        if (sync) {
            try {
                consumer.commitSync(offsets, settings.closeTimeout());
            } catch (RuntimeException e) {
                // the group moved on or the broker is away: the next owner re-reads (at-least-once)
                states.values().forEach(s -> s.committed = -1);
            }
        } else {
            consumer.commitAsync(offsets, (done, error) -> {
                if (error != null) states.values().forEach(s -> s.committed = -1);   // retried on the next turn
            });
        }
    }

    /** After a stop request: pause everything, close the channel, wait for acknowledgements, commit. */
    private void drain() {
        undispatched.clear();
        out.close();
        consumer.pause(consumer.assignment());
        paused.addAll(consumer.assignment());
        while (System.nanoTime() - stopDeadline < 0 && !allAcked()) {
            consumer.poll(Duration.ofMillis(10));   // keeps the membership; commit callbacks run here
        }
        advanceAll();
        maybeCommit(true);
    }

    private boolean allAcked() {
        advanceAll();
        for (PartitionState s : owned.values()) {
            if (!s.inFlight.isEmpty()) return false;
        }
        return true;
    }

    /** Rebalance callbacks; Kafka calls them inside {@code poll}, on this worker. */
    private final class Listener implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            awaitStarted(partitions);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            // exactly-once: the open transaction holds outputs of every owned partition, so it commits all their offsets
            for (TopicPartition tp : txn != null ? owned.keySet() : partitions) {
                PartitionState s = owned.get(tp);
                if (s == null) continue;
                s.advance(txn);
                if (s.hasNewCommit()) offsets.put(tp, new OffsetAndMetadata(s.commitPoint));
            }
            commit(offsets, true);
            drop(partitions);
        }

        /**
         * The grace period: no record of {@code partitions} starts any more, and those a pool's workers
         * have started get at most {@code revokeGrace} to be settled, so that what they finish is
         * committed here rather than processed again by the next owner. Waits by short sleeps: inside
         * the rebalance callback the consumer must not be polled.
         */
        private void awaitStarted(Collection<TopicPartition> partitions) {
            List<PartitionState> states = new ArrayList<>();
            for (TopicPartition tp : partitions) {
                PartitionState s = owned.get(tp);
                if (s == null) continue;
                s.beginRevoke();
                states.add(s);
            }
            long deadline = System.nanoTime() + settings.revokeGrace().toNanos();
            while (states.stream().anyMatch(PartitionState::hasStarted) && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();   // the loop ends on it after the poll
                    return;
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            if (txn != null) {
                for (TopicPartition tp : partitions) {
                    PartitionState s = owned.get(tp);
                    if (s != null && s.hasNewCommit()) {   // its outputs are in the open transaction, its offsets cannot join them
                        throw new IllegalStateException("exactly-once: partition " + tp + " was lost (this member was out of"
                                + " the group too long) while the open transaction holds outputs of its records; the"
                                + " transaction is aborted and the pool stops (restart it; nothing is lost or doubled)");
                    }
                }
            }
            drop(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) owned.putIfAbsent(tp, new PartitionState(tp, settings.fairShare() > 0));
            if (stopRequested) {
                consumer.pause(partitions);
                paused.addAll(partitions);
            }
            assignment = Set.copyOf(owned.keySet());
            firstAssignment.countDown();
        }

        private void drop(Collection<TopicPartition> partitions) {
            for (TopicPartition tp : partitions) {
                PartitionState s = owned.remove(tp);
                if (s != null) {
                    s.revoked = true;   // before the discards: a worker acknowledging after this discards its own (KafkaWorkerPool)
                    if (txn != null) s.inFlight.forEach(txn::discard);
                }
                paused.remove(tp);
            }
            for (Iterator<KafkaRecord<K, V>> it = undispatched.iterator(); it.hasNext(); ) {
                if (it.next().owner().revoked) it.remove();
            }
            assignment = Set.copyOf(owned.keySet());
        }
    }
}
