package dev.vela.worker;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link Worker#race}: every task on its own worker, the first success wins, the losers are
 * cancelled and their threads joined before the race returns.
 *
 * <h2>Implementation overview</h2>
 * As in {@link WorkerGroup}, a thread-less group worker ({@code outcome}) is completed by its
 * members' completion callbacks, and the caller parks on it through the one waiter primitive of
 * {@link WorkerCore}. A member that succeeds completes {@code outcome} with its value (the state CAS
 * lets exactly one win). A member that fails is queued in {@code failures} and then decrements
 * {@code pendingFailures}; the one that brings it to zero completes {@code outcome} as failed (if no
 * success came first). Whatever ends the wait — a winner, the last failure, or the caller's
 * interrupt — the caller then cancels every member (which interrupts it) and joins every member's
 * thread, so no task code runs after {@code race} returns or throws: the losers really stop, as in
 * Tokio's {@code select!} or Kotlin's {@code select}, as far as Java can stop a thread.
 *
 * <p>Invariants: a member enters {@code failures} before it decrements {@code pendingFailures}, so
 * when {@code outcome} fails every member's failure is in the queue, in completion order. Members are
 * cancelled only by the race itself and only after {@code outcome} was decided or the caller was
 * interrupted, so until then a member ends only by success or failure (it has no deadline).
 */
final class WorkerRace<T> {
    /** Final; {@code race-<n>}, the prefix of the members' names. */
    private final String name;
    /** Final; the members in input order, named {@code race-<n>-<i>}. */
    private final List<Worker<T>> members;
    /** Final; the thread-less group worker: SUCCESS with the winner's value, or FAILED once all failed. */
    private final Worker<T> outcome;
    /** Members that failed, in completion order. Each is added once, before it decrements {@code pendingFailures}. */
    private final ConcurrentLinkedQueue<Worker<T>> failures = new ConcurrentLinkedQueue<>();
    /** Members that have not failed yet. Atomic; decremented once per failed member. */
    private final AtomicInteger pendingFailures;

    private WorkerRace(String name, int size) {
        this.name = name;
        this.members = new ArrayList<>(size);
        this.outcome = Worker.group(name);
        this.pendingFailures = new AtomicInteger(size);
    }

    static <T> T race(List<? extends Callable<? extends T>> tasks) throws InterruptedException {
        if (tasks == null) {
            throw new NullPointerException("tasks must not be null");
        }
        if (tasks.isEmpty()) {
            throw new IllegalArgumentException("race needs at least one task, got none");
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i) == null) {
                throw new NullPointerException("tasks[" + i + "] must not be null");
            }
        }
        WorkContext.Snapshot context = WorkContext.capture();   // once, before any member starts: a throwing carrier starts none
        WorkerRace<T> r = new WorkerRace<>(WorkerSupport.nextName("race"), tasks.size());
        for (int i = 0; i < tasks.size(); i++) {
            Worker<T> w = new Worker<>(r.name + "-" + i, tasks.get(i), null, null, context);
            r.members.add(w);
            w.onDone(() -> r.memberDone(w));
            w.startThread();
        }
        return r.await();
    }

    private void memberDone(Worker<T> m) {
        int s = m.stateCode();
        if (s == WorkerCore.SUCCESS) {
            outcome.completeGroup(WorkerCore.SUCCESS, m.result(), "won by '" + m.name() + "'");
        } else if (s != WorkerCore.CANCELLED) {   // FAILED; a cancelled member is stopped by the race itself
            failures.add(m);
            if (pendingFailures.decrementAndGet() == 0) {
                outcome.completeGroup(WorkerCore.FAILED, null, null);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private T await() throws InterruptedException {
        int s;
        try {
            s = outcome.awaitDone(0L, false);
        } catch (InterruptedException e) {
            stopAll("race '" + name + "' was interrupted");   // a second interrupt meanwhile is folded into e
            throw e;
        }
        String why = s == WorkerCore.SUCCESS ? "lost race '" + name + "' (" + outcome.detail() + ")"
                : "race '" + name + "' is over";
        if (stopAll(why)) {
            Thread.currentThread().interrupt();
        }
        if (s == WorkerCore.SUCCESS) {
            return (T) outcome.result();
        }
        throw allFailed();
    }

    /**
     * Cancels every member, then waits for every member's thread to end, not giving up when
     * interrupted.
     *
     * @return whether the caller was interrupted while waiting (the flag is then clear)
     */
    private boolean stopAll(String why) {
        for (Worker<T> m : members) {
            m.cancel(true, why);
        }
        return WorkerSupport.joinThreads(members);
    }

    /** The first failure (completion order) with the others' exceptions suppressed, as {@link Scope#join()} does. */
    private WorkerFailedException allFailed() {
        List<Worker<T>> failed = new ArrayList<>(failures);
        Worker<T> first = failed.getFirst();
        Throwable cause = (Throwable) first.result();
        WorkerFailedException e = new WorkerFailedException(first.name(), "all " + members.size() + " tasks of race '"
                + name + "' failed; the first, worker '" + first.name() + "', with: " + cause, cause);
        for (int i = 1; i < failed.size(); i++) {
            e.addSuppressed((Throwable) failed.get(i).result());
        }
        return e;
    }
}
