package dev.vela.worker;

import dev.vela.diagnostics.internal.WorkerEvents;
import dev.vela.diagnostics.internal.ConsoleHook;
import dev.vela.diagnostics.internal.WorkerRegistry;
import dev.vela.time.internal.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A task running on its own virtual thread, and the handle to its outcome.
 *
 * <pre>{@code
 * Worker<User> w = Worker.spawn("fetch-user", () -> fetch(id));
 * User u = w.join();                        // blocks; see below for the four ways it can end
 * Worker<Report> d = Worker.spawn(() -> slow(), Duration.ofMillis(100)); // fails at 100 ms
 * }</pre>
 *
 * <p>Each worker runs on one virtual thread named after the worker ({@code worker-<n>} by default).
 * A worker ends in exactly one of four ways, decided once and told apart by {@link #join()}:
 * <ul>
 *   <li>success: {@code join} returns the value (state {@link State#SUCCESS});</li>
 *   <li>failure: the task threw; {@code join} throws {@link WorkerFailedException} whose cause is
 *       the task's exception, type and message intact (state {@link State#FAILED});</li>
 *   <li>missed deadline: {@code join} throws {@link WorkerTimeoutException} (state
 *       {@link State#FAILED}, {@link #exceptionNow()} is a {@link TimeoutException});</li>
 *   <li>cancellation: {@code join} throws {@link WorkerCancelledException} (state
 *       {@link State#CANCELLED}).</li>
 * </ul>
 * A {@code join(Duration)} that runs out of time throws the checked {@link TimeoutException} and
 * leaves the worker running. Every exception message names the worker.
 *
 * <p><b>Deadlines</b> count from the moment the task starts running (not from {@code spawn}, which
 * matters for tasks queued in a {@link WorkerPool}). At the deadline the worker is interrupted and
 * completes as timed out <em>at that moment</em>: joiners wake within milliseconds even if the task
 * ignores the interrupt, and whatever the task returns later is discarded (see docs/adr/0002).
 *
 * <p><b>Context.</b> The task runs with the scoped-value bindings and carrier contexts registered with
 * {@link WorkContext} that the spawning code had when it called {@code spawn} (or {@link Scope#spawn},
 * {@link WorkerPool#spawn}, {@link #race}); see docs/adr/0036.
 *
 * <h2>Implementation overview</h2>
 * The outcome is decided by one CAS in {@link WorkerCore} (states NEW, RUNNING, COMPLETING, SUCCESS,
 * FAILED, TIMED_OUT, CANCELLED); the runner, {@link #cancel}, the deadline timer and pool shutdown
 * all race through that CAS and exactly one wins. Deadlines are armed on one shared timer thread
 * ({@link Deadlines}) when the task starts and disarmed when it returns. A worker created by
 * {@link #spawnAll} is a <em>group</em>: it has no thread and is completed by its members' callbacks;
 * {@link #race} waits on such a group too ({@code WorkerRace}).
 * A pooled worker whose pool is full with {@link WorkerPool.WhenFull#CALLER_RUNS} runs on its
 * submitter's thread instead of its own; the {@code callerGate} states below make sure that the
 * interrupt of a cancel or deadline reaches that thread only while the task runs.
 *
 * @param <T> the result type
 */
public final class Worker<T> extends WorkerCore implements Future<T> {
    /** Final; also the thread's name. */
    private final String name;
    /** Final; null for a group. Kept so that {@link WorkerPool#shutdownNow()} can hand it back. */
    private final Callable<? extends T> task;
    /** Final; null when the worker has no deadline. */
    private final Duration deadline;
    /** Final; the pool that throttles this worker, or null. */
    private final WorkerPool pool;
    /**
     * Final; the context of the thread that created this worker (spawn, scope spawn, pool submit, race),
     * applied around the task on whatever thread runs it; {@code Snapshot.EMPTY} for a group and whenever
     * nothing is registered with {@link WorkContext}.
     */
    private final WorkContext.Snapshot context;
    /**
     * Volatile; set once, just before the thread starts; null for a group or a never-started pooled
     * worker. For a task run in its submitter's thread: that thread while the task runs, null after.
     */
    private volatile Thread thread;
    /** Volatile, CAS (GATE); one of the {@code GATE_*} states; stays GATE_OWN_THREAD unless run in the caller. */
    private volatile int callerGate;

    /** The task runs on the worker's own thread (or has none): interrupt it freely. Initial; final state for those. */
    private static final int GATE_OWN_THREAD = 0;
    /** Runs in the caller's thread, which may be interrupted now. Set by {@link #runInCaller} before the task starts. Next: INTERRUPTING or CLOSED. */
    private static final int GATE_OPEN = 1;
    /** A canceller or the deadline (the one that decided the outcome) is interrupting the caller's thread. Next: INTERRUPTED. */
    private static final int GATE_INTERRUPTING = 2;
    /** That interrupt was delivered. Next: none; the runner clears it from the caller's thread after the task. */
    private static final int GATE_INTERRUPTED = 3;
    /** The task returned; nobody may interrupt the caller's thread any more. Set by the runner (CAS from OPEN). Terminal. */
    private static final int GATE_CLOSED = 4;

    private static final VarHandle GATE;

    static {
        try {
            GATE = MethodHandles.lookup().findVarHandle(Worker.class, "callerGate", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
        ConsoleHook.maybeLaunch();   // -Dvela.console: the live console starts before the first worker
    }

    /** A worker that runs with the context of the calling thread (captured here, on it). */
    Worker(String name, Callable<? extends T> task, Duration deadline, WorkerPool pool) {
        this(name, task, deadline, pool, task == null ? WorkContext.Snapshot.EMPTY : WorkContext.capture());
    }

    /** A worker that runs with {@code context} (one capture shared by several workers: race, spawnAll). */
    Worker(String name, Callable<? extends T> task, Duration deadline, WorkerPool pool, WorkContext.Snapshot context) {
        super(task == null ? RUNNING : NEW);
        this.name = name;
        this.task = task;
        this.deadline = deadline;
        this.pool = pool;
        this.context = context;
    }

    // ------------------------------------------------------------------ spawning

    /**
     * Starts {@code task} on a new virtual thread named {@code worker-<n>}.
     *
     * @param task the task; its value becomes the worker's result
     * @param <T> the result type
     * @return the running worker
     * @throws NullPointerException if {@code task} is null
     */
    public static <T> Worker<T> spawn(Callable<? extends T> task) {
        return start(new Worker<>(WorkerSupport.nextName("worker"), WorkerSupport.checkTask(task), null, null));
    }

    /**
     * Starts {@code task} on a new virtual thread named {@code name}.
     *
     * @param name the worker's name, used for its thread and in every exception message
     * @param task the task
     * @param <T> the result type
     * @return the running worker
     * @throws NullPointerException if {@code name} or {@code task} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T> Worker<T> spawn(String name, Callable<? extends T> task) {
        return start(new Worker<>(WorkerSupport.checkName(name), WorkerSupport.checkTask(task), null, null));
    }

    /**
     * Starts {@code task} with a deadline counted from when it starts running.
     *
     * @param task the task
     * @param deadline how long the task may run; at the deadline it is interrupted and the worker
     *                 fails with {@link WorkerTimeoutException}
     * @param <T> the result type
     * @return the running worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code deadline} is negative
     */
    public static <T> Worker<T> spawn(Callable<? extends T> task, Duration deadline) {
        WorkerSupport.checkTask(task);
        return start(new Worker<>(WorkerSupport.nextName("worker"), task, Deadlines.check(deadline, "deadline"), null));
    }

    /**
     * Starts a named task with a deadline counted from when it starts running.
     *
     * @param name the worker's name
     * @param task the task
     * @param deadline how long the task may run
     * @param <T> the result type
     * @return the running worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code deadline} negative
     */
    public static <T> Worker<T> spawn(String name, Callable<? extends T> task, Duration deadline) {
        return start(new Worker<>(WorkerSupport.checkName(name), WorkerSupport.checkTask(task), Deadlines.check(deadline, "deadline"), null));
    }

    /**
     * Starts a task that returns nothing; the worker's result is {@code null}.
     *
     * @param task the task
     * @return the running worker
     * @throws NullPointerException if {@code task} is null
     */
    public static Worker<Void> run(Runnable task) {
        return spawn(new WorkerSupport.RunnableTask(WorkerSupport.checkTask(task)));
    }

    /**
     * Starts a named task that returns nothing.
     *
     * @param name the worker's name
     * @param task the task
     * @return the running worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static Worker<Void> run(String name, Runnable task) {
        return spawn(name, new WorkerSupport.RunnableTask(WorkerSupport.checkTask(task)));
    }

    /**
     * Starts every task on its own worker and returns a group worker whose result is the list of
     * results in input order. On the first failure, missed deadline or cancellation of a member, the
     * group completes at once (failed, cause = that member's exception; or cancelled) and the other
     * members are cancelled. Cancelling the group cancels every member. The group has no thread of
     * its own; its name is {@code all-<n>}.
     *
     * @param tasks the tasks, none null; an empty list gives an already successful group
     * @param <T> the element type
     * @return the group worker
     * @throws NullPointerException if {@code tasks} or an element is null (nothing is started then)
     */
    public static <T> Worker<List<T>> spawnAll(List<? extends Callable<? extends T>> tasks) {
        return WorkerGroup.spawnAll(tasks);
    }

    /**
     * Waits for all {@code workers} and returns their results in order. On the first failure,
     * missed deadline or cancellation among them, the others are cancelled and that worker's own
     * {@code join} exception is thrown (it names that worker).
     *
     * <p><b>Interruption and timeout.</b> No timeout. If the caller is interrupted while waiting,
     * {@link InterruptedException} is thrown (flag cleared) and the workers keep running.
     *
     * @param workers the workers, none null
     * @param <T> the element type
     * @return the results, in the order of {@code workers}
     * @throws WorkerFailedException if a worker failed or missed its deadline
     * @throws WorkerCancelledException if a worker was cancelled
     * @throws InterruptedException if interrupted while waiting
     */
    public static <T> List<T> joinAll(List<? extends Worker<? extends T>> workers) throws InterruptedException {
        return WorkerGroup.joinAll(workers);
    }

    /**
     * Runs every task on its own worker ({@code race-<n>-<i>}) and returns the value of the first
     * to succeed. The others are cancelled (interrupted) and their threads have ended before this
     * returns, so no task code runs any more; their outcomes are discarded. A task that fails does
     * not end the race while another may still succeed.
     *
     * <pre>{@code
     * Page p = Worker.race(List.of(() -> fetch(mirrorA), () -> fetch(mirrorB)));
     * }</pre>
     *
     * <p><b>Interruption and timeout.</b> No timeout (give the tasks deadlines, or race them against
     * a task that sleeps and throws). If the caller is interrupted while waiting, every task is
     * cancelled and joined, then {@link InterruptedException} is thrown with the flag cleared. The
     * wait for the losers' threads is not cut short by interruption: a task that ignores interrupts
     * delays the return (the flag is then set again when a value is returned).
     *
     * @param tasks the tasks, at least one, none null
     * @param <T> the result type
     * @return the first successful task's value (may be null)
     * @throws WorkerFailedException if every task failed: the first failure (in completion order),
     *         named after its worker, with the task's exception as cause and the other tasks'
     *         exceptions attached as {@linkplain Throwable#getSuppressed() suppressed}
     * @throws InterruptedException if interrupted while waiting
     * @throws NullPointerException if {@code tasks} or an element is null (nothing is started then)
     * @throws IllegalArgumentException if {@code tasks} is empty
     */
    public static <T> T race(List<? extends Callable<? extends T>> tasks) throws InterruptedException {
        return WorkerRace.race(tasks);
    }

    /**
     * {@link #race(List)} over an argument list: {@code Worker.race(() -> a(), () -> b())}.
     *
     * <p><b>Interruption and timeout.</b> As {@link #race(List)}.
     *
     * @param tasks the tasks, at least one, none null
     * @param <T> the result type
     * @return the first successful task's value (may be null)
     * @throws WorkerFailedException if every task failed (see {@link #race(List)})
     * @throws InterruptedException if interrupted while waiting
     * @throws NullPointerException if {@code tasks} or an element is null (nothing is started then)
     * @throws IllegalArgumentException if no task is given
     */
    @SafeVarargs
    public static <T> T race(Callable<? extends T>... tasks) throws InterruptedException {
        if (tasks == null) {
            throw new NullPointerException("tasks must not be null");
        }
        List<Callable<? extends T>> list = new ArrayList<>(tasks.length);
        for (Callable<? extends T> t : tasks) {   // a copy (nulls kept for the check), so the array never escapes
            list.add(t);
        }
        return WorkerRace.race(list);
    }

    // ------------------------------------------------------------------ accessors

    /**
     * Returns the worker's name, which is also its thread's name.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Returns the outcome as a {@link java.util.concurrent.Future.State}: RUNNING until decided (this
     * includes waiting in a pool queue), then SUCCESS, FAILED (a missed deadline included) or CANCELLED.
     *
     * @return the state, consistent with what {@link #join()} reports
     */
    @Override
    public State state() {
        return switch (stateCode()) {
            case SUCCESS -> State.SUCCESS;
            case FAILED, TIMED_OUT -> State.FAILED;
            case CANCELLED -> State.CANCELLED;
            default -> State.RUNNING;
        };
    }

    /** {@inheritDoc} */
    @Override
    public boolean isDone() {
        return isTerminal();
    }

    /** {@inheritDoc} */
    @Override
    public boolean isCancelled() {
        return stateCode() == CANCELLED;
    }

    // ------------------------------------------------------------------ cancelling

    /**
     * Cancels the worker and interrupts its thread. Idempotent.
     *
     * @return true if this call cancelled the worker; false if it had already finished in any way
     *         (including an earlier cancel)
     */
    public boolean cancel() {
        return cancel(true);
    }

    /**
     * Cancels the worker; interrupts its thread only if {@code mayInterruptIfRunning}. The outcome is
     * decided at once: joiners wake with {@link WorkerCancelledException} and a late result is discarded.
     *
     * @param mayInterruptIfRunning whether to interrupt a running task
     * @return true if this call cancelled the worker, false if it had already finished
     */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return cancel(mayInterruptIfRunning, null);
    }

    final boolean cancel(boolean interrupt, String why) {
        if (stateCode() == NEW && decide(NEW, CANCELLED, null, why)) {
            if (pool != null) {
                pool.forget(this);
            }
            finish();
            return true;
        }
        if (decide(RUNNING, CANCELLED, null, why)) {
            if (interrupt) {
                interruptRunner();
            }
            finish();
            return true;
        }
        return false;
    }

    /** Cancels the worker only if its task never started (pool shutdownNow); the pool does its own bookkeeping. */
    final boolean cancelUnstarted(String why) {
        if (decide(NEW, CANCELLED, null, why)) {
            finish();
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ waiting

    /**
     * Waits for the worker and returns its result.
     *
     * <p><b>Interruption and timeout.</b> No timeout (see {@link #join(Duration)}). If the caller is
     * interrupted while waiting, {@link InterruptedException} is thrown with the flag cleared and the
     * worker keeps running; if the worker is already done, the result is returned even when the
     * caller's interrupt flag is set.
     *
     * @return the task's value
     * @throws WorkerFailedException if the task threw (cause = the task's exception)
     * @throws WorkerTimeoutException if the worker missed its deadline
     * @throws WorkerCancelledException if the worker was cancelled
     * @throws InterruptedException if interrupted while waiting
     */
    public T join() throws InterruptedException {
        return report(awaitDone(0L, false));
    }

    /**
     * Waits at most {@code timeout} for the worker and returns its result.
     *
     * <p><b>Interruption and timeout.</b> The time is measured on the monotonic clock from the call.
     * If it runs out, the checked {@link TimeoutException} is thrown and the worker keeps running
     * (nothing is cancelled). Interruption is handled as in {@link #join()}.
     *
     * @param timeout how long to wait; zero means only check
     * @return the task's value
     * @throws TimeoutException if the worker did not finish in time
     * @throws WorkerFailedException if the task threw
     * @throws WorkerTimeoutException if the worker missed its own deadline
     * @throws WorkerCancelledException if the worker was cancelled
     * @throws InterruptedException if interrupted while waiting
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public T join(Duration timeout) throws InterruptedException, TimeoutException {
        int s = awaitDone(Deadlines.toNanos(Deadlines.check(timeout, "timeout")), true);
        if (s <= COMPLETING) {
            throw new TimeoutException("join of worker '" + name + "' timed out after "
                    + Deadlines.format(timeout) + "; the worker is still running");
        }
        return report(s);
    }

    /**
     * Waits for the worker, {@link Future} style.
     *
     * <p><b>Interruption and timeout.</b> As {@link #join()}.
     *
     * @return the task's value
     * @throws ExecutionException if the task threw (cause = its exception) or missed its deadline
     *         (cause = a {@link TimeoutException})
     * @throws WorkerCancelledException if the worker was cancelled
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public T get() throws InterruptedException, ExecutionException {
        return reportGet(awaitDone(0L, false));
    }

    /**
     * Waits at most the given time, {@link Future} style.
     *
     * <p><b>Interruption and timeout.</b> As {@link #join(Duration)}: a {@link TimeoutException}
     * leaves the worker running.
     *
     * @param timeout how long to wait
     * @param unit the unit of {@code timeout}
     * @return the task's value
     * @throws ExecutionException if the task threw or missed its deadline
     * @throws WorkerCancelledException if the worker was cancelled
     * @throws TimeoutException if the worker did not finish in time
     * @throws InterruptedException if interrupted while waiting
     */
    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit");
        int s = awaitDone(unit.toNanos(timeout), true);
        if (s <= COMPLETING) {
            throw new TimeoutException("get of worker '" + name + "' timed out; the worker is still running");
        }
        return reportGet(s);
    }

    /**
     * Returns the result of a worker that succeeded, without waiting.
     *
     * @return the task's value
     * @throws IllegalStateException if the worker has not finished or did not succeed
     */
    @Override
    @SuppressWarnings("unchecked")
    public T resultNow() {
        int s = stateCode();
        if (s != SUCCESS) {
            throw new IllegalStateException("worker '" + name + "' has no result: " + WorkerSupport.describe(s));
        }
        return (T) result();
    }

    /**
     * Returns the exception of a worker that failed, without waiting: the task's own exception, or
     * a {@link TimeoutException} for a missed deadline.
     *
     * @return the failure
     * @throws IllegalStateException if the worker has not finished or did not fail
     */
    @Override
    public Throwable exceptionNow() {
        int s = stateCode();
        if (s != FAILED && s != TIMED_OUT) {
            throw new IllegalStateException("worker '" + name + "' has no exception: " + WorkerSupport.describe(s));
        }
        return (Throwable) result();
    }

    /**
     * Returns a new {@link CompletableFuture} completed with this worker's outcome: the value; the
     * task's exception; a {@link TimeoutException} for a missed deadline; or a
     * {@link WorkerCancelledException}. Cancelling the returned future cancels the worker. Dependent
     * stages may run on the thread that completes the worker.
     *
     * @return a future mirroring this worker
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<T> toCompletableFuture() {
        CompletableFuture<T> cf = new CompletableFuture<>();
        onDone(() -> {
            switch (stateCode()) {
                case SUCCESS -> cf.complete((T) result());
                case CANCELLED -> cf.completeExceptionally(cancelledException());
                default -> cf.completeExceptionally((Throwable) result());
            }
        });
        cf.whenComplete((v, e) -> {
            if (cf.isCancelled()) {
                cancel(true);
            }
        });
        return cf;
    }

    /** Returns {@code Worker[name=..., state=...]}. */
    @Override
    public String toString() {
        return "Worker[name=" + name + ", state=" + WorkerSupport.describe(stateCode()) + "]";
    }

    // ------------------------------------------------------------------ package-private machinery

    /** Creates and starts the thread (exactly once per worker that gets one). */
    final void startThread() {
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> runBody(false));
        thread = t;
        Clock.start(t);                                  // t.start(), seen by a virtual clock if one is installed
    }

    /** The worker's thread, or null if it never got one. */
    final Thread thread() {
        return thread;
    }

    /** What {@link WorkerPool#shutdownNow()} returns for this never-started worker. */
    final Runnable unstartedTask() {
        return task instanceof WorkerSupport.RunnableTask(Runnable r) ? r : new FutureTask<>(task::call);
    }

    /** The exception {@code join} throws for a FAILED or TIMED_OUT worker (a fresh one per call). */
    final WorkerFailedException failureException() {
        Object cause = result();
        if (stateCode() == TIMED_OUT) {
            return new WorkerTimeoutException(name, (TimeoutException) cause);
        }
        String why = detail();
        return new WorkerFailedException(name, "worker '" + name + "' failed: "
                + (why == null ? "" : why + ": ") + cause, (Throwable) cause);
    }

    final WorkerCancelledException cancelledException() {
        String why = detail();
        return new WorkerCancelledException(name, "worker '" + name + "' was cancelled" + (why == null ? "" : ": " + why));
    }

    /** Completes a group worker (no thread) from RUNNING. */
    final boolean completeGroup(int to, Object value, String why) {
        if (decide(RUNNING, to, value, why)) {
            finish();
            return true;
        }
        return false;
    }

    static <T> Worker<T> group(String name) {
        return new Worker<>(name, null, null, null);
    }

    private static <T> Worker<T> start(Worker<T> w) {
        w.startThread();
        return w;
    }

    /**
     * Runs the task on the calling thread (a {@link WorkerPool} with {@link WorkerPool.WhenFull#CALLER_RUNS}
     * found its queue full); returns when the outcome is published. The worker holds no slot.
     */
    final void runInCaller() {
        Thread me = Thread.currentThread();
        boolean wasInterrupted = me.isInterrupted();
        callerGate = GATE_OPEN;   // before thread: whoever sees the thread sees the gate
        thread = me;
        try {
            runBody(true);
        } finally {
            int g;
            while ((g = (int) GATE.compareAndExchange(this, GATE_OPEN, GATE_CLOSED)) == GATE_INTERRUPTING) {
                Thread.onSpinWait(); // the interrupter is between its CAS and its interrupt(): a few instructions
            }
            thread = null;
            if (g == GATE_INTERRUPTED && !wasInterrupted) {
                Thread.interrupted(); // that interrupt was for the task, which has returned, not for the caller
            }
        }
    }

    /** Interrupts the thread running the task; a caller's thread (CALLER_RUNS) only while the task runs. */
    private void interruptRunner() {
        Thread t = thread;
        if (t == null) {
            return;
        }
        if (callerGate == GATE_OWN_THREAD) {
            t.interrupt();
        } else if (GATE.compareAndSet(this, GATE_OPEN, GATE_INTERRUPTING)) {
            t.interrupt();
            callerGate = GATE_INTERRUPTED;
        }
    }

    /**
     * The thread body: NEW → RUNNING, arm the deadline, run, disarm, release the pool slot, decide.
     *
     * @param inCaller whether this runs on the submitter's thread (CALLER_RUNS): no slot to release,
     *                 and the thread is not registered as a worker's (it is the caller's)
     */
    private void runBody(boolean inCaller) {
        if (!casState(NEW, RUNNING)) { // cancelled (or handed back by shutdownNow) before it started
            if (inCaller) {
                pool.finishedInCaller();
            } else if (pool != null) {
                pool.releaseSlot(this);
                pool.taskFinished();
            }
            return;
        }
        Clock.Timer timer = deadline == null ? null : Deadlines.schedule(this::expire, Deadlines.toNanos(deadline));
        Object value;
        int outcome;
        boolean tracked = !inCaller && WorkerRegistry.tracking;   // deadlock watchdog or console on (rare)
        if (tracked) {
            WorkerRegistry.started(Thread.currentThread(), name, pool == null ? null : pool.name(),
                    deadline == null ? Long.MIN_VALUE : System.nanoTime() + Deadlines.toNanos(deadline));
        }
        try {
            value = context.call(task);   // the spawner's context around the task (WorkContext)
            outcome = SUCCESS;
        } catch (Throwable e) {
            value = e;
            outcome = FAILED;
        } finally {
            if (tracked) {
                WorkerRegistry.finished(Thread.currentThread());
            }
        }
        try {
            if (timer != null) {
                timer.cancel();
            }
            if (pool != null && !inCaller) {
                pool.releaseSlot(this); // before publishing: activeCount() is 0 once join() returned
            }
        } finally {
            if (decide(RUNNING, outcome, value, null)) {
                finish();
                if (outcome == FAILED) {
                    WorkerEvents.failed(name, (Throwable) value, false);
                }
            }
            if (tracked) {
                trackEnd();
            }
            if (inCaller) {
                pool.finishedInCaller();
            } else if (pool != null) {
                pool.taskFinished();
            }
        }
    }

    /** Tells the registry how this tracked worker ended (console's recent rows). */
    private void trackEnd() {
        int s = stateCode();
        Object r = s == FAILED || s == TIMED_OUT ? result() : null;
        String error = r instanceof Throwable t ? t.getClass().getName() + ": " + t.getMessage() : null;
        WorkerRegistry.ended(new WorkerRegistry.Ended(Thread.currentThread().threadId(), name, pool == null ? null : pool.name(),
                switch (s) {
                    case SUCCESS -> "done";
                    case TIMED_OUT -> "timed-out";
                    case CANCELLED -> "cancelled";
                    default -> "failed";
                }, error, System.nanoTime()));
    }

    /** Deadline timer action (on a short virtual thread): decide TIMED_OUT, then interrupt. */
    private void expire() {
        TimeoutException e = new TimeoutException("worker '" + name + "' missed its deadline of "
                + Deadlines.format(deadline));
        if (decide(RUNNING, TIMED_OUT, e, null)) {
            interruptRunner();
            finish();
            WorkerEvents.failed(name, e, true);
        }
    }

    @SuppressWarnings("unchecked")
    private T report(int s) {
        return switch (s) {
            case SUCCESS -> (T) result();
            case CANCELLED -> throw cancelledException();
            default -> throw failureException();
        };
    }

    @SuppressWarnings("unchecked")
    private T reportGet(int s) throws ExecutionException {
        return switch (s) {
            case SUCCESS -> (T) result();
            case CANCELLED -> throw cancelledException();
            default -> throw new ExecutionException(failureException().getMessage(), (Throwable) result());
        };
    }
}
