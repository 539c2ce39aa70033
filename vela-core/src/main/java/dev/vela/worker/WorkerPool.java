package dev.vela.worker;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs at most {@code n} workers at once; the others wait in FIFO order. Each task still runs on
 * its own virtual thread (named after its worker) — the pool limits concurrency, it does not pool
 * threads. Usable wherever an {@link ExecutorService} is expected.
 *
 * <pre>{@code
 * try (var pool = WorkerPool.create(4)) {
 *     Worker<Page> p = pool.spawn("fetch", () -> fetch(url));
 *     ...
 * } // close(): shutdown, then wait for every accepted task
 * }</pre>
 *
 * <p>A worker's deadline counts from when it leaves the queue and starts. A cancelled or timed-out
 * task keeps its slot until its code actually returns (it was interrupted; see docs/adr/0004).
 * A task that waits for another task queued behind it in the same saturated pool waits forever, as
 * in any bounded pool: give such pipelines their own workers.
 *
 * <h2>Implementation overview</h2>
 * One {@link ReentrantLock} guards the bookkeeping below (it is held for a few field updates, never
 * while user code runs or while a thread is started). {@code spawn} either takes a free slot and
 * starts the worker's thread, or appends the worker to {@code queue}. When a task returns, its
 * runner hands the slot straight to the next live queued worker ({@link #releaseSlot}) and then,
 * after the outcome is published, counts itself finished ({@link #taskFinished}).
 *
 * <p>Run states: {@link RunState}. No task is lost: a spawn is accepted under the lock only in
 * RUNNING, and every accepted worker ends in exactly one of: ran (its runner won NEW → RUNNING),
 * handed back by {@link #shutdownNow()} (that call won NEW → CANCELLED), or cancelled by its user
 * before it started.
 */
public final class WorkerPool extends AbstractExecutorService implements AutoCloseable {
    /** Every state of the pool; only moves forward. */
    private enum RunState {
        /** Accepting work. Initial. Next: SHUTDOWN (shutdown) or STOP (shutdownNow). */
        RUNNING,
        /** Rejecting new work; queued work still runs. Next: STOP or TERMINATED (last task finished). */
        SHUTDOWN,
        /** Rejecting new work; queue handed back, running tasks cancelled. Next: TERMINATED. */
        STOP,
        /** Shut down and every accepted task finished. Terminal; signalled on {@code terminated}. */
        TERMINATED
    }

    private static final AtomicLong POOL_IDS = new AtomicLong();

    /** Final; the maximum number of tasks running at once, ≥ 1. */
    private final int parallelism;
    /** Final; used in messages and toString. */
    private final String name;
    /** Guards every field below. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled once when the pool becomes TERMINATED. */
    private final Condition terminated = lock.newCondition();
    /** Guarded by lock. Never-started workers in FIFO order. */
    private final ArrayDeque<Worker<?>> queue = new ArrayDeque<>();
    /** Guarded by lock. Workers holding a slot (thread started, code not yet returned); size ≤ parallelism. */
    private final Set<Worker<?>> active = new HashSet<>();
    /** Guarded by lock. Accepted workers not yet finished; 0 and not RUNNING ⇒ TERMINATED. */
    private int unfinished;
    /** Guarded by lock. */
    private RunState runState = RunState.RUNNING;

    private WorkerPool(int parallelism) {
        this.parallelism = parallelism;
        this.name = "pool-" + POOL_IDS.incrementAndGet();
    }

    /**
     * Creates a pool that runs at most {@code parallelism} tasks at once.
     *
     * @param parallelism the maximum number of tasks running at once
     * @return a new, running pool
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    public static WorkerPool create(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        return new WorkerPool(parallelism);
    }

    /**
     * Spawns {@code task} as a worker named {@code worker-<n>}; it starts when a slot is free.
     *
     * @param task the task
     * @param <T> the result type
     * @return the worker (RUNNING from the caller's view while it waits in the queue)
     * @throws NullPointerException if {@code task} is null
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <T> Worker<T> spawn(Callable<? extends T> task) {
        return accept(new Worker<>(WorkerSupport.nextName("worker"), WorkerSupport.checkTask(task), null, this));
    }

    /**
     * Spawns a named task.
     *
     * @param name the worker's name
     * @param task the task
     * @param <T> the result type
     * @return the worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <T> Worker<T> spawn(String name, Callable<? extends T> task) {
        return accept(new Worker<>(WorkerSupport.checkName(name), WorkerSupport.checkTask(task), null, this));
    }

    /**
     * Spawns a task with a deadline counted from when it starts running (not from now).
     *
     * @param task the task
     * @param deadline how long the task may run once started
     * @param <T> the result type
     * @return the worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code deadline} is negative
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <T> Worker<T> spawn(Callable<? extends T> task, Duration deadline) {
        WorkerSupport.checkTask(task);
        return accept(new Worker<>(WorkerSupport.nextName("worker"), task, Deadlines.check(deadline, "deadline"), this));
    }

    /**
     * Spawns a named task with a deadline counted from when it starts running.
     *
     * @param name the worker's name
     * @param task the task
     * @param deadline how long the task may run once started
     * @param <T> the result type
     * @return the worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code deadline} negative
     * @throws RejectedExecutionException if the pool is shut down
     */
    public <T> Worker<T> spawn(String name, Callable<? extends T> task, Duration deadline) {
        return accept(new Worker<>(WorkerSupport.checkName(name), WorkerSupport.checkTask(task),
                Deadlines.check(deadline, "deadline"), this));
    }

    /** {@inheritDoc} Same as {@link #spawn(Callable)}. */
    @Override
    public <T> Worker<T> submit(Callable<T> task) {
        return spawn(task);
    }

    /** {@inheritDoc} The worker's result is {@code null}. */
    @Override
    public Worker<?> submit(Runnable task) {
        return spawn(new WorkerSupport.RunnableTask(WorkerSupport.checkTask(task)));
    }

    /** {@inheritDoc} */
    @Override
    public <T> Worker<T> submit(Runnable task, T result) {
        Runnable r = WorkerSupport.checkTask(task);
        return spawn(() -> {
            r.run();
            return result;
        });
    }

    /**
     * Runs {@code command} as a worker. If it throws, the exception goes to its thread's uncaught
     * exception handler (as with {@link java.util.concurrent.ThreadPoolExecutor#execute}).
     *
     * @param command the task
     * @throws RejectedExecutionException if the pool is shut down
     * @throws NullPointerException if {@code command} is null
     */
    @Override
    public void execute(Runnable command) {
        Worker<?> w = spawn(new WorkerSupport.RunnableTask(WorkerSupport.checkTask(command)));
        w.onDone(() -> {
            if (w.stateCode() == WorkerCore.FAILED) {
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, (Throwable) w.result());
            }
        });
    }

    /**
     * Returns the maximum number of tasks this pool runs at once.
     *
     * @return the parallelism given to {@link #create(int)}
     */
    public int parallelism() {
        return parallelism;
    }

    /**
     * Returns how many tasks hold a slot now: started and not yet returned. A task that succeeded or
     * failed has released its slot by the time its {@code join} returns.
     *
     * @return the number of running tasks, at most {@link #parallelism()}
     */
    public int activeCount() {
        lock.lock();
        try {
            return active.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns how many accepted tasks wait for a slot.
     *
     * @return the queue length
     */
    public int queuedCount() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /** Stops accepting tasks; tasks already queued still run. Idempotent. */
    @Override
    public void shutdown() {
        lock.lock();
        try {
            if (runState == RunState.RUNNING) {
                runState = RunState.SHUTDOWN;
                maybeTerminate();
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting tasks, cancels (and interrupts) every running task, and hands back the tasks
     * that never started. Their workers complete as cancelled ("pool shut down before it started").
     * A returned element is the {@link Runnable} given to {@link #execute}/{@link #submit(Runnable)},
     * or a {@link java.util.concurrent.FutureTask} wrapping a {@link Callable}.
     *
     * @return the never-started tasks, in queue order
     */
    @Override
    public List<Runnable> shutdownNow() {
        List<Worker<?>> waiting;
        List<Worker<?>> running;
        lock.lock();
        try {
            if (runState == RunState.RUNNING || runState == RunState.SHUTDOWN) {
                runState = RunState.STOP;
            }
            waiting = new ArrayList<>(queue);
            queue.clear();
            running = new ArrayList<>(active);
        } finally {
            lock.unlock();
        }
        List<Runnable> handedBack = new ArrayList<>();
        String why = "pool " + name + " shut down before it started";
        for (Worker<?> w : waiting) {
            if (w.cancelUnstarted(why)) {
                handedBack.add(w.unstartedTask());
            }
        }
        for (Worker<?> w : running) { // thread started: either claim it before its task starts, or cancel it
            if (w.cancelUnstarted(why)) {
                handedBack.add(w.unstartedTask());
            } else {
                w.cancel(true, "pool " + name + " was shut down now");
            }
        }
        lock.lock();
        try {
            unfinished -= waiting.size(); // running ones are counted off by their own runners
            maybeTerminate();
        } finally {
            lock.unlock();
        }
        return handedBack;
    }

    /** {@inheritDoc} */
    @Override
    public boolean isShutdown() {
        lock.lock();
        try {
            return runState != RunState.RUNNING;
        } finally {
            lock.unlock();
        }
    }

    /** {@inheritDoc} */
    @Override
    public boolean isTerminated() {
        lock.lock();
        try {
            return runState == RunState.TERMINATED;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until the pool is shut down and every accepted task has finished (its code returned,
     * or it was handed back or cancelled before starting).
     *
     * <p><b>Interruption and timeout.</b> Returns false if {@code timeout} passes first (monotonic
     * clock, from the call); nothing is cancelled. Throws {@link InterruptedException} if interrupted.
     *
     * @param timeout how long to wait
     * @return true if terminated, false on timeout
     * @throws InterruptedException if interrupted while waiting
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return awaitNanos(Deadlines.toNanos(Deadlines.check(timeout, "timeout")));
    }

    /**
     * {@inheritDoc}
     *
     * <p><b>Interruption and timeout.</b> As {@link #awaitTermination(Duration)}.
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return awaitNanos(Objects.requireNonNull(unit, "unit").toNanos(timeout));
    }

    /**
     * Shuts down and waits for every accepted task, queued ones included.
     *
     * <p><b>Interruption and timeout.</b> No timeout. If interrupted while waiting, it calls
     * {@link #shutdownNow()} once, keeps waiting, and returns with the interrupt flag set (the
     * {@link ExecutorService#close()} contract).
     */
    @Override
    public void close() {
        boolean interrupted = false;
        shutdown();
        while (!isTerminated()) {
            try {
                awaitNanos(TimeUnit.DAYS.toNanos(1));
            } catch (InterruptedException e) {
                if (!interrupted) {
                    shutdownNow();
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns {@code WorkerPool[name, parallelism, active, queued, state]}. */
    @Override
    public String toString() {
        lock.lock();
        try {
            return "WorkerPool[" + name + ", parallelism=" + parallelism + ", active=" + active.size()
                    + ", queued=" + queue.size() + ", state=" + runState + "]";
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ called by Worker

    private <T> Worker<T> accept(Worker<T> w) {
        boolean start;
        lock.lock();
        try {
            if (runState != RunState.RUNNING) {
                throw new RejectedExecutionException("worker '" + w.name() + "' rejected: " + name
                        + " is shut down (state " + runState + ")");
            }
            unfinished++;
            start = active.size() < parallelism;
            if (start) {
                active.add(w);
            } else {
                queue.addLast(w);
            }
        } finally {
            lock.unlock();
        }
        if (start) {
            w.startThread();
        }
        return w;
    }

    /** The runner of {@code w} returned (or never started its task): pass the slot on. */
    void releaseSlot(Worker<?> w) {
        Worker<?> next;
        lock.lock();
        try {
            active.remove(w);
            while ((next = queue.pollFirst()) != null && next.isDone()) {
                unfinished--; // cancelled while queued, its forget() has not run yet
            }
            if (next != null) {
                active.add(next);
            }
            maybeTerminate();
        } finally {
            lock.unlock();
        }
        if (next != null) {
            next.startThread();
        }
    }

    /** The runner of an accepted worker is done (outcome published). */
    void taskFinished() {
        lock.lock();
        try {
            unfinished--;
            maybeTerminate();
        } finally {
            lock.unlock();
        }
    }

    /** {@code w} was cancelled before it started: drop it from the queue if it is still there. */
    void forget(Worker<?> w) {
        lock.lock();
        try {
            if (queue.remove(w)) {
                unfinished--;
                maybeTerminate();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Lock held. */
    private void maybeTerminate() {
        if (runState != RunState.RUNNING && runState != RunState.TERMINATED && unfinished == 0) {
            runState = RunState.TERMINATED;
            terminated.signalAll();
        }
    }

    private boolean awaitNanos(long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (runState != RunState.TERMINATED) {
                if (nanos <= 0L) {
                    return false;
                }
                nanos = terminated.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
