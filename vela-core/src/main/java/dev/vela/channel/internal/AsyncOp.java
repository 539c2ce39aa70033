package dev.vela.channel.internal;

import dev.vela.time.internal.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;

/**
 * {@code sendAsync}/{@code receiveAsync}: a pending channel operation that is also its own
 * {@link CompletableFuture}. No thread is held while it waits.
 *
 * <h2>Idea</h2>
 * The same algorithm as a blocking call, with the thread taken out: try the channel's non-blocking
 * operation; if it cannot complete, enqueue an {@link AsyncWaiter} in the same queue a blocked
 * thread would use, re-check, and return. When a peer completes the waiter, the operation resumes
 * <em>in the peer's thread</em>, after the peer's own operation has taken effect, and completes the
 * future there, so its dependent stages run in that thread, as {@link CompletableFuture} documents
 * for every non-async stage (docs/adr/0013-async-resumes-inline.md).
 *
 * <h2>Resuming: a per-thread trampoline</h2>
 * A dependent stage may itself start async operations that complete other waiters, whose stages
 * start more: resuming recursively would grow the stack without bound. So a thread that is already
 * resuming queues further resumptions in its {@link Trampoline} and runs them in its outermost
 * frame, one after another. Threads that must never run user code (the timer thread of
 * {@link Timers}) call {@link #resumeElsewhere()}: their wake-ups resume on a new virtual thread.

 * <h2>States ({@link #phase})</h2>
 * <ul>
 *   <li>{@link #RUNNING}: one thread is running an attempt (non-blocking, short);</li>
 *   <li>{@link #WAITING}: a waiter is enqueued and nobody runs; whoever moves it back to RUNNING by
 *       CAS (the resumer after a peer's completion, or {@code cancel}) owns the operation;</li>
 *   <li>{@link #FINISHED}: the future is completed.</li>
 * </ul>
 * {@link #cancel} and {@link #completeExceptionally} (which {@code orTimeout} uses) withdraw the
 * operation: they take ownership, cancel the waiter and complete the future, unless a peer already
 * committed the value (a rendezvous hand-over), in which case the value wins and they return false.
 * So a cancelled or timed-out async operation had no effect, as for blocking calls.
 */
final class AsyncOp<T> extends CompletableFuture<T> {
    private static final int RUNNING = 0, WAITING = 1, FINISHED = 2;
    private static final VarHandle PHASE;

