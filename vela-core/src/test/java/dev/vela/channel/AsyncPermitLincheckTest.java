package dev.vela.channel;

import static dev.vela.channel.ChannelBlockingLincheckTest.joinAll;
import static dev.vela.channel.ChannelBlockingLincheckTest.noErrors;
import static dev.vela.channel.ChannelBlockingLincheckTest.start;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.channel.internal.BoundedChannel;
import dev.vela.channel.internal.RendezvousChannel;
import dev.vela.channel.internal.UnboundedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/**
 * Lincheck 3.7 model checking of the two thread-less ways into a channel: async operations withdrawn
 * while they race a hand-over, and send permits. Like {@link ChannelBlockingLincheckTest} (whose
 * {@link ChannelBlockingLincheckTest#runConcurrentTest runConcurrentTest} with the raised loop bound
 * and thread helpers this class uses), each invocation starts and joins its own <em>platform</em>
 * threads (Lincheck 3.7 cannot handle virtual threads, verification-tools.md §2) and asserts on the
 * outcome; Lincheck explores the interleavings and reports a failed assertion, an exception or a hang.
 * Scenarios are balanced: a correct channel never hangs in them.
 *
 * <h2>Async send/receive with withdrawal ({@link #asyncScenario})</h2>
 * T0 {@code receiveAsync()} and withdraws it with {@code completeExceptionally(TimeoutException)} (what
 * {@code orTimeout} does); T1 {@code sendAsync(2)}, then {@code sendAsync(1)} and withdraws that one with
 * {@code cancel(true)}; T2 a blocking {@code receive()}; T3 a blocking {@code send(3)}. Once T0-T2 are
 * joined, the test thread receives until 3 has arrived (T3 may be blocked until then), joins T3 and
 * drains the channel, which lets a pending {@code sendAsync(2)} in. Balanced: 2 and 3 are never
 * withdrawn and T0 takes at most one value, so T2 always gets one. Checks (docs/select.md "Async
 * operations"): a withdraw that returned true left its future failed and moved nothing (a withdrawn
 * send's value never appears, a withdrawn receive took nothing); one that returned false found the
 * value already moved and the future completed normally; {@code sendAsync(2)} has completed once the
 * channel is drained; the multiset of received values (T0's future if not withdrawn, T2, the test
 * thread, the drain) equals the sends not withdrawn: nothing lost or duplicated; and nothing hangs, so a
 * withdrawn waiter that had already been told "go ahead" (a receive told a value is there, a send told
 * there is room) must pass that wake-up on to the blocked T2 or T3. On bounded(1), {@code sendAsync(2)}
 * or {@code send(3)} may fill the buffer so that {@code sendAsync(1)} waits and its cancel races the
 * receivers; on a rendezvous channel every send waits for a receiver. Run on rendezvous, bounded(1)
 * and unbounded (block size 2: a send never waits, only the receive side races).
 *
 * <p>Channel factories are lambdas, never constructor references such as {@code RendezvousChannel::new}:
 * see {@link ChannelBlockingLincheckTest#runConcurrentTest}.
 *
 * <h2>Send permits ({@link #permitScenario})</h2>
 * T0 {@code reserve()} (may wait for room) and sends 1 through the permit; T1 {@code tryReserve()}
 * and closes the permit unused (its place must come back, or a waiting reserver or sender hangs);
 * T2 receives until the channel reports closed; T3 sends 2 and then closes the channel (a permit
 * reserved before the close still sends, and T2 must wait for it). Checks (ADR 0014): the number of
 * permits the test holds at once never exceeds the capacity (the counter rises after a reservation
 * returns and falls before the permit is used, so it never over-counts); T2 receives exactly 2 plus 1
 * if T0's reservation succeeded, each once; T2 ends. Run on bounded(1), bounded(2) and unbounded
 * (block size 2). (A rendezvous channel has no places to reserve: PermitContractTest checks that
 * every reserve variant throws UnsupportedOperationException.)
 *
 * <h2>Negative controls</h2>
 * Each check must fail under Lincheck against a planted bug that only an interleaving exposes:
 * <ul>
 *   <li>{@link #STALE_WITHDRAW}: reports "withdrawn" from an {@code isDone()} read taken before the real
 *       withdraw, ignoring that withdraw's result (a check-then-act). When the value moves between
 *       the two, the test believes a received or sent value was withdrawn: a lost or unexpected value.</li>
 *   <li>{@link #UNHELD_PERMITS}: a permit that gives its place back as soon as it is reserved and later
 *       sends with {@code trySend}, dropping the value if there is no room (a permit that sends
 *       without holding a place). Two permits are then held at once on bounded(1), or a value is lost
 *       when someone took the place in between.</li>
 * </ul>
 */
