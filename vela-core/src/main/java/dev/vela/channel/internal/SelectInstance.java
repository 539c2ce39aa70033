package dev.vela.channel.internal;

import dev.vela.time.internal.Clock;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.SelectClause;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One execution of {@link Select#select}: the algorithm, and the shared completion cell of its
 * clause waiters.
 *
 * <h2>Idea</h2>
 * Select drives the channels' own operations; it has no algorithm of its own for moving values.
 * <ol>
 *   <li><b>Try</b> every enabled clause once with the channel's non-blocking operation, in a fresh
 *       uniformly random order (biased select: in argument order). The order is a Fisher–Yates
 *       shuffle drawn one step per clause tried, so the first ready clause in it is uniform among the
 *       ready ones wherever they stand (Go's {@code pollorder}); up to 16 clauses it lives in one
 *       {@code long}, 4 bits per position. The first that succeeds commits; nothing else was touched.
 *       Then the default clause, if any.</li>
 *   <li><b>Spin</b>: if nothing was ready, back off and go back to 1, up to {@link Waiter#spins()}
 *       times (the spin policy every blocking path shares, ADR 0007): registering and withdrawing a
 *       waiter per clause costs more than a peer's likely imminent send.</li>
 *   <li><b>Register</b> one {@link SelectWaiter} per clause in that channel's queue of blocked
 *       receivers or senders. All of them complete this one instance (a {@link Waiter}) by a single
 *       CAS, so at most one peer can ever serve this select.</li>
 *   <li><b>Re-check</b> every clause (reads only). If one became ready in between, withdraw (CAS this
 *       instance to CANCELLED) and go back to 1. This is the same Dekker re-check as a single blocked
 *       operation does, so no wake-up is lost. The re-check ignores this select's own waiters
 *       ({@link Waiter#isClauseOf}): a send clause and a receive clause on one rendezvous channel would
 *       otherwise see each other as the peer, withdraw and retry forever instead of parking.</li>
 *   <li><b>Wait</b> (spin/yield, then park) until a peer completes the instance, the timeout clause's
 *       deadline passes, or the thread is interrupted. Remove every clause waiter from its queue.</li>
 *   <li>A peer's completion says which clause: a rendezvous element ({@code value}) or
 *       {@link Waiter#TAKEN} (our element was received) commits that clause directly; a wake-up
 *       ({@link Waiter#NOTIFIED}, {@link Waiter#RETRY}, {@link Waiter#CLOSED}) means "try again":
 *       back to 1. A wake-up that the select ends up not using is passed on to that channel's next
 *       waiter, exactly as a single blocked operation does.</li>
 * </ol>
 *
 * <h2>Exactly one clause</h2>
 * The select thread commits only in step 1, and only while it is not registered (before step 2, or
 * after withdrawing in 3 or 4); a peer commits only by winning the instance's CAS. Withdrawal and
 * a peer's commit are the same CAS, so they exclude each other.
 */
public final class SelectInstance extends Waiter {
    /** A peer's completion: which clause, and with what (element, TAKEN, NOTIFIED, RETRY, CLOSED). */
    record Fired(int clause, Object value) {}

    /** The identity order of up to 16 clauses, 4 bits per position: position i holds clause i. */
    private static final long IDENTITY = 0xFEDCBA9876543210L;
    /** Above this many clauses the random order lives in an int[] (allocated once per select; rare). */
    private static final int ORDER_BITS_LIMIT = 16;

    private static int[] identity(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = i;
        return a;
    }

    /** attempt(): the clause cannot complete now. */
    private static final Object NOT_READY = new Object();
    /** attempt(): the clause's channel is closed (and drained, for receive). */
    private static final Object CLOSED_OUTCOME = new Object();

    private SelectInstance(Thread owner) {
        super(owner, null);
    }

    /** Called by a clause waiter: completes the whole select with (clause, value). */
    boolean fire(int clause, Object value) {
        return super.complete(new Fired(clause, value));
    }

    /**
     * Runs a select over {@code all} (not modified; used as is when every clause is an enabled
     * channel clause, the common case, so the fast path allocates nothing of its own).
     */
    @SuppressWarnings("unchecked")
    public static <R> R run(SelectClause<? extends R>[] all, boolean biased) throws InterruptedException {
        if (all == null) throw new NullPointerException("select clauses must not be null");
        Clause<? extends R> otherwise = null, timeout = null;
        int n = 0;
        for (SelectClause<? extends R> sc : all) {
            Clause<? extends R> c = (Clause<? extends R>) sc;     // the only implementation (sealed)
            if (c == null) throw new NullPointerException("select clause must not be null");
            if (!c.enabled) continue;
            switch (c.kind) {
                case DEFAULT -> {
                    if (otherwise != null) throw new IllegalArgumentException("select has more than one onDefault clause");
                    otherwise = c;
                }
                case TIMEOUT -> {
                    if (timeout != null) throw new IllegalArgumentException("select has more than one onTimeout clause");
                    timeout = c;
                }
                default -> n++;
            }
        }
        if (n == 0 && otherwise == null && timeout == null) {
            throw new IllegalArgumentException("select needs at least one enabled clause, got " + java.util.Arrays.toString(all));
        }
        SelectClause<? extends R>[] cs = all;
        if (n != all.length) {                                       // keep only the enabled channel clauses
            cs = new SelectClause[n];
            int j = 0;
            for (SelectClause<? extends R> sc : all) {
                Clause<? extends R> c = (Clause<? extends R>) sc;
                if (c.enabled && c.channel != null) cs[j++] = c;
            }
        }
        boolean timed = timeout != null && timeout.timeoutNanos < ChannelCore.FOREVER_NANOS;
        long deadline = timed ? Clock.nanoTime() + timeout.timeoutNanos : 0;
        Fired unused = null;                                         // a wake-up we hold but may not use
        int spins = otherwise == null ? Waiter.spins() : 0;         // the shared spin policy (ADR 0007)

        // above 16 clauses the order lives in an array, made once: Fisher-Yates from any permutation is uniform
        int[] wide = n > ORDER_BITS_LIMIT && !biased ? identity(n) : null;
        while (true) {
            // 1. try each clause once, in a fresh uniformly random order (or in order, if biased)
            long order = IDENTITY;                                   // position i -> clause, 4 bits each (n <= 16)
            for (int i = 0; i < n; i++) {
                int k;
                if (biased) {
                    k = i;
                } else if (i == n - 1) {                             // the last position: no choice left
                    k = wide != null ? wide[i] : (int) (order >>> (i << 2)) & 0xF;
                } else {                                             // Fisher-Yates, one step per clause tried
                    int j = i + ThreadLocalRandom.current().nextInt(n - i);
                    if (wide != null) {
                        k = wide[j];
                        wide[j] = wide[i];
                        wide[i] = k;
                    } else {
                        k = (int) (order >>> (j << 2)) & 0xF;
                        long ki = (order >>> (i << 2)) & 0xF;
                        order = order & ~(0xFL << (j << 2)) | ki << (j << 2);   // position j takes i's clause
                    }
                }
                Object r = attempt(clause(cs, k));
                if (r != NOT_READY) {
                    passOn(unused, cs, k);
                    return commit(clause(cs, k), r);
                }
            }
            if (otherwise != null || (timed && deadline - Clock.nanoTime() <= 0)) {
                passOn(unused, cs, -1);
                return (otherwise != null ? otherwise : timeout).onOther.get();
            }
            if (n == 0 && !timed) {                                     // only an infinite timeout: wait forever
                throw new IllegalArgumentException("select has no channel clause and no finite timeout");
            }
            if (spins > 0 && n > 0) {                                   // 1b. before registering: back off and try again
                spins--;
                Waiter.backOff();
                continue;
            }
            // 2. register
            if (Thread.interrupted()) {
                passOn(unused, cs, -1);
                throw ChannelCore.interrupted();   // or the watchdog's ChannelDeadlockException
            }
            SelectInstance sel = new SelectInstance(Thread.currentThread());
            SelectWaiter[] ws = new SelectWaiter[n];
            for (int k = 0; k < n; k++) {
                ws[k] = new SelectWaiter(sel, k, clause(cs, k).element);
                queue(cs[k]).add(ws[k]);
            }
            // 3. re-check (every clause: a rendezvous send clause also tells a waiting receiver to retry)
            boolean ready = false;
            for (int k = 0; k < n; k++) {
                Clause<?> c = clause(cs, k);
                ready |= c.kind == Clause.Kind.SEND ? c.channel.sendReady(sel) : c.channel.receiveReady(sel);
            }
            Object s;
            if (ready && sel.cancel()) {
                deregister(cs, ws);
                continue;
            }
            s = ready ? sel.state() : sel.await(timed, deadline);
            if (s == TIMED_OUT || s == INTERRUPTED) {
                if (sel.cancel()) {
                    deregister(cs, ws);
                    passOn(unused, cs, -1);
                    if (s == INTERRUPTED) throw ChannelCore.interrupted();   // or the watchdog's ChannelDeadlockException
                    return timeout.onOther.get();
                }
                if (s == INTERRUPTED) Thread.currentThread().interrupt(); // served meanwhile: keep the flag
                s = sel.state();
            }
            deregister(cs, ws);
            Fired f = (Fired) s;
            Object v = f.value();
            if (v == NOTIFIED) {
                passOn(unused, cs, -1);
                unused = f;
                continue;
            }
            if (v == RETRY || v == CLOSED) {
                if (v == RETRY) passOn(f, cs, -1);                   // another receiver must meet that sender
                continue;
            }
            passOn(unused, cs, f.clause());
            Clause<? extends R> c = clause(cs, f.clause());
            return v == TAKEN ? c.onOther.get() : c.onValue.apply(v);
        }
    }

    /** Tries clause {@code c} without blocking: the value, TAKEN (sent), CLOSED_OUTCOME or NOT_READY. */
    private static Object attempt(Clause<?> c) {
        if (c.kind == Clause.Kind.SEND) {
            if (c.sender.isClosed() && !c.channel.isClosed()) {
                throw new ChannelClosedException("select onSend through a closed sender handle of " + c.channel, null);
            }
            int r = c.channel.selectTrySend(c.element);
            return r == ChannelCore.SEL_OK ? TAKEN : r == ChannelCore.SEL_CLOSED ? CLOSED_OUTCOME : NOT_READY;
        }
        Object e = c.channel.selectTryReceive();
        return e == ChannelCore.SEL_EMPTY ? NOT_READY : e == ChannelCore.SEL_DRAINED ? CLOSED_OUTCOME : e;
    }

    private static <R> R commit(Clause<? extends R> c, Object r) {
        if (r == CLOSED_OUTCOME) {
            if (c.kind == Clause.Kind.RECEIVE_OR_CLOSED) return c.onOther.get();
            throw c.channel.closedException(c.kind == Clause.Kind.SEND ? "select onSend" : "select onReceive");
        }
        return r == TAKEN && c.kind == Clause.Kind.SEND ? c.onOther.get() : c.onValue.apply(r);
    }

    /** Clause {@code k} of {@code cs}, as the engine reads it ({@link Clause} is the only {@link SelectClause}). */
    @SuppressWarnings("unchecked")
    private static <R> Clause<? extends R> clause(SelectClause<? extends R>[] cs, int k) {
        return (Clause<? extends R>) cs[k];
    }

    private static WaitQueue queue(SelectClause<?> sc) {
        Clause<?> c = (Clause<?>) sc;
        return c.kind == Clause.Kind.SEND ? c.channel.sendWaiters() : c.channel.receiveWaiters();
    }

    private static void deregister(SelectClause<?>[] cs, SelectWaiter[] ws) {
        for (int k = 0; k < ws.length; k++) queue(cs[k]).remove(ws[k]);
    }

    /** A wake-up from clause f.clause() that was not used by clause {@code usedClause}: give it to the next waiter. */
    private static void passOn(Fired f, SelectClause<?>[] cs, int usedClause) {
        if (f == null || f.clause() == usedClause) return;
        queue(cs[f.clause()]).signal(f.value());
    }
}
