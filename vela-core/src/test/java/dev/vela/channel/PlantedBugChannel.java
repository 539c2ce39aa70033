package dev.vela.channel;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A deliberately broken channel for negative controls: every Lincheck check must report it, so that a
 * setup that checks nothing (no instrumentation, a verifier that accepts everything, a scenario that
 * never races) cannot pass. A lock-based ring buffer ({@code capacity ≥ 1}) or hand-off slot
 * ({@code capacity 0}), correct except for the planted {@link Bug}.
 */
final class PlantedBugChannel implements ChannelOps {

    enum Bug {
        /** No bug (a sanity reference for the harness, not used as a control). */
        NONE,
        /**
         * The capacity check and the insert (bounded), or the read and the clearing of the hand-off slot
         * (rendezvous), happen in two critical sections: two senders can both pass the check and the
         * second overwrites a slot (a value is lost, another duplicated); two receivers can take the same value.
         */
        CHECK_THEN_ACT,
        /** close() throws buffered values away and lets a waiting rendezvous sender return as if delivered. */
        LOSE_ON_CLOSE
    }

    private final int capacity;
    private final Bug bug;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // guarded by lock
    private final Integer[] ring;
    private int head;
    private int count;
    private Integer slot;            // rendezvous hand-off
    private boolean closed;
    private Throwable cause;

    PlantedBugChannel(int capacity, Bug bug) {
        this.capacity = capacity;
        this.bug = bug;
        this.ring = new Integer[Math.max(capacity, 1)];
    }

    private ChannelClosedException closedException() {
        return new ChannelClosedException("planted-bug channel closed", cause);
    }

    /** Drops the lock and takes it again when the planted bug is a check-then-act. */
    private void maybeSplitCriticalSection() {
        if (bug == Bug.CHECK_THEN_ACT) {
            lock.unlock();
            lock.lock();
        }
    }

    private void insert(int v) {
        ring[(head + count) % capacity] = v;
        count++;
        changed.signalAll();
    }

    private Integer take() {
        Integer v = ring[head];
        ring[head] = null;
        head = (head + 1) % capacity;
        count--;
        changed.signalAll();
        return v;
    }

    @Override
    public boolean trySend(int v) {
        if (capacity == 0) throw new UnsupportedOperationException("rendezvous trySend is not modelled");
        lock.lock();
        try {
            if (closed) throw closedException();
            if (count >= capacity) return false;
            maybeSplitCriticalSection();
            insert(v);
            return true;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Integer tryReceive() {
        if (capacity == 0) throw new UnsupportedOperationException("rendezvous tryReceive is not modelled");
        lock.lock();
        try {
            if (count == 0) {
                if (closed) throw closedException();
                return null;
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void send(int v) throws InterruptedException {
        lock.lock();
        try {
            if (closed) throw closedException();
            if (capacity == 0) {
                while (slot != null) {
                    changed.await();
                    if (closed) throw closedException();
                }
                Integer boxed = v;
                slot = boxed;
                changed.signalAll();
                while (slot == boxed) {
                    if (closed) {
                        slot = null;
                        throw closedException();
                    }
                    changed.await();
                }
                return;
            }
            while (count >= capacity) {
                changed.await();
                if (closed) throw closedException();
            }
            maybeSplitCriticalSection();
            insert(v);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int receive() throws InterruptedException {
        lock.lock();
        try {
            if (capacity == 0) {
                while (slot == null) {
                    if (closed) throw closedException();
                    changed.await();
                }
                Integer v = slot;
                maybeSplitCriticalSection();
                slot = null;
                changed.signalAll();
                return v;
            }
            while (count == 0) {
                if (closed) throw closedException();
                changed.await();
            }
            return take();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        closeWith(null);
    }

    @Override
    public void fail(Throwable failure) {
        closeWith(failure);
    }

    private void closeWith(Throwable failure) {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            cause = failure;
            if (bug == Bug.LOSE_ON_CLOSE) {
                java.util.Arrays.fill(ring, null);
                count = 0;
                slot = null; // a waiting sender sees its value gone and returns as if it was received
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public boolean isEmpty() {
        lock.lock();
        try {
            return count == 0;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "PlantedBugChannel(" + capacity + ", " + bug + ")";
    }
}
