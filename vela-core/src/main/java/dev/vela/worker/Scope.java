package dev.vela.worker;

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
 * then throws {@link WorkerTimeoutException}. A child spawned after the scope started cancelling
 * is cancelled at once. Scopes nest: open one inside a child of another. Any thread may use a scope.
 *
 * <h2>Implementation overview</h2>
 * One {@link ReentrantLock} guards the fields below; it is never held while user code runs. Each
 * child gets a completion callback ({@link #childDone}) that records failures and decrements
 * {@code pending}; {@code join} waits on a condition until {@code pending} is zero, so it never
 * returns before the callback of the first failure has run. {@code close} marks the scope closed,
 * cancels every child, then joins every child's <em>thread</em> (not just its outcome), so no child
 * code runs after {@code close} returns.
 *
 * <p>Invariants: {@code pending} = children whose callback has not run; {@code firstFailure != null}
 * or {@code deadlineMissed} ⇒ {@code cancelling}; {@code closed} ⇒ {@code cancelling}; once
 * {@code closed}, {@code children} never grows.
 */
public final class Scope implements AutoCloseable {
    private static final AtomicLong IDS = new AtomicLong();

    /** Final; used in messages. */
    private final String name;
    /** Final; null when the scope has no deadline. */
    private final Duration deadline;
    /** Final; the armed deadline timer, or null. */
    private final Future<?> timer;
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
    /** Guarded by lock. New children are cancelled at once. */
    private boolean cancelling;
    /** Guarded by lock. No new children accepted. */
    private boolean closed;

    private Scope(Duration deadline) {
        this.name = "scope-" + IDS.incrementAndGet();
        this.deadline = deadline;
        this.timer = deadline == null ? null : Deadlines.schedule(this::expire, Deadlines.toNanos(deadline));
    }

    /**
     * Opens a scope without a deadline.
     *
     * @return the open scope; use it in try-with-resources
     */
    public static Scope open() {
        return new Scope(null);
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
        return new Scope(Deadlines.check(deadline, "deadline"));
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
     * @throws InterruptedException if interrupted while waiting
     */
    public void join() throws InterruptedException {
        WorkerFailedException toThrow;
        lock.lockInterruptibly();
        try {
            while (pending > 0) {
                allDone.await();
            }
            if (deadlineMissed) {
                toThrow = new WorkerTimeoutException(name,
                        new TimeoutException("scope '" + name + "' missed its deadline of " + Deadlines.format(deadline)));
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
     * Closes the scope: no new children; every unfinished child is cancelled (interrupted); then
     * waits until every child's thread has ended. Idempotent; a concurrent second close also waits.
     * Failures are not thrown from here — call {@link #join()} first to see them.
     *
     * <p><b>Interruption and timeout.</b> No timeout, and interruption does not cut it short: it
     * keeps waiting (a child that ignores interrupts delays it) and returns with the interrupt flag
     * set again.
     */
    @Override
    public void close() {
        List<Worker<?>> snapshot;
        lock.lock();
        try {
            closed = true;
            cancelling = true;
            snapshot = new ArrayList<>(children);
        } finally {
            lock.unlock();
        }
        if (timer != null) {
            timer.cancel(false);
        }
        for (Worker<?> c : snapshot) {
            c.cancel(true, "scope '" + name + "' was closed");
        }
        boolean interrupted = false;
        for (Worker<?> c : snapshot) {
            Thread t = c.thread();
            while (t != null) {
                try {
                    t.join();
                    t = null;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
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
        lock.lock();
        try {
            int s = w.stateCode();
            if (s == WorkerCore.FAILED || s == WorkerCore.TIMED_OUT) {
                if (firstFailure == null && !deadlineMissed) {
                    firstFailure = w;
                    cancelling = true;
                    toCancel = new ArrayList<>(children);
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
            for (Worker<?> c : toCancel) {
                if (c != w) {
                    c.cancel(true, "sibling '" + w.name() + "' failed in scope '" + name + "'");
                }
            }
        }
    }

    private void expire() {
        List<Worker<?>> toCancel;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            deadlineMissed = true;
            cancelling = true;
            toCancel = new ArrayList<>(children);
        } finally {
            lock.unlock();
        }
        for (Worker<?> c : toCancel) {
            c.cancel(true, "scope '" + name + "' missed its deadline");
        }
    }
}
