package dev.vela.channel.internal;

import dev.vela.channel.Overflow;
import dev.vela.channel.PriorityChannel;
import dev.vela.channel.PrioritySender;
import java.time.Duration;
import java.util.PriorityQueue;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@link PriorityChannel} flavour (internal: users code against {@link PriorityChannel}): values
 * leave highest priority first, equal priorities in the order sent.
 *
 * <h2>Implementation overview</h2>
 * The buffer is a binary heap ({@link PriorityQueue}) of {@link Entry}s ordered by (priority
 * descending, sequence number ascending) behind one {@link ReentrantLock}, driven by the same
 * {@link BufferChannel} drivers as the lock-free flavours: waiters are wake-up signals in the shared
 * {@link WaitQueue}s, blocking goes through {@link Waiter}, and the Dekker argument holds because a
 * lock release and a later acquire are synchronization actions totally ordered with the waiter
 * queue's volatile accesses. A heap cannot be made lock-free cheaply (ordered inserts at arbitrary
 * positions), and the lock is held only for an O(log n) insert or removal; see
 * docs/adr/0022-priority-channels-use-a-lock.md.
 *
 * <h2>Invariants (guarded by {@link #lock})</h2>
 * {@code heap.size() ≤ capacity}; {@link #size} {@code == heap.size()} after every unlock; sequence
 * numbers are unique and increase in insertion order; once {@link #closed}, nothing is inserted.
 *
 * @param <T> the element type
 */
public final class PriorityBufferChannel<T> extends BufferChannel<T> implements PriorityChannel<T> {

    /** A buffered value with its priority and its place among equal priorities. */
    static final class Entry {
        final int priority;
        final Object value;
        /** Insertion order; written under the lock when inserted. */
        long seq;

        Entry(int priority, Object value) {
            this.priority = priority;
            this.value = value;
        }
    }

    private final int capacity;
    private final ReentrantLock lock = new ReentrantLock();
    /** Highest priority first, then insertion order. */
    private static final java.util.Comparator<Entry> ORDER = (a, b) ->
            a.priority != b.priority ? Integer.compare(b.priority, a.priority) : Long.compare(a.seq, b.seq);
    /** Above this peak size, a heap that becomes empty is replaced by a fresh one (its array never shrinks). */
    private static final int SHRINK_ABOVE = 256;
    /** Guarded by lock; replaced by a fresh heap when it empties after holding more than SHRINK_ABOVE. */
    private PriorityQueue<Entry> heap = new PriorityQueue<>(ORDER);
    /** The most entries the current heap has held. Guarded by lock. */
    private int peak;
    /** Guarded by lock. */
    private long nextSeq;
    /** Guarded by lock (also read under it only). */
    private boolean closed;
    /** heap.size(), written under the lock (volatile) so that isEmpty and room checks need no lock. */
    private volatile int size;

    /**
     * Creates a priority channel (for {@code Channel.priority} and {@code ChannelBuilder}).
     *
     * @param capacity the bound, or {@code Integer.MAX_VALUE} for unbounded
     * @param options  the builder's options (only {@link Overflow#SUSPEND})
     */
    public PriorityBufferChannel(int capacity, Options options) {
        super(options);
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1 for a priority channel, got " + capacity);
        if (options.overflow() != Overflow.SUSPEND) {
            throw new IllegalArgumentException("a priority channel supports only Overflow.SUSPEND, got " + options.overflow());
        }
        this.capacity = capacity;
    }

    @Override
    public PrioritySender<T> sender() {
        return (PrioritySender<T>) originalSender();
    }

    @Override
    SenderHandle<T> createSender() {
        return new PrioritySenderHandle<>(this);
    }

    @Override
    int offer(Object e) {
        Entry en = e instanceof Entry x ? x : new Entry(0, e);
        lock.lock();
        try {
            if (closed || isClosed()) return SHUT;           // closeState too: no send after a close's CAS
            if (size >= capacity) return FULL;
            en.seq = nextSeq++;
            heap.add(en);
            size = heap.size();
            if (size > peak) peak = size;
            return OK;
        } finally {
            lock.unlock();
        }
    }

    @Override
    Object poll() {
        lock.lock();
        try {
            Entry en = heap.poll();
            if (en == null) return closed || isClosed() ? DRAINED : EMPTY;   // no offer succeeds once isClosed()
            size = heap.size();
            if (size == 0 && peak > SHRINK_ABOVE) {          // a drained burst gives its memory back
                heap = new PriorityQueue<>(ORDER);
                peak = 0;
            }
            return en.value;
        } finally {
            lock.unlock();
        }
    }

    @Override
    void freeze() {
        lock.lock();
        try {
            closed = true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    boolean supportsPermits() {
        return false;
    }

    @Override
    boolean reclaim(ReservedSlot<T> slot) {
        return false;
    }

    @Override
    boolean headPending() {
        return false;
    }

    @Override
    boolean hasRoom() {
        return size < capacity;
    }

    @Override
    boolean isEmpty0() {
        return size == 0;
    }

    @Override
    long buffered0() {
        return size;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    String describe() {
        return capacity == Integer.MAX_VALUE ? "priorityUnbounded()" : "priority(" + capacity + ")";
    }

    /** The sender handle of a priority channel: wraps a value in an {@link Entry} carrying its priority. */
    static final class PrioritySenderHandle<T> extends SenderHandle<T> implements PrioritySender<T> {
        PrioritySenderHandle(PriorityBufferChannel<T> channel) {
            super(channel);
        }

        @SuppressWarnings("unchecked")
        private T entry(T value, int priority) {
            return (T) new Entry(priority, channel.checkElement(value));
        }

        @Override
        public void send(T value, int priority) throws InterruptedException {
            T e = entry(value, priority);
            checkOpen("send");
            channel.send0(e, ChannelCore.FOREVER_NANOS);
        }

        @Override
        public boolean send(T value, int priority, Duration timeout) throws InterruptedException {
            T e = entry(value, priority);
            long nanos = ChannelCore.toNanos(timeout);
            checkOpen("send");
            return channel.send0(e, nanos);
        }

        @Override
        public boolean trySend(T value, int priority) {
            T e = entry(value, priority);
            checkOpen("trySend");
            return channel.trySend0(e);
        }

        @Override
        public PrioritySender<T> clone() {
            return (PrioritySender<T>) super.clone();
        }
    }
}
