package dev.vela.kafka;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;

/**
 * The source worker's bookkeeping for one assigned partition, for one assignment: a partition that is
 * revoked and assigned again gets a new instance, so acknowledgements of records from the old
 * assignment can never move the new one's commit point.
 *
 * <p>Everything except {@link #revoked} is touched by the source's worker only (the consumer's
 * thread), so no field needs synchronisation. {@link KafkaRecord#ack()} only flips the record's own
 * flag; the worker notices it in {@link #advance(Transactions)}.
 *
 * <p>Invariants: {@code inFlight} holds, in offset order, every record polled in this assignment whose
 * offset is at or past the commit point; {@code commitPoint} is one past the last record of an unbroken
 * run of acknowledged records from the start of the assignment (or -1: none yet), so committing it can
 * never skip an unprocessed record; {@code committed <= commitPoint}.
 */
final class PartitionState {
    /** Final. */
    final TopicPartition partition;
    /** Worker only. Polled records not yet behind the commit point, in offset order. */
    final ArrayDeque<KafkaRecord<?, ?>> inFlight = new ArrayDeque<>();
    /** Worker only. The next offset to commit (one past the last processed record of the unbroken run); -1: none. */
    long commitPoint = -1;
    /** Worker only. The last commit point handed to a commit; -1: none. */
    long committed = -1;
    /** Written by the worker on revocation, read by anyone: acknowledgements are then ignored. */
    volatile boolean revoked;
    /**
     * Records of this partition a pool's worker has started and not yet settled (acknowledged, or given
     * up without an acknowledgement), plus {@link #REVOKING} once a revocation began: from then on no
     * record starts ({@link #tryStart}) and the source waits, at most its grace period, for the count to
     * reach 0 before it commits and lets the partition go. Changed by CAS from any thread.
     */
    private final AtomicInteger started = new AtomicInteger();
    /**
     * Records polled in this assignment and not yet acknowledged: incremented by the worker, decremented
     * by {@link KafkaRecord#ack()} (any thread). Counted only when {@link #countsPending} (a fair share is
     * set, i.e. a pool in {@code PARTITION} order): otherwise no shared counter is touched per record.
     */
    final AtomicInteger pending = new AtomicInteger();
    /** Final. */
    final boolean countsPending;
    private static final int REVOKING = 1 << 30;

    PartitionState(TopicPartition partition, boolean countsPending) {
        this.partition = partition;
        this.countsPending = countsPending;
    }

    /**
     * Moves the commit point over the acknowledged records at the head of {@code inFlight}; in
     * exactly-once mode ({@code txn} not null) each one's held outputs go into the open transaction as
     * the point passes it, so they are sent in offset order and only once nothing before them is pending.
     */
    void advance(Transactions txn) {
        KafkaRecord<?, ?> head;
        while ((head = inFlight.peekFirst()) != null && head.isAcked()) {
            if (txn != null) txn.release(head);
            inFlight.pollFirst();
            commitPoint = head.offset() + 1;
        }
    }

    /** A pool's worker is about to process one of this partition's records: false once a revocation began (skip it). */
    boolean tryStart() {
        int s;
        do {
            s = started.get();
            if ((s & REVOKING) != 0) return false;
        } while (!started.compareAndSet(s, s + 1));
        return true;
    }

    /** A started record is settled: acknowledged, or given up. */
    void settled() {
        started.decrementAndGet();
    }

    /** The source's worker, at revocation: no record of this partition starts from now on. */
    void beginRevoke() {
        started.getAndUpdate(s -> s | REVOKING);
    }

    /** @return whether a started record is not yet settled */
    boolean hasStarted() {
        return (started.get() & ~REVOKING) != 0;
    }

    /** @return whether a commit would move the group's offset forward */
    boolean hasNewCommit() {
        return commitPoint > committed;
    }
}
