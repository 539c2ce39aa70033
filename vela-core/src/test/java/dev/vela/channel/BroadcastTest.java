package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Broadcast channels (ADR 0023): both slow-subscriber modes, subscriptions, closing, and counted stress. */
class BroadcastTest extends ChannelTestBase {

    /** Every subscriber sees every value sent after it subscribed, and none sent before. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Broadcast.Mode.class)
    void everySubscriberSeesWhatWasSentAfterItSubscribed(Broadcast.Mode mode) throws Exception {
        Broadcast<Integer> b = Channel.broadcast(8, mode);
        b.sender().send(-1);                                            // nobody listens: goes nowhere
        Receiver<Integer> early = b.subscribe();
        b.sender().send(1);
        Receiver<Integer> late = b.subscribe();
        b.sender().send(2);
        assertTrue(b.sender().trySend(3));
        assertEquals(List.of(1, 2, 3), TestThreads.receiveN(early, 3));
        assertEquals(List.of(2, 3), TestThreads.receiveN(late, 2));
        assertNull(early.tryReceive());
        assertEquals(2, b.subscriberCount());
    }

    /** BACKPRESSURE: a full subscriber holds the sender; a timed send times out and nobody got the value. */
    @Test
    void backpressureWaitsForTheSlowestAndIsAllOrNothing() throws Exception {
        Broadcast<Integer> b = Channel.broadcast(2, Broadcast.Mode.BACKPRESSURE);
        Receiver<Integer> fast = b.subscribe(), slow = b.subscribe();
        b.sender().send(1);
        b.sender().send(2);
        assertEquals(1, fast.receive());                               // fast has room, slow has none
        assertFalse(b.sender().trySend(3), "slow is full");
        assertFalse(b.sender().send(3, Duration.ofMillis(30)), "timed out: nobody gets 3");
        Task<Void> tx = threads.run("tx", () -> b.sender().send(4));
        tx.awaitParked();
        assertEquals(1, slow.receive());
        tx.join();
        assertEquals(List.of(2, 4), TestThreads.receiveN(fast, 2));
        assertEquals(List.of(2, 4), TestThreads.receiveN(slow, 2));
        assertNull(fast.tryReceive(), "3 reached nobody");
        assertNull(slow.tryReceive());
    }

    /** An interrupted BACKPRESSURE send reached no subscriber. */
    @Test
    void interruptedBackpressureSendReachesNobody() throws Exception {
        Broadcast<Integer> b = Channel.broadcast(1, Broadcast.Mode.BACKPRESSURE);
        Receiver<Integer> a = b.subscribe(), full = b.subscribe();
        b.sender().send(1);
        assertEquals(1, a.receive());
        Task<Void> tx = threads.run("tx", () -> assertThrows(InterruptedException.class, () -> b.sender().send(2)));
        tx.awaitParked();
        tx.thread().interrupt();
        tx.join();
        assertNull(a.tryReceive(), "the value reserved in a was given back");
        assertEquals(1, full.receive());
        b.sender().send(3);
        assertEquals(3, a.receive());
        assertEquals(3, full.receive());
    }

    /** LAG: a full subscriber loses its oldest values, is told how many once, then continues. */
    @Test
    void lagTellsHowManyWereMissed() throws Exception {
        Broadcast<Integer> b = Channel.broadcast(4, Broadcast.Mode.LAG);
        Receiver<Integer> slow = b.subscribe(), keeping = b.subscribe();
        for (int i = 0; i < 10; i++) {
            b.sender().send(i);
            assertEquals(i, keeping.receive());
        }
        ChannelLaggedException lag = assertThrows(ChannelLaggedException.class, slow::receive);
        assertEquals(6, lag.missed());
        assertTrue(lag.getMessage().contains("6 values"), lag.getMessage());
        assertEquals(List.of(6, 7, 8, 9), TestThreads.receiveN(slow, 4));
        assertNull(slow.tryReceive());
    }

