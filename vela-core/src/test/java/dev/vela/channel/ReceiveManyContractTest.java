package dev.vela.channel;

import static dev.vela.channel.TestThreads.PATIENCE;
import static dev.vela.channel.TestThreads.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.time.Duration;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The channel contract, part 4: batch receive ({@link Receiver#receiveMany}, {@link Receiver#tryReceiveMany};
 * docs/adr/0039-receive-many.md). Every {@link AllFlavors} test runs against every {@link Flavor}; a
 * rendezvous has no buffer, so there "ready values" are those of senders already parked. Broadcast
 * subscriptions and priority order have their own tests at the end. The counted stress with random
 * {@code max}, interrupts and closes is {@link ChannelStressTest#quickBatchStress}.
 */
class ReceiveManyContractTest extends ChannelTestBase {

    /** Parks {@code n} senders of 0..n-1 on a rendezvous, one after the other. */
    private void parkSenders(Channel<Integer> ch, int n) {
        for (int i = 0; i < n; i++) {
            int v = i;
            threads.run("tx-" + i, () -> ch.sender().send(v)).awaitParked();
        }
    }

    /** Values ready now: buffered (as many as fit of {@code n}) or, on a rendezvous, parked senders. */
    private int makeReady(Flavor flavor, Channel<Integer> ch, int n) throws InterruptedException {
        if (flavor.capacity == 0) {
            parkSenders(ch, n);
            return n;
        }
        int fits = flavor.fits(n);
        for (int i = 0; i < fits; i++) ch.sender().send(i);
        return fits;
    }

    /** What was moved, in order for a buffer; a rendezvous hands over parked senders in no promised order. */
    private static List<Integer> normalised(Flavor flavor, List<Integer> got) {
        if (flavor.capacity != 0) return got;
        List<Integer> sorted = new ArrayList<>(got);
        Collections.sort(sorted);
        return sorted;
    }

    @AllFlavors
    void tryReceiveManyMovesReadyValuesInOrderUpToMax(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        List<Integer> into = new ArrayList<>(List.of(-1));
        assertEquals(0, ch.receiver().tryReceiveMany(into, 8), "nothing ready");
        assertEquals(List.of(-1), into, "an empty batch leaves the collection alone");
        int ready = makeReady(flavor, ch, 10);
        int first = Math.min(3, ready);
        assertEquals(first, ch.receiver().tryReceiveMany(into, 3), "max is respected");
        assertEquals(ready - first, ch.receiver().tryReceiveMany(into, 100), "the rest, and no more");
        assertEquals(-1, into.getFirst(), "values are added after what the collection held");
        assertEquals(range(0, ready), normalised(flavor, into.subList(1, into.size())), "each value once, FIFO");
        assertEquals(0, ch.receiver().tryReceiveMany(into, 1));
        assertNull(ch.receiver().tryReceive());
        assertEquals(0, ch.receiver().receiveMany(into, 4, Duration.ZERO), "Duration.ZERO behaves as tryReceiveMany");
    }

    @AllFlavors
    void receiveManyTakesEverythingReadyButNoMoreThanMax(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int ready = makeReady(flavor, ch, 6);
        List<Integer> into = new ArrayList<>();
        int n = ch.receiver().receiveMany(into, 4);
        assertEquals(Math.min(4, ready), n);
        int m = ready > n ? ch.receiver().receiveMany(into, 100, PATIENCE) : 0;
        assertEquals(ready - n, m);
        assertEquals(range(0, ready), normalised(flavor, into));
        assertNull(ch.receiver().tryReceive());
    }

    @AllFlavors
    void receiveManyBlocksUntilTheFirstValue(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        List<Integer> into = new ArrayList<>();
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receiveMany(into, 5));
        rx.awaitParked();
        Thread.sleep(20);
        assertFalse(rx.isDone(), "no value yet");
        ch.sender().send(42);
        assertEquals(1, rx.join());
        assertEquals(List.of(42), into);

        List<Integer> timedInto = new ArrayList<>();
        Task<Integer> timed = threads.start("timed-rx", () -> ch.receiver().receiveMany(timedInto, 5, PATIENCE));
        timed.awaitParked();
        ch.sender().send(43);
        assertEquals(1, timed.join());
        assertEquals(List.of(43), timedInto);
        assertNull(ch.receiver().tryReceive());
    }

    @AllFlavors
    void timedReceiveManyReturnsZeroAtTimeoutWithoutEffect(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        List<Integer> into = new ArrayList<>();
        long t0 = System.nanoTime();
        assertEquals(0, ch.receiver().receiveMany(into, 4, Duration.ofMillis(20)));
        long ms = millisSince(t0);
        assertTrue(ms >= 20, "timed out after " + ms + " ms: before its timeout");
        for (int i = 0; i < 50; i++) assertEquals(0, ch.receiver().receiveMany(into, 3, Duration.ofNanos(i * 1000L)));
        assertTrue(into.isEmpty(), "a batch that timed out added nothing");
        boolean accepted = ch.sender().trySend(-1);
        assertEquals(flavor.capacity > 0, accepted, "a timed-out batch left no waiter to take a rendezvous value");
        if (accepted) assertEquals(-1, ch.receiver().tryReceive());
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive());
        ch.sender().send(9);
        assertEquals(9, rx.join());
    }

    @AllFlavors
    void interruptedReceiveManyTakesNothing(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        for (int round = 0; round < 10; round++) {
            boolean timedCall = round % 2 == 1;
            List<Integer> into = new ArrayList<>();
            Task<Boolean> rx = threads.start("rx", () -> {
                assertThrows(InterruptedException.class, () -> {
                    if (timedCall) ch.receiver().receiveMany(into, 3, Duration.ofSeconds(30));
                    else ch.receiver().receiveMany(into, 3);
                });
                return Thread.currentThread().isInterrupted();
            });
            rx.awaitParked();
            rx.thread().interrupt();
            assertFalse(rx.join(), "interrupt status is cleared when InterruptedException is thrown");
            assertTrue(into.isEmpty(), "an interrupted batch added nothing");
        }
        if (flavor.capacity == 0) assertFalse(ch.sender().trySend(1), "no stale receiver may take a rendezvous value");
        List<Integer> into = new ArrayList<>();
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receiveMany(into, 3, PATIENCE));
        ch.sender().send(2);
        assertEquals(1, rx.join());
        assertEquals(List.of(2), into, "the value went to the live receiver");
        assertNull(ch.receiver().tryReceive());
    }

    @AllFlavors
    void bufferedValuesAreDrainedAfterCloseThenEveryBatchCallThrows(Flavor flavor) throws Exception {
        for (CloseKind kind : CloseKind.values()) {
            Channel<Integer> ch = flavor.create();
            int fits = flavor.fits(3);
            for (int i = 0; i < fits; i++) ch.sender().send(i);
            Throwable cause = kind.close(ch, ch.sender());
            List<Integer> into = new ArrayList<>();
            if (fits > 0) {
                assertEquals(Math.min(2, fits), ch.receiver().tryReceiveMany(into, 2), kind.name());
                if (fits > 2) assertEquals(1, ch.receiver().receiveMany(into, 10), kind.name() + ": the rest, then the end");
                assertEquals(range(0, fits), into, kind.name() + ": closing discards nothing");
            }
            Receiver<Integer> rx = ch.receiver();
            for (var call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> rx.tryReceiveMany(into, 3), () -> rx.receiveMany(into, 3), () -> rx.receiveMany(into, 3, PATIENCE))) {
                ChannelClosedException e = assertThrows(ChannelClosedException.class, call, kind.name());
                assertSame(cause, e.getCause(), kind.name() + ": the failure is the cause");
            }
            assertEquals(fits, into.size(), kind.name() + ": the calls that threw added nothing");
        }
    }

    @AllFlavors
    void closeWakesABlockedReceiveMany(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        List<Integer> into = new ArrayList<>();
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receiveMany(into, 4));
        Task<Integer> timed = threads.start("timed-rx", () -> ch.receiver().receiveMany(into, 4, PATIENCE));
        rx.awaitParked();
        timed.awaitParked();
        ch.close();
        rx.failsWith(ChannelClosedException.class);
        timed.failsWith(ChannelClosedException.class);
        assertTrue(into.isEmpty());
    }

    @AllFlavors
    void badInputIsRejectedBeforeAnythingIsTaken(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int ready = makeReady(flavor, ch, 1);
        Receiver<Integer> rx = ch.receiver();
        List<Integer> into = new ArrayList<>();
        for (var call : List.<org.junit.jupiter.api.function.Executable>of(
                () -> rx.tryReceiveMany(null, 1), () -> rx.receiveMany(null, 1), () -> rx.receiveMany(null, 1, PATIENCE))) {
            NullPointerException e = assertThrows(NullPointerException.class, call);
            assertTrue(e.getMessage().contains("into"), e.getMessage());
        }
        for (int max : new int[] {0, -1, Integer.MIN_VALUE}) {
            for (var call : List.<org.junit.jupiter.api.function.Executable>of(
                    () -> rx.tryReceiveMany(into, max), () -> rx.receiveMany(into, max), () -> rx.receiveMany(into, max, PATIENCE))) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
                assertTrue(e.getMessage().contains(String.valueOf(max)), e.getMessage());
            }
        }
        assertThrows(NullPointerException.class, () -> rx.receiveMany(into, 1, null));
        assertThrows(IllegalArgumentException.class, () -> rx.receiveMany(into, 1, Duration.ofMillis(-1)));
        assertTrue(into.isEmpty());
        assertEquals(ready, rx.tryReceiveMany(into, 5), "rejected calls took nothing");
        assertEquals(List.of(0), into);
    }

    /** A collection that accepts {@code accepts} values, then throws. */
    private static final class Refusing extends AbstractList<Integer> {
        final List<Integer> held = new ArrayList<>();
        final int accepts;

        Refusing(int accepts) {
            this.accepts = accepts;
        }

        @Override
        public boolean add(Integer v) {
            if (held.size() == accepts) throw new IllegalStateException("full at " + accepts);
            return held.add(v);
        }

        @Override
        public Integer get(int i) {
            return held.get(i);
        }

        @Override
        public int size() {
            return held.size();
        }
    }

    @AllFlavors
    void aRefusingCollectionLosesNothing(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int ready = makeReady(flavor, ch, 3);
        int accepts = Math.min(1, ready - 1);
        Refusing into = new Refusing(accepts);
        ReceiveManyException e = assertThrows(ReceiveManyException.class, () -> ch.receiver().receiveMany(into, 10));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertEquals(accepts, e.moved());
        assertEquals(accepts, into.size());
        List<Integer> all = new ArrayList<>(into);
        all.add((Integer) e.value());
        ch.receiver().tryReceiveMany(all, 10);
        assertEquals(range(0, ready), normalised(flavor, all), "every value exactly once: in the collection, the exception, or the channel");
    }

    @AllFlavors
    void concurrentBatchConsumersGetEveryValueOnce(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int n = 5_000;
        List<Task<List<Integer>>> consumers = new ArrayList<>();
        for (int c = 0; c < 3; c++) {
            long seed = c;
            consumers.add(threads.start("rx-" + c, () -> {
                SplittableRandom rnd = new SplittableRandom(seed);
                List<Integer> mine = new ArrayList<>();
                try {
                    while (true) {
                        int max = rnd.nextInt(1, 40);
                        if (rnd.nextBoolean()) ch.receiver().receiveMany(mine, max, PATIENCE);
                        else if (ch.receiver().tryReceiveMany(mine, max) == 0) Thread.yield();
                    }
                } catch (ChannelClosedException end) {
                    return mine;
                }
            }));
        }
        threads.run("tx", () -> {
            try (Sender<Integer> tx = ch.sender()) {
                for (int i = 0; i < n; i++) tx.send(i);
            }
        });
        List<Integer> all = new ArrayList<>();
        for (Task<List<Integer>> c : consumers) {
            List<Integer> mine = c.join();
            List<Integer> sorted = new ArrayList<>(mine);
            Collections.sort(sorted);
            assertEquals(sorted, mine, "one consumer sees values in FIFO order");
            all.addAll(mine);
        }
        Collections.sort(all);
        assertEquals(range(0, n), all);
    }

    // ---------------------------------------------------------------- beyond the flavours

    @Test
    void priorityChannelsAreDrainedInPriorityOrder() throws Exception {
        PriorityChannel<String> ch = Channel.priority(8);
        ch.sender().send("low", -1);
        ch.sender().send("mid-1");
        ch.sender().send("high", 5);
        ch.sender().send("mid-2");
        List<String> into = new ArrayList<>();
        assertEquals(3, ch.receiver().receiveMany(into, 3));
        assertEquals(1, ch.receiver().tryReceiveMany(into, 3));
        assertEquals(List.of("high", "mid-1", "mid-2", "low"), into);
    }

    /** A batch counts every value it took, and frees room for blocked senders: one per value taken. */
    @Test
    void aBatchCountsEveryValueAndReleasesEveryBlockedSender() throws Exception {
        Channel<Integer> ch = Channel.<Integer>builder().capacity(4).metrics(true).build();
        for (int i = 0; i < 4; i++) ch.sender().send(i);
        List<Task<Void>> blocked = new ArrayList<>();
        for (int i = 4; i < 7; i++) {
            int v = i;
            blocked.add(threads.run("tx-" + i, () -> ch.sender().send(v)).awaitParked());
        }
        List<Integer> into = new ArrayList<>();
        assertEquals(4, ch.receiver().receiveMany(into, 10));
        for (Task<Void> t : blocked) t.join();                      // three places freed, three senders through
        assertEquals(3, ch.receiver().receiveMany(into, 10, PATIENCE));
        assertEquals(List.of(0, 1, 2, 3), into.subList(0, 4));
        assertEquals(range(0, 7), into.stream().sorted().toList());
        ChannelMetrics m = ch.metrics();
        assertEquals(7, m.sent());
        assertEquals(7, m.received());
    }

    @ParameterizedTest
    @EnumSource(Broadcast.Mode.class)
    void broadcastSubscribersReceiveInBatches(Broadcast.Mode mode) throws Exception {
        Broadcast<Integer> b = Channel.broadcast(8, mode);
        Receiver<Integer> a = b.subscribe(), c = b.subscribe();
        for (int i = 0; i < 5; i++) b.sender().send(i);
        List<Integer> gotA = new ArrayList<>(), gotC = new ArrayList<>();
        assertEquals(2, a.tryReceiveMany(gotA, 2));
        assertEquals(3, a.receiveMany(gotA, 10));
        assertEquals(5, c.receiveMany(gotC, 10, PATIENCE));
        assertEquals(range(0, 5), gotA);
        assertEquals(range(0, 5), gotC);
        assertEquals(0, a.tryReceiveMany(gotA, 3));
        Task<Integer> waiting = threads.start("rx", () -> a.receiveMany(gotA, 4));
        waiting.awaitParked();
        b.close();
        waiting.failsWith(ChannelClosedException.class);
        assertThrows(ChannelClosedException.class, () -> c.tryReceiveMany(gotC, 3));
    }

    @Test
    void aLaggedSubscriberLearnsOfItsLagFromTheFirstBatchThenContinues() throws Exception {
        Broadcast<Integer> b = Channel.broadcast(2, Broadcast.Mode.LAG);
        Receiver<Integer> slow = b.subscribe();
        for (int i = 0; i < 5; i++) b.sender().send(i);
        List<Integer> into = new ArrayList<>();
        ChannelLaggedException lag = assertThrows(ChannelLaggedException.class, () -> slow.receiveMany(into, 10));
        assertEquals(3, lag.missed());
        assertTrue(into.isEmpty(), "a lag found first moves nothing");
        assertEquals(2, slow.tryReceiveMany(into, 10));
        assertEquals(List.of(3, 4), into);
    }
}
