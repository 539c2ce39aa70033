package dev.vela.worker;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Receiver;
import dev.vela.channel.Select;
import dev.vela.channel.SelectClause;
import dev.vela.channel.Sender;
import dev.vela.time.internal.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * A set of workers whose outcomes are taken in the order they finish — Tokio's {@code JoinSet},
 * Java's {@link java.util.concurrent.ExecutorCompletionService} on workers. Closing the set cancels
 * whatever still runs.
 *
 * <pre>{@code
 * try (var set = WorkerSet.<Page>open("fetchers")) {
 *     for (String url : urls) {
 *         set.spawn(() -> fetch(url));
 *     }
 *     Worker<Page> w;
 *     while ((w = set.next()) != null) {          // in completion order; null once nothing is left
 *         if (w.state() == Future.State.SUCCESS) {
 *             index(w.resultNow());
 *         }
 *     }
 * }                                               // close(): cancels what still runs and waits for it
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>Every spawned worker comes out exactly once — from {@link #next()}, {@link #next(Duration)},
 *       {@link #tryNext()} or an {@link #onNext} select clause — whatever its outcome: success, failure,
 *       missed deadline or cancellation. The returned {@link Worker} is finished, so
 *       {@link Worker#state()}, {@link Worker#resultNow()}, {@link Worker#exceptionNow()} and
 *       {@link Worker#join()} tell the outcome without waiting. Completion order is the order in which
       outcomes reach the set, a moment after each is decided: a {@code join()} on a worker may return
       just before that worker can be taken here.</li>
 *   <li>{@link #size()} counts the workers spawned and not yet taken (running, or finished and
 *       waiting to be taken). {@link #next()} returns {@code null} only when that count is zero — at
 *       once if it already is, or as soon as another consumer takes the last worker. A later
 *       {@code spawn} makes the set non-empty again.</li>
 *   <li>{@link #close()} cancels every worker not taken yet, waits until their threads have ended,
 *       and <b>drops the outcomes not taken</b>; afterwards the set is empty, {@code next()} returns
 *       {@code null} and {@code spawn} throws {@link IllegalStateException}. Workers already taken
 *       are the caller's: close does not touch them.</li>
 *   <li>Workers run with the {@link WorkContext} of the code that called {@code spawn}, as for
 *       {@link Worker#spawn}.</li>
 * </ul>
 * Every method is thread-safe; several threads may take from one set at once.
 *
 * <h2>Implementation overview</h2>
 * Finished workers go through one unbounded channel, {@code done}: each worker gets a completion
 * callback that {@code trySend}s it there (never blocks, never fails while the set is open), so the
 * channel holds the finished, untaken workers in completion order and takers wait on it through
 * the channel's own waiting (clock, interruption and deadlock watchdog included). The onNext clause
 * is the channel's {@code onReceive}. The one thing a channel cannot say is "nothing is left", since
 * the set stays open for more spawns: for that a second channel, the <em>empty gate</em>, is closed
 * whenever the count of untaken workers drops to zero and replaced by a fresh open one when a spawn
 * raises it from zero. {@link #next()} reads the count and the current gate, then selects (biased to
 * {@code done}) between a finished worker and the gate closing; a closed gate makes it look again.
 * Counting happens under a small lock that is never held while a channel operation waits, while
 * user code runs, or while threads are joined. {@link #close()} cancels the untaken workers outside
 * the lock, joins their threads (uninterruptibly, as {@link Scope#close()}), then closes and drains
 * {@code done} and closes the gate: takers still waiting wake and return {@code null}.
 *
 * <p>Invariants (under {@code lock}): {@code members} is exactly the spawned, untaken workers, so
 * {@code size() == members.size()}; {@code members.isEmpty()} ⇔ {@code gate} is closed; every worker
 * in {@code done} is in {@code members} or was dropped by {@code close}; once {@code closed},
 * {@code members} never grows.
 *
 * @param <T> the result type of the workers
 */
public final class WorkerSet<T> implements AutoCloseable {
    /** Select result: the gate closed (the set became empty); look again. */
    private static final Object EMPTY = new Object();
    /** Select result: {@code done} is closed and drained (the set was closed). */
    private static final Object CLOSED = new Object();
    /** Select result: the timeout of a timed {@code next} passed. */
    private static final Object TIMED_OUT = new Object();

    /** Final; used in messages and {@link #toString()}. */
    private final String name;
    /** Final; the finished, untaken workers in completion order. Unbounded: a send never blocks. Closed by close. */
    private final Channel<Worker<T>> done;
    /** Final; {@code done}'s original sender, used by the completion callbacks. */
    private final Sender<Worker<T>> tx;
    /** Final; {@code done}'s receiver. */
    private final Receiver<Worker<T>> rx;
    /** Final; {@code done.onReceiveOrClosed} as used by {@code next}: the worker itself, or {@link #CLOSED}. */
    private final SelectClause<Object> takeClause;
    /** Guards {@code members}, {@code gate}, {@code gateClause} and {@code closed}. Never held while waiting. */
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by lock. The spawned workers not yet taken (identity set); cleared by close. */
    private final Set<Worker<T>> members = new HashSet<>();
    /**
     * Guarded by lock. The empty gate: closed ⇔ {@code members} is empty. Nothing is ever sent on it.
     * Replaced by a fresh open channel by the spawn that makes the set non-empty.
     */
    private Channel<Object> gate;
    /** Guarded by lock. {@code gate}'s "or closed" clause, chosen with {@link #EMPTY} once the gate is closed. */
    private SelectClause<Object> gateClause;
    /** Guarded by lock. Set once by close; no spawn is accepted afterwards. */
    private boolean closed;

    private WorkerSet(String name) {
        this.name = name;
        this.done = Channel.unbounded();
        this.tx = done.sender();
        this.rx = done.receiver();
        this.takeClause = rx.onReceiveOrClosed(w -> w, () -> CLOSED);
        newGate();
        gate.close();                      // empty at first: the gate is closed
    }

    /**
     * Opens an empty set named {@code set-<n>}.
     *
     * @param <T> the result type of the workers
     * @return the open set; use it in try-with-resources
     */
    public static <T> WorkerSet<T> open() {
        return new WorkerSet<>(WorkerSupport.nextName("set"));
    }

    /**
     * Opens an empty set with a name, used in exception messages.
     *
     * @param name the set's name
     * @param <T> the result type of the workers
     * @return the open set; use it in try-with-resources
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public static <T> WorkerSet<T> open(String name) {
        return new WorkerSet<>(WorkerSupport.checkName(name));
    }

    // ------------------------------------------------------------------ spawning

    /**
     * Starts {@code task} on a new worker named {@code worker-<n>} that belongs to this set.
     *
     * @param task the task
     * @return the running worker (it will also come out of {@link #next()} once finished)
     * @throws NullPointerException if {@code task} is null
     * @throws IllegalStateException if the set is closed (the message names the set)
     */
    public Worker<T> spawn(Callable<? extends T> task) {
        return add(new Worker<>(WorkerSupport.nextName("worker"), WorkerSupport.checkTask(task), null, null));
    }

    /**
     * Starts {@code task} on a new worker named {@code name} that belongs to this set.
     *
     * @param name the worker's name
     * @param task the task
     * @return the running worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank
     * @throws IllegalStateException if the set is closed
     */
    public Worker<T> spawn(String name, Callable<? extends T> task) {
        return add(new Worker<>(WorkerSupport.checkName(name), WorkerSupport.checkTask(task), null, null));
    }

    /**
     * Starts {@code task} with a deadline counted from when it starts running, as
     * {@link Worker#spawn(Callable, Duration)}; a worker that misses it comes out failed with a
     * {@link TimeoutException}.
     *
     * @param task the task
     * @param deadline how long the task may run
     * @return the running worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code deadline} is negative
     * @throws IllegalStateException if the set is closed
     */
    public Worker<T> spawn(Callable<? extends T> task, Duration deadline) {
        WorkerSupport.checkTask(task);
        return add(new Worker<>(WorkerSupport.nextName("worker"), task, Deadlines.check(deadline, "deadline"), null));
    }

    /**
     * Starts a named task with a deadline counted from when it starts running.
     *
     * @param name the worker's name
     * @param task the task
     * @param deadline how long the task may run
     * @return the running worker
     * @throws NullPointerException if an argument is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code deadline} negative
     * @throws IllegalStateException if the set is closed
     */
    public Worker<T> spawn(String name, Callable<? extends T> task, Duration deadline) {
        return add(new Worker<>(WorkerSupport.checkName(name), WorkerSupport.checkTask(task),
                Deadlines.check(deadline, "deadline"), null));
    }

    // ------------------------------------------------------------------ taking

    /**
     * Takes the next worker to finish, waiting while workers run and none has finished.
     *
     * <p><b>Interruption and timeout.</b> No timeout (see {@link #next(Duration)}). If the caller is
     * interrupted while waiting, {@link InterruptedException} is thrown with the flag cleared and
     * nothing was taken: the set is as it was. If a worker was handed over in the same instant as
     * the interrupt, it is returned and the flag is left set.
     *
     * @return the finished worker (in completion order), or {@code null} if the set is empty: nothing
     *         is running and every finished worker was taken (also after {@link #close()})
     * @throws InterruptedException if interrupted while waiting (nothing was taken)
     */
    @SuppressWarnings("unchecked")
    public Worker<T> next() throws InterruptedException {
        return (Worker<T>) take(0L, false);
    }

    /**
     * Takes the next worker to finish, waiting at most {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> The time is measured on the monotonic clock from the call.
     * If it runs out, the checked {@link TimeoutException} is thrown and nothing was taken; the
     * workers keep running. A zero timeout only checks. Interruption is handled as in {@link #next()}.
     *
     * @param timeout how long to wait at most, not negative
     * @return the finished worker, or {@code null} if the set is empty (as for {@link #next()})
     * @throws TimeoutException if workers still run and none finished in time
     * @throws InterruptedException if interrupted while waiting (nothing was taken)
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    @SuppressWarnings("unchecked")
    public Worker<T> next(Duration timeout) throws InterruptedException, TimeoutException {
        Object r = take(Deadlines.toNanos(Deadlines.check(timeout, "timeout")), true);
        if (r == TIMED_OUT) {
            throw new TimeoutException("next of worker set '" + name + "' timed out after "
                    + Deadlines.format(timeout) + "; no worker finished (" + size() + " not taken)");
        }
        return (Worker<T>) r;
    }

    /**
     * Takes a worker that has already finished, never waiting.
     *
     * @return the first finished worker not taken yet, or {@code null} if none has finished (whether
     *         or not workers still run; see {@link #isEmpty()})
     */
    public Worker<T> tryNext() {
        Worker<T> w;
        try {
            w = rx.tryReceive();
        } catch (ChannelClosedException closedAndDrained) {
            return null;
        }
        if (w != null) {
            taken(w);
        }
        return w;
    }

    /**
     * A {@link Select#select select} clause that takes the next finished worker and applies
     * {@code fn} to it, on the selecting thread; like a channel's {@code onReceive}, nothing is taken
     * unless the clause is chosen. The clause is not ready while no worker has finished — also when
     * the set is empty (unlike {@link #next()}, it cannot end a select with "nothing left"; combine it
     * with a guard {@code .when(!set.isEmpty())} or another clause). Once the set is closed, choosing
     * it throws {@link ChannelClosedException}, as a closed channel's clause does. The clause may be
     * kept and used in any number of selects.
     *
     * @param fn maps the taken worker to the select's result
     * @param <R> the select's result type
     * @return the clause
     * @throws NullPointerException if {@code fn} is null
     */
    public <R> SelectClause<R> onNext(Function<? super Worker<T>, ? extends R> fn) {
        if (fn == null) {
            throw new NullPointerException("fn must not be null");
        }
        return rx.onReceive(w -> {
            taken(w);
            return fn.apply(w);
        });
    }

    // ------------------------------------------------------------------ state and cancelling

    /**
     * Returns how many workers were spawned and not taken yet: running, or finished and waiting to be
     * taken. May be stale as soon as it returns when other threads use the set.
     *
     * @return the count; zero after {@link #close()}
     */
    public int size() {
        lock.lock();
        try {
            return members.size();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Tells whether {@link #size()} is zero, i.e. whether {@link #next()} would return {@code null}.
     *
     * @return true if no worker is running or waiting to be taken
     */
    public boolean isEmpty() {
        return size() == 0;
    }

    /**
     * Cancels (interrupts) every worker of the set that has not finished, without waiting; they come
     * out of {@link #next()} as cancelled. The set stays open. Idempotent.
     *
     * @return how many workers this call cancelled
     */
    public int cancelAll() {
        int n = 0;
        for (Worker<T> w : snapshot(false)) {
            if (w.cancel(true, "worker set '" + name + "' cancelled all its workers")) {
                n++;
            }
        }
        return n;
    }

    /**
     * Closes the set: no new spawns; every worker not taken yet is cancelled (interrupted); then waits
     * until each of their threads has ended, so none of their code runs after this returns. The
     * outcomes not taken are dropped, and takers still waiting in {@link #next()} return {@code null}.
     * Workers already taken are not touched. Idempotent; a concurrent second close also waits for the
     * threads it sees. Called by one of the set's own workers, it cancels that worker too (its
     * interrupt flag is then set) but does not wait for its own thread.
     *
     * <p><b>Interruption and timeout.</b> No timeout, and interruption does not cut it short: it keeps
     * waiting (a worker that ignores interrupts delays it) and returns with the interrupt flag set again.
     */
    @Override
    public void close() {
        List<Worker<T>> rest = snapshot(true);
        for (Worker<T> w : rest) {
            w.cancel(true, "worker set '" + name + "' was closed");
        }
        Thread me = Thread.currentThread();
        rest.removeIf(w -> w.thread() == me);   // a worker closing its own set: cancelled above, not joined (it is us)
        boolean interrupted = WorkerSupport.joinThreads(rest);
        done.close();
        try {
            while (rx.tryReceive() != null) {
                // dropped: outcomes not taken before close
            }
        } catch (ChannelClosedException drained) {
            // closed and drained: nothing left
        }
        lock.lock();
        try {
            members.clear();
            gate.close();
        } finally {
            lock.unlock();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Returns {@code WorkerSet[name, size=n]} (and {@code closed} once closed). */
    @Override
    public String toString() {
        lock.lock();
        try {
            return "WorkerSet[" + name + ", size=" + members.size() + (closed ? ", closed" : "") + "]";
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------ machinery

    private Worker<T> add(Worker<T> w) {
        w.onDone(() -> finished(w));       // before the thread starts: every outcome reaches done
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("worker set '" + name + "' is closed; cannot spawn worker '" + w.name() + "'");
            }
            if (members.isEmpty()) {
                newGate();                 // the set becomes non-empty: a fresh, open gate
            }
            members.add(w);
            w.startThread();               // under the lock, so close() always sees the thread it must join
        } finally {
            lock.unlock();
        }
        return w;
    }

    /** Completion callback of a member: hands it to the takers. Runs once, in whichever thread decided the outcome. */
    private void finished(Worker<T> w) {
        try {
            tx.trySend(w);                 // unbounded: true unless closed
        } catch (ChannelClosedException setClosed) {
            // the set was closed: the outcome is dropped, as documented
        }
    }

    /** Bookkeeping after a worker left {@code done}: not a member any more; closes the gate if it was the last. */
    private void taken(Worker<T> w) {
        lock.lock();
        try {
            if (members.remove(w) && members.isEmpty()) {
                gate.close();              // wakes takers waiting on an empty set
            }
        } finally {
            lock.unlock();
        }
    }

    /** Guarded by lock (or in the constructor): a fresh open gate and its clause. */
    private void newGate() {
        Channel<Object> g = Channel.rendezvous();
        gate = g;
        gateClause = g.receiver().onReceiveOrClosed(v -> {
            throw new AssertionError("a value was sent on the empty gate of worker set '" + name + "': " + v);
        }, () -> EMPTY);
    }

    /** The current members; with {@code close}, marks the set closed first. */
    private List<Worker<T>> snapshot(boolean close) {
        lock.lock();
        try {
            if (close) {
                closed = true;
            }
            return new ArrayList<>(members);
        } finally {
            lock.unlock();
        }
    }

    /**
     * The taking loop of {@link #next()} and {@link #next(Duration)}.
     *
     * @return the taken worker; null if the set is empty (or was closed); {@link #TIMED_OUT} if
     *         {@code timed} and the time ran out
     */
    @SuppressWarnings("unchecked")
    private Object take(long nanos, boolean timed) throws InterruptedException {
        final long deadline = timed ? Clock.nanoTime() + nanos : 0L;
        for (;;) {
            SelectClause<Object> empty;
            lock.lock();
            try {
                if (members.isEmpty()) {
                    return null;
                }
                empty = gateClause;
            } finally {
                lock.unlock();
            }
            Object r;
            if (timed) {
                long left = Math.max(0L, deadline - Clock.nanoTime());
                r = Select.selectBiased(takeClause, empty, Select.onTimeout(Duration.ofNanos(left), () -> TIMED_OUT));
            } else {
                r = Select.selectBiased(takeClause, empty);
            }
            if (r == TIMED_OUT) {
                return r;
            }
            if (r == CLOSED) {
                return null;
            }
            if (r != EMPTY) {
                Worker<T> w = (Worker<T>) r;
                taken(w);
                return w;
            }
            // EMPTY: the gate we saw closed; look again (the set may be empty, or non-empty again)
        }
    }
}
