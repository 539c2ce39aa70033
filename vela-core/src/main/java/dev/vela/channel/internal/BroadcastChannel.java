package dev.vela.channel.internal;

import dev.vela.time.internal.Clock;
import dev.vela.channel.Broadcast;
import dev.vela.channel.BroadcastSender;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.ChannelLaggedException;
import dev.vela.channel.ChannelStats;
import dev.vela.channel.Overflow;
import dev.vela.channel.Receiver;
import dev.vela.channel.SelectClause;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@link Broadcast} implementation (internal: users code against {@link Broadcast}).
 *
 * <h2>Implementation overview</h2>
 * Each subscription is a lock-free bounded channel of this package ({@code BoundedChannel}: SUSPEND
 * for BACKPRESSURE, DROP_OLDEST for LAG). A send fans out to a copy-on-write array of subscriptions
 * under one {@link ReentrantLock}, so all subscribers see the sends of concurrent senders in the same
 * order; since only the lock holder adds to the subscriptions, room seen under the lock stays there.
 * BACKPRESSURE: the sender waits until every subscription has room (parking in each one's queue of
 * blocked senders, woken by its receivers like any sender) and then offers the value to each, which
 * cannot fail; an interrupt or timeout while waiting therefore sent nothing to anybody. LAG: each
 * value travels in a small envelope with its sequence number, one per send shared by all subscribers;
 * a subscriber that sees a number beyond the one it expected reports the difference as its lag.
 * A subscription whose receiver was closed is dropped from the array at the next send. See
 * docs/adr/0023-broadcast-channels.md.
 *
 * @param <T> the element type
 */
public final class BroadcastChannel<T> implements Broadcast<T> {

    /** A LAG-mode value with its sequence number (one per send, shared by every subscription). */
    record Envelope(long seq, Object value) {}

    private final int capacity;
    private final Mode mode;
    /** Serializes sends, subscribes and close (fan-out order is the same for every subscriber). */
    private final ReentrantLock lock = new ReentrantLock();
    /** Copy-on-write; replaced under the lock, read by the lock holder (volatile for subscriberCount). */
    @SuppressWarnings("unchecked")
    private volatile BoundedChannel<Object>[] subs = new BoundedChannel[0];
    /** LAG: the sequence number of the next send. Guarded by lock. */
    private long nextSeq;
    /** null while open, then ChannelCore.CLOSED_NORMALLY or the failure. Written under the lock (volatile). */
    private volatile Object closeState;
    /** Sender handles not yet released; 1 → 0 closes. */
    private final AtomicInteger openSenders = new AtomicInteger(1);
    private final BroadcastSenderHandle<T> sender;

    /**
     * Creates a broadcast channel (for {@code Channel.broadcast}).
     *
     * @param capacity each subscriber's buffer size, at least 1
     * @param mode     the slow-subscriber policy
     */
    public BroadcastChannel(int capacity, Mode mode) {
        if (capacity < 1) throw new IllegalArgumentException("broadcast capacity must be >= 1, got " + capacity);
        if (mode == null) throw new NullPointerException("broadcast mode must not be null");
        this.capacity = capacity;
        this.mode = mode;
        this.sender = new BroadcastSenderHandle<>(this);
    }

    @Override
    public BroadcastSender<T> sender() {
        return sender;
    }

