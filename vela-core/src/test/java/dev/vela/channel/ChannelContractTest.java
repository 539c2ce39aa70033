package dev.vela.channel;

import static dev.vela.channel.TestThreads.assertClosedAndDrained;
import static dev.vela.channel.TestThreads.millisSince;
import static dev.vela.channel.TestThreads.receiveN;
import static dev.vela.channel.TestThreads.receiveNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The channel contract, part 1: send/receive, try and timed variants, blocking, interruption and state
 * (prototype tests reference §3.5 and §3.6, plus the DESIGN.md §4 rules on null, timeouts and
 * interruption). Every test runs against every {@link Flavor}; capacity-dependent expectations are
 * computed from {@link Flavor#capacity}. Close, handles and MPSC are in {@link ChannelCloseContractTest};
 * prototype integration scenarios in {@link ChannelIntegrationContractTest}.
 */
class ChannelContractTest extends ChannelTestBase {

    /**
     * Starts a producer of {@code values} and asserts that exactly {@code flavor.fits(n)} of them are
     * accepted while nobody receives (the producer then parks), or all of them for an unbounded channel.
     */
    private Task<Void> producePastCapacity(Flavor flavor, Sender<Integer> tx, List<Integer> values, AtomicInteger sent) {
        Task<Void> producer = threads.run("producer", () -> {
            for (Integer v : values) {
                tx.send(v);
                sent.incrementAndGet();
            }
        });
        int fits = flavor.fits(values.size());
        if (fits == values.size()) {
            producer.join();
        } else {
            producer.awaitParked();
        }
        assertEquals(fits, sent.get(), "sends completed without a receiver");
        return producer;
    }

    // ---------------------------------------------------------------- §3.5 basic send / receive

    /** §3.5 #1, #2: a value sent is received, the very same object. */
    @AllFlavors
    void roundTripDeliversTheSameObject(Flavor flavor) throws Exception {
        Channel<String> ch = flavor.create();
        String hello = new String("hello");
        Task<String> rx = threads.start("rx", () -> ch.receiver().receive());
        ch.sender().send(hello);
        assertSame(hello, rx.join());
        assertNull(ch.receiver().tryReceive(), "exactly one value was sent");
        assertFalse(ch.isClosed());
    }

    /** The capacity accessor reports the flavour: n, 0 for rendezvous, MAX_VALUE for unbounded. */
    @AllFlavors
    void capacityReportsTheFlavour(Flavor flavor) {
        assertEquals(flavor.capacity, flavor.create().capacity());
    }

    /** There is one original sender handle and one receiver object. */
    @AllFlavors
    void senderAndReceiverAreStableHandles(Flavor flavor) {
        Channel<Integer> ch = flavor.create();
        assertSame(ch.sender(), ch.sender());
        assertSame(ch.receiver(), ch.receiver());
        assertNotNull(ch.toString());
    }

    /** §3.5 #3: many values (crossing every segment/ring edge) come out exactly once, in order. */
    @AllFlavors
    void manySendsArriveInOrder(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int n = 10_000;
        threads.run("producer", () -> {
            for (int i = 0; i < n; i++) ch.sender().send(i);
            ch.sender().close();
        });
        List<Integer> got = new ArrayList<>(n);
        for (Integer v : ch.receiver()) got.add(v);
        assertEquals(range(0, n), got);
    }

    /** §3.5 #4: FIFO with distinct objects. */
    @AllFlavors
    void fifoOrdering(Flavor flavor) throws Exception {
        Channel<String> ch = flavor.create();
        List<String> in = List.of("first", "second", "third");
        threads.run("producer", () -> {
            for (String s : in) ch.sender().send(s);
        });
        assertEquals(in, receiveN(ch.receiver(), 3));
        assertNull(ch.receiver().receive(Duration.ofMillis(20)));
    }

    /** §3.5 #5, #12: every send variant on a channel closed by the receiver throws, and delivers nothing. */
    @AllFlavors
    void everySendVariantFailsAfterReceiverClose(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        ch.receiver().close();
        Sender<Integer> tx = ch.sender();
        assertThrows(ChannelClosedException.class, () -> tx.send(1));
        assertThrows(ChannelClosedException.class, () -> tx.send(2, Duration.ofMillis(50)));
        assertThrows(ChannelClosedException.class, () -> tx.send(3, Duration.ZERO));
        assertThrows(ChannelClosedException.class, () -> tx.trySend(4));
        assertClosedAndDrained(ch.receiver(), null);
    }

    /** §3.5 #6: closing the only sender closes the channel; receives end at once with no cause. */
    @AllFlavors
    void receiveFromClosedEmptyChannelEndsWithoutBlocking(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        ch.sender().close();
        assertTrue(ch.isClosed());
        assertClosedAndDrained(ch.receiver(), null);
        assertFalse(ch.receiver().iterator().hasNext());
        assertEquals(0, ch.receiver().stream().count());
    }

    // ---------------------------------------------------------------- §3.5 try variants

    /** §3.5 #8: trySend succeeds when there is room, or (rendezvous) when a receiver is already waiting. */
    @AllFlavors
    void trySendSucceedsWithRoomOrWaitingReceiver(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        if (flavor.capacity == 0) {
            assertFalse(ch.sender().trySend(7), "rendezvous with no receiver waiting");
            assertFalse(ch.sender().send(7, Duration.ZERO), "Duration.ZERO behaves as trySend");
            Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive());
            rx.awaitParked();
            assertTrue(ch.sender().trySend(8), "a parked receiver is waiting: trySend must hand over");
            assertEquals(8, rx.join());
        } else {
            assertTrue(ch.sender().trySend(7));
            assertEquals(7, ch.receiver().tryReceive());
            assertTrue(ch.sender().send(8, Duration.ZERO), "Duration.ZERO behaves as trySend");
            assertEquals(8, ch.receiver().tryReceive());
        }
        assertNull(ch.receiver().tryReceive(), "nothing else was sent");
    }

    /** §3.5 #9: trySend accepts exactly capacity values, then refuses; one receive frees exactly one slot. */
    @AllFlavors
    void trySendRefusesExactlyWhenFull(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Sender<Integer> tx = ch.sender();
        int attempts = flavor.isFinite() ? flavor.capacity + 1 : 20_000;
        int accepted = 0;
        while (accepted < attempts && tx.trySend(accepted)) accepted++;
        assertEquals(flavor.fits(attempts), accepted, "trySend accepted");
        if (flavor.isFinite()) {
            assertFalse(tx.trySend(-1), "still full");
            assertFalse(tx.send(-2, Duration.ofMillis(30)), "timed send on a full channel times out");
            if (flavor.capacity > 0) {
                assertEquals(0, ch.receiver().tryReceive());
                assertTrue(tx.trySend(accepted), "one receive frees one slot");
                assertFalse(tx.trySend(-3), "and only one");
                accepted++;
            }
        }
        List<Integer> got = new ArrayList<>();
        for (Integer v; (v = ch.receiver().tryReceive()) != null; ) got.add(v);
        int first = flavor.capacity > 0 && flavor.isFinite() ? 1 : 0;
        assertEquals(range(first, accepted), got, "exactly the accepted values, in order; refused ones never appear");
    }

    /** §3.5 #10: tryReceive returns a ready value; on a rendezvous a value is ready when a sender waits. */
    @AllFlavors
    void tryReceiveTakesAReadyValue(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Task<Void> producer = threads.run("producer", () -> ch.sender().send(42));
        if (flavor.capacity == 0) producer.awaitParked();
        else producer.join();
        assertEquals(42, ch.receiver().tryReceive());
        producer.join();
        assertNull(ch.receiver().tryReceive());
    }

    /** §3.5 #11: tryReceive on an empty open channel returns null and does not disturb later sends. */
    @AllFlavors
    void tryReceiveOnEmptyReturnsNull(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        for (int i = 0; i < 100; i++) assertNull(ch.receiver().tryReceive());
        assertNull(ch.receiver().receive(Duration.ZERO), "Duration.ZERO behaves as tryReceive");
        assertFalse(ch.isClosed());
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive());
        ch.sender().send(5);
        assertEquals(5, rx.join());
    }

    // ---------------------------------------------------------------- §3.5 state

    /** §3.5 #13-#15 (no length accessor: isEmpty instead of len). */
    @AllFlavors
    void isEmptyTracksBufferedValues(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Receiver<Integer> rx = ch.receiver();
        assertTrue(rx.isEmpty());
        if (flavor.capacity == 0) {
            Task<Integer> taker = threads.start("rx", rx::receive);
            taker.awaitParked();
            assertTrue(rx.isEmpty(), "a waiting receiver is not a buffered value");
            ch.sender().send(1);
            assertEquals(1, taker.join());
            assertTrue(rx.isEmpty());
            return;
        }
        ch.sender().send(1);
        assertFalse(rx.isEmpty());
        if (flavor.capacity >= 2) {
            ch.sender().send(2);
            assertFalse(rx.isEmpty());
            assertEquals(1, rx.receive());
            assertFalse(rx.isEmpty(), "one value is left");
            assertEquals(2, rx.receive());
        } else {
            assertEquals(1, rx.receive());
        }
        assertTrue(rx.isEmpty());
    }

    /** §3.5 #16, #17: isClosed on every view, before and after the receiver closes. */
    @AllFlavors
    void isClosedOnEveryView(Flavor flavor) {
        Channel<Integer> ch = flavor.create();
        Sender<Integer> clone = ch.sender().clone();
        assertFalse(ch.isClosed());
        assertFalse(ch.receiver().isClosed());
        assertFalse(ch.sender().isClosed());
        assertFalse(clone.isClosed());
        ch.receiver().close();
        assertTrue(ch.isClosed());
        assertTrue(ch.receiver().isClosed());
        assertTrue(ch.sender().isClosed(), "a handle on a closed channel reports closed");
        assertTrue(clone.isClosed());
    }

    // ---------------------------------------------------------------- null and argument checks

    /** DESIGN §4: null is rejected at send with an NPE that names the channel, and nothing is sent. */
    @AllFlavors
    void nullIsRejectedAndNothingIsSent(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Sender<Integer> tx = ch.sender();
        for (var call : List.<org.junit.jupiter.api.function.Executable>of(
                () -> tx.send(null), () -> tx.send(null, Duration.ofMillis(10)), () -> tx.trySend(null))) {
            NullPointerException e = assertThrows(NullPointerException.class, call);
            assertNotNull(e.getMessage(), "the NPE names the channel");
            assertTrue(e.getMessage().contains(ch.toString()), () -> "message should name " + ch + ": " + e.getMessage());
        }
        assertTrue(ch.receiver().isEmpty());
        assertNull(ch.receiver().tryReceive());
        assertThrows(NullPointerException.class, () -> tx.send(1, null));
        assertThrows(NullPointerException.class, () -> ch.receiver().receive(null));
        assertThrows(IllegalArgumentException.class, () -> tx.send(1, Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> ch.receiver().receive(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> tx.fail(null));
        assertNull(ch.receiver().tryReceive(), "rejected calls sent nothing");
        assertFalse(ch.isClosed(), "rejected calls did not close the channel");
    }

    // ---------------------------------------------------------------- §3.6 blocking

    /**
     * §3.6 #1, #2: a send blocks exactly when capacity values are buffered (at once on a rendezvous,
     * never on an unbounded channel); one receive releases it and order is kept.
     */
    @AllFlavors
    void sendBlocksExactlyWhenFull(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int n = flavor.isFinite() ? flavor.capacity + 1 : 5_000;
        AtomicInteger sent = new AtomicInteger();
        Task<Void> producer = producePastCapacity(flavor, ch.sender(), range(0, n), sent);
        assertEquals(0, receiveNow(ch.receiver()));
        producer.join();
        assertEquals(n, sent.get());
        assertEquals(range(1, n), receiveN(ch.receiver(), n - 1));
        assertNull(ch.receiver().tryReceive());
    }

    /** §3.6 #3: a receive blocks on an empty channel until a send, which it then returns. */
    @AllFlavors
    void receiveBlocksUntilSend(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive());
        rx.awaitParked();
        Thread.sleep(20);
        assertFalse(rx.isDone());
        ch.sender().send(42);
        assertEquals(42, rx.join());
    }

    /** §3.6 #4: buffered values are received without blocking (Duration.ZERO), in order. */
    @AllFlavors
    void bufferedValuesAreReceivedWithoutBlocking(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int fits = flavor.fits(10);
        for (int i = 0; i < fits; i++) assertTrue(ch.sender().send(i, Duration.ZERO));
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < fits; i++) got.add(ch.receiver().receive(Duration.ZERO));
        assertEquals(range(0, fits), got);
        assertNull(ch.receiver().receive(Duration.ZERO));
    }

    /** §3.6 #5: a timed receive returns a ready value (on a rendezvous: from a waiting sender). */
    @AllFlavors
    void timedReceiveReturnsReadyValue(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Task<Void> producer = threads.run("producer", () -> ch.sender().send(42));
        if (flavor.capacity == 0) producer.awaitParked();
        assertEquals(42, ch.receiver().receive(Duration.ofSeconds(5)));
        producer.join();
    }

    /**
     * §3.6 #6: a timed receive on an empty channel returns null no earlier than its timeout, and has
     * had no effect: the next value goes to the next receiver, and (rendezvous) no stale waiter remains.
     * On the real clock with a short timeout and a lower bound only; the exact instant is checked on the
     * virtual clock in vela-test's {@code dev.vela.test.channel.ChannelTimeoutsVirtualTimeTest}.
     */
    @AllFlavors
    void timedReceiveExpiresWithoutEffect(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        long t0 = System.nanoTime();
        assertNull(ch.receiver().receive(Duration.ofMillis(20)));
        long ms = millisSince(t0);
        assertTrue(ms >= 20, "timed out after " + ms + " ms: before its timeout");
        for (int i = 0; i < 100; i++) assertNull(ch.receiver().receive(Duration.ofNanos(i * 1000L)));
        boolean accepted = ch.sender().trySend(-1);
        assertEquals(flavor.capacity > 0, accepted, "only a buffer accepts; a timed-out receiver must not take a rendezvous value");
        if (accepted) assertEquals(-1, ch.receiver().tryReceive(), "the value after the timeouts is received once");
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive());
        ch.sender().send(9);
        assertEquals(9, rx.join());
        assertNull(ch.receiver().tryReceive());
    }

    /**
     * §3.4 spirit for send: a timed send on a full channel returns false after its timeout and sent
     * nothing. On the real clock with a short timeout and a lower bound only; the exact instant is checked
     * on the virtual clock in vela-test's {@code dev.vela.test.channel.ChannelTimeoutsVirtualTimeTest}.
     */
    @AllFlavors
    void timedSendExpiresWithoutEffect(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int buffered = flavor.fillCount(3);
        for (int i = 0; i < buffered; i++) ch.sender().send(i);
        if (flavor.isFinite()) {
            long t0 = System.nanoTime();
            assertFalse(ch.sender().send(-1, Duration.ofMillis(20)));
            long ms = millisSince(t0);
            assertTrue(ms >= 20, "timed out after " + ms + " ms: before its timeout");
            for (int i = 0; i < 100; i++) assertFalse(ch.sender().send(-2, Duration.ofNanos(i * 1000L)));
        } else {
            assertTrue(ch.sender().send(buffered, Duration.ofMillis(20)), "an unbounded send never times out");
            buffered++;
        }
        int fits = buffered;
        Task<List<Integer>> rx = threads.start("rx", () -> receiveN(ch.receiver(), fits + 1));
        ch.sender().send(100);
        List<Integer> expected = new ArrayList<>(range(0, fits));
        expected.add(100);
        assertEquals(expected, rx.join(), "timed-out values never appear");
        assertNull(ch.receiver().receive(Duration.ofMillis(20)));
    }

    /** §3.6 #7: a timed receive gets a value sent later within its timeout. */
    @AllFlavors
    void timedReceiveGetsDelayedSend(Flavor flavor) throws Exception {
        Channel<String> ch = flavor.create();
        threads.run("late-producer", () -> {
            Thread.sleep(20);          // most likely after the receive began; at an exact instant: ChannelTimeoutsVirtualTimeTest
            ch.sender().send("delayed");
        });
        assertEquals("delayed", ch.receiver().receive(Duration.ofSeconds(5)));
    }

    /** §3.6 #8: 5 concurrent senders x 10: all 50 arrive once, each sender's values in order. */
    @AllFlavors
    void concurrentSends(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        for (int t = 0; t < 5; t++) {
            int base = t * 10;
            threads.run("producer-" + t, () -> {
                for (int i = 0; i < 10; i++) ch.sender().send(base + i);
            });
        }
        List<Integer> got = receiveN(ch.receiver(), 50);
        for (int t = 0; t < 5; t++) {
            int base = t * 10;
            assertEquals(range(base, base + 10), got.stream().filter(v -> v / 10 == base / 10).toList(), "order of producer " + t);
        }
        List<Integer> sorted = new ArrayList<>(got);
        Collections.sort(sorted);
        assertEquals(range(0, 50), sorted);
        assertNull(ch.receiver().receive(Duration.ofMillis(20)));
    }

    /** §3.6 #9: 5 threads share one Receiver, 10 receives each: 0..49 once each, each thread's in FIFO order. */
    @AllFlavors
    void concurrentReceivesShareOneReceiver(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        List<Task<List<Integer>>> receivers = new ArrayList<>();
        for (int t = 0; t < 5; t++) receivers.add(threads.start("rx-" + t, () -> receiveN(ch.receiver(), 10)));
        for (int i = 0; i < 50; i++) ch.sender().send(i);
        List<Integer> all = new ArrayList<>();
        for (Task<List<Integer>> r : receivers) {
            List<Integer> mine = r.join();
            List<Integer> sortedMine = new ArrayList<>(mine);
            Collections.sort(sortedMine);
            assertEquals(sortedMine, mine, "one receiver sees values in FIFO order");
            all.addAll(mine);
        }
        Collections.sort(all);
        assertEquals(range(0, 50), all);
        assertNull(ch.receiver().tryReceive());
    }

    // ---------------------------------------------------------------- interruption (DESIGN §4)

    /** An interrupted blocked receive throws, clears the flag, and took nothing: the next value goes to the next receiver. */
    @AllFlavors
    void interruptedReceiveTakesNothing(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        for (int round = 0; round < 20; round++) {
            Task<Boolean> rx = threads.start("rx", () -> {
                assertThrows(InterruptedException.class, () -> ch.receiver().receive());
                return Thread.currentThread().isInterrupted();
            });
            rx.awaitParked();
            rx.thread().interrupt();
            assertFalse(rx.join(), "interrupt status is cleared when InterruptedException is thrown");
        }
        Task<Boolean> timed = threads.start("timed-rx", () -> {
            assertThrows(InterruptedException.class, () -> ch.receiver().receive(Duration.ofSeconds(30)));
            return Thread.currentThread().isInterrupted();
        });
        timed.awaitParked();
        timed.thread().interrupt();
        assertFalse(timed.join());
        if (flavor.capacity == 0) assertFalse(ch.sender().trySend(1), "no stale receiver may take a rendezvous value");
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive());
        ch.sender().send(2);
        assertEquals(2, rx.join(), "the value went to the live receiver");
        assertNull(ch.receiver().tryReceive());
    }

    /** An interrupted blocked send throws, clears the flag, and sent nothing (unbounded: sends never block, so never interrupted). */
    @AllFlavors
    void interruptedSendSendsNothing(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int fits = flavor.fillCount(2);
        for (int i = 0; i < fits; i++) ch.sender().send(i);
        if (flavor.isFinite()) {
            for (int round = 0; round < 20; round++) {
                int value = 1000 + round;
                Task<Boolean> tx = threads.start("tx", () -> {
                    assertThrows(InterruptedException.class, () -> ch.sender().send(value));
                    return Thread.currentThread().isInterrupted();
                });
                tx.awaitParked();
                tx.thread().interrupt();
                assertFalse(tx.join(), "interrupt status is cleared");
            }
            Task<Void> timed = threads.run("timed-tx", () ->
                    assertThrows(InterruptedException.class, () -> ch.sender().send(-1, Duration.ofSeconds(30))));
            timed.awaitParked();
            timed.thread().interrupt();
            timed.join();
            // An already-interrupted thread does not block in a send that would block.
            Task<Void> pre = threads.run("pre-interrupted-tx", () -> {
                Thread.currentThread().interrupt();
                assertThrows(InterruptedException.class, () -> ch.sender().send(-2));
                assertFalse(Thread.currentThread().isInterrupted());
            });
            pre.join();
        } else {
            Task<Void> pre = threads.run("pre-interrupted-tx", () -> {
                Thread.currentThread().interrupt();
                try {
                    ch.sender().send(fits);
                } catch (InterruptedException e) {
                    return; // also legal: then nothing was sent
                }
                assertTrue(Thread.currentThread().isInterrupted(), "a completed send leaves the flag set");
            });
            pre.join();
        }
        List<Integer> got = new ArrayList<>();
        for (Integer v; (v = ch.receiver().tryReceive()) != null; ) got.add(v);
        assertTrue(got.equals(range(0, fits)) || (!flavor.isFinite() && got.equals(range(0, fits + 1))),
                "only the values sent before the interrupts: " + got);
    }

    /** An interrupted iterator throws the unchecked ChannelInterruptedException and sets the flag again. */
    @AllFlavors
    void interruptedIterationThrowsUnchecked(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Task<Boolean> it = threads.start("iterating", () -> {
            ChannelInterruptedException e = assertThrows(ChannelInterruptedException.class,
                    () -> ch.receiver().iterator().hasNext());
            assertTrue(e.getCause() instanceof InterruptedException);
            return Thread.currentThread().isInterrupted();
        });
        it.awaitParked();
        it.thread().interrupt();
        assertTrue(it.join(), "the iterator sets the interrupt status again");
        ch.sender().close();
        assertClosedAndDrained(ch.receiver(), null);
    }
}
