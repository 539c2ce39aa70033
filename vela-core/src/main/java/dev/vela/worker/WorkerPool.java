package dev.vela.worker;

import dev.vela.time.internal.Clock;
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
 * Runs at most {@code n} workers at once; the others wait in FIFO order in the pool's queue. Each task
 * still runs on its own virtual thread (named after its worker) — the pool limits concurrency, it does
 * not pool threads. Usable wherever an {@link ExecutorService} is expected.
 *
 * <pre>{@code
 * try (var pool = WorkerPool.builder()
 *         .parallelism(4)                    // at most 4 tasks run at once
 *         .queueCapacity(1_000)              // at most 1,000 more wait
 *         .whenFull(WorkerPool.WhenFull.BLOCK) // then the submitter waits (or REJECT, CALLER_RUNS)
 *         .build()) {
 *     Worker<Page> p = pool.spawn("fetch", () -> fetch(url));
 *     ...
 * } // close(): shutdown, then wait for every accepted task
 * }</pre>
 *
 * <p><b>Bounded or not.</b> {@link #create(int)} gives an <em>unbounded</em> queue (as
 * {@link java.util.concurrent.Executors#newFixedThreadPool} does): a producer faster than the pool
 * grows the queue without limit. {@link #builder()} makes you choose: {@code queueCapacity(n)} with a
 * {@link WhenFull} policy, or {@code unboundedQueue()} (docs/adr/0031). Every way in —
 * {@code spawn}, {@code submit}, {@code execute}, and so {@code invokeAll}/{@code invokeAny} — follows
 * the policy when the queue is full:
 * <ul>
 *   <li>{@link WhenFull#BLOCK} (the default): the submitter waits, in FIFO order with other blocked
 *       submitters, until a task leaves the queue; interruptible, and bounded by
 *       {@link WorkerPoolBuilder#maxWait(Duration)} if set;</li>
 *   <li>{@link WhenFull#REJECT}: the submission throws {@link WorkerPoolFullException};</li>
 *   <li>{@link WhenFull#CALLER_RUNS}: the task runs at once on the submitter's thread, which
 *       slows the producer down to the pool's pace.</li>
 * </ul>
 * Nothing is dropped silently: a submission is either accepted (it will run, or be handed back by
 * {@link #shutdownNow()}) or it throws. {@link #metrics()} counts both.
 *
 * <p>A worker's deadline counts from when it leaves the queue and starts. A cancelled or timed-out
 * task keeps its slot until its code actually returns (it was interrupted; see docs/adr/0004).
 * A task that waits for another task queued behind it in the same saturated pool waits forever, as
 * in any bounded pool, and so does a task that submits to its own full pool with {@link WhenFull#BLOCK}
 * and no {@code maxWait}: give such pipelines their own workers, or use {@link WhenFull#CALLER_RUNS}.
 *
 * <h2>Implementation overview</h2>
 * One {@link ReentrantLock} guards the bookkeeping below (it is held for a few field updates, never
 * while user code runs or while a thread is started). {@code spawn} either takes a free slot and
 * starts the worker's thread, or appends the worker to {@code queue}; when neither is possible the
 * policy decides: throw, run the task on the calling thread after unlocking, or wait on the
 * submitter's own {@link Condition} in {@code blocked}. When a task returns, its runner hands the slot
 * straight to the next live queued worker ({@link #releaseSlot}), wakes the first blocked submitter
 * if that made room, and, after the outcome is published, counts itself finished
 * ({@link #taskFinished}).
 *
 * <p>Run states: {@link RunState}. No task is lost: a spawn is accepted under the lock only in
 * RUNNING, and every accepted worker ends in exactly one of: ran (its runner won NEW → RUNNING, on
 * its own thread or its submitter's), handed back by {@link #shutdownNow()} (that call won NEW →
 * CANCELLED), or cancelled by its user before it started. A submission that is not accepted throws.
 *
 * <h2>Invariants (under the lock)</h2>
 * <ul>
 *   <li>{@code active.size() ≤ parallelism}; {@code queue.size() ≤ queueCapacity}.</li>
 *   <li>{@code queue} holds a live worker only while {@code active} is full (a freed slot goes to the
 *       queue's head at once).</li>
 *   <li>{@code blocked} is non-empty only with {@link WhenFull#BLOCK}; a newcomer never overtakes a
 *       blocked submitter, and only the first in {@code blocked} may take room.</li>
 *   <li>{@code active.size() + queue.size() + runningInCaller ≤ unfinished}, equal when no task is
 *       between returning and being counted finished; {@code unfinished == accepted - completed}.</li>
 * </ul>
 */
public final class WorkerPool extends AbstractExecutorService implements AutoCloseable {
    /**
     * What a {@link WorkerPool} does with a submission that finds every slot busy and the queue full.
     * A submission that finds room is accepted at once whatever the policy.
     */
    public enum WhenFull {
        /**
         * The submitter waits until there is room, then its task is queued (or started). Blocked
         * submitters are served in FIFO order, and a newcomer does not overtake them. The wait ends
         * with a {@link java.util.concurrent.RejectedExecutionException} if the submitter is
         * interrupted (its interrupt flag is set again), if the pool is shut down, or, with
         * {@link WorkerPoolBuilder#maxWait(Duration)}, with a {@link WorkerPoolFullException} once that much time
         * has passed. Backpressure: the producer slows down to the pool's pace.
         */
        BLOCK,
        /** The submission throws {@link WorkerPoolFullException} at once; the task is not accepted. */
        REJECT,
        /**
         * The task runs at once on the submitter's thread, and {@code spawn}/{@code submit}/{@code execute}
         * return when it is done (its worker already completed). It holds no slot, so up to
         * {@code parallelism} tasks plus one per submitting thread may run at once; it jumps ahead of
         * the queued tasks; its thread keeps the submitter's name. Its deadline, if any, interrupts
         * the submitter's thread while the task runs; such an interrupt never outlives the task.
         */
        CALLER_RUNS
    }

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

    /** What {@link #admit} decided for an accepted worker; acted on after unlocking. */
    private enum Route {
        /** It took a free slot: start its thread. */
        START,
        /** It waits in {@code queue}. */
        QUEUED,
        /** CALLER_RUNS: run it on the submitting thread. */
        IN_CALLER
    }

    static final AtomicLong POOL_IDS = new AtomicLong();

    /** Final; the maximum number of tasks running at once, ≥ 1. */
    private final int parallelism;
    /** Final; the maximum queue length, ≥ 0; {@link Integer#MAX_VALUE} means unbounded. */
    private final int queueCapacity;
    /** Final; applies only when the queue is bounded. */
    private final WhenFull whenFull;
    /** Final; null for no limit; used only with BLOCK. */
    private final Duration maxWait;
    /** Final; used in messages and toString. */
    private final String name;
    /** Guards every field below. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled once when the pool becomes TERMINATED. */
    private final Condition terminated = lock.newCondition();
    /** Guarded by lock. Never-started workers in FIFO order; size ≤ queueCapacity. */
    private final ArrayDeque<Worker<?>> queue = new ArrayDeque<>();
    /** Guarded by lock. Workers holding a slot (thread started, code not yet returned); size ≤ parallelism. */
    private final Set<Worker<?>> active = new HashSet<>();
    /** Guarded by lock. Submitters blocked for room (BLOCK), FIFO, one condition each; only the first may take room. */
    private final ArrayDeque<Condition> blocked = new ArrayDeque<>();
    /** Guarded by lock. Accepted workers not yet finished; 0 and not RUNNING ⇒ TERMINATED. */
    private int unfinished;
    /** Guarded by lock. CALLER_RUNS tasks running now on their submitter's thread. */
    private int runningInCaller;
    /** Guarded by lock. Submissions accepted since creation (started, queued or run in the caller). */
    private long accepted;
    /** Guarded by lock. Submissions refused since creation, for any reason. */
    private long rejected;
    /** Guarded by lock. Accepted tasks that ran on their submitter's thread. */
    private long ranInCaller;
    /** Guarded by lock. Submissions that found the queue full and waited (BLOCK). */
    private long submitsBlocked;
    /** Guarded by lock. The largest {@code queue.size()} so far. */
    private int peakQueued;
    /** Guarded by lock. */
    private RunState runState = RunState.RUNNING;

    WorkerPool(int parallelism, int queueCapacity, WhenFull whenFull, Duration maxWait, String name) {
        this.parallelism = parallelism;
        this.queueCapacity = queueCapacity;
        this.whenFull = whenFull;
        this.maxWait = maxWait;
        this.name = name;
    }

    /**
     * Creates a pool that runs at most {@code parallelism} tasks at once, with an <b>unbounded</b>
     * queue: submissions never wait and are never rejected for room, so a producer faster than the
     * pool grows the heap without limit. For a bound, use {@link #builder()}
     * (docs/adr/0031-worker-pool-bounded-queue.md explains this default).
     *
     * @param parallelism the maximum number of tasks running at once
     * @return a new, running pool
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    public static WorkerPool create(int parallelism) {
        return new WorkerPool(checkParallelism(parallelism), Integer.MAX_VALUE, WhenFull.BLOCK, null,
                "pool-" + POOL_IDS.incrementAndGet());
    }

    /**
     * Returns a builder for a pool with a bounded queue and a policy for when it is full:
     * <pre>{@code
     * WorkerPool pool = WorkerPool.builder().parallelism(4).queueCapacity(1_000)
     *         .whenFull(WorkerPool.WhenFull.REJECT).build();
     * }</pre>
     *
     * @return a new builder; {@code parallelism} and the queue ({@code queueCapacity(n)} or
     *         {@code unboundedQueue()}) must be chosen before {@code build()}
     */
    public static WorkerPoolBuilder builder() {
        return new WorkerPoolBuilder();
    }

    static int checkParallelism(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        return parallelism;
    }

    /**
     * Spawns {@code task} as a worker named {@code worker-<n>}: it starts at once if a slot is free,
     * else it waits in the queue; if the queue is full, the pool's {@link WhenFull} policy decides
     * (wait for room, throw {@link WorkerPoolFullException}, or run the task on this thread).
     *
     * <p><b>Interruption and timeout.</b> Only a {@link WhenFull#BLOCK} pool whose queue is full makes
     * this call wait, for as long as the pool's {@link WorkerPoolBuilder#maxWait(Duration) maxWait} (no limit
     * by default; measured on the monotonic clock from the call), and then throws
     * {@link WorkerPoolFullException}. If the caller is interrupted while it waits (or is already
     * interrupted when it would start waiting), it throws a {@link RejectedExecutionException} whose
     * cause is an {@link InterruptedException} and sets the caller's interrupt flag again. In every
     * one of these cases the task was not accepted: it will not run and the pool keeps no reference
     * to it. A call that does not have to wait ignores the interrupt flag. With
     * {@link WhenFull#CALLER_RUNS} the call returns when the task has run; an interrupt is then the
     * task's business (it runs on the caller's thread).
     *
     * @param task the task
     * @param <T> the result type
     * @return the worker (RUNNING from the caller's view while it waits in the queue; already done
     *         if it ran in the caller)
     * @throws NullPointerException if {@code task} is null
     * @throws WorkerPoolFullException if the queue is full and the policy is REJECT, or BLOCK's
     *         {@code maxWait} passed
     * @throws RejectedExecutionException if the pool is shut down (also while waiting for room), or
     *         the caller was interrupted while waiting for room
     */
    public <T> Worker<T> spawn(Callable<? extends T> task) {
        return accept(new Worker<>(WorkerSupport.nextName("worker"), WorkerSupport.checkTask(task), null, this));
    }

    /**
     * Spawns a named task; as {@link #spawn(Callable)}.
     *
     * <p><b>Interruption and timeout.</b> As {@link #spawn(Callable)}: only a full
     * {@link WhenFull#BLOCK} pool makes it wait; an interrupt or the pool's {@code maxWait} ends the
     * wait with an exception, and the task is then not accepted.
     *
     * @param name the worker's name
     * @param task the task
     * @param <T> the result type
     * @return the worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws WorkerPoolFullException if the queue is full and the policy is REJECT, or BLOCK's
     *         {@code maxWait} passed
     * @throws RejectedExecutionException if the pool is shut down, or the caller was interrupted
     *         while waiting for room
     */
    public <T> Worker<T> spawn(String name, Callable<? extends T> task) {
        return accept(new Worker<>(WorkerSupport.checkName(name), WorkerSupport.checkTask(task), null, this));
    }

    /**
     * Spawns a task with a deadline counted from when it starts running (not from now: time in the
     * queue or waiting for room does not count); otherwise as {@link #spawn(Callable)}.
     *
     * <p><b>Interruption and timeout.</b> As {@link #spawn(Callable)}. The {@code deadline} bounds
     * the task's run, not this call's wait for room (that is the pool's {@code maxWait}).
     *
     * @param task the task
     * @param deadline how long the task may run once started
     * @param <T> the result type
     * @return the worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code deadline} is negative
     * @throws WorkerPoolFullException if the queue is full and the policy is REJECT, or BLOCK's
     *         {@code maxWait} passed
     * @throws RejectedExecutionException if the pool is shut down, or the caller was interrupted
     *         while waiting for room
     */
    public <T> Worker<T> spawn(Callable<? extends T> task, Duration deadline) {
        WorkerSupport.checkTask(task);
        return accept(new Worker<>(WorkerSupport.nextName("worker"), task, Deadlines.check(deadline, "deadline"), this));
    }

    /**
     * Spawns a named task with a deadline counted from when it starts running; otherwise as
     * {@link #spawn(Callable)}.
     *
     * <p><b>Interruption and timeout.</b> As {@link #spawn(Callable, Duration)}.
     *
     * @param name the worker's name
     * @param task the task
     * @param deadline how long the task may run once started
     * @param <T> the result type
     * @return the worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code deadline} negative
     * @throws WorkerPoolFullException if the queue is full and the policy is REJECT, or BLOCK's
     *         {@code maxWait} passed
     * @throws RejectedExecutionException if the pool is shut down, or the caller was interrupted
     *         while waiting for room
     */
    public <T> Worker<T> spawn(String name, Callable<? extends T> task, Duration deadline) {
        return accept(new Worker<>(WorkerSupport.checkName(name), WorkerSupport.checkTask(task),
                Deadlines.check(deadline, "deadline"), this));
    }

    /**
     * {@inheritDoc} Same as {@link #spawn(Callable)}, including the {@link WhenFull} policy.
     *
     * <p><b>Interruption and timeout.</b> As {@link #spawn(Callable)}.
     *
     * @throws WorkerPoolFullException if the queue is full and the policy is REJECT, or BLOCK's
     *         {@code maxWait} passed
     */
    @Override
    public <T> Worker<T> submit(Callable<T> task) {
        return spawn(task);
    }

    /**
     * {@inheritDoc} The worker's result is {@code null}. Follows the {@link WhenFull} policy as
     * {@link #spawn(Callable)}.
     *
     * <p><b>Interruption and timeout.</b> As {@link #spawn(Callable)}.
     *
     * @throws WorkerPoolFullException if the queue is full and the policy is REJECT, or BLOCK's
     *         {@code maxWait} passed
     */
    @Override
    public Worker<?> submit(Runnable task) {
        return spawn(new WorkerSupport.RunnableTask(WorkerSupport.checkTask(task)));
    }

    /**
     * {@inheritDoc} Follows the {@link WhenFull} policy as {@link #spawn(Callable)}.
     *
     * <p><b>Interruption and timeout.</b> As {@link #spawn(Callable)}.
     *
     * @throws WorkerPoolFullException if the queue is full and the policy is REJECT, or BLOCK's
     *         {@code maxWait} passed
     */
    @Override
    public <T> Worker<T> submit(Runnable task, T result) {
        Runnable r = WorkerSupport.checkTask(task);
        return spawn(() -> {
            r.run();
            return result;
        });
    }

    /**
     * Runs {@code command} as a worker, following the {@link WhenFull} policy as
     * {@link #spawn(Callable)}. If it throws, the exception goes to the uncaught exception handler of
     * the thread it ran on (as with {@link java.util.concurrent.ThreadPoolExecutor#execute}); with
     * {@link WhenFull#CALLER_RUNS} that is the caller's thread, and the exception is not thrown from
     * {@code execute}.
     *
     * <p><b>Interruption and timeout.</b> As {@link #spawn(Callable)}.
     *
     * @param command the task
     * @throws WorkerPoolFullException if the queue is full and the policy is REJECT, or BLOCK's
     *         {@code maxWait} passed
     * @throws RejectedExecutionException if the pool is shut down, or the caller was interrupted
     *         while waiting for room
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
     * Returns the pool's name ({@link WorkerPoolBuilder#name(String)}, or {@code pool-<n>}).
     *
     * @return the name used in messages
     */
    public String name() {
        return name;
    }

    /**
     * Returns how many tasks may wait in the queue.
     *
     * @return the bound, or {@link Integer#MAX_VALUE} for an unbounded queue ({@link #create(int)})
     */
    public int queueCapacity() {
        return queueCapacity;
    }

    /**
     * Returns what a submission does when the queue is full. An unbounded queue is never full, so
     * for it the policy never applies (it reports {@link WhenFull#BLOCK}).
     *
     * @return the policy
     */
    public WhenFull whenFull() {
        return whenFull;
    }

    /**
     * Returns the maximum number of tasks this pool runs at once.
     *
     * @return the parallelism given to {@link #create(int)} or {@link WorkerPoolBuilder#parallelism(int)}
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
     * @return the queue length, at most {@link #queueCapacity()}
     */
    public int queuedCount() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Returns a snapshot of the pool's counts: running, queued, running in callers, blocked
     * submitters, and totals of accepted, rejected, completed tasks (see {@link WorkerPoolMetrics}).
     * The counts are always kept (they are updated under the lock the pool takes anyway) and read
     * together, so they are consistent with each other.
     *
     * @return the counts now
     */
    public WorkerPoolMetrics metrics() {
        lock.lock();
        try {
            return new WorkerPoolMetrics(active.size(), queue.size(), runningInCaller, blocked.size(),
                    accepted, rejected, ranInCaller, submitsBlocked, accepted - unfinished, peakQueued);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops accepting tasks; tasks already queued still run. Submitters blocked for room are released
     * with a {@link RejectedExecutionException} (their tasks were never accepted). Idempotent.
     */
    @Override
    public void shutdown() {
        lock.lock();
        try {
            if (runState == RunState.RUNNING) {
                runState = RunState.SHUTDOWN;
                blocked.forEach(Condition::signal);
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
     * or a {@link java.util.concurrent.FutureTask} wrapping a {@link Callable}. Submitters blocked
     * for room are released with a {@link RejectedExecutionException}. Tasks running on their
     * submitter's thread ({@link WhenFull#CALLER_RUNS}) are not interrupted (that thread is not the
     * pool's); the pool terminates when they return.
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
                blocked.forEach(Condition::signal);
            }
            waiting = new ArrayList<>(queue);
            queue.clear();
            running = new ArrayList<>(active);
        } finally {
            lock.unlock();
        }
        List<Runnable> handedBack = new ArrayList<>();
        String why = "pool '" + name + "' shut down before it started";
        for (Worker<?> w : waiting) {
            if (w.cancelUnstarted(why)) {
                handedBack.add(w.unstartedTask());
            }
        }
        for (Worker<?> w : running) { // thread started: either claim it before its task starts, or cancel it
            if (w.cancelUnstarted(why)) {
                handedBack.add(w.unstartedTask());
            } else {
                w.cancel(true, "pool '" + name + "' was shut down now");
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
                awaitTerminated();
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

    /** Returns {@code WorkerPool[name, parallelism, active, queued, queueCapacity, whenFull, state]}. */
    @Override
    public String toString() {
        lock.lock();
        try {
            return "WorkerPool[" + name + ", parallelism=" + parallelism + ", active=" + active.size()
                    + ", queued=" + queue.size() + ", queueCapacity="
                    + (queueCapacity == Integer.MAX_VALUE ? "unbounded" : queueCapacity + ", whenFull=" + whenFull
                    + (maxWait == null ? "" : ", maxWait=" + Deadlines.format(maxWait)))
                    + ", state=" + runState + "]";
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ called by Worker

    private <T> Worker<T> accept(Worker<T> w) {
        Route route;
        lock.lock();
        try {
            route = admit(w);
        } finally {
            signalFirstBlocked(); // room may be left for the next one, or this one gave up its turn
            lock.unlock();
        }
        switch (route) {
            case START -> w.startThread();
            case IN_CALLER -> w.runInCaller();
            case QUEUED -> { }
        }
        return w;
    }

    /** Lock held. Accepts {@code w} (and says where it goes) or throws; see {@link WhenFull}. */
    private Route admit(Worker<?> w) {
        if (runState != RunState.RUNNING) {
            throw reject(new RejectedExecutionException("worker '" + w.name() + "' rejected: pool '" + name
                    + "' is shut down (state " + runState + ")"));
        }
        if (!hasRoom() || !blocked.isEmpty()) { // a newcomer never overtakes a blocked submitter
            switch (whenFull) {
                case REJECT -> throw reject(full(w, "is full"));
                case CALLER_RUNS -> {
                    accepted++;
                    unfinished++;
                    runningInCaller++;
                    ranInCaller++;
                    return Route.IN_CALLER;
                }
                case BLOCK -> awaitRoom(w);
            }
        }
        accepted++;
        unfinished++;
        if (active.size() < parallelism) {
            active.add(w);
            return Route.START;
        }
        queue.addLast(w);
        peakQueued = Math.max(peakQueued, queue.size());
        return Route.QUEUED;
    }

    /** Lock held. Whether a new worker fits: a free slot, or room in the queue. */
    private boolean hasRoom() {
        return active.size() < parallelism || queue.size() < queueCapacity;
    }

    /**
     * Lock held. BLOCK: waits on this submitter's own condition, FIFO among blocked submitters, until it
     * is first in line and there is room; returns then (still first in line: the caller admits it and
     * {@link #accept} removes the line's head). Throws, after leaving the line, if the pool is shut
     * down, {@code maxWait} passes, or the thread is interrupted.
     */
    private void awaitRoom(Worker<?> w) {
        Condition me = lock.newCondition();
        blocked.addLast(me);
        submitsBlocked++;
        long nanos = maxWait == null ? Long.MAX_VALUE : Deadlines.toNanos(maxWait);
        boolean admitted = false;
        try {
            while (true) {
                if (runState != RunState.RUNNING) {
                    throw reject(new RejectedExecutionException("worker '" + w.name() + "' rejected: pool '" + name
                            + "' was shut down while the submitter waited for room (state " + runState + ")"));
                }
                if (blocked.peekFirst() == me && hasRoom()) {
                    admitted = true;
                    return;
                }
                if (maxWait != null && nanos <= 0L) {
                    throw reject(full(w, "stayed full for " + Deadlines.format(maxWait)));
                }
                try {
                    if (maxWait == null) {
                        me.await();
                    } else {
                        nanos = Clock.awaitNanos(lock, me, nanos);   // the runtime's clock: a test's virtual clock too
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    RejectedExecutionException r = new RejectedExecutionException("worker '" + w.name()
                            + "' rejected: the submitter was interrupted while waiting for room in pool '" + name
                            + "' " + fullness(), e);
                    throw reject(r);
                }
            }
        } finally {
            if (admitted) {
                blocked.pollFirst();
            } else {
                blocked.remove(me);
            }
        }
    }

    /** Lock held. Wakes the first blocked submitter if it can go on: there is room, or it must be rejected. */
    private void signalFirstBlocked() {
        Condition first = blocked.peekFirst();
        if (first != null && (hasRoom() || runState != RunState.RUNNING)) {
            first.signal();
        }
    }

    /** Lock held. A full-queue rejection of {@code w}. */
    private WorkerPoolFullException full(Worker<?> w, String what) {
        return new WorkerPoolFullException(w.name(), name, queueCapacity,
                "worker '" + w.name() + "' rejected: pool '" + name + "' " + what + " " + fullness());
    }

    /** Lock held. "(4 running, 10 queued of 10; whenFull=BLOCK, maxWait=250 ms)". */
    private String fullness() {
        return "(" + active.size() + " running, " + queue.size() + " queued of " + queueCapacity + "; whenFull="
                + whenFull + (maxWait == null ? "" : ", maxWait=" + Deadlines.format(maxWait)) + ")";
    }

    /** Lock held. Counts a refused submission. */
    private RejectedExecutionException reject(RejectedExecutionException e) {
        rejected++;
        return e;
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
            signalFirstBlocked(); // the queue shrank, or a slot is free
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

    /** A task that ran on its submitter's thread (CALLER_RUNS) is done (outcome published). */
    void finishedInCaller() {
        lock.lock();
        try {
            runningInCaller--;
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
                signalFirstBlocked();
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

    /** Waits, untimed, until terminated (an untimed wait lets a test's virtual clock move meanwhile). */
    private void awaitTerminated() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (runState != RunState.TERMINATED) {
                terminated.await();
            }
        } finally {
            lock.unlock();
        }
    }

    private boolean awaitNanos(long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (runState != RunState.TERMINATED) {
                if (nanos <= 0L) {
                    return false;
                }
                nanos = Clock.awaitNanos(lock, terminated, nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }
}
