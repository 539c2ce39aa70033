package dev.vela.worker;

import dev.vela.time.internal.Clock;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * The completion state machine and the waiter stack behind every {@link Worker}.
 *
 * <h2>Implementation overview</h2>
 * The idea is {@link java.util.concurrent.FutureTask}'s: one {@code int} state word decides the outcome
 * exactly once by CAS, and a Treiber stack of waiter nodes holds the threads parked in {@code join}
 * and the internal completion callbacks (groups, scopes, {@code toCompletableFuture}). It differs
 * from FutureTask in three ways: a missed deadline is its own terminal state ({@link #TIMED_OUT}),
 * callbacks share the waiter stack (so there is one waiter primitive, not two), and the stack is
 * closed with a {@link #DONE} sentinel so that a callback registered after completion runs at once.
 *
 * <h2>States</h2>
 * <pre>
 *   NEW ──runner──▶ RUNNING ──task returned / threw, deadline, cancel──▶ COMPLETING ──▶ SUCCESS | FAILED | TIMED_OUT | CANCELLED
 *    └──────────────cancel / pool shutdownNow (never started)──────────▶ COMPLETING ──▶ CANCELLED
 * </pre>
 * Whoever wins the CAS into {@link #COMPLETING} writes {@code result} and {@code detail} and then
 * writes the final state; everybody else loses and drops what it had (a late result is discarded).
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li>The state only grows: NEW &lt; RUNNING &lt; COMPLETING &lt; terminal; a terminal state never changes.</li>
 *   <li>{@code result}/{@code detail} are read only after a terminal state was read (volatile), and
 *       written only by the CAS winner before its volatile write of that state.</li>
 *   <li>Once {@code waiters == DONE} no node is ever pushed; every node pushed before was unparked
 *       or run exactly once by {@link #finish()}.</li>
 * </ul>
 */
abstract class WorkerCore {
    /** Created, task not started. Set by the constructor. Next: RUNNING (the runner) or COMPLETING (cancel). */
    static final int NEW = 0;
    /** The task is running (or, for a group, children are pending). Set by the runner's CAS. Next: COMPLETING. */
    static final int RUNNING = 1;
    /** Transient: the CAS winner is writing the outcome. Next: one of the four terminal states. */
    static final int COMPLETING = 2;
    /** Terminal: the task returned; {@code result} is its value (may be null). */
    static final int SUCCESS = 3;
    /** Terminal: the task threw; {@code result} is the Throwable, type and message intact. */
    static final int FAILED = 4;
    /** Terminal: the deadline passed first; {@code result} is a {@link java.util.concurrent.TimeoutException}. */
    static final int TIMED_OUT = 5;
    /** Terminal: cancelled before the task finished; {@code result} is null. */
    static final int CANCELLED = 6;

    /** State word. Volatile; changed only by CAS into COMPLETING and then one volatile write. */
    private volatile int state;
    /** Outcome payload. Plain; written by the CAS winner, published by the volatile write of the final state. */
    private Object result;
    /** Optional human-readable reason (group child, pool shutdown). Same access mode as {@code result}. */
    private String detail;
    /** Treiber stack of waiters and callbacks. Volatile; CAS to push, getAndSet(DONE) to close. */
    private volatile Node waiters;

    /** Sentinel closing the waiter stack once the outcome is published. */
    private static final Node DONE = new Node(null, null);

    private static final VarHandle STATE;
    private static final VarHandle WAITERS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(WorkerCore.class, "state", int.class);
            WAITERS = l.findVarHandle(WorkerCore.class, "waiters", Node.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** A parked joiner ({@code thread != null}) or a completion callback ({@code callback != null}). */
    static final class Node {
        /** Volatile; cleared by the waker or by a joiner that gave up (then the node is dead). */
        volatile Thread thread;
        /** Final; run once by {@link #finish()}. */
        final Runnable callback;
        /** Volatile; set before the publishing CAS, later only unlinked by {@link #removeWaiter}. */
        volatile Node next;

        Node(Thread thread, Runnable callback) {
            this.thread = thread;
            this.callback = callback;
        }
    }

    WorkerCore(int initialState) {
        this.state = initialState;
    }

    /** The raw state word (one of the constants above). */
    final int stateCode() {
        return state;
    }

    /** The outcome payload; only meaningful after a terminal state was observed. */
    final Object result() {
        return result;
    }

    /** The reason text; only meaningful after a terminal state was observed. */
    final String detail() {
        return detail;
    }

    /** True once a terminal state is published. */
    final boolean isTerminal() {
        return state > COMPLETING;
    }

    /** Plain CAS of the state word, used by the runner for NEW → RUNNING. */
    final boolean casState(int from, int to) {
        return STATE.compareAndSet(this, from, to);
    }

    /**
     * Decides the outcome if the state is still {@code from}: CAS into COMPLETING, write the payload,
     * publish {@code to}. The caller must call {@link #finish()} afterwards when this returns true.
     */
    final boolean decide(int from, int to, Object value, String why) {
        if (!STATE.compareAndSet(this, from, COMPLETING)) {
            return false;
        }
        result = value;
        detail = why;
        state = to;
        return true;
    }

    /** Closes the waiter stack, unparks every joiner, then runs every callback. Called once by the winner. */
    final void finish() {
        Node head = (Node) WAITERS.getAndSet(this, DONE);
        for (Node q = head; q != null; q = q.next) {
            Thread t = q.thread;
            if (t != null) {
                q.thread = null;
                LockSupport.unpark(t);
            }
        }
        for (Node q = head; q != null; q = q.next) {
            if (q.callback != null) {
                runCallback(q.callback);
            }
        }
    }

    /** Runs {@code callback} once the outcome is published: now if it already is, else from {@link #finish()}. */
    final void onDone(Runnable callback) {
        Node node = new Node(null, callback);
        if (!push(node)) {
            runCallback(callback);
        }
    }

    private static void runCallback(Runnable callback) {
        try {
            callback.run();
        } catch (Throwable t) {
            Thread me = Thread.currentThread();
            me.getUncaughtExceptionHandler().uncaughtException(me, t);
        }
    }

    private boolean push(Node node) {
        for (;;) {
            Node h = waiters;
            if (h == DONE) {
                return false;
            }
            node.next = h;
            if (WAITERS.compareAndSet(this, h, node)) {
                return true;
            }
        }
    }

    /**
     * Waits until a terminal state is published.
     *
     * @return the terminal state, or a non-terminal one if {@code timed} and the time ran out
     * @throws InterruptedException if interrupted while waiting (flag cleared, node removed)
     */
    final int awaitDone(long nanos, boolean timed) throws InterruptedException {
        int s = state;
        if (s > COMPLETING) {
            return s;
        }
        final long deadline = timed ? Clock.nanoTime() + nanos : 0L;
        Node node = null;
        boolean queued = false;
        for (;;) {
            s = state;
            if (s > COMPLETING) {
                if (node != null) {
                    node.thread = null;
                }
                return s;
            } else if (s == COMPLETING) {
                Thread.yield(); // the winner is two plain writes away from publishing
            } else if (Thread.interrupted()) {
                removeWaiter(node);
                throw new InterruptedException();
            } else if (node == null) {
                if (timed && nanos <= 0L) {
                    return s;
                }
                node = new Node(Thread.currentThread(), null);
            } else if (!queued) {
                queued = push(node); // false only once DONE: the next loop sees the terminal state
            } else if (timed) {
                long left = deadline - Clock.nanoTime();
                if (left <= 0L) {
                    removeWaiter(node);
                    return state;
                }
                Clock.parkUntil(this, deadline, left);
            } else {
                LockSupport.park(this);
            }
        }
    }

    /** Marks {@code node} dead and unlinks every dead node (FutureTask's algorithm). */
    private void removeWaiter(Node node) {
        if (node == null) {
            return;
        }
        node.thread = null;
        retry:
        for (;;) {
            for (Node pred = null, q = waiters, s; q != null && q != DONE; q = s) {
                s = q.next;
                if (q.thread != null || q.callback != null) {
                    pred = q;
                } else if (pred != null) {
                    pred.next = s;
                    if (pred.thread == null && pred.callback == null) {
                        continue retry;
                    }
                } else if (!WAITERS.compareAndSet(this, q, s)) {
                    continue retry;
                }
            }
            return;
        }
    }
}