@Timeout(value = 150, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class AsyncPermitLincheckTest {

    static final int INVOCATIONS = 300;

    // ================================================================ async send/receive, withdrawn

    /** How the scenario withdraws a pending async operation. */
    @FunctionalInterface
    interface Withdraw {
        /**
         * Withdraws {@code f} by {@code cancel(true)} if {@code viaCancel}, else by
         * {@code completeExceptionally(TimeoutException)}, as {@code orTimeout} does.
         *
         * @return true if the operation was withdrawn (nothing moved)
         */
        boolean apply(CompletableFuture<?> f, boolean viaCancel);
    }

    /** The futures' own withdraw: the contract under test. */
    static final Withdraw REAL_WITHDRAW = (f, viaCancel) -> viaCancel
            ? f.cancel(true)
            : f.completeExceptionally(new TimeoutException("withdrawn by the test"));

    /**
     * Planted bug: answers "withdrawn" whenever the future was not done <em>before</em> the real
     * withdraw, whatever that withdraw returned. If the value moves between the {@code isDone()} read
     * and the withdraw, the withdraw fails (the value won) but this reports success.
     */
    static final Withdraw STALE_WITHDRAW = (f, viaCancel) -> {
        boolean pending = !f.isDone();
        REAL_WITHDRAW.apply(f, viaCancel);
        return pending;
    };

    static void asyncWithdrawRacingHandOver(Supplier<Channel<Integer>> factory, Withdraw withdraw, int invocations) {
        ChannelBlockingLincheckTest.runConcurrentTest(invocations, () -> asyncScenario(factory, withdraw));
    }

    /** One run: see the class comment. */
    @SuppressWarnings("unchecked")
    static void asyncScenario(Supplier<Channel<Integer>> factory, Withdraw withdraw) {
        Channel<Integer> ch = factory.get();
        Sender<Integer> tx = ch.sender();
        Receiver<Integer> rx = ch.receiver();
        CompletableFuture<Void>[] sends = new CompletableFuture[3];     // sends[v] is sendAsync(v), v = 1, 2
        CompletableFuture<Integer>[] receiveAsync = new CompletableFuture[1];
        boolean[] withdrawn = new boolean[2];                           // [0]: sendAsync(1), [1]: receiveAsync
        int[] received = {0};
        Throwable[] errors = new Throwable[4];
        Thread blockingSender = start(errors, 3, () -> tx.send(3));
        joinAll(
                start(errors, 0, () -> {
                    receiveAsync[0] = rx.receiveAsync();
                    withdrawn[1] = withdraw.apply(receiveAsync[0], false);
                }),
                start(errors, 1, () -> {
                    sends[2] = tx.sendAsync(2);                        // bounded(1): may fill the buffer, so
                    sends[1] = tx.sendAsync(1);                        // that this one has to wait
                    withdrawn[0] = withdraw.apply(sends[1], true);
                }),
                start(errors, 2, () -> received[0] = rx.receive()));

        List<Integer> delivered = new ArrayList<>();
        delivered.add(received[0]);
        // send(3) is never withdrawn: it reaches the blocking receive, the async receive, or a receive
        // here. Only its thread's end says which: the async receive's future is completed by that
        // thread after it took the value (a withdraw that failed may return before that).
        while (blockingSender.isAlive()) {
            Integer v = rx.tryReceive();
            if (v != null) delivered.add(v); else Thread.onSpinWait();
        }
        joinAll(blockingSender);
        noErrors(errors);
        CompletableFuture<Integer> r = receiveAsync[0];
        if (r != null && !withdrawn[1] && completedNormally(r)) delivered.add(r.getNow(null));
        delivered.addAll(SelectContractTest.drain(ch));                // lets a pending sendAsync(2) in

        if (withdrawn[1]) {
            if (!r.isCompletedExceptionally()) {
                throw new AssertionError("receiveAsync reported withdrawn but its future is " + r
                        + (r.isDone() ? " with " + r.getNow(null) + ": that value is lost" : ""));
            }
        } else if (!completedNormally(r)) {
            throw new AssertionError("receiveAsync could not be withdrawn, so its value must have moved, but its future is " + r);
        }
        if (withdrawn[0] ? !sends[1].isCompletedExceptionally() : !completedNormally(sends[1])) {
            throw new AssertionError("sendAsync(1) " + (withdrawn[0] ? "reported withdrawn" : "could not be withdrawn")
                    + " but its future is " + sends[1]);
        }
        if (!completedNormally(sends[2])) {
            throw new AssertionError("sendAsync(2) not completed once the channel was drained: " + sends[2]);
        }
        Collections.sort(delivered);
        List<Integer> expected = withdrawn[0] ? List.of(2, 3) : List.of(1, 2, 3);
        if (!expected.equals(delivered)) {
            throw new AssertionError("sends not withdrawn " + expected + " but received " + delivered
                    + " (receive " + received[0] + ", receiveAsync " + r + (withdrawn[1] ? " withdrawn" : "")
                    + ", sendAsync(1) " + (withdrawn[0] ? "withdrawn" : "not withdrawn") + ")");
        }
        if (!rx.isEmpty()) throw new AssertionError("channel not empty after the drain");
    }

    private static boolean completedNormally(CompletableFuture<?> f) {
        return f.isDone() && !f.isCompletedExceptionally();
    }

    // ================================================================ send permits

    /** How the scenario reserves places: the real permits, or a planted bug. */
    interface Reserver {
        Permit<Integer> reserve(Sender<Integer> tx) throws InterruptedException;

        Permit<Integer> tryReserve(Sender<Integer> tx);
    }

    /** {@link Sender#reserve()} and {@link Sender#tryReserve()}: the contract under test. */
    static final Reserver REAL_PERMITS = new Reserver() {
        @Override
        public Permit<Integer> reserve(Sender<Integer> tx) throws InterruptedException {
            return tx.reserve();
        }

        @Override
        public Permit<Integer> tryReserve(Sender<Integer> tx) {
            return tx.tryReserve();
        }
    };

    /**
     * Planted bug: waits for room with a real reservation but gives the place back at once, and
     * returns a permit that holds nothing; its {@code send} uses {@code trySend} and silently drops
     * the value when the place was taken meanwhile (or the channel closed).
     */
    static final Reserver UNHELD_PERMITS = new Reserver() {
        @Override
        public Permit<Integer> reserve(Sender<Integer> tx) throws InterruptedException {
            tx.reserve().close();
            return new UnheldPermit(tx);
        }

        @Override
        public Permit<Integer> tryReserve(Sender<Integer> tx) {
            Permit<Integer> p = tx.tryReserve();
            if (p == null) return null;
            p.close();
            return new UnheldPermit(tx);
        }
    };

    /** The permit of {@link #UNHELD_PERMITS}. */
    private record UnheldPermit(Sender<Integer> tx) implements Permit<Integer> {
        @Override
        public void send(Integer value) {
            try {
                tx.trySend(value);                                     // false: no room, the value is dropped
            } catch (ChannelClosedException e) {
                // dropped as well
            }
        }

        @Override
        public void close() {
        }
    }

    static void permitsRacingReceiveAndClose(Supplier<Channel<Integer>> factory, int capacity, Reserver reserver,
                                             int invocations) {
        ChannelBlockingLincheckTest.runConcurrentTest(invocations, () -> permitScenario(factory, capacity, reserver));
    }

    /** One run: see the class comment. */
    static void permitScenario(Supplier<Channel<Integer>> factory, int capacity, Reserver reserver) {
        Channel<Integer> ch = factory.get();
        Sender<Integer> tx = ch.sender();
        Receiver<Integer> rx = ch.receiver();
        AtomicInteger held = new AtomicInteger();                      // permits the test holds now (≤ the channel's)
        AtomicInteger maxHeld = new AtomicInteger();
        boolean[] reserved = new boolean[2];                           // [0]: T0's reserve(), [1]: T1's tryReserve()
        List<Integer> received = new ArrayList<>();
        Throwable[] errors = new Throwable[4];
        joinAll(
                start(errors, 0, () -> {
                    Permit<Integer> p;
                    try {
                        p = reserver.reserve(tx);
                    } catch (ChannelClosedException e) {
                        return;                                        // closed first: nothing reserved
                    }
                    reserved[0] = true;
                    hold(held, maxHeld);
                    p.send(1);
                }),
                start(errors, 1, () -> {
                    Permit<Integer> q;
                    try {
                        q = reserver.tryReserve(tx);
                    } catch (ChannelClosedException e) {
                        return;
                    }
                    if (q == null) return;                             // full right now
                    reserved[1] = true;
                    hold(held, maxHeld);
                    q.close();                                         // gives the place back
                }),
                start(errors, 2, () -> {
                    try {
                        while (received.size() <= 3) received.add(rx.receive());
                    } catch (ChannelClosedException drained) {
                        // closed, drained, no permit outstanding
                    }
                }),
                start(errors, 3, () -> {
                    tx.send(2);
                    ch.close();
                }));
        noErrors(errors);
        if (maxHeld.get() > capacity) {
            throw new AssertionError(maxHeld.get() + " permits held at once on a channel of capacity " + capacity);
        }
        List<Integer> delivered = new ArrayList<>(received);
        Collections.sort(delivered);
        List<Integer> expected = reserved[0] ? List.of(1, 2) : List.of(2);
        if (!expected.equals(delivered)) {
            throw new AssertionError("sent " + expected + " but received " + received
                    + " (reserve " + (reserved[0] ? "succeeded" : "failed: closed")
                    + ", tryReserve " + (reserved[1] ? "succeeded, closed unused" : "got nothing") + ")");
        }
        if (!SelectContractTest.drain(ch).isEmpty()) throw new AssertionError("values left after the receiver ended");
    }

    /** Counts one more permit held (after the reservation returned) and one fewer (before it is used). */
    private static void hold(AtomicInteger held, AtomicInteger maxHeld) {
        int now = held.incrementAndGet();
        maxHeld.accumulateAndGet(now, Math::max);
        held.decrementAndGet();
    }

    // ================================================================ checks

    @Test
    void rendezvousAsyncWithdraw() {
        asyncWithdrawRacingHandOver(() -> new RendezvousChannel<>(), REAL_WITHDRAW, INVOCATIONS);
    }

    @Test
    void bounded1AsyncWithdraw() {
        asyncWithdrawRacingHandOver(() -> new BoundedChannel<>(1), REAL_WITHDRAW, INVOCATIONS);
    }

    @Test
    void unboundedBlock2AsyncWithdraw() {
        asyncWithdrawRacingHandOver(() -> new UnboundedChannel<>(2), REAL_WITHDRAW, INVOCATIONS);
    }

    /**
     * Fails because a withdraw that lost to a hand-over is reported as successful: Lincheck finds the
     * interleaving where the value moves between the stale {@code isDone()} read and the withdraw, and
     * the check reports "receiveAsync reported withdrawn but its future is ...[Completed normally] with
     * 2: that value is lost" (or a send "reported withdrawn" whose value was received).
     */
    @Test
    void rendezvousAsyncNegativeControlFails() {
        assertFailsFor(() -> asyncWithdrawRacingHandOver(() -> new RendezvousChannel<>(), STALE_WITHDRAW, INVOCATIONS),
                ASYNC_BUG_REPORTS);
    }

    /** As {@link #rendezvousAsyncNegativeControlFails()}, on a bounded(1) channel. */
    @Test
    void bounded1AsyncNegativeControlFails() {
        assertFailsFor(() -> asyncWithdrawRacingHandOver(() -> new BoundedChannel<>(1), STALE_WITHDRAW, INVOCATIONS),
                ASYNC_BUG_REPORTS);
    }

    @Test
    void bounded1Permits() {
        permitsRacingReceiveAndClose(() -> new BoundedChannel<>(1), 1, REAL_PERMITS, INVOCATIONS);
    }

    @Test
    void bounded2Permits() {
        permitsRacingReceiveAndClose(() -> new BoundedChannel<>(2), 2, REAL_PERMITS, INVOCATIONS);
    }

    @Test
    void unboundedBlock2Permits() {
        permitsRacingReceiveAndClose(() -> new UnboundedChannel<>(2), Integer.MAX_VALUE, REAL_PERMITS, INVOCATIONS);
    }

    /**
     * Fails because permits that do not hold their place let T0 reserve while T1 still holds its
     * permit: "2 permits held at once on a channel of capacity 1" (or a value dropped by the permit's
     * {@code trySend}: "sent [1, 2] but received [2]").
     */
    @Test
    void bounded1PermitsNegativeControlFails() {
        assertFailsFor(() -> permitsRacingReceiveAndClose(() -> new BoundedChannel<>(1), 1, UNHELD_PERMITS, INVOCATIONS),
                "permits held at once", "but received");
    }

    /** What the async check reports for {@link #STALE_WITHDRAW}. */
    private static final String[] ASYNC_BUG_REPORTS = {"reported withdrawn", "but received"};

    /**
     * Asserts that {@code check} fails, and for the planted bug: Lincheck's report quotes the check's
     * own message, so a hang, a harness error or an unrelated exception does not count as the control
     * having worked.
     */
    private static void assertFailsFor(Executable check, String... expectedReports) {
        AssertionError e = assertThrows(AssertionError.class, check);
        String report = String.valueOf(e.getMessage());
        for (String expected : expectedReports) if (report.contains(expected)) return;
        throw new AssertionError("the negative control failed, but not with any of " + Arrays.toString(expectedReports)
                + ": " + report.strip().lines().limit(3).toList(), e);
    }
}
