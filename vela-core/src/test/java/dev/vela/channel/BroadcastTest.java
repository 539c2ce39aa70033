package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
