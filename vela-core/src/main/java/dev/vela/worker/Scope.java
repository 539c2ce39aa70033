package dev.vela.worker;

import dev.vela.time.internal.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Structured concurrency without preview features: children spawned in a scope never outlive it.
 *
 * <pre>{@code
 * try (var scope = Scope.open()) {
 *     var a = scope.spawn(() -> loadA());
 *     var b = scope.spawn(() -> loadB());
 *     scope.join();                       // first failure cancels the siblings and is rethrown
 *     return combine(a.join(), b.join());
 * }                                       // close(): cancels what still runs, then waits for it
 * }</pre>
 *
 * <p>Rules: the first child that fails (or misses its own deadline) cancels every sibling, and
 * {@link #join()} rethrows that child's {@link WorkerFailedException} with the exceptions of
 * children that failed later attached as {@linkplain Throwable#getSuppressed() suppressed}. A
 * child cancelled by the scope or by the user is not a failure. A scope deadline (from
 * {@link #open(Duration)}) that passes before {@link #close()} cancels every child, and {@code join}
 * then throws {@link WorkerTimeoutException}. A {@link CancellationToken} given to
 * {@link #open(CancellationToken)} that is cancelled before {@link #close()} does the same, and
 * {@code join} then throws {@link WorkerCancelledException} naming the scope and the token.
 * Whichever of a failure, the deadline and the token makes the scope cancel first is what
 * {@code join} reports; a child that fails after that is attached to it as suppressed. A child
 * spawned after the scope started cancelling is cancelled at once. Scopes nest: open one inside a
 * child of another. Any thread may use a scope.
 *
 * <p>{@link #token()} is the scope's own token, cancelled as the scope starts cancelling — before
 * any child is interrupted — so children can also stop cooperatively:
 * {@code scope.token().throwIfCancelled()}, or {@code scope.token().onCancelled(...)} in a select.
 *
 * <h2>Implementation overview</h2>
 * One {@link ReentrantLock} guards the fields below; it is never held while user code runs. Each
 * child gets a completion callback ({@link #childDone}) that records failures and decrements
 * {@code pending}; {@code join} waits on a condition until {@code pending} is zero, so it never
 * returns before the callback of the first failure has run. {@code close} marks the scope closed,
 * cancels every child, then joins every child's <em>thread</em> (not just its outcome), so no child
 * code runs after {@code close} returns. A token given to {@code open} holds one callback
 * ({@link #cancelledByToken}) that {@code close} unregisters, so a long-lived token does not keep
 * closed scopes alive. Every path that starts cancelling takes a snapshot under the lock and then,
 * outside it, cancels {@code ownToken} and after that the children.
 *
 * <p>Invariants: {@code pending} = children whose callback has not run; {@code firstFailure != null}
 * or {@code deadlineMissed} or {@code tokenCancelled} ⇒ {@code cancelling}; at most one of those
 * three is set, and it is the first reason the scope had to cancel (each is set only while
 * {@code cancelling} is false, or for {@code firstFailure} after a plain close); {@code closed} ⇒
 * {@code cancelling}; once {@code closed}, {@code children} never grows; {@code cancelling} ⇒
 * {@code ownToken} is null or cancelled (or being cancelled by the path that set {@code cancelling}).
 */
public final class Scope implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    /** Final; used in messages. */
    private final String name;
    /** Final; null when the scope has no deadline. */
    private final Duration deadline;
    /** Final; the armed deadline timer, or null. */
    private final Clock.Timer timer;
    /** Final; the token given to {@code open}, or null. */
    private final CancellationToken token;
    /** Final; this scope's callback on {@code token}, closed by {@code close}; null without a token. */
    private final CancellationToken.Registration tokenRegistration;
    /** Guards every field below. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever {@code pending} drops to zero. */
    private final Condition allDone = lock.newCondition();
    /** Guarded by lock. Every child ever spawned, in spawn order. */
    private final List<Worker<?>> children = new ArrayList<>();
    /** Guarded by lock. Children whose completion callback has not run yet. */
    private int pending;
    /** Guarded by lock. The first child that failed or missed its deadline, or null. */
    private Worker<?> firstFailure;
    /** Guarded by lock. Exceptions of children that failed after the first. */
    private final List<Throwable> laterFailures = new ArrayList<>();
    /** Guarded by lock. The scope deadline passed before close. */
    private boolean deadlineMissed;
    /** Guarded by lock. The token given to {@code open} was cancelled while nothing else had made the scope cancel. */
    private boolean tokenCancelled;
    /** Guarded by lock. The token of {@link #token()}, created on first use; null until then. */
    private CancellationToken ownToken;
    /** Guarded by lock. New children are cancelled at once. */
    private boolean cancelling;
    /** Guarded by lock. No new children accepted. */
    private boolean closed;

    private Scope(Duration deadline, CancellationToken token) {
        this.name = "scope-" + IDS.incrementAndGet();
        this.deadline = deadline;
        this.timer = deadline == null ? null : Deadlines.schedule(this::expire, Deadlines.toNanos(deadline));
        this.token = token;
        // Last: runs cancelledByToken at once, in this thread, if the token is already cancelled.
        this.tokenRegistration = token == null ? null : token.onCancel(this::cancelledByToken);
    }

    /**
     * Opens a scope without a deadline.
     *
     * @return the open scope; use it in try-with-resources
     */
    public static Scope open() {
        return new Scope(null, null);
    }

    /**
     * Opens a scope whose children must all be done within {@code deadline} (counted from now).
     *
     * @param deadline the scope's deadline
     * @return the open scope
     * @throws NullPointerException if {@code deadline} is null
     * @throws IllegalArgumentException if {@code deadline} is negative
     */
    public static Scope open(Duration deadline) {
        return new Scope(Deadlines.check(deadline, "deadline"), null);
    }

    /**
     * Opens a scope that obeys {@code token}: once the token is cancelled (before {@link #close()}),
     * every child is cancelled, as at a scope deadline, and {@link #join()} throws
     * {@link WorkerCancelledException}. A token that is already cancelled gives a scope whose children
     * are cancelled as they are spawned. The scope's callback on the token is unregistered by
     * {@code close}.
     *
     * @param token the token to obey; the scope never cancels it
     * @return the open scope
     * @throws NullPointerException if {@code token} is null
     */
    public static Scope open(CancellationToken token) {
        return new Scope(null, checkToken(token));
    }

    /**
     * Opens a scope with both a deadline (counted from now) and a token; whichever comes first
     * cancels the children and decides what {@link #join()} throws.
     *
     * @param deadline the scope's deadline
     * @param token the token to obey
     * @return the open scope
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code deadline} is negative
     */
    public static Scope open(Duration deadline, CancellationToken token) {
        return new Scope(Deadlines.check(deadline, "deadline"), checkToken(token));
    }

    /**
     * Returns the scope's own token, which the scope cancels when it starts cancelling: on the first
     * child failure, at its deadline, when the token given to {@code open} is cancelled, and at
     * {@link #close()} — in each case before any child is interrupted. Children may watch it instead
     * of (or as well as) their interrupt. The same token is returned every time; it is not the token
     * given to {@code open}. Exceptions thrown by callbacks registered on it go to the uncaught
     * exception handler of the thread that cancels it, never to the scope's caller.
     *
     * @return the scope's token; already cancelled if the scope is cancelling or closed
     */
    public CancellationToken token() {
        CancellationToken t;
        boolean cancelNow = false;
        lock.lock();
        try {
            t = ownToken;
            if (t == null) {
                t = ownToken = CancellationToken.named(name + "-token");
                cancelNow = cancelling;   // otherwise the path that sets cancelling will cancel it
            }
        } finally {
            lock.unlock();
        }
        if (cancelNow) {
            t.cancelQuietly();            // fresh: no callbacks yet
        }
        return t;
    }

    /**
     * Spawns a child worker named {@code worker-<n>}.
     *
     * @param task the task
     * @param <T> the result type
     * @return the child
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalStateException if the scope is closed
     */
    public <T> Worker<T> spawn(Callable<? extends T> task) {
        return add(new Worker<>(WorkerSupport.nextName("worker"), WorkerSupport.checkTask(task), null, null));
    }

    /**
     * Spawns a named child worker.
     *
     * @param name the child's name
     * @param task the task
     * @param <T> the result type
     * @return the child
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if the scope is closed
     */
    public <T> Worker<T> spawn(String name, Callable<? extends T> task) {
        return add(new Worker<>(WorkerSupport.checkName(name), WorkerSupport.checkTask(task), null, null));
    }

    /**
     * Waits until every child spawned so far (and any they spawn meanwhile) is done, then reports.
     *
     * <p><b>Interruption and timeout.</b> The scope's deadline, if any, bounds the wait: at the
     * deadline the children are cancelled and this throws {@link WorkerTimeoutException}. If the caller
     * is interrupted, {@link InterruptedException} is thrown and the children keep running (close the
     * scope to stop them).
     *
     * @throws WorkerFailedException the first child failure (a {@link WorkerTimeoutException} if that
     *         child missed its own deadline), later failures attached as suppressed
     * @throws WorkerTimeoutException if the scope missed its deadline
     * @throws WorkerCancelledException if the token given to {@link #open(CancellationToken)} was
     *         cancelled first (before any failure or the deadline); it names the scope and the token
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        RuntimeException toThrow;
        lock.lockInterruptibly();
        try {
            while (pending > 0) {
                allDone.await();
            }
            if (deadlineMissed) {
                toThrow = new WorkerTimeoutException(name,
                        new TimeoutException("scope '" + name + "' missed its deadline of " + Deadlines.format(deadline)));
            } else if (tokenCancelled) {
                toThrow = new WorkerCancelledException(name, "scope '" + name + "' was cancelled by token '" + token.name() + "'");
            } else if (firstFailure != null) {
                toThrow = firstFailure.failureException();
            } else {
                return;
            }
            for (Throwable t : laterFailures) {
                toThrow.addSuppressed(t);
            }
        } finally {
            lock.unlock();
        }
        throw toThrow;
    }

    /**
     * Closes the scope: no new children; {@link #token()} is cancelled, then every unfinished child
     * is cancelled (interrupted); then waits until every child's thread has ended. The scope's
     * callback on the token given to {@code open}, if any, is unregistered. Idempotent; a concurrent
     * second close also waits. Failures are not thrown from here — call {@link #join()} first to see
     * them.
     *
     * <p><b>Interruption and timeout.</b> No timeout, and interruption does not cut it short: it
     * keeps waiting (a child that ignores interrupts delays it) and returns with the interrupt flag
     * set again.
     */
    @Override
    public void close() {
        List<Worker<?>> snapshot;
        CancellationToken own;
        lock.lock();
        try {
            closed = true;
            cancelling = true;
            snapshot = new ArrayList<>(children);
            own = ownToken;
        } finally {
            lock.unlock();
        }
        if (timer != null) {
            timer.cancel();
        }
        if (tokenRegistration != null) {
            tokenRegistration.close();
        }
        cancelAll(own, snapshot, null, "scope '" + name + "' was closed");
        if (WorkerSupport.joinThreads(snapshot)) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns {@code Scope[name, children, pending]}. */
    @Override
    public String toString() {
        lock.lock();
        try {
            return "Scope[" + name + ", children=" + children.size() + ", pending=" + pending
                    + (closed ? ", closed" : "") + "]";
        } finally {
            lock.unlock();
        }
    }

    private <T> Worker<T> add(Worker<T> w) {
        boolean cancelNow;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("scope '" + name + "' is closed; cannot spawn worker '" + w.name() + "'");
            }
            children.add(w);
            pending++;
            cancelNow = cancelling;
            if (!cancelNow) {
                w.startThread(); // under the lock, so close() always sees the thread it must wait for
            }
        } finally {
            lock.unlock();
        }
        if (cancelNow) {
            w.cancel(true, "scope '" + name + "' is cancelling its children");
        }
        w.onDone(() -> childDone(w));
        return w;
    }

    private void childDone(Worker<?> w) {
        List<Worker<?>> toCancel = null;
        CancellationToken own = null;
        lock.lock();
        try {
            int s = w.stateCode();
            if (s == WorkerCore.FAILED || s == WorkerCore.TIMED_OUT) {
                if (firstFailure == null && !deadlineMissed && !tokenCancelled) {
                    firstFailure = w;
                    cancelling = true;
                    toCancel = new ArrayList<>(children);
                    own = ownToken;
                } else {
                    laterFailures.add((Throwable) w.result());
                }
            }
            if (--pending == 0) {
                allDone.signalAll();
            }
        } finally {
            lock.unlock();
        }
        if (toCancel != null) {
            cancelAll(own, toCancel, w, "sibling '" + w.name() + "' failed in scope '" + name + "'");
        }
    }

    private void expire() {
        startCancelling(true, "scope '" + name + "' missed its deadline");
    }

    /** The callback on the token given to {@code open}; runs in the thread that cancels that token. */
    private void cancelledByToken() {
        startCancelling(false, "scope '" + name + "' was cancelled by token '" + token.name() + "'");
    }

    /**
     * The deadline passed ({@code deadline}) or the token was cancelled: records that reason and
     * cancels everything, unless the scope is already cancelling (closed, or for a failure or the
     * other reason: that reason stands).
     */
    private void startCancelling(boolean deadline, String why) {
        List<Worker<?>> toCancel;
        CancellationToken own;
        lock.lock();
        try {
            if (cancelling) return;
            if (deadline) deadlineMissed = true; else tokenCancelled = true;
            cancelling = true;
            toCancel = new ArrayList<>(children);
            own = ownToken;
        } finally {
            lock.unlock();
        }
        cancelAll(own, toCancel, null, why);
    }

    /** Cancels the scope's own token (if made), then every child but {@code except}. Never throws. */
    private static void cancelAll(CancellationToken own, List<Worker<?>> children, Worker<?> except, String why) {
        if (own != null) {
            own.cancelQuietly();
        }
        for (Worker<?> c : children) {
            if (c != except) {
                c.cancel(true, why);
            }
        }
    }

    private static CancellationToken checkToken(CancellationToken token) {
        if (token == null) {
            throw new NullPointerException("token must not be null");
        }
        return token;
    }
}
