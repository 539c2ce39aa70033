package dev.vela.channel.internal;

import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.SelectClause;
import dev.vela.channel.WatchReceiver;
import dev.vela.time.internal.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One subscriber of a {@link WatchChannel}: the version it has seen, and the drivers of every way of
 * waiting for a newer one (blocking, timed, async, select) over the watch's signal channel (see the
 * overview in {@link WatchChannel}).
 *
 * <p>Marking a version seen is a CAS from the version read before the state was read, so each of this
 * subscriber's operations is atomic even when threads share it (the contract asks for one consumer;
 * Lincheck checks the shared case too). An operation that read {@code seen}, then the state, and
 * finds {@code seen} unchanged by its CAS linearizes at its read of the state.
 *
 * @param <T> the value type
 */
public final class WatchSubscription<T> implements WatchReceiver<T> {

    private static final VarHandle SEEN;
    private static final VarHandle CLOSED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SEEN = l.findVarHandle(WatchSubscription.class, "seen", long.class);
            CLOSED = l.findVarHandle(WatchSubscription.class, "closed", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A closed signal channel: a select clause on it is ready at once (a change is already there). */
    private static final RendezvousChannel<Object> READY = new RendezvousChannel<>();

    static {
        READY.close();
    }

    /** Nothing is ever sent on a signal channel. */
    private static final Function<Object, Object> NEVER_SENT = v -> {
        throw new AssertionError("a value was sent on a watch's signal channel: " + v);
    };

    private final WatchChannel<T> watch;

    /** The version of the last value seen. Volatile, CAS ({@link #SEEN}); only grows; never above the watch's version. */
    private volatile long seen;

    /** Whether {@link #close()} ran. Volatile; false → true once by CAS ({@link #CLOSED}). */
    private volatile boolean closed;

    WatchSubscription(WatchChannel<T> watch, long seen) {
        this.watch = watch;
        this.seen = seen;
    }

    // ---- non-blocking ------------------------------------------------------------------------------

    @Override
    public T value() {
        for (;;) {
            long cur = seen;
            WatchChannel.State<T> s = watch.state();
            if (s.version() <= cur || SEEN.compareAndSet(this, cur, s.version())) return s.value();
        }
    }

    @Override
    public long seenVersion() {
        return seen;
    }

    @Override
    public boolean hasChanged() {
        for (;;) {
            long cur = seen;
            WatchChannel.State<T> s = watch.state();
            if (seen == cur) return s.version() > cur;
        }
    }

    /** Marks the current snapshot seen if it is newer and returns it; null if nothing is newer. */
    private WatchChannel.State<T> takeNewer() {
        for (;;) {
            long cur = seen;
            WatchChannel.State<T> s = watch.state();
            if (s.version() <= cur) return null;
            if (SEEN.compareAndSet(this, cur, s.version())) return s;
        }
    }

    /** Whether nothing newer can come: this subscriber closed, or the watch closed and its last version seen. */
    private ChannelClosedException closedNow(String operation) {
        if (closed) return new ChannelClosedException(operation + " on a closed subscriber of " + watch, null);
        WatchChannel.State<T> s = watch.state();
        if (s.closed() && s.version() <= seen) return watch.closedException(operation);
        return null;
    }

    // ---- blocking ----------------------------------------------------------------------------------

    @Override
    public T changed() throws InterruptedException {
        return await(ChannelCore.FOREVER_NANOS, "changed");
    }

    @Override
    public T changed(Duration timeout) throws InterruptedException {
        return await(ChannelCore.toNanos(timeout), "changed");
    }

    @Override
    public T waitFor(Predicate<? super T> predicate) throws InterruptedException {
        return waitFor(predicate, ChannelCore.FOREVER_NANOS);
    }

    @Override
    public T waitFor(Predicate<? super T> predicate, Duration timeout) throws InterruptedException {
        return waitFor(predicate, ChannelCore.toNanos(timeout));
    }

    private T waitFor(Predicate<? super T> predicate, long nanos) throws InterruptedException {
        if (predicate == null) throw new NullPointerException("predicate must not be null");
        boolean timed = nanos < ChannelCore.FOREVER_NANOS;
        long deadline = timed ? Clock.nanoTime() + nanos : 0L;
        ChannelClosedException gone = closed ? closedNow("waitFor") : null;
        if (gone != null) throw gone;
        T v = value();
        while (!predicate.test(v)) {
            long left = timed ? deadline - Clock.nanoTime() : ChannelCore.FOREVER_NANOS;
            v = await(Math.max(left, 0L), "waitFor");
            if (v == null) return null;
        }
        return v;
    }

    /**
     * The blocking and timed driver: take a newer version, or wait on the signal of the current one
     * and look again. {@code nanos == FOREVER_NANOS} waits without a deadline; 0 only checks.
     */
    private T await(long nanos, String operation) throws InterruptedException {
        boolean timed = nanos < ChannelCore.FOREVER_NANOS;
        long deadline = timed && nanos > 0 ? Clock.nanoTime() + nanos : 0L;
        for (;;) {
            if (closed) throw closedNow(operation);
            WatchChannel.State<T> s = takeNewer();
            if (s != null) return s.value();
            ChannelClosedException gone = closedNow(operation);
            if (gone != null) throw gone;
            long left = ChannelCore.FOREVER_NANOS;
            if (timed) {
                if (nanos == 0L || (left = deadline - Clock.nanoTime()) <= 0L) return null;
            }
            RendezvousChannel<Object> signal = watch.awaitSignal(seen);
            if (signal == null) continue;                  // newer or closed meanwhile: look again
            // Nothing is sent on a signal: this returns null only on timeout, and SEL_DRAINED (no
            // exception: a close is the expected wake-up) when the version we waited on was replaced.
            if (signal.receiveOrClosed0(left) == null) return null;
            // the state moved on: look again
        }
    }

    // ---- async -------------------------------------------------------------------------------------

    @Override
    public CompletableFuture<T> changedAsync() {
        ChangeFuture<T> out = new ChangeFuture<>();
        arm(out);
        return out;
    }

    /**
     * Completes {@code out} if a newer version or the end is there; otherwise registers an async receive
     * on the current signal that calls this again when the state is replaced. Withdrawing {@code out}
     * (cancel, orTimeout) cancels that receive, which takes it out of the signal's queue.
     */
    private void arm(ChangeFuture<T> out) {
        for (;;) {
            if (out.isDone()) return;
            long cur = seen;
            WatchChannel.State<T> s = watch.state();
            if (!closed && s.version() > cur) {
                if (!out.claim()) return;                  // withdrawn
                WatchChannel.State<T> taken = takeNewer();
                if (taken != null) {
                    out.deliver(taken.value());
                    return;
                }
                out.unclaim();                             // a thread sharing this subscriber took it first
                continue;
            }
            ChannelClosedException gone = closedNow("changedAsync");
            if (gone != null) {
                if (out.claim()) out.fail(gone);
                return;
            }
            RendezvousChannel<Object> signal = watch.awaitSignal(cur);
            if (signal == null) continue;
            CompletableFuture<Object> wait = AsyncOp.receiveOrClosed(signal);   // completes, never fails, on the close
            out.whenComplete((v, e) -> {
                if (e != null) wait.cancel(false);
            });
            wait.whenComplete((v, e) -> arm(out));
            return;
        }
    }

    /**
     * The future of {@link #changedAsync()}: whoever first moves {@link #owner} from OPEN decides the
     * outcome — {@link #arm} (CLAIMED: it marks the version seen, then completes with the value) or a
     * withdrawal ({@code cancel}, {@code orTimeout}, any outside completion: WITHDRAWN, nothing marked).
     * So a successful cancel never races with a version being marked seen.
     */
    private static final class ChangeFuture<T> extends CompletableFuture<T> {
        static final int OPEN = 0, CLAIMED = 1, WITHDRAWN = 2;
        private static final VarHandle OWNER;

        static {
            try {
                OWNER = MethodHandles.lookup().findVarHandle(ChangeFuture.class, "owner", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Volatile, CAS ({@link #OWNER}): OPEN → CLAIMED (→ OPEN again only by unclaim) or OPEN → WITHDRAWN. */
        private volatile int owner;

        boolean claim() {
            return OWNER.compareAndSet(this, OPEN, CLAIMED);
        }

        void unclaim() {
            owner = OPEN;
        }

        void deliver(T value) {
            super.complete(value);
        }

        void fail(Throwable failure) {
            super.completeExceptionally(failure);
        }

        @Override
        public boolean complete(T value) {
            return OWNER.compareAndSet(this, OPEN, WITHDRAWN) && super.complete(value);
        }

        @Override
        public boolean completeExceptionally(Throwable failure) {
            return OWNER.compareAndSet(this, OPEN, WITHDRAWN) && super.completeExceptionally(failure);
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return OWNER.compareAndSet(this, OPEN, WITHDRAWN) && super.cancel(mayInterruptIfRunning);
        }
    }

    // ---- select ------------------------------------------------------------------------------------

    @Override
    public <R> SelectClause<R> onChanged(Function<? super T, ? extends R> fn) {
        return clause(fn, null);
    }

    @Override
    public <R> SelectClause<R> onChangedOrClosed(Function<? super T, ? extends R> fn, Supplier<? extends R> onClosed) {
        if (onClosed == null) throw new NullPointerException("onClosed must not be null");
        return clause(fn, onClosed);
    }

    /**
     * A receive-or-closed clause on the signal of the version seen now (or on {@link #READY} when a
     * newer version or the end is already there). When chosen — its signal closed — it takes the newest
     * version, or reports the end.
     */
    private <R> SelectClause<R> clause(Function<? super T, ? extends R> fn, Supplier<? extends R> onClosed) {
        if (fn == null) throw new NullPointerException("fn must not be null");
        RendezvousChannel<Object> signal;
        for (;;) {
            long cur = seen;
            WatchChannel.State<T> s = watch.state();
            if (closed || s.version() > cur || s.closed()) {
                signal = READY;
                break;
            }
            signal = watch.awaitSignal(cur);
            if (signal != null) break;
        }
        Supplier<R> chosen = () -> {
            if (!closed) {
                WatchChannel.State<T> s = takeNewer();
                if (s != null) return fn.apply(s.value());
            }
            ChannelClosedException gone = closedNow("onChanged");
            if (gone != null) {
                if (onClosed != null) return onClosed.get();
                throw gone;
            }
            return fn.apply(value());   // another thread sharing this subscriber took the change first
        };
        @SuppressWarnings("unchecked")
        Function<Object, R> never = (Function<Object, R>) (Function<?, ?>) NEVER_SENT;
        return Clause.receiveOrClosed(signal, never, chosen);
    }

    // ---- closing -----------------------------------------------------------------------------------

    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, false, true)) watch.released();
    }

    @Override
    public boolean isClosed() {
        return closed || watch.isClosed();
    }

    @Override
    public String toString() {
        return "subscriber of " + watch + " (seen version " + seen + (closed ? ", closed)" : ")");
    }
}