    static {
        try {
            PHASE = MethodHandles.lookup().findVarHandle(AsyncOp.class, "phase", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final ChannelCore<?> channel;
    /** The element to send, or null for a receive. */
    private final Object element;
    /** RUNNING, WAITING or FINISHED; see class comment (volatile; CAS). */
    @SuppressWarnings("unused")
    private volatile int phase = RUNNING;
    /** The waiter of the current wait; written by the owner before phase becomes WAITING. */
    private AsyncWaiter current;
    /** A receive that completes with {@link ChannelCore#SEL_DRAINED} instead of failing when closed (final). */
    private final boolean orClosed;
    /** Whether this operation has already been counted as one that waited (owner only; plain). */
    private boolean waited;

    private AsyncOp(ChannelCore<?> channel, Object element) {
        this(channel, element, false);
    }

    private AsyncOp(ChannelCore<?> channel, Object element, boolean orClosed) {
        this.channel = channel;
        this.element = element;
        this.orClosed = orClosed;
    }

    static CompletableFuture<Void> send(ChannelCore<?> ch, Object value) {
        AsyncOp<Void> op = new AsyncOp<>(ch, value);
        op.attempt();
        return op;
    }

    static <T> CompletableFuture<T> receive(ChannelCore<T> ch) {
        AsyncOp<T> op = new AsyncOp<>(ch, null);
        op.attempt();
        return op;
    }

    /**
     * {@link #receive} without the exception (package-internal, for waits where the close is the
     * expected outcome, as the watch's signal): completes with the element, or with
     * {@link ChannelCore#SEL_DRAINED} when the channel is closed and drained; withdrawn as any other.
     */
    static CompletableFuture<Object> receiveOrClosed(ChannelCore<?> ch) {
        AsyncOp<Object> op = new AsyncOp<>(ch, null, true);
        op.attempt();
        return op;
    }

    /** A waiter whose completion resumes the operation instead of unparking a thread. */
    static final class AsyncWaiter extends Waiter {
        private final AsyncOp<?> op;

        AsyncWaiter(AsyncOp<?> op, Object element) {
            super(null, element);
            this.op = op;
        }

        @Override
        void wake() {
            Trampoline.run(op);
        }
    }

    /**
     * Marks the current thread as one whose wake-ups must not run user code: async operations it
     * completes resume on a new virtual thread instead of inline (used by the timer thread).
     */
    static void resumeElsewhere() {
        Trampoline.CURRENT.get().inline = false;
    }

    /**
     * Runs {@code task} as {@link #resumeElsewhere()} would have it, then lets the current thread
     * resume async operations inline again (a virtual clock runs timer tasks on the thread that
     * moves it, which is not a timer thread).
     */
    static void resumingElsewhere(Runnable task) {
        Trampoline t = Trampoline.CURRENT.get();
        boolean was = t.inline;
        t.inline = false;
        try {
            task.run();
        } finally {
            t.inline = was;
        }
    }

    /**
     * Per-thread queue of resumptions (confined to its thread: plain fields). {@code depth > 0}
     * while the thread is inside {@link #run}; nested wake-ups are queued, not run recursively.
     */
    private static final class Trampoline {
        static final ThreadLocal<Trampoline> CURRENT = ThreadLocal.withInitial(Trampoline::new);
        private final java.util.ArrayDeque<AsyncOp<?>> pending = new java.util.ArrayDeque<>();
        private boolean running;
        /** False on threads that must not run user code (see {@link #resumeElsewhere()}). */
        private boolean inline = true;

        static void run(AsyncOp<?> op) {
            Trampoline t = CURRENT.get();
            if (!t.inline) {
                Clock.start(Thread.ofVirtual().name("vela-async").unstarted(op::resume));
                return;
            }
            if (t.running) {
                t.pending.add(op);
                return;
            }
            t.running = true;
            try {
                for (AsyncOp<?> next = op; next != null; next = t.pending.poll()) {
                    next.resume();                 // never throws: failures complete the future
                }
            } finally {
                t.running = false;
            }
        }
    }

    private WaitQueue queue() {
        return element != null ? channel.sendWaiters() : channel.receiveWaiters();
    }

    /** Owned (phase RUNNING): tries until the operation finishes or a waiter is parked; then releases. */
    @SuppressWarnings("unchecked")
    private void attempt() {
        while (true) {
            if (element != null) {
                int r = channel.selectTrySend(element);
                if (r != ChannelCore.SEL_NOT_READY) {
                    finish(null, r == ChannelCore.SEL_OK ? null : channel.closedException("sendAsync"));
                    return;
                }
            } else {
                Object e = channel.selectTryReceive();
                if (e != ChannelCore.SEL_EMPTY) {
                    if (e == ChannelCore.SEL_DRAINED && !orClosed) finish(null, channel.closedException("receiveAsync"));
                    else finish((T) e, null);
                    return;
                }
            }
            AsyncWaiter w = new AsyncWaiter(this, element);
            if (!waited) {                                         // metrics: this operation had to wait
                waited = true;
                if (element != null) channel.countSendWaited(); else channel.countReceiveWaited();
            }
            current = w;
            queue().add(w);
            boolean ready = element != null ? channel.sendReady(null) : channel.receiveReady(null);   // no select
            if (ready && w.cancel()) {                             // re-check found progress: retry now
                queue().remove(w);
                continue;
            }
            if (!release()) return;                                // a peer's resume owns it now
            if (handle(w)) return;                                 // completed before we let go: ours to handle
        }
    }

    /**
     * Owned: lets go (phase WAITING) unless the current waiter is already completed, in which case
     * it keeps (or takes back) ownership and returns true so the caller handles it.
     */
    private boolean release() {
        PHASE.setVolatile(this, WAITING);
        return current.state() != null && PHASE.compareAndSet(this, WAITING, RUNNING);
    }

    /** A peer completed a waiter of this operation: take ownership and continue (in the peer's thread). */
    private void resume() {
        if (!PHASE.compareAndSet(this, WAITING, RUNNING)) return;  // someone else owns it, or finished
        AsyncWaiter w = current;
        if (w.state() == null) {                                   // a stale wake-up: nothing to do
            if (release() && !handle(w)) attempt();
            return;
        }
        if (!handle(w)) attempt();
    }

    /** Owned; w is completed. Returns true if the operation finished, false to try again. */
    @SuppressWarnings("unchecked")
    private boolean handle(AsyncWaiter w) {
        Object s = w.state();
        if (s == Waiter.TAKEN) {                                   // rendezvous: our element was received
            finish(null, null);
            return true;
        }
        if (s == Waiter.NOTIFIED || s == Waiter.RETRY || s == Waiter.CLOSED) return false;
        finish((T) s, null);                                       // rendezvous: an element was handed to us
        return true;
    }

    private void finish(T value, Throwable failure) {
        PHASE.setVolatile(this, FINISHED);
        if (failure == null) super.complete(value); else super.completeExceptionally(failure);
    }

    /**
     * Withdraws the operation if it has not committed: then completes with {@code failure} (or as
     * cancelled) and returns true. Returns false if the value already moved (the result will arrive).
     */
    private boolean withdraw(Throwable failure) {
        while (true) {
            int p = (int) PHASE.getVolatile(this);
            if (p == FINISHED) return false;
            if (p == RUNNING) {                                     // an attempt is running: it is short
                Thread.onSpinWait();
                continue;
            }
            if (!PHASE.compareAndSet(this, WAITING, RUNNING)) continue;
            AsyncWaiter w = current;
            if (!w.cancel()) {
                Object s = w.state();
                if (s != Waiter.NOTIFIED && s != Waiter.RETRY && s != Waiter.CLOSED) {
                    handle(w);                                      // committed: the value wins
                    return false;
                }
                if (s != Waiter.CLOSED) queue().signal(s);          // pass an unused wake-up on
            } else {
                queue().remove(w);
            }
            PHASE.setVolatile(this, FINISHED);
            return failure == null ? super.cancel(false) : super.completeExceptionally(failure);
        }
    }

    /**
     * Cancels the pending operation: the value is not sent / nothing is received. Returns false if
     * the operation already completed (or completes at this instant by a hand-over).
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return withdraw(null);
    }

    /**
     * Completes exceptionally only if the operation can still be withdrawn (used by
     * {@code orTimeout}): on success nothing was sent or received.
     */
    @Override
    public boolean completeExceptionally(Throwable ex) {
        if (ex == null) throw new NullPointerException("ex");
        return withdraw(ex);
    }

    /** Completing an operation from outside is not supported: it would lose the value in flight. */
    @Override
    public boolean complete(T value) {
        throw new UnsupportedOperationException("a channel operation's future completes by itself; use cancel() to withdraw it");
    }

    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() {
        return new CompletableFuture<>();
    }
}