    /**
     * A lag is a value, never an end (the bug Tokio users hit by treating {@code Lagged} as {@code Closed}):
     * not a ChannelClosedException, the subscription and the broadcast stay open, {@code missed()} counts,
     * and the next receive continues with the oldest value kept; likewise through iteration and async.
     */
    @Test
    void lagIsNeverMistakenForClosure() throws Exception {
        assertFalse(ChannelClosedException.class.isAssignableFrom(ChannelLaggedException.class), "lag is not a closure");
        assertFalse(ChannelLaggedException.class.isAssignableFrom(ChannelClosedException.class));
        Broadcast<Integer> b = Channel.broadcast(3, Broadcast.Mode.LAG);
        Receiver<Integer> r = b.subscribe();
        for (int i = 0; i < 8; i++) b.sender().send(i);                // keeps 5, 6, 7
        ChannelLaggedException lag = assertThrows(ChannelLaggedException.class, r::tryReceive);
        assertEquals(5, lag.missed());
        assertFalse(r.isClosed(), "a lagging subscription is open");
        assertFalse(b.isClosed());
        assertFalse(r.isEmpty(), "the kept values are still to come");
        assertEquals(5, r.tryReceive(), "continues with the oldest value kept");
        assertEquals(List.of(6, 7), TestThreads.receiveN(r, 2));
        assertNull(r.tryReceive());

        for (int i = 8; i < 14; i++) b.sender().send(i);               // keeps 11, 12, 13
        java.util.Iterator<Integer> it = r.iterator();
        assertEquals(3, assertThrows(ChannelLaggedException.class, it::hasNext).missed(),
                "iteration surfaces a lag as an exception, never as the end of the stream");
        assertTrue(it.hasNext());
        assertEquals(11, it.next());

        r.receive(TestThreads.PATIENCE);                                 // 12
        r.receive(TestThreads.PATIENCE);                                 // 13
        for (int i = 14; i < 20; i++) b.sender().send(i);              // keeps 17, 18, 19
        var failed = r.receiveAsync();
        var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> failed.get(5, TimeUnit.SECONDS));
        assertEquals(3, assertInstanceOf(ChannelLaggedException.class, e.getCause()).missed());
        assertEquals(17, r.receiveAsync().get(5, TimeUnit.SECONDS));
        assertEquals(List.of(18, 19), TestThreads.receiveN(r, 2));
        assertFalse(r.isClosed());
    }

    /** A select's "or closed" branch never sees a lag: the select throws ChannelLaggedException, then goes on. */
    @Test
    void lagNeverReachesTheOrClosedBranch() throws Exception {
        Broadcast<Integer> b = Channel.broadcast(2, Broadcast.Mode.LAG);
        Receiver<Integer> r = b.subscribe();
        AtomicInteger closedCalls = new AtomicInteger();
        for (int i = 0; i < 5; i++) b.sender().send(i);                // keeps 3, 4
        ChannelLaggedException lag = assertThrows(ChannelLaggedException.class, () -> Select.select(
                r.onReceiveOrClosed(v -> "value " + v, () -> "closed " + closedCalls.incrementAndGet())));
        assertEquals(3, lag.missed());
        assertEquals(0, closedCalls.get(), "a lag is not the end");
        assertEquals("value 3", Select.select(r.onReceiveOrClosed(v -> "value " + v, () -> "closed " + closedCalls.incrementAndGet()),
                Select.onTimeout(TestThreads.PATIENCE, () -> "timeout")));
        assertEquals("value 4", Select.select(r.onReceiveOrClosed(v -> "value " + v, () -> "closed " + closedCalls.incrementAndGet()),
                Select.onTimeout(TestThreads.PATIENCE, () -> "timeout")));
        b.close();
        assertEquals("closed 1", Select.select(r.onReceiveOrClosed(v -> "value " + v, () -> "closed " + closedCalls.incrementAndGet())));
    }

    /**
     * A select reports a lag distinctly (ChannelLaggedException, not ChannelClosedException, while another
     * clause is there), and a select loop after a lag reported by any receive gets every kept value in
     * order, without a second lag and without waiting for a later send.
     */
    @Test
    void selectReportsLagDistinctlyAndContinues() throws Exception {
        Broadcast<Integer> b = Channel.broadcast(4, Broadcast.Mode.LAG);
        Receiver<Integer> bySelect = b.subscribe(), byReceive = b.subscribe();
        Channel<Integer> other = Channel.unbounded();
        for (int i = 0; i < 10; i++) b.sender().send(i);               // both keep 6..9
        ChannelLaggedException lag = assertThrows(ChannelLaggedException.class,
                () -> Select.<Integer>select(bySelect.onReceive(v -> v), other.receiver().onReceive(v -> -1)));
        assertEquals(6, lag.missed());
        assertEquals(6, assertThrows(ChannelLaggedException.class, byReceive::receive).missed());
        for (Receiver<Integer> r : List.of(bySelect, byReceive)) {
            for (int want = 6; want < 10; want++) {
                assertEquals((Integer) want, Select.<Integer>select(r.onReceive(v -> v), other.receiver().onReceive(v -> -1),
                        Select.onTimeout(TestThreads.PATIENCE, () -> -2)), "kept values in order, none stranded");
            }
            assertEquals((Integer) (-2), Select.<Integer>select(r.onReceive(v -> v), Select.onTimeout(Duration.ofMillis(10), () -> -2)));
            assertFalse(r.isClosed());
        }
        b.sender().send(10);
        assertEquals((Integer) 10, Select.<Integer>select(bySelect.onReceive(v -> v)));
        assertEquals(10, byReceive.receive(TestThreads.PATIENCE));
    }

    /** After a close, a select first returns the values kept behind a lag, then reports the end. */
    @Test
    void valuesKeptBehindALagSurviveTheClose() throws Exception {
        Broadcast<Integer> b = Channel.broadcast(2, Broadcast.Mode.LAG);
        Receiver<Integer> orClosed = b.subscribe(), plain = b.subscribe();
        for (int i = 0; i < 5; i++) b.sender().send(i);                // keep 3, 4
        assertEquals(3, assertThrows(ChannelLaggedException.class, orClosed::tryReceive).missed());
        assertEquals(3, assertThrows(ChannelLaggedException.class, plain::tryReceive).missed());
        b.close();
        for (int want = 3; want < 5; want++) {
            assertEquals("value " + want, Select.select(orClosed.onReceiveOrClosed(v -> "value " + v, () -> "closed")));
            assertEquals((Integer) want, Select.<Integer>select(plain.onReceive(v -> v)));
        }
        assertEquals("closed", Select.select(orClosed.onReceiveOrClosed(v -> "value " + v, () -> "closed")));
        assertThrows(ChannelClosedException.class, () -> Select.select(plain.onReceive(v -> v)));
        TestThreads.assertClosedAndDrained(plain, null);
    }

    /** Unsubscribing stops delivery to that subscriber; a BACKPRESSURE sender is not held by it. */
    @Test
    void closedSubscriptionIsDropped() throws Exception {
        Broadcast<Integer> b = Channel.broadcast(1, Broadcast.Mode.BACKPRESSURE);
        Receiver<Integer> gone = b.subscribe(), live = b.subscribe();
        b.sender().send(1);
        gone.close();
        assertEquals(1, live.receive());
        b.sender().send(2);                                            // would block if gone were still counted
        assertEquals(2, live.receive());
        assertEquals(1, b.subscriberCount());
    }

    /** Closing (last handle, close, fail) closes every subscription, which drains first; later subscribers are closed. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Broadcast.Mode.class)
    void closeAndFailReachEverySubscriber(Broadcast.Mode mode) throws Exception {
        Broadcast<String> b = Channel.broadcast(4, mode);
        Receiver<String> r = b.subscribe();
        BroadcastSender<String> clone = b.sender().clone();
        b.sender().close();
        clone.send("x");
        assertFalse(b.isClosed());
        IOException cause = new IOException("disk");
        clone.fail(cause);
        assertTrue(b.isClosed());
        assertThrows(ChannelClosedException.class, () -> clone.send("y"));
        assertEquals("x", r.receive());
        ChannelClosedException e = assertThrows(ChannelClosedException.class, r::receive);
        assertSame(cause, e.getCause());
        Receiver<String> after = b.subscribe();
        assertTrue(after.isClosed());
        assertSame(cause, assertThrows(ChannelClosedException.class, after::receive).getCause());
        assertThrows(IllegalStateException.class, clone::clone);
        assertThrows(NullPointerException.class, () -> Channel.<String>broadcast(1, mode).sender().send(null));
        assertThrows(IllegalArgumentException.class, () -> Channel.broadcast(0, mode));
    }

    /** A subscription works in select and async like any receiver. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Broadcast.Mode.class)
    void subscriptionsWorkInSelectAndAsync(Broadcast.Mode mode) throws Exception {
        Broadcast<Integer> b = Channel.broadcast(4, mode);
        Receiver<Integer> r = b.subscribe();
        var next = r.receiveAsync();
        b.sender().send(5);
        assertEquals(5, next.get(5, TimeUnit.SECONDS));
        b.sender().send(6);
        assertEquals("got 6", Select.select(r.onReceive(v -> "got " + v), Select.onTimeout(Duration.ofSeconds(5), () -> "timeout")));
    }

    /** Cancelling or timing out a subscription's async receive withdraws it: the next value is not lost. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Broadcast.Mode.class)
    void cancelledAsyncReceiveOfASubscriptionLosesNothing(Broadcast.Mode mode) throws Exception {
        Broadcast<Integer> b = Channel.broadcast(4, mode);
        Receiver<Integer> r = b.subscribe();
        var cancelled = r.receiveAsync();
        assertTrue(cancelled.cancel(false));
        assertTrue(cancelled.isCancelled());
        var timedOut = r.receiveAsync().orTimeout(10, TimeUnit.MILLISECONDS);
        assertThrows(java.util.concurrent.ExecutionException.class, () -> timedOut.get(5, TimeUnit.SECONDS));
        b.sender().send(7);
        assertEquals(7, r.receive(Duration.ofSeconds(5)), "the withdrawn receives took nothing");
    }

    @Test
    void countedStressBackpressureQuick() throws Exception {
        stress(Broadcast.Mode.BACKPRESSURE, 2, 10, 5_000);
    }

    @Test
    void countedStressLagQuick() throws Exception {
        stress(Broadcast.Mode.LAG, 2, 10, 5_000);
    }

    @Test
    @Tag("stress")
    void countedStressLong() throws Exception {
        stress(Broadcast.Mode.BACKPRESSURE, 4, 50, 200_000);
        stress(Broadcast.Mode.LAG, 4, 50, 200_000);
    }

    /**
     * Producers send (producer, seq); every subscriber receives until closed. BACKPRESSURE: every
     * subscriber sees every value exactly once, per producer in order, and all subscribers see the
     * same total order. LAG: each subscriber's received + missed = sent, in order, no duplicates.
     */
    private void stress(Broadcast.Mode mode, int producers, int subscribers, int each) throws Exception {
        Broadcast<long[]> b = Channel.broadcast(16, mode);
        List<Receiver<long[]>> subs = new ArrayList<>();
        for (int s = 0; s < subscribers; s++) subs.add(b.subscribe());
        List<Task<long[][]>> readers = new ArrayList<>();
        for (Receiver<long[]> r : subs) {
            readers.add(threads.start("sub", () -> {
                List<long[]> got = new ArrayList<>();
                long missed = 0;
                while (true) {
                    try {
                        got.add(r.receive());
                    } catch (ChannelLaggedException lag) {
                        missed += lag.missed();
                    } catch (ChannelClosedException end) {
                        long[][] out = got.toArray(new long[got.size() + 1][]);
                        out[got.size()] = new long[] {-1, missed};
                        return out;
                    }
                }
            }));
        }
        for (int p = 0; p < producers; p++) {
            int id = p;
            BroadcastSender<long[]> mine = b.sender().clone();
            threads.run("producer-" + p, () -> {
                try (mine) {
                    for (int i = 0; i < each; i++) mine.send(new long[] {id, i});
                }
            });
        }
        b.sender().close();
        List<long[]> reference = null;
        for (Task<long[][]> t : readers) {
            long[][] got = t.join();
            long missed = got[got.length - 1][1];
            int[] next = new int[producers];
            for (int k = 0; k < got.length - 1; k++) {
                int p = (int) got[k][0], i = (int) got[k][1];
                assertTrue(i >= next[p], "per-producer order, no duplicate");
                if (mode == Broadcast.Mode.BACKPRESSURE) assertEquals(next[p], i, "nothing skipped");
                next[p] = i + 1;
            }
            assertEquals((long) producers * each, got.length - 1 + missed, "received + missed = sent");
            if (mode == Broadcast.Mode.BACKPRESSURE) {
                List<long[]> mine = List.of(got).subList(0, got.length - 1);
                if (reference == null) reference = mine;
                for (int k = 0; k < mine.size(); k++) assertSame(reference.get(k), mine.get(k), "one total order");
            }
        }
    }
}
