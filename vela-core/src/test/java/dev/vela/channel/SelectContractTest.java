package dev.vela.channel;

import static dev.vela.channel.TestThreads.PATIENCE;
import static dev.vela.channel.TestThreads.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import dev.vela.channel.internal.BufferChannel;
import dev.vela.channel.internal.RendezvousChannel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The select contract (issue 4, DESIGN.md §4 "select"): every clause kind × every {@link Flavor}.
 *
 * <p>"Ready" is built per flavour: a buffered channel is receive-ready when it holds a value and
 * send-ready when it has room; a rendezvous channel is receive-ready when a sender is parked in
 * {@code send} and send-ready when a receiver is parked in {@code receive}. "Untouched" is checked
 * exactly: the value is still receivable / the parked peer is still parked and later gets a sentinel,
 * and no waiter is left behind ({@link #waiters}).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SelectContractTest {

    private final TestThreads threads = new TestThreads();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.close();
    }

    // ---------------------------------------------------------------- helpers (also used by other select tests)

    /** Blocked waiters of a channel (test hook). */
    static int waiters(Channel<?> ch) {
        return ch instanceof BufferChannel<?> b ? b.waiterCount() : ((RendezvousChannel<?>) ch).waiterCount();
    }

    static void assertNoWaiters(Channel<?> ch) {
        TestThreads.awaitTrue("no waiters left on " + ch, () -> waiters(ch) == 0);
    }

    /**
     * Makes a receive of {@code v} ready: buffered → the value is put in; rendezvous → a sender is
     * parked with it. Returns the sender task (rendezvous) or null.
     */
    private Task<Void> offer(Channel<Integer> ch, int v) {
        if (ch.capacity() > 0) {
            assertTrue(ch.sender().trySend(v));
            return null;
        }
        Task<Void> s = threads.run("sender-" + v, () -> ch.sender().send(v));
        s.awaitParked();
        return s;
    }

    /** Asserts the value offered by {@link #offer} is still there (and takes it). */
    private static void assertStillOffered(Channel<Integer> ch, Task<Void> sender, int v) throws InterruptedException {
        if (sender != null) assertFalse(sender.isDone(), "the parked sender of " + v + " was served");
        assertEquals(v, ch.receiver().receive(PATIENCE), "offered value not still there");
        if (sender != null) sender.join();
        assertNull(ch.receiver().tryReceive(), "more than the offered value");
    }

    /** Makes a send ready: buffered → an empty channel has room; rendezvous → a receiver is parked. */
    private Task<Integer> demand(Channel<Integer> ch) {
        if (ch.capacity() > 0) return null;
        Task<Integer> r = threads.start("receiver", () -> ch.receiver().receive(PATIENCE));
        r.awaitParked();
        return r;
    }

    /** Asserts {@code v} was sent (exactly once) into the channel, or to the parked receiver. */
    private static void assertSent(Channel<Integer> ch, Task<Integer> receiver, int v) throws InterruptedException {
        if (receiver != null) assertEquals(v, receiver.join());
        else assertEquals(v, ch.receiver().tryReceive());
        assertNull(ch.receiver().tryReceive(), "sent more than once");
    }

    /** Asserts nothing was sent: buffer empty, and a parked receiver is still parked (it then gets a sentinel). */
    private static void assertNotSent(Channel<Integer> ch, Task<Integer> receiver) throws InterruptedException {
        if (receiver != null) {
            assertFalse(receiver.isDone(), () -> "parked receiver was served: " + receiver.result());
            ch.sender().send(-7);
            assertEquals(-7, receiver.join());
        } else {
            assertNull(ch.receiver().tryReceive(), "a value was sent by a clause not chosen");
        }
    }

    /** Fills a finite channel to capacity with 1000, 1001, ... (nothing for rendezvous). */
    private static List<Integer> fill(Channel<Integer> ch) {
        List<Integer> put = new ArrayList<>();
        for (int i = 0; i < ch.capacity(); i++) {
            assertTrue(ch.sender().trySend(1000 + i));
            put.add(1000 + i);
        }
        return put;
    }

    /** Takes every value ready now (stops at empty, or at closed and drained). */
    static List<Integer> drain(Channel<Integer> ch) {
        List<Integer> out = new ArrayList<>();
        try {
            for (Integer v; (v = ch.receiver().tryReceive()) != null; ) out.add(v);
        } catch (ChannelClosedException drained) {
            // closed and drained
        }
        return out;
    }

    // ---------------------------------------------------------------- single clauses

    /**
     * A receive clause is immutable and may be reused: a receiver hands out its first clause again
     * for the same function (no allocation per select in a loop), a new one for another function,
     * and a reused clause works in every select it is given to, from any thread.
     */
    @AllFlavors
    void receiveClausesAreReusable(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Receiver<Integer> rx = ch.receiver();
        java.util.function.Function<Integer, String> tag = x -> "r" + x;
        SelectClause<String> first = rx.onReceive(tag);
        assertSame(first, rx.onReceive(tag));
        SelectClause<String> other = rx.onReceive(x -> "o" + x);
        assertFalse(first == other, "another function, another clause");
        assertFalse(first.when(false).isEnabled());
        assertTrue(first.isEnabled(), "a disabled copy leaves the shared clause enabled");
        for (int v = 1; v <= 3; v++) {
            Task<Void> s = offer(ch, v);
            int expected = v;
            Task<String> t = threads.start("selector-" + v, () -> Select.select(first));
            assertEquals("r" + expected, t.join());
            if (s != null) s.join();
        }
        assertEquals(0, waiters(ch));
    }

    @AllFlavors
    void onReceiveReadyIsChosen(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Task<Void> s = offer(ch, 5);
        assertEquals("r5", Select.select(ch.receiver().onReceive(x -> "r" + x)));
        if (s != null) s.join();
        assertNull(ch.receiver().tryReceive());
        assertEquals(0, waiters(ch));
    }

    @AllFlavors
    void onReceiveNotReadyTakesDefaultAndLeavesNoWaiter(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        assertEquals("default", Select.select(ch.receiver().onReceive(x -> "r" + x), Select.onDefault(() -> "default")));
        assertEquals(0, waiters(ch));
        assertTrue(ch.sender().trySend(1) == (f.capacity > 0), "channel state changed by the default select");
    }

    @AllFlavors
    void onSendReadyIsChosen(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Task<Integer> r = demand(ch);
        assertEquals("sent", Select.select(ch.sender().onSend(9, () -> "sent")));
        assertSent(ch, r, 9);
        assertEquals(0, waiters(ch));
    }

    @AllFlavors
    void onSendNotReadyTakesDefaultAndSendsNothing(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        List<Integer> before = f.isFinite() ? fill(ch) : List.of(1, 2, 3);
        if (!f.isFinite()) for (int v : before) ch.sender().send(v);
        String r = Select.select(ch.sender().onSend(99, () -> "sent"), Select.onDefault(() -> "default"));
        if (f.isFinite()) {
            assertEquals("default", r);
            assertEquals(before, drain(ch), "a full channel must be unchanged");
        } else {
            assertEquals("sent", r, "an unbounded channel is always send-ready");
            List<Integer> expect = new ArrayList<>(before);
            expect.add(99);
            assertEquals(expect, drain(ch));
        }
        assertEquals(0, waiters(ch));
    }

    // ---------------------------------------------------------------- clauses not chosen

    /** Two receive-ready channels: exactly one value is taken, the other channel keeps its value. */
    @AllFlavors
    void receiveClauseNotChosenLeavesItsValue(Flavor f) throws Exception {
        for (int round = 0; round < (f.isFinite() && f.capacity == 0 ? 6 : 40); round++) {
            Channel<Integer> a = f.create(), b = f.create();
            Task<Void> sa = offer(a, 1), sb = offer(b, 2);
            int got = Select.select(a.receiver().onReceive(x -> x), b.receiver().onReceive(x -> x));
            if (got == 1) {
                if (sa != null) sa.join();
                assertNull(a.receiver().tryReceive());
                assertStillOffered(b, sb, 2);
            } else {
                assertEquals(2, got);
                if (sb != null) sb.join();
                assertNull(b.receiver().tryReceive());
                assertStillOffered(a, sa, 1);
            }
            assertEquals(0, waiters(a) + waiters(b));
        }
    }

    /** A receive-ready channel and a send-ready channel: the unchosen send sends nothing, the unchosen receive takes nothing. */
    @AllFlavors
    void mixedClauseNotChosenLeavesItsChannelUntouched(Flavor f) throws Exception {
        boolean sawSend = false, sawReceive = false;
        for (int round = 0; round < (f.capacity == 0 ? 8 : 40); round++) {
            Channel<Integer> a = f.create(), b = f.create();
            Task<Void> sa = offer(a, 1);
            Task<Integer> rb = demand(b);
            String got = Select.select(a.receiver().onReceive(x -> "recv" + x), b.sender().onSend(7, () -> "sent"));
            if (got.equals("sent")) {
                sawSend = true;
                assertSent(b, rb, 7);
                assertStillOffered(a, sa, 1);
            } else {
                sawReceive = true;
                assertEquals("recv1", got);
                if (sa != null) sa.join();
                assertNull(a.receiver().tryReceive());
                assertNotSent(b, rb);
            }
            assertEquals(0, waiters(a) + waiters(b));
        }
        assertTrue(sawSend && sawReceive, "both clauses should win sometimes (fair select)");
    }

    @AllFlavors
    void sameChannelTwiceForReceive(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Task<Void> s = offer(ch, 3);
        String r = Select.select(ch.receiver().onReceive(x -> "a" + x), ch.receiver().onReceive(x -> "b" + x));
        assertTrue(r.equals("a3") || r.equals("b3"), r);
        if (s != null) s.join();
        assertNull(ch.receiver().tryReceive(), "exactly one value taken");
        assertEquals(0, waiters(ch));
    }

    @AllFlavors
    void sameChannelTwiceBlockedThenOneSend(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Task<String> sel = threads.start("select", () ->
                Select.select(ch.receiver().onReceive(x -> "a" + x), ch.receiver().onReceive(x -> "b" + x)));
        sel.awaitParked();
        ch.sender().send(4);
        String r = sel.join();
        assertTrue(r.equals("a4") || r.equals("b4"), r);
        assertNull(ch.receiver().tryReceive());
        assertNoWaiters(ch);
    }

    /**
     * A select that both sends to and receives from one channel must not meet itself: on a rendezvous
     * channel with no peer it times out (a self-match would commit two clauses); a buffered empty
     * channel can only take the send.
     */
    @AllFlavors
    void sameChannelSendAndReceiveNeverMatchItself(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        String r = Select.select(ch.receiver().onReceive(x -> "recv" + x), ch.sender().onSend(8, () -> "sent"),
                Select.onTimeout(Duration.ofMillis(100), () -> "timeout"));
        if (f.capacity == 0) {
            assertEquals("timeout", r);
            assertNull(ch.receiver().tryReceive());
        } else {
            assertEquals("sent", r);
            assertEquals(List.of(8), drain(ch));
        }
        assertNoWaiters(ch);
    }

    // ---------------------------------------------------------------- guards, default, timeout

    @AllFlavors
    void disabledClauseIsIgnoredAndItsChannelUntouched(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Task<Void> s = offer(ch, 6);
        SelectClause<String> c = ch.receiver().onReceive(x -> "r" + x);
        assertTrue(c.isEnabled());
        SelectClause<String> off = c.when(false);
        assertFalse(off.isEnabled());
        assertTrue(off.when(true).isEnabled());
        assertEquals("default", Select.select(off, Select.onDefault(() -> "default")));
        assertStillOffered(ch, s, 6);
        Task<Integer> r = demand(ch);
        assertEquals("default", Select.select(ch.sender().onSend(1, () -> "sent").when(false), Select.onDefault(() -> "default")));
        assertNotSent(ch, r);
        assertEquals(0, waiters(ch));
    }

    @AllFlavors
    void allClausesDisabledIsIllegal(Flavor f) {
        Channel<Integer> ch = f.create();
        assertThrows(IllegalArgumentException.class, () -> Select.select(
                ch.receiver().onReceive(x -> x).when(false), ch.sender().onSend(1, () -> 0).when(false)));
        assertThrows(IllegalArgumentException.class, () -> Select.select(List.of()));
        assertThrows(IllegalArgumentException.class, () -> Select.select(
                ch.receiver().onReceive(x -> x).when(false), Select.onDefault(() -> 0).when(false)));
        assertNull(ch.receiver().tryReceive());
        assertEquals(0, waiters(ch));
    }

    @Test
    void twoDefaultsOrTwoTimeoutsAreIllegal() {
        Channel<Integer> ch = Channel.bounded(1);
        assertThrows(IllegalArgumentException.class, () -> Select.select(ch.receiver().onReceive(x -> 0),
                Select.onDefault(() -> 1), Select.onDefault(() -> 2)));
        assertThrows(IllegalArgumentException.class, () -> Select.select(ch.receiver().onReceive(x -> 0),
                Select.onTimeout(Duration.ofMillis(1), () -> 1), Select.onTimeout(Duration.ofMillis(1), () -> 2)));
    }

    @AllFlavors
    void readyClauseBeatsDefault(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Task<Void> s = offer(ch, 2);
        assertEquals("r2", Select.select(Select.onDefault(() -> "default"), ch.receiver().onReceive(x -> "r" + x)));
        if (s != null) s.join();
    }

    /**
     * On the real clock with a short timeout and a lower bound only; the exact instant is checked on the
     * virtual clock in vela-test's {@code dev.vela.test.channel.ChannelTimeoutsVirtualTimeTest}.
     */
    @AllFlavors
    void onTimeoutFiresAfterRoughlyTheTimeoutAndNothingMoves(Flavor f) throws Exception {
        Channel<Integer> a = f.create(), b = f.create();
        List<Integer> full = f.isFinite() ? fill(b) : List.of();
        long t0 = System.nanoTime();
        List<SelectClause<String>> cs = new ArrayList<>();
        cs.add(a.receiver().onReceive(x -> "recv"));
        if (f.isFinite()) cs.add(b.sender().onSend(99, () -> "sent"));
        cs.add(Select.onTimeout(Duration.ofMillis(20), () -> "timeout"));
        assertEquals("timeout", Select.select(cs));
        long ms = millisSince(t0);
        assertTrue(ms >= 20, "timeout after " + ms + " ms: before its timeout");
        assertNull(a.receiver().tryReceive());
        assertEquals(full, drain(b));
        assertEquals(0, waiters(a) + waiters(b));
        // zero timeout behaves like a default
        assertEquals("t0", Select.select(a.receiver().onReceive(x -> "recv"), Select.onTimeout(Duration.ZERO, () -> "t0")));
    }

    @Test
    void onlyATimeoutClauseSleeps() throws Exception {
        long t0 = System.nanoTime();
        assertEquals("t", Select.select(Select.onTimeout(Duration.ofMillis(50), () -> "t")));
        assertTrue(millisSince(t0) >= 50);
    }

    // ---------------------------------------------------------------- blocked select woken

    @AllFlavors
    void blockedSelectWokenBySendOnEitherChannel(Flavor f) throws Exception {
        for (int which = 0; which < 2; which++) {
            Channel<Integer> a = f.create(), b = f.create();
            Task<String> sel = threads.start("select", () ->
                    Select.select(a.receiver().onReceive(x -> "a" + x), b.receiver().onReceive(x -> "b" + x)));
            sel.awaitParked();
            (which == 0 ? a : b).sender().send(11);
            assertEquals((which == 0 ? "a" : "b") + 11, sel.join());
            assertNull(a.receiver().tryReceive());
            assertNull(b.receiver().tryReceive());
            assertNoWaiters(a);
            assertNoWaiters(b);
        }
    }

    /** A select blocked on a send clause (full / rendezvous) is woken by a receive on that channel. */
    @AllFlavors
    void blockedSendClauseWokenByReceive(Flavor f) throws Exception {
        Channel<Integer> a = f.create(), b = f.create();
        List<Integer> full = f.isFinite() ? fill(b) : List.of();
        Task<String> sel = threads.start("select", () ->
                Select.select(a.receiver().onReceive(x -> "recv"), b.sender().onSend(77, () -> "sent")));
        if (!f.isFinite()) {
            assertEquals("sent", sel.join());
            assertEquals(List.of(77), drain(b));
            return;
        }
        sel.awaitParked();
        List<Integer> got = new ArrayList<>();
        got.add(b.receiver().receive(PATIENCE));
        assertEquals("sent", sel.join());
        got.addAll(drain(b));
        List<Integer> expect = new ArrayList<>(full);
        expect.add(77);
        assertEquals(expect, got, "FIFO: buffered values, then the select's value, exactly once");
        assertNull(a.receiver().tryReceive());
        assertNoWaiters(a);
        assertNoWaiters(b);
    }

    @AllFlavors
    void blockedSelectWokenByCloseOfEitherChannel(Flavor f) throws Exception {
        for (int which = 0; which < 2; which++) {
            Channel<Integer> a = f.create(), b = f.create();
            IOException cause = new IOException("disk");
            Task<String> sel = threads.start("select", () ->
                    Select.select(a.receiver().onReceive(x -> "a" + x), b.receiver().onReceive(x -> "b" + x)));
            sel.awaitParked();
            (which == 0 ? a : b).sender().fail(cause);
            ChannelClosedException e = sel.failsWith(ChannelClosedException.class);
            assertSame(cause, e.getCause());
            Channel<Integer> other = which == 0 ? b : a;
            assertNoWaiters(a);
            assertNoWaiters(b);
            assertFalse(other.isClosed());

            Channel<Integer> c = f.create(), d = f.create();
            Task<String> sel2 = threads.start("select-or-closed", () -> Select.select(
                    c.receiver().onReceiveOrClosed(x -> "c" + x, () -> "c closed"),
                    d.receiver().onReceiveOrClosed(x -> "d" + x, () -> "d closed")));
            sel2.awaitParked();
            (which == 0 ? c : d).close();
            assertEquals(which == 0 ? "c closed" : "d closed", sel2.join());
            assertNoWaiters(c);
            assertNoWaiters(d);
        }
    }

    @AllFlavors
    void blockedSendClauseWokenByClose(Flavor f) throws Exception {
        Channel<Integer> a = f.create(), b = f.create();
        List<Integer> full = f.isFinite() ? fill(b) : null;
        if (full == null) return; // an unbounded send clause never blocks (covered by onSendNotReady…)
        Task<String> sel = threads.start("select", () ->
                Select.select(a.receiver().onReceive(x -> "recv"), b.sender().onSend(77, () -> "sent")));
        sel.awaitParked();
        b.close();
        sel.failsWith(ChannelClosedException.class);
        assertEquals(full, drain(b), "the send clause must not have sent after close");
        assertNoWaiters(a);
        assertNoWaiters(b);
    }

    // ---------------------------------------------------------------- closed channels

    @AllFlavors
    void closedChannelClauseThrowsUnlessOrClosed(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        IllegalStateException cause = new IllegalStateException("boom");
        if (f.capacity > 0) ch.sender().send(1);
        ch.sender().fail(cause);
        if (f.capacity > 0) { // buffered values are still delivered first
            assertEquals("r1", Select.select(ch.receiver().onReceive(x -> "r" + x)));
        }
        ChannelClosedException e = assertThrows(ChannelClosedException.class,
                () -> Select.select(ch.receiver().onReceive(x -> "r" + x)));
        assertSame(cause, e.getCause());
        assertEquals("closed", Select.select(ch.receiver().onReceiveOrClosed(x -> "r" + x, () -> "closed")));
        assertThrows(ChannelClosedException.class, () -> Select.select(ch.sender().onSend(1, () -> "sent")));
        // with a default: a closed channel is "ready" (it throws), like a receive on it
        assertThrows(ChannelClosedException.class, () -> Select.select(
                ch.receiver().onReceive(x -> "r"), Select.onDefault(() -> "default")));
        assertEquals(0, waiters(ch));
    }

    // ---------------------------------------------------------------- interruption

    @AllFlavors
    void interruptOfBlockedSelectCommitsNothing(Flavor f) throws Exception {
        Channel<Integer> a = f.create(), b = f.create(), c = f.create();
        List<Integer> full = f.isFinite() ? fill(b) : null;
        Task<Boolean> sel = threads.start("select", () -> {
            List<SelectClause<String>> cs = new ArrayList<>(List.of(
                    a.receiver().onReceive(x -> "a"), c.receiver().onReceive(x -> "c")));
            if (full != null) cs.add(b.sender().onSend(99, () -> "sent"));
            try {
                Select.select(cs);
                return false;
            } catch (InterruptedException e) {
                return !Thread.currentThread().isInterrupted();     // flag cleared
            }
        });
        sel.awaitParked();
        sel.thread().interrupt();
        assertTrue(sel.join(), "InterruptedException with the interrupt status cleared");
        assertNoWaiters(a);
        assertNoWaiters(b);
        assertNoWaiters(c);
        assertNull(a.receiver().tryReceive());
        assertNull(c.receiver().tryReceive());
        if (full != null) assertEquals(full, drain(b));
        // channels work normally afterwards
        Task<Void> s = offer(a, 3);
        assertStillOffered(a, s, 3);
    }

    @AllFlavors
    void preInterruptedSelectWithNothingReadyThrows(Flavor f) {
        Channel<Integer> a = f.create();
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> Select.select(a.receiver().onReceive(x -> x)));
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, waiters(a));
    }

    // ---------------------------------------------------------------- fairness and bias

    static final int FAIR_N = 100_000;

    /** 100,000 selects on two always-ready channels (refilled after each select): each wins 50% ± 2%. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Flavor.class, names = "RENDEZVOUS", mode = EnumSource.Mode.EXCLUDE)
    void fairAmongReadyReceiveClauses(Flavor f) throws Exception {
        Channel<Integer> a = f.create(), b = f.create();
        a.sender().send(0);
        b.sender().send(1);
        SelectClause<Integer> ca = a.receiver().onReceive(x -> x), cb = b.receiver().onReceive(x -> x);
        int[] wins = new int[2];
        for (int i = 0; i < FAIR_N; i++) {
            int w = Select.select(ca, cb);
            wins[w]++;
            (w == 0 ? a : b).sender().send(w);
        }
        double share = wins[0] / (double) FAIR_N;
        assertTrue(Math.abs(share - 0.5) <= 0.02, "first clause won " + share);
        assertEquals(List.of(0), drain(a));
        assertEquals(List.of(1), drain(b));
    }

    /** Send vs receive and send vs send, also uniform. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Flavor.class, names = {"BOUNDED_16", "UNBOUNDED_BLOCK_2"})
    void fairAmongReadySendClauses(Flavor f) throws Exception {
        Channel<Integer> a = f.create(), b = f.create();
        int[] wins = new int[2];
        for (int i = 0; i < FAIR_N; i++) {
            int w = Select.select(a.sender().onSend(i, () -> 0), b.sender().onSend(i, () -> 1));
            wins[w]++;
            assertEquals(i, (w == 0 ? a : b).receiver().tryReceive());
            assertNull((w == 0 ? b : a).receiver().tryReceive());
        }
        double share = wins[0] / (double) FAIR_N;
        assertTrue(Math.abs(share - 0.5) <= 0.02, "first send clause won " + share);
    }

    @AllFlavors
    void selectBiasedAlwaysPicksFirstReady(Flavor f) throws Exception {
        Channel<Integer> a = f.create(), b = f.create(), c = f.create();
        int rounds = f.capacity == 0 ? 5 : 2_000;
        for (int i = 0; i < rounds; i++) {
            Task<Void> sb = offer(b, 2), sc = offer(c, 3);
            // a (first) is not ready: b, the first ready one, must win
            int got = Select.<Integer>selectBiased(a.receiver().onReceive(x -> x), b.receiver().onReceive(x -> x),
                    c.receiver().onReceive(x -> x));
            assertEquals(2, got);
            if (sb != null) sb.join();
            assertStillOffered(c, sc, 3);
        }
        assertEquals(0, waiters(a) + waiters(b) + waiters(c));
    }

    // ---------------------------------------------------------------- clause functions

    @AllFlavors
    void exceptionFromClauseFunctionPropagatesAfterCommit(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Task<Void> s = offer(ch, 1);
        IllegalStateException boom = new IllegalStateException("boom");
        assertSame(boom, assertThrows(IllegalStateException.class,
                () -> Select.select(ch.receiver().onReceive(x -> { throw boom; }))));
        if (s != null) s.join();
        assertNull(ch.receiver().tryReceive(), "the value was received (committed) before the function ran");

        Task<Integer> r = demand(ch);
        assertSame(boom, assertThrows(IllegalStateException.class,
                () -> Select.select(ch.sender().onSend(5, () -> { throw boom; }))));
        assertSent(ch, r, 5);

        assertSame(boom, assertThrows(IllegalStateException.class, () -> Select.select(
                ch.receiver().onReceive(x -> 0), Select.onDefault(() -> { throw boom; }))));
        assertSame(boom, assertThrows(IllegalStateException.class, () -> Select.select(
                ch.receiver().onReceive(x -> 0), Select.onTimeout(Duration.ofMillis(1), () -> { throw boom; }))));
        assertEquals(0, waiters(ch));
    }

    @AllFlavors
    void clauseFunctionRunsOnTheSelectingThread(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Task<Thread> sel = threads.start("select", () -> Select.select(ch.receiver().onReceive(x -> Thread.currentThread())));
        sel.awaitParked();
        ch.sender().send(1);
        assertSame(sel.thread(), sel.join());
    }

    @Test
    void nullsRejected() {
        Channel<Integer> ch = Channel.bounded(1);
        assertThrows(NullPointerException.class, () -> ch.receiver().onReceive(null));
        assertThrows(NullPointerException.class, () -> ch.sender().onSend(null, () -> 0));
        assertThrows(NullPointerException.class, () -> ch.sender().onSend(1, null));
        assertThrows(NullPointerException.class, () -> Select.onDefault(null));
        assertThrows(IllegalArgumentException.class, () -> Select.onTimeout(Duration.ofMillis(-1), () -> 0));
        AtomicInteger dummy = new AtomicInteger();
        assertThrows(NullPointerException.class, () -> Select.select(ch.receiver().onReceive(x -> dummy), null));
    }
}
