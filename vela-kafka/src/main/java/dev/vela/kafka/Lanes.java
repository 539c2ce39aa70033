package dev.vela.kafka;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import dev.vela.worker.Semaphore;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * Between a {@link KafkaSource}'s records channel and a {@link KafkaWorkerPool}'s workers: bounds the
 * records in flight and keeps the pool's {@link Ordering}.
 *
 * <h2>Implementation overview</h2>
 * One dispatcher ({@link #dispatch}) takes a place in flight ({@link #inFlight}, a Vela
 * {@link Semaphore} of {@code maxInFlight} permits), then a record from the source, and finds the
 * record's <em>lane</em>: none in {@code UNORDERED}, its topic and raw key in {@code KEY} (its
 * partition when it has no key), its partition in {@code PARTITION}. A record with no lane, or whose
 * lane is free, goes to the {@link #ready} channel, which the workers ({@link #next}) receive from; a
 * record whose lane is busy waits at the tail of that lane's queue in {@link #busy}. When a worker is
 * done with a record ({@link #done}), whatever the outcome, the next record of its lane (if any) goes to
 * {@code ready}, and the record's place in flight is freed. While every place is taken the dispatcher
 * waits, the source's channel fills and the source pauses its partitions: backpressure reaches the
 * broker.
 *
 * <p>Invariants: a lane is a key of {@code busy} exactly while one of its records is in {@code ready}
 * or being processed, and its queue holds its other taken records in the order the source delivered
 * them (partition offset order), so at most one record per lane is processed at a time, in order.
 * {@code inFlight} permits held == records taken from the source and not yet done (in exactly-once mode:
 * or done with outputs held), ≤ {@code maxInFlight}.
 * {@code ready} is unbounded, but never holds more than {@code maxInFlight} records.
 *
 * <p>Ending: {@link #open} counts the dispatcher (1 until it ends) plus the records taken and not
 * done; whoever brings it to 0 closes {@code ready}, so the workers end once every taken record is done.
 */
final class Lanes<K, V> {
    /** Placeholder queue of a busy lane with no record waiting (most lanes, most of the time). */
    private static final ArrayDeque<KafkaRecord<?, ?>> NONE = new ArrayDeque<>(0);

    private final Ordering ordering;
    /** Final; a place per record taken from the source and not yet done. */
    private final Semaphore inFlight;
    private final Sender<KafkaRecord<K, V>> readyTx;
    private final Receiver<KafkaRecord<K, V>> readyRx;
    /** Guarded by itself. Busy lanes → the records waiting behind the one in process ({@link #NONE}: none). */
    private final HashMap<Object, ArrayDeque<KafkaRecord<?, ?>>> busy = new HashMap<>();
    /** The dispatcher (1 until it ends) + records taken and not done; 0 closes {@code ready}. */
    private final AtomicInteger open = new AtomicInteger(1);

    Lanes(Ordering ordering, int maxInFlight) {
        this.ordering = ordering;
        this.inFlight = Semaphore.create("kafka-in-flight", maxInFlight);
        Channel<KafkaRecord<K, V>> ready = Channel.unbounded();
        this.readyTx = ready.sender();
        this.readyRx = ready.receiver();
    }

    /**
     * The dispatcher: moves records from {@code source} to the workers until {@code source} is closed,
     * which ends it with the source's {@link ChannelClosedException} (its cause, if any, says why).
     *
     * <p><b>Interruption and timeout.</b> Waits for a place in flight and for a record, without a
     * timeout; an interrupt ends it with {@link InterruptedException} (the records already taken are
     * still processed).
     */
    void dispatch(Receiver<KafkaRecord<K, V>> source) throws InterruptedException {
        try {
            while (true) {
                inFlight.acquire();
                KafkaRecord<K, V> r;
                try {
                    r = source.receive();
                } catch (ChannelClosedException | InterruptedException e) {
                    inFlight.release();
                    throw e;
                }
                open.incrementAndGet();
                if (enterLane(r)) readyTx.trySend(r);   // unbounded: always taken
            }
        } finally {
            close();
        }
    }

    /** True if {@code r} may run now; otherwise it was queued behind its lane's record in process. */
    private boolean enterLane(KafkaRecord<K, V> r) {
        Object lane = laneOf(r);
        r.lane = lane;                                  // for done(): computed once per record
        if (lane == null) return true;
        synchronized (busy) {
            ArrayDeque<KafkaRecord<?, ?>> q = busy.putIfAbsent(lane, NONE);
            if (q == null) return true;
            if (q == NONE) busy.put(lane, q = new ArrayDeque<>());
            q.addLast(r);
            return false;
        }
    }

    /**
     * A worker's next record, or null once the dispatcher has ended and every record is done.
     *
     * <p><b>Interruption and timeout.</b> Waits without a timeout; an interrupt throws
     * {@link InterruptedException} and takes nothing.
     */
    KafkaRecord<K, V> next() throws InterruptedException {
        try {
            return readyRx.receive();
        } catch (ChannelClosedException drained) {
            return null;
        }
    }

    /**
     * A worker is done with {@code r} (processed, dead-lettered or skipped): its lane moves on, and its
     * place is freed unless {@code keepPlace} (exactly-once: the record keeps it while its outputs are held,
     * until {@link #freePlace}).
     */
    @SuppressWarnings("unchecked")
    void done(KafkaRecord<K, V> r, boolean keepPlace) {
        Object lane = r.lane;
        if (lane != null) {
            KafkaRecord<?, ?> following;
            synchronized (busy) {
                ArrayDeque<KafkaRecord<?, ?>> q = busy.get(lane);
                following = q == null ? null : q.pollFirst();
                if (following == null) busy.remove(lane);
            }
            if (following != null) readyTx.trySend((KafkaRecord<K, V>) following);
        }
        if (!keepPlace) inFlight.release();
        close();
    }

    /** Frees the place a record kept at {@link #done}: once per such record. */
    void freePlace() {
        inFlight.release();
    }

    /** Records taken from the source and not yet done (approximate while it changes). */
    int inFlight() {
        return inFlight.permits() - inFlight.availablePermits();
    }

    private void close() {
        if (open.decrementAndGet() == 0) readyTx.close();
    }

    private Object laneOf(KafkaRecord<?, ?> r) {
        return switch (ordering) {
            case UNORDERED -> null;
            case PARTITION -> new TopicPartition(r.topic(), r.partition());
            case KEY -> r.rawKey() == null ? new TopicPartition(r.topic(), r.partition())
                    : new KeyLane(r.topic(), ByteBuffer.wrap(r.rawKey()));
        };
    }

    /** A key's lane: its topic and its raw bytes (ByteBuffer compares contents). */
    private record KeyLane(String topic, ByteBuffer key) {}
}