    @Override
    public Receiver<T> subscribe() {
        Options o = new Options(mode == Mode.LAG ? Overflow.DROP_OLDEST : Overflow.SUSPEND, null, false);
        BoundedChannel<Object> ch = new BoundedChannel<>(capacity, o);
        lock.lock();
        try {
            Object s = closeState;
            if (s != null) {
                ch.closeWith(s);
            } else {
                BoundedChannel<Object>[] now = subs;
                BoundedChannel<Object>[] next = Arrays.copyOf(now, now.length + 1);
                next[now.length] = ch;
                subs = next;
            }
            return mode == Mode.LAG ? new Subscription<>(ch, nextSeq, lock) : castReceiver(ch);
        } finally {
            lock.unlock();
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Receiver<T> castReceiver(BoundedChannel<Object> ch) {
        return (Receiver<T>) (Receiver<?>) ch.receiver();
    }

    @Override
    public int subscriberCount() {
        int n = 0;
        for (BoundedChannel<Object> s : subs) if (!s.isClosed()) n++;
        return n;
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public Mode mode() {
        return mode;
    }

    @Override
    public void close() {
        closeWith(ChannelCore.CLOSED_NORMALLY);
    }

    @Override
    public boolean isClosed() {
        return closeState != null;
    }

    @Override
    public String toString() {
        return "Broadcast(" + capacity + ", " + mode + ")@" + Integer.toHexString(System.identityHashCode(this));
    }

    // ---- used by BroadcastSenderHandle ----------------------------------------------------------------

    void closeWith(Object state) {
        lock.lock();
        try {
            if (closeState != null) return;
            closeState = state;
            for (BoundedChannel<Object> s : subs) s.closeWith(state);
            @SuppressWarnings("unchecked")
            BoundedChannel<Object>[] none = new BoundedChannel[0];
            subs = none;
        } finally {
            lock.unlock();
        }
    }

    void retainSender() {
        openSenders.incrementAndGet();
    }

    void releaseSender() {
        if (openSenders.decrementAndGet() == 0) close();
    }

    ChannelClosedException closedException(String op) {
        Object s = closeState;
        Throwable cause = s instanceof Throwable t ? t : null;
        return new ChannelClosedException(op + " on " + this + ": broadcast " + (cause == null ? "closed" : "failed (" + cause + ")"), cause);
    }

    /**
     * Delivers {@code value} to every subscriber, waiting at most {@code nanos} (0: not at all;
     * FOREVER_NANOS: no limit). Returns false (nobody got it) if that was not enough.
     */
    boolean send(T value, long nanos) throws InterruptedException {
        long deadline = ChannelCore.deadline(nanos);
        boolean forever = nanos >= ChannelCore.FOREVER_NANOS;
        if (nanos == 0 || mode == Mode.LAG) {
            if (!lock.tryLock()) {
                if (nanos == 0 && mode == Mode.BACKPRESSURE) return false;
                lock.lockInterruptibly();                     // LAG sends never wait for room, only for the lock
            }
        } else if (forever) {
            lock.lockInterruptibly();
        } else if (!lock.tryLock(nanos, java.util.concurrent.TimeUnit.NANOSECONDS)) {
            return false;
        }
        try {
            if (closeState != null) throw closedException("send");
            BoundedChannel<Object>[] now = subs;
            if (mode == Mode.LAG) {
                Envelope env = new Envelope(nextSeq++, value);
                for (BoundedChannel<Object> s : now) {
                    if (s.selectTrySend(env) == ChannelCore.SEL_CLOSED) unsubscribe(s);
                }
                return true;
            }
            boolean room = true;
            for (BoundedChannel<Object> s : now) room &= s.hasRoom() || s.isClosed();
            if (room) {                                      // stable: only the lock holder adds
                for (BoundedChannel<Object> s : now) {
                    if (s.selectTrySend(value) == ChannelCore.SEL_CLOSED) unsubscribe(s);
                }
                return true;
            }
            if (nanos == 0) return false;
            return sendAfterRoom(now, value, forever, deadline);
        } finally {
            lock.unlock();
        }
    }

    /**
     * BACKPRESSURE with a full subscriber: wait for room in every one (room stays: only the lock
     * holder adds), then offer to all; a timeout or an interrupt while waiting sent nothing.
     */
    private boolean sendAfterRoom(BoundedChannel<Object>[] now, T value, boolean forever, long deadline)
            throws InterruptedException {
        for (BoundedChannel<Object> s : now) {
            long left = forever ? ChannelCore.FOREVER_NANOS : Math.max(0, deadline - Clock.nanoTime());
            if (!s.awaitRoom(left)) return false;
        }
        for (BoundedChannel<Object> s : now) {
            if (s.selectTrySend(value) == ChannelCore.SEL_CLOSED) unsubscribe(s);
        }
        return true;
    }

    /** Removes a subscription whose receiver was closed. Under the lock. */
    private void unsubscribe(BoundedChannel<Object> s) {
        BoundedChannel<Object>[] now = subs;
        int i = Arrays.asList(now).indexOf(s);
        if (i < 0) return;
        @SuppressWarnings("unchecked")
        BoundedChannel<Object>[] next = new BoundedChannel[now.length - 1];
        System.arraycopy(now, 0, next, 0, i);
        System.arraycopy(now, i + 1, next, i, now.length - i - 1);
        subs = next;
    }

    /**
     * The future of a LAG-mode {@code receiveAsync}: the unwrapped value of the underlying channel
     * operation. Cancelling it (or {@code orTimeout}) withdraws that operation, as for every channel's
     * async receive; if the envelope already moved, the withdrawal fails and the value arrives here,
     * so nothing is lost between the two futures.
     */
    private static final class Unwrapped<T> extends CompletableFuture<T> {
        private final CompletableFuture<?> op;

        Unwrapped(CompletableFuture<?> op) {
            this.op = op;
        }

        void settle(T value, Throwable failure) {
            if (failure == null) super.complete(value); else super.completeExceptionally(failure);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return op.cancel(mayInterruptIfRunning) && isCancelled();
        }

        @Override
        public boolean completeExceptionally(Throwable ex) {
            return op.completeExceptionally(ex);
        }

        @Override
        public boolean complete(T value) {
            throw new UnsupportedOperationException("a channel operation's future completes by itself; use cancel() to withdraw it");
        }

        @Override
        public <U> CompletableFuture<U> newIncompleteFuture() {
            return new CompletableFuture<>();
        }
    }

    /**
     * A LAG-mode subscription: unwraps envelopes and turns a gap in their sequence numbers into one
     * {@link ChannelLaggedException}, keeping the value that revealed the gap for the next receive.
     *
     * <p>A lag is a value, never an end: the exception is not a {@link ChannelClosedException}, the
     * subscription stays open, and a select's "or closed" branch never sees it. Receives that look at
     * {@link #held} first (receive, tryReceive, the batches) return the kept value next. A select or an
     * async receive takes from the channel itself and cannot look first; when it gets a value while
     * older ones are held, it returns the oldest held one and holds its own behind it
     * ({@link #deliverTaken}), so nothing is lost or reordered and no lag is reported twice. Held values
     * go back into the channel as soon as it is empty ({@link #requeueHeld}), so a select finds them;
     * after a close, the select's closed outcome returns them before reporting the end (ADR 0023).
     */
    static final class Subscription<T> implements Receiver<T> {
        private final BoundedChannel<Object> channel;
        /** The next sequence number this subscriber expects (guarded by this). */
        private long expected;
        /**
         * Envelopes taken from the channel and not yet returned, oldest first (guarded by this): the one
         * that revealed a lag, and one a select or async receive took behind it. Empty almost always.
         */
        private final java.util.ArrayDeque<Envelope> held = new java.util.ArrayDeque<>(2);

        /** The broadcast's lock: held by every send, so an empty channel stays empty while it is held. */
        private final ReentrantLock sends;

        Subscription(BoundedChannel<Object> channel, long firstSeq, ReentrantLock sends) {
            this.channel = channel;
            this.expected = firstSeq;
            this.sends = sends;
        }

        /**
         * If the channel is empty, puts the held envelopes back into it, oldest first, under the
         * broadcast's lock (no send can come in between, and nothing else adds), so that a select or an
         * async receive, which look only at the channel, find them: a held value never waits for the next
         * send. If the channel is not empty they stay held, ahead of it. Caller holds this; rare (after a
         * lag only). {@code tryLock}, never {@code lock}: a sender that holds the lock may be completing an
         * async receive of this subscription inline and need this monitor (no lock-order cycle).
         */
        private void requeueHeld() {
            if (held.isEmpty() || !sends.tryLock()) return;         // busy: stay held, retried at the next delivery
            try {
                if (!channel.isEmpty0()) return;
                while (!held.isEmpty() && channel.buffered0() < channel.capacity()) {
                    Envelope h = held.pollFirst();          // out of held before the offer may wake anyone
                    if (channel.selectTrySend(h) != ChannelCore.SEL_OK) {
                        held.addFirst(h);                   // closed: the closed outcome returns it
                        return;
                    }
                }
            } finally {
                sends.unlock();
            }
        }

        /** Bookkeeping for one received envelope (or the drained/empty markers): the value, or a lag. */
        @SuppressWarnings("unchecked")
        private synchronized T deliver(Envelope e) {
            if (e.seq() > expected) {
                long missed = e.seq() - expected;
                held.addFirst(e);                           // e was the oldest pending: it stays first
                expected = e.seq();
                requeueHeld();
                throw new ChannelLaggedException(missed, toString());
            }
            expected = e.seq() + 1;
            return (T) e.value();
        }

        /**
         * Bookkeeping for an envelope a select or an async receive took from the channel without looking
         * at {@link #held} first: if older envelopes are held, the oldest is delivered and {@code e} is
         * held behind it.
         */
        private synchronized T deliverTaken(Envelope e) {
            Envelope h = held.pollFirst();
            if (h == null) return deliver(e);
            held.addLast(e);
            try {
                return deliver(h);
            } finally {
                requeueHeld();
            }
        }

        private synchronized Envelope takeHeld() {
            return held.pollFirst();
        }

        private T receiveWith(long nanos) throws InterruptedException {
            Envelope h = takeHeld();
            if (h != null) return deliver(h);
            Envelope e = (Envelope) channel.receive0(nanos);
            return e == null ? null : deliver(e);
        }

        @Override
        public T receive() throws InterruptedException {
            return receiveWith(ChannelCore.FOREVER_NANOS);
        }

        @Override
        public T receive(Duration timeout) throws InterruptedException {
            return receiveWith(ChannelCore.toNanos(timeout));
        }

        @Override
        public T tryReceive() {
            Envelope h = takeHeld();
            if (h != null) return deliver(h);
            Envelope e = (Envelope) channel.tryReceive0();
            return e == null ? null : deliver(e);
        }

        /*
         * Batch receive (docs/adr/0039-receive-many.md). The first value comes as from receive or
         * tryReceive, so a lag found there is thrown with nothing moved. A lag found after values were
         * moved ends the batch instead: the envelope is kept, with the expected number unchanged, so
         * the next receive reports the lag and the one after returns the envelope's value.
         */

        @Override
        public int tryReceiveMany(java.util.Collection<? super T> into, int max) {
            ChannelCore.checkMany(into, max);
            T first = tryReceive();
            return first == null ? 0 : moreInto(into, max, first);
        }

        @Override
        public int receiveMany(java.util.Collection<? super T> into, int max) throws InterruptedException {
            ChannelCore.checkMany(into, max);
            return moreInto(into, max, receiveWith(ChannelCore.FOREVER_NANOS));
        }

        @Override
        public int receiveMany(java.util.Collection<? super T> into, int max, Duration timeout) throws InterruptedException {
            ChannelCore.checkMany(into, max);
            T first = receiveWith(ChannelCore.toNanos(timeout));
            return first == null ? 0 : moreInto(into, max, first);
        }

        private int moreInto(java.util.Collection<? super T> into, int max, T first) {
            int n = 0;
            for (Object v = first; ; ) {
                ChannelCore.addTo(into, v, n);
                if (++n == max) return n;
                Object e = takeHeld();
                if (e == null) e = channel.selectTryReceive();
                if (e == ChannelCore.SEL_EMPTY || e == ChannelCore.SEL_DRAINED) return n;
                if ((v = acceptInBatch((Envelope) e)) == null) return n;
            }
        }

        /** The envelope's value if it is the one expected; else (a lag) keeps it for the next receive and returns null. */
        private synchronized Object acceptInBatch(Envelope e) {
            if (e.seq() > expected) {
                held.addFirst(e);                           // expected unchanged: the next receive reports the lag
                requeueHeld();
                return null;
            }
            expected = e.seq() + 1;
            return e.value();
        }

        @Override
        public CompletableFuture<T> receiveAsync() {
            Envelope h = takeHeld();
            if (h != null) {
                try {
                    return CompletableFuture.completedFuture(deliver(h));
                } catch (ChannelLaggedException lag) {
                    return CompletableFuture.failedFuture(lag);
                }
            }
            CompletableFuture<Object> op = AsyncOp.receive(channel);
            Unwrapped<T> result = new Unwrapped<>(op);
            op.whenComplete((e, failure) -> {
                if (failure != null) {
                    result.settle(null, failure);
                    return;
                }
                try {
                    result.settle(deliverTaken((Envelope) e), null);
                } catch (ChannelLaggedException lag) {
                    result.settle(null, lag);
                }
            });
            return result;
        }

        /*
         * Select clauses. The channel's closed-and-drained outcome first returns what is held (a select
         * cannot look at it before committing), so "closed" is chosen only once nothing is left: onReceive
         * is an "or closed" clause whose closed branch returns a held value or throws as onReceive does.
         */

        @Override
        public <R> SelectClause<R> onReceive(Function<? super T, ? extends R> fn) {
            if (fn == null) throw new NullPointerException("onReceive function must not be null");
            return Clause.receiveOrClosed(channel, (Envelope e) -> fn.apply(deliverTaken(e)), () -> {
                Envelope h = takeHeld();
                if (h != null) return fn.apply(deliver(h));
                throw channel.closedException("select onReceive");
            });
        }

        @Override
        public <R> SelectClause<R> onReceiveOrClosed(Function<? super T, ? extends R> fn, Supplier<? extends R> onClosed) {
            if (fn == null) throw new NullPointerException("onReceiveOrClosed value function must not be null");
            if (onClosed == null) throw new NullPointerException("onReceiveOrClosed closed supplier must not be null");
            return Clause.receiveOrClosed(channel, (Envelope e) -> fn.apply(deliverTaken(e)), () -> {
                Envelope h = takeHeld();
                return h != null ? fn.apply(deliver(h)) : onClosed.get();
            });
        }

        @Override
        public void close() {
            channel.close();
        }

        @Override
        public boolean isClosed() {
            return channel.isClosed();
        }

        @Override
        public synchronized boolean isEmpty() {
            return held.isEmpty() && channel.isEmpty0();
        }

        /** The channel's snapshot, with the held envelopes counted as buffered (they are received next). */
        @Override
        public ChannelStats stats() {
            ChannelStats s = channel.stats();
            int h;
            synchronized (this) {
                h = held.size();
            }
            return new ChannelStats(Math.min(s.capacity(), s.buffered() + h), s.capacity(), s.waitingSenders(), s.waitingReceivers());
        }

        @Override
        public String toString() {
            return "Subscription[" + channel.describe() + "]@" + Integer.toHexString(System.identityHashCode(this));
        }
    }
}
