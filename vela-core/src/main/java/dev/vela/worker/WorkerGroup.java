package dev.vela.worker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Worker#spawnAll} and {@link Worker#joinAll}: a thread-less group worker completed by its
 * members' completion callbacks.
 *
 * <h2>Implementation overview</h2>
 * Each member gets a callback. A successful member decrements {@code remaining}; the one that
 * brings it to zero completes the group with the results in input order. The first member that
 * fails, misses its deadline or is cancelled wins {@code culprit} by CAS and then completes the
 * group (FAILED with the member's exception as cause, or CANCELLED). The group's own callback
 * cancels every member unless the group succeeded, so a failure, or a cancel of the group,
 * cancels the siblings. Fail-fast does not depend on list order (unlike the prototype's W9).
 *
 * <p>Invariants: {@code culprit} is set before the group leaves RUNNING because of a member, so
 * {@link #joinAll} always finds it; {@code remaining} reaches zero only when every member succeeded.
 */
final class WorkerGroup<T> {
    /** Final; the members in input order. */
    private final List<Worker<? extends T>> members;
    /** Final; the thread-less group worker. */
    private final Worker<List<T>> group;
    /** Members not yet successful. Atomic; decremented once per successful member. */
    private final AtomicInteger remaining;
    /** The first member that did not succeed. Set once by CAS, before the group is decided. */
    private final AtomicReference<Worker<?>> culprit = new AtomicReference<>();

    private WorkerGroup(String name, List<Worker<? extends T>> members) {
        this.members = members;
        this.group = Worker.group(name);
        this.remaining = new AtomicInteger(members.size());
        if (members.isEmpty()) {
            group.completeGroup(WorkerCore.SUCCESS, List.of(), null);
            return;
        }
        group.onDone(() -> {
            if (group.stateCode() != WorkerCore.SUCCESS) {
                for (Worker<?> m : members) {
                    m.cancel(true, "a sibling in group '" + name + "' did not succeed");
                }
            }
        });
        for (Worker<? extends T> m : members) {
            m.onDone(() -> memberDone(m));
        }
    }

    private void memberDone(Worker<? extends T> m) {
        int s = m.stateCode();
        if (s == WorkerCore.SUCCESS) {
            if (remaining.decrementAndGet() == 0) {
                List<T> out = new ArrayList<>(members.size());
                for (Worker<? extends T> w : members) {
                    out.add(w.resultNow());
                }
                group.completeGroup(WorkerCore.SUCCESS, Collections.unmodifiableList(out), null);
            }
            return;
        }
        if (!culprit.compareAndSet(null, m)) {
            return;
        }
        if (s == WorkerCore.CANCELLED) {
            group.completeGroup(WorkerCore.CANCELLED, null, "member '" + m.name() + "' was cancelled");
        } else {
            String what = s == WorkerCore.TIMED_OUT ? "missed its deadline" : "failed";
            group.completeGroup(WorkerCore.FAILED, m.result(), "member '" + m.name() + "' " + what);
        }
    }

    static <T> Worker<List<T>> spawnAll(List<? extends Callable<? extends T>> tasks) {
        if (tasks == null) {
            throw new NullPointerException("tasks must not be null");
        }
        for (int i = 0; i < tasks.size(); i++) {
            if (tasks.get(i) == null) {
                throw new NullPointerException("tasks[" + i + "] must not be null");
            }
        }
        WorkContext.Snapshot context = WorkContext.capture();   // once, before any member starts: a throwing carrier starts none
        List<Worker<? extends T>> ws = new ArrayList<>(tasks.size());
        for (Callable<? extends T> task : tasks) {
            Worker<T> w = new Worker<>(WorkerSupport.nextName("worker"), task, null, null, context);
            w.startThread();
            ws.add(w);
        }
        return new WorkerGroup<T>(WorkerSupport.nextName("all"), ws).group;
    }

    static <T> List<T> joinAll(List<? extends Worker<? extends T>> workers) throws InterruptedException {
        if (workers == null) {
            throw new NullPointerException("workers must not be null");
        }
        List<Worker<? extends T>> ws = new ArrayList<>(workers.size());
        for (int i = 0; i < workers.size(); i++) {
            Worker<? extends T> w = workers.get(i);
            if (w == null) {
                throw new NullPointerException("workers[" + i + "] must not be null");
            }
            ws.add(w);
        }
        WorkerGroup<T> g = new WorkerGroup<>(WorkerSupport.nextName("all"), ws);
        int s = g.group.awaitDone(0L, false);
        if (s == WorkerCore.SUCCESS) {
            return g.group.resultNow();
        }
        Worker<?> bad = g.culprit.get();
        if (bad.stateCode() == WorkerCore.CANCELLED) {
            throw bad.cancelledException();
        }
        throw bad.failureException();
    }
}
