package dev.vela.worker;

import dev.vela.time.internal.Clock;
import dev.vela.channel.Channel;
import dev.vela.channel.SelectClause;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A cancellation signal that composes: cancel it once, and everything listening learns of it —
 * callbacks, child tokens, {@linkplain Scope#open(CancellationToken) scopes}, selects and waiting
 * threads.
 *
 * <pre>{@code
 * CancellationToken request = CancellationToken.create();
 * CancellationToken query = request.child();             // cancelled with the request, or on its own
 * try (var reg = query.onCancel(statement::cancel)) {    // unregistered when the block ends
 *     run(statement);
 * }
 * String r = Select.select(
 *     rx.onReceive(v -> "got " + v),
 *     request.onCancelled(() -> "gave up"));            // chosen once the request is cancelled
 * try (var scope = Scope.open(request)) { ... }          // cancelling the request cancels the children
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>A token is cancelled at most once, by {@link #cancel()} or by its parent, and stays cancelled.</li>
 *   <li>Each callback runs exactly once: in the thread that cancels, before {@code cancel()} returns,
 *       in registration order; or, registered on a token that is already cancelled, at once in the
 *       registering thread. A child token's callbacks run, in the parent's cancelling thread, at the
 *       place where the child was registered.</li>
 *   <li>A callback that throws does not stop the others. Once all have run, {@code cancel()}
 *       rethrows the first exception (as is, even a checked one) with the later ones attached as
 *       {@linkplain Throwable#getSuppressed() suppressed}; the token is cancelled all the same. A
 *       callback run at once by {@link #onCancel} throws out of {@code onCancel}.</li>
 *   <li>{@link Registration#close()} stops a callback that has not started; one that the canceller
 *       has already started runs to its end ({@code close} does not wait for it).</li>
 *   <li>A child is cancelled with its parent, never the reverse. A cancelled child removes itself
 *       from its parent, so a long-lived parent does not keep cancelled children alive; <b>a child
 *       that is never cancelled stays registered (and reachable) until its parent is cancelled.</b></li>
 *   <li>Cancelling a token interrupts no thread by itself: code observes it ({@link #isCancelled()},
 *       {@link #throwIfCancelled()}, {@link #await()}, {@link #onCancelled}) or registers a callback
 *       that acts, e.g. {@code token.onCancel(worker::cancel)}. A {@link Scope} opened with the token
 *       does interrupt its children.</li>
 * </ul>
 * Every method is thread-safe.
 *
 * <h2>Implementation overview</h2>
 * The model is .NET's {@code CancellationTokenSource} (callbacks run by the canceller, linked
 * tokens) with two differences: closing a registration never waits for a running callback, and a
 * child is itself just a registration on its parent. A small {@link ReentrantLock} per token guards a
 * doubly linked list of registration nodes (so {@code close} unlinks in O(1)) and the write of
 * {@code cancelled}; it is never held while a callback runs, and never together with another
 * token's lock, so there is no lock order to respect. {@code cancel} sets {@code cancelled} and takes
 * the whole list under the lock, then, outside it, closes the select channel, unregisters from the
 * parent and walks the list. Each node is claimed by one CAS of its state (ACTIVE → CLAIMED by the
 * canceller, ACTIVE → CLOSED by {@code close}), so a callback runs at most once and a close racing a
 * cancel has exactly one winner. Child nodes are walked with an explicit stack rather than by
 * recursion, so a deep chain of tokens cannot overflow the canceller's stack.
 *
 * <p>The select clause uses the channel API only: one rendezvous channel per token, created on the
 * first {@link #onCancelled} call (CAS; losers drop theirs), on which nothing is ever sent and which
 * is closed on cancel; the clause is its {@code onReceiveOrClosed}. A cancel racing the creation is a
 * Dekker pair of volatile accesses — the canceller writes {@code cancelled} then reads
 * {@code signal}, the creator writes {@code signal} then reads {@code cancelled} — so at least one of
 * them closes the channel (closing twice is harmless).
 */
public final class CancellationToken {
    private static final AtomicLong IDS = new AtomicLong();

    /** Marks "already cancelled" where a detached list (possibly null) is expected. */
    private static final Node ALREADY = new Node(null, null, null);

    /** Final; used in messages and {@link #toString()}. */
    private final String name;
    /** Final; the parent's name for {@link #toString()}, or null for a root. (Not the parent itself.) */
    private final String parentName;
    /** Guards the list, {@code registered}, {@code parentLink} and the write of {@code cancelled}. */
    private final ReentrantLock lock = new ReentrantLock();
    /**
     * Volatile; written only under {@code lock}, read anywhere. false → true once, never back.
     * Invariant: {@code cancelled} ⇒ {@code head == tail == null} and {@code registered == 0}.
     */
    private volatile boolean cancelled;
    /** Guarded by lock. Oldest and newest registration still linked; null when none (and once cancelled). */
    private Node head;
    private Node tail;
    /** Guarded by lock. Number of nodes linked in the list (callbacks and children). */
    private int registered;
    /**
     * Guarded by lock; written once before the token is published. This child's node on its parent;
     * null for a root and once this token is cancelled (the canceller closes it, unlinking it).
     */
    private Node parentLink;
    /**
     * Volatile, CAS (SIGNAL) from null once. The channel behind {@link #onCancelled}; never sent on;
     * closed by whoever last sees both it and {@code cancelled} set (see the overview).
     */
    private volatile Channel<Object> signal;

    private static final VarHandle SIGNAL;

    static {
        try {
            SIGNAL = MethodHandles.lookup().findVarHandle(CancellationToken.class, "signal", Channel.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private CancellationToken(String name, String parentName) {
        this.name = name;
        this.parentName = parentName;
    }

    /**
     * A callback's (or a child's) place on a token; {@link #close()} removes it.
     *
     * <pre>{@code
     * try (var reg = token.onCancel(() -> socket.close())) {
     *     talk(socket);
     * }                                   // no longer registered
     * }</pre>
     */
    public interface Registration extends AutoCloseable {
        /**
         * Unregisters: a callback that has not started will never run. Idempotent; does nothing once
         * the callback has run or started (it is not waited for), nor after the token was cancelled.
         */
        @Override
        void close();
    }

    /**
     * Creates a token that is not cancelled, named {@code token-<n>}.
     *
     * @return a new token
     */
    public static CancellationToken create() {
        return new CancellationToken("token-" + IDS.incrementAndGet(), null);
    }

    /** A root token with a given name (a scope's own token). */
    static CancellationToken named(String name) {
        return new CancellationToken(name, null);
    }

    /**
     * Creates a child token: cancelled when this one is (in the same {@code cancel()} call), while
     * cancelling the child leaves this token and the child's siblings alone. The child of a
     * cancelled token is cancelled at once. The child stays registered on this token until either
     * is cancelled (see the class rules on reachability).
     *
     * @return the new child token
     */
    public CancellationToken child() {
        CancellationToken c = new CancellationToken("token-" + IDS.incrementAndGet(), name);
        Node link = new Node(this, null, c);
        c.parentLink = link;          // before c is published: the parent's lock publishes both
        if (!link(link)) {
            c.cancel();               // this token is cancelled; c has no callbacks yet, so this cannot throw
        }
        return c;
    }

    /**
     * Cancels this token and every child token, running their callbacks in this thread. Idempotent.
     *
     * @return true if this call cancelled the token; false if it was already cancelled (by a call that
     *         may still be running its callbacks)
     * @throws RuntimeException (or any throwable) the first exception a callback threw, with the
     *         others suppressed; the token is cancelled and every other callback has run
     */
    public boolean cancel() {
        Node first = detach();
        if (first == ALREADY) {
            return false;
        }
        Throwable failure = fire(first);
        if (failure != null) {
            throw CancellationToken.<RuntimeException>sneaky(failure);
        }
        return true;
    }

    /**
     * Tells whether this token was cancelled. One volatile read.
     *
     * @return true once cancelled
     */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * Throws if this token was cancelled; the cooperative check for long computations.
     *
     * @throws CancellationException if cancelled; the message names this token
     */
    public void throwIfCancelled() {
        if (cancelled) {
            throw new CancellationException("token '" + name + "' was cancelled");
        }
    }

    /**
     * Registers {@code callback} to run once when this token is cancelled; runs it at once, in this
     * thread, if the token already is.
     *
     * @param callback what to run; it should be short and must not block for long, since it runs in
     *                 the cancelling thread before that thread's {@code cancel()} returns
     * @return the registration; close it to unregister
     * @throws NullPointerException if {@code callback} is null
     * @throws RuntimeException (or any throwable) what {@code callback} threw, when it ran at once
     */
    public Registration onCancel(Runnable callback) {
        if (callback == null) {
            throw new NullPointerException("callback must not be null");
        }
        Node n = new Node(this, callback, null);
        if (!link(n)) {
            n.claim();              // so that close() of the returned registration does nothing
            callback.run();
        }
        return n;
    }

    /**
     * A {@link dev.vela.channel.Select#select select} clause that is chosen, with {@code result}'s
     * value, once this token is cancelled: at once if it already is (also when the token was
     * cancelled before this clause was made), or when it is cancelled during the select. The clause
     * may be kept and used by any number of selects; after cancellation it is always ready.
     *
     * @param result the select's result when the token is cancelled
     * @param <R>    the select's result type
     * @return the clause
     * @throws NullPointerException if {@code result} is null
     */
    public <R> SelectClause<R> onCancelled(Supplier<? extends R> result) {
        if (result == null) {
            throw new NullPointerException("result must not be null");
        }
        Function<Object, R> neverSent = v -> {   // nothing is ever sent on a token's channel
            throw new AssertionError("a value was received on the channel of token '" + name + "': " + v);
        };
        return signal().receiver().onReceiveOrClosed(neverSent, result);
    }

    /**
     * Waits until this token is cancelled.
     *
     * <p><b>Interruption and timeout.</b> No timeout (see {@link #await(Duration)}). If the caller is
     * interrupted while waiting, {@link InterruptedException} is thrown with the flag cleared and
     * nothing stays registered; if the token is already cancelled, this returns even when the flag is
     * set (and leaves it set).
     *
     * @throws InterruptedException if interrupted while waiting
     */
    public void await() throws InterruptedException {
        awaitNanos(0L, false);
    }

    /**
     * Waits at most {@code timeout} until this token is cancelled.
     *
     * <p><b>Interruption and timeout.</b> The time is measured on the monotonic clock from the call;
     * when it runs out this returns false and nothing stays registered. Interruption is handled as
     * in {@link #await()}.
     *
     * @param timeout how long to wait; zero means only check
     * @return true if the token is cancelled, false if the time ran out first
     * @throws InterruptedException if interrupted while waiting
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean await(Duration timeout) throws InterruptedException {
        return awaitNanos(Deadlines.toNanos(Deadlines.check(timeout, "timeout")), true);
    }

    /** Returns {@code CancellationToken[name, child of parent, cancelled|active]}. */
    @Override
    public String toString() {
        return "CancellationToken[" + name + (parentName == null ? "" : ", child of " + parentName)
                + (cancelled ? ", cancelled" : ", active") + "]";
    }

    // ------------------------------------------------------------------ package-private

    /** The token's name, as used in messages. */
    String name() {
        return name;
    }

    /** Number of registrations (callbacks and children) linked now; for tests and diagnostics. */
    int registeredCount() {
        lock.lock();
        try {
            return registered;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Cancels for a framework caller that must not throw ({@link Scope}): an exception of a callback
     * goes to the current thread's uncaught exception handler instead.
     */
    void cancelQuietly() {
        try {
            cancel();
        } catch (Throwable t) {
            Thread me = Thread.currentThread();
            me.getUncaughtExceptionHandler().uncaughtException(me, t);
        }
    }

    // ------------------------------------------------------------------ machinery

    private boolean awaitNanos(long nanos, boolean timed) throws InterruptedException {
        if (cancelled) {
            return true;
        }
        if (Thread.interrupted()) {
            throw interruptedWaiting();
        }
        if (timed && nanos <= 0L) {
            return false;
        }
        Thread me = Thread.currentThread();
        // May unpark `me` after this wait ended (a claimed callback still runs): a spurious wake-up,
        // which every park loop tolerates.
        Registration reg = onCancel(() -> LockSupport.unpark(me));
        try {
            final long deadline = timed ? Clock.nanoTime() + nanos : 0L;
            while (!cancelled) {
                if (Thread.interrupted()) {
                    throw interruptedWaiting();
                }
                if (timed) {
                    long left = deadline - Clock.nanoTime();
                    if (left <= 0L) {
                        return false;
                    }
                    Clock.parkUntil(this, deadline, left);
                } else {
                    LockSupport.park(this);
                }
            }
            return true;
        } finally {
            reg.close();
        }
    }

    private InterruptedException interruptedWaiting() {
        return new InterruptedException("interrupted while waiting for token '" + name + "' to be cancelled");
    }

    /** Appends {@code n} unless cancelled; false means the caller must run it itself. */
    private boolean link(Node n) {
        lock.lock();
        try {
            if (cancelled) {
                return false;
            }
            n.prev = tail;
            if (tail == null) {
                head = n;
            } else {
                tail.next = n;
            }
            tail = n;
            registered++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Unlinks a node whose close() won its CAS; once cancelled the list belongs to the canceller. */
    private void unlink(Node n) {
        lock.lock();
        try {
            if (cancelled) {
                return;
            }
            // Not cancelled ⇒ n is linked: it was linked while not cancelled and only this close unlinks it.
            if (n.prev == null) {
                head = n.next;
            } else {
                n.prev.next = n.next;
            }
            if (n.next == null) {
                tail = n.prev;
            } else {
                n.next.prev = n.prev;
            }
            n.prev = null;
            n.next = null;
            registered--;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Marks this token cancelled and takes its list; then (no lock held) closes the select channel
     * and unregisters from the parent.
     *
     * @return the detached list (null if empty), or {@link #ALREADY} if it was cancelled before
     */
    private Node detach() {
        Node first;
        Node link;
        lock.lock();
        try {
            if (cancelled) {
                return ALREADY;
            }
            cancelled = true;
            first = head;
            head = null;
            tail = null;
            registered = 0;
            link = parentLink;
            parentLink = null;
        } finally {
            lock.unlock();
        }
        Channel<Object> ch = signal;   // after the volatile write of cancelled (Dekker, see overview)
        if (ch != null) {
            ch.close();
        }
        if (link != null) {
            link.close();              // no-op when the parent is the one cancelling us (link claimed)
        }
        return first;
    }

    /** Runs every node of a detached list, depth-first through children; returns the first failure. */
    private static Throwable fire(Node first) {
        Throwable failure = null;
        ArrayDeque<Node> resume = null;   // where to continue in the lists of the ancestors
        Node n = first;
        for (;;) {
            if (n == null) {
                if (resume == null || (n = resume.pollFirst()) == null) {
                    return failure;
                }
            }
            Node next = n.next;
            n.next = null;                // a registration the user keeps must not retain the rest
            n.prev = null;
            if (n.claim()) {
                if (n.child != null) {
                    Node sub = n.child.detach();
                    if (sub != ALREADY && sub != null) {
                        if (next != null) {
                            if (resume == null) {
                                resume = new ArrayDeque<>();
                            }
                            resume.push(next);
                        }
                        n = sub;
                        continue;
                    }
                } else {
                    try {
                        n.callback.run();
                    } catch (Throwable t) {
                        if (failure == null) {
                            failure = t;
                        } else if (t != failure) {
                            failure.addSuppressed(t);
                        }
                    }
                }
            }
            n = next;
        }
    }

    @SuppressWarnings("unchecked")
    private Channel<Object> signal() {
        Channel<Object> ch = signal;
        if (ch == null) {
            Channel<Object> fresh = Channel.rendezvous();
            ch = (Channel<Object>) SIGNAL.compareAndExchange(this, (Channel<Object>) null, fresh);
            if (ch == null) {
                ch = fresh;
                if (cancelled) {       // after the volatile CAS of signal (Dekker, see overview)
                    fresh.close();
                }
            }
        }
        return ch;
    }

    @SuppressWarnings("unchecked")
    private static <X extends Throwable> X sneaky(Throwable t) throws X {
        throw (X) t;
    }

    /**
     * One registration: a callback ({@code callback != null}) or a child token ({@code child != null}).
     *
     * <p>States, one CAS each: ACTIVE (initial) → CLAIMED (by the canceller, or by {@code onCancel}
     * on a cancelled token; it then runs) or ACTIVE → CLOSED (by {@link #close()}; it then never
     * runs, and the owner unlinks it unless cancelled). Terminal both.
     */
    private static final class Node implements Registration {
        static final int ACTIVE = 0;
        static final int CLAIMED = 1;
        static final int CLOSED = 2;

        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Node.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        /** Final; the token whose list holds this node. */
        final CancellationToken owner;
        /** Final; run once when claimed, or null for a child link. */
        final Runnable callback;
        /** Final; cancelled when claimed, or null for a callback. */
        final CancellationToken child;
        /** Guarded by owner.lock while linked; after the owner is cancelled, touched only by its canceller. */
        Node prev;
        Node next;
        /** Volatile, CAS (STATE); ACTIVE, CLAIMED or CLOSED. */
        volatile int state;

        Node(CancellationToken owner, Runnable callback, CancellationToken child) {
            this.owner = owner;
            this.callback = callback;
            this.child = child;
        }

        boolean claim() {
            return STATE.compareAndSet(this, ACTIVE, CLAIMED);
        }

        @Override
        public void close() {
            if (STATE.compareAndSet(this, ACTIVE, CLOSED)) {
                owner.unlink(this);
            }
        }
    }
}
