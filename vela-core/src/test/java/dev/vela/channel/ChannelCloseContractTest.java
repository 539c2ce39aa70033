package dev.vela.channel;

import static dev.vela.channel.TestThreads.assertClosedAndDrained;
import static dev.vela.channel.TestThreads.receiveN;
import static dev.vela.channel.TestThreads.receiveNow;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The channel contract, part 2: closing (every {@link CloseKind}), {@code fail}, sender handles,
 * auto-close and MPSC (prototype tests reference §3.7 and §3.8, including the skipped
 * {@code test_mpsc_producers_finish_independently}, which is deterministic here). Runs against every
 * {@link Flavor}.
 */
class ChannelCloseContractTest extends ChannelTestBase {

    // ---------------------------------------------------------------- §3.7 manual close

    /** §3.7 #1, #2: receiver close and last-sender close both close the channel for every view. */
    @AllFlavors
    void everyCloseKindClosesEveryView(Flavor flavor) {
        for (CloseKind kind : CloseKind.values()) {
            Channel<Integer> ch = flavor.create();
            kind.close(ch, ch.sender());
            assertTrue(ch.isClosed(), kind.name());
            assertTrue(ch.receiver().isClosed(), kind.name());
            assertTrue(ch.sender().isClosed(), kind.name());
            assertThrows(ChannelClosedException.class, () -> ch.sender().trySend(1), kind.name());
        }
    }

    /** §3.7 #3: closing repeatedly, through every view, never throws and never changes the outcome. */
    @AllFlavors
    void closeIsIdempotent(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int fits = flavor.fits(1);
        if (fits == 1) ch.sender().send(7);
        for (int i = 0; i < 3; i++) {
            assertDoesNotThrow(ch.receiver()::close);
            assertDoesNotThrow(ch::close);
            assertDoesNotThrow(ch.sender()::close);
        }
        ch.sender().fail(new IllegalStateException("too late")); // no effect on a closed channel
        if (fits == 1) assertEquals(7, ch.receiver().receive());
        assertClosedAndDrained(ch.receiver(), null);
    }

    /**
     * §3.7 #4 and integration §3.10 #8: a sender blocked on a full channel (at once on a rendezvous)
     * wakes with ChannelClosedException for every kind of close; its value is never delivered.
     * An unbounded channel never blocks a sender, so there the close makes the next send fail.
     */
    @AllFlavors
    void closeWakesBlockedSender(Flavor flavor) throws Exception {
        for (CloseKind kind : CloseKind.values()) {
            Channel<Integer> ch = flavor.create();
            Sender<Integer> tx = ch.sender();
            Sender<Integer> blockedHandle = tx.clone();
            int fits = flavor.fillCount(1);
            for (int i = 0; i < fits; i++) tx.send(i);
            Throwable cause;
            if (flavor.isFinite()) {
                Task<Void> blocked = threads.run("blocked-tx", () -> blockedHandle.send(-2));
                Task<Void> blockedTimed = threads.run("blocked-timed-tx", () -> blockedHandle.send(-3, Duration.ofSeconds(60)));
                blocked.awaitParked();
                blockedTimed.awaitParked();
                if (kind == CloseKind.LAST_SENDER_CLOSE) blockedHandle.close();
                cause = kind.close(ch, tx);
                blocked.failsWith(ChannelClosedException.class);
                blockedTimed.failsWith(ChannelClosedException.class);
            } else {
                if (kind == CloseKind.LAST_SENDER_CLOSE) blockedHandle.close();
                cause = kind.close(ch, tx);
                assertThrows(ChannelClosedException.class, () -> blockedHandle.send(-2));
            }
            assertEquals(range(0, fits), receiveN(ch.receiver(), fits), kind + ": the buffered values stay receivable");
            assertClosedAndDrained(ch.receiver(), cause);
        }
    }

    /** §3.7 #5, #8: a receiver blocked on an empty channel wakes on every kind of close; fail() passes its cause. */
    @AllFlavors
    void closeWakesBlockedReceivers(Flavor flavor) throws Exception {
        for (CloseKind kind : CloseKind.values()) {
            Channel<Integer> ch = flavor.create();
            Task<Void> blocked = threads.run("blocked-rx", () -> ch.receiver().receive());
            Task<Void> blockedTimed = threads.run("blocked-timed-rx", () -> ch.receiver().receive(Duration.ofSeconds(60)));
            List<Integer> iterated = Collections.synchronizedList(new ArrayList<>());
            Task<Void> iterating = threads.run("iterating-rx", () -> ch.receiver().forEach(iterated::add));
            blocked.awaitParked();
            blockedTimed.awaitParked();
            iterating.awaitParked();
            Throwable cause = kind.close(ch, ch.sender());
            assertSame(cause, blocked.failsWith(ChannelClosedException.class).getCause(), kind.name());
            assertSame(cause, blockedTimed.failsWith(ChannelClosedException.class).getCause(), kind.name());
            if (cause == null) {
                iterating.join();
            } else {
                assertSame(cause, iterating.failsWith(ChannelClosedException.class).getCause(), "iteration surfaces the failure");
            }
            assertEquals(List.of(), iterated);
        }
    }

    // ---------------------------------------------------------------- §3.7 auto-close

    /** §3.7 #6, #7 and §3.8 #5: the channel closes when the last of several handles is released, not before. */
    @AllFlavors
    void autoCloseWaitsForEveryHandle(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Sender<Integer> original = ch.sender();
        Sender<Integer> c1 = original.clone();
        Sender<Integer> c2 = c1.clone();
        original.close();
        assertTrue(original.isClosed(), "the released handle reports closed");
        assertFalse(ch.isClosed(), "two handles remain");
        assertThrows(IllegalStateException.class, original::clone, "cloning a released handle");
        assertThrows(ChannelClosedException.class, () -> original.send(1), "a released handle cannot send");
        c1.close();
        c1.close(); // idempotent: must not release c2's count
        assertFalse(ch.isClosed(), "one handle remains");
        assertFalse(c2.isClosed());
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive());
        c2.send(5);
        assertEquals(5, rx.join(), "the last handle still sends");
        c2.close();
        assertTrue(ch.isClosed());
        assertClosedAndDrained(ch.receiver(), null);
    }

    /**
     * §3.7 #9, #10 and §3.5 #7: values accepted before any kind of close are drained FIFO afterwards,
     * then receives end (with the failure as cause after fail). On a finite channel a sender blocked
     * past capacity at close time fails and its value is not among them.
     */
    @AllFlavors
    void bufferedValuesDrainAfterEveryKindOfClose(Flavor flavor) throws Exception {
        for (CloseKind kind : CloseKind.values()) {
            Channel<Integer> ch = flavor.create();
            int fits = flavor.fillCount(5);
            for (int i = 0; i < fits; i++) assertTrue(ch.sender().trySend(i), kind + ": value " + i + " fits");
            Task<Void> extra = null;
            Sender<Integer> extraHandle = ch.sender().clone();
            if (flavor.isFinite()) {
                extra = threads.run("extra", () -> extraHandle.send(99));
                extra.awaitParked();
            }
            if (kind == CloseKind.LAST_SENDER_CLOSE) extraHandle.close();
            Throwable cause = kind.close(ch, ch.sender());
            if (extra != null) extra.failsWith(ChannelClosedException.class);
            assertFalse(ch.receiver().isEmpty() && fits > 0, "buffered values remain after close");
            assertEquals(range(0, fits), receiveN(ch.receiver(), fits), kind.name());
            assertClosedAndDrained(ch.receiver(), cause);
        }
    }

    // ---------------------------------------------------------------- §3.7 iteration

    /** §3.7 #11, #12: iteration and stream yield what was sent, then end when the last sender closes. */
    @AllFlavors
    void iterationAndStreamEndAtClose(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        threads.run("producer", () -> {
            try (Sender<Integer> tx = ch.sender()) {
                for (int i = 0; i < 5; i++) tx.send(i);
            }
        });
        List<Integer> got = new ArrayList<>();
        for (Integer v : ch.receiver()) got.add(v);
        assertEquals(range(0, 5), got);
        assertThrows(java.util.NoSuchElementException.class, () -> ch.receiver().iterator().next());

        Channel<Integer> ch2 = flavor.create();
        threads.run("producer-2", () -> {
            try (Sender<Integer> tx = ch2.sender()) {
                for (int i = 0; i < 3; i++) tx.send(i);
            }
        });
        assertEquals(List.of(0, 1, 2), ch2.receiver().stream().toList());
    }

    /** fail(cause): buffered values are iterated first, then the loop ends by throwing with that cause. */
    @AllFlavors
    void failSurfacesTheCauseAfterTheBufferedValues(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        java.io.IOException disk = new java.io.IOException("disk");
        Sender<Integer> tx = ch.sender();
        Sender<Integer> other = tx.clone();
        threads.run("producer", () -> {
            for (int i = 0; i < 3; i++) tx.send(i);
            tx.fail(disk);
        });
        List<Integer> got = new ArrayList<>();
        ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> {
            for (Integer v : ch.receiver()) got.add(v);
        });
        assertSame(disk, e.getCause());
        assertEquals(List.of(0, 1, 2), got);
        assertTrue(tx.isClosed(), "fail releases the handle");
        assertThrows(IllegalStateException.class, tx::clone);
        assertTrue(other.isClosed(), "fail closes the channel whatever handles remain");
        assertThrows(ChannelClosedException.class, () -> other.send(3));
        other.close();
        assertClosedAndDrained(ch.receiver(), disk);
        ChannelClosedException viaStream = assertThrows(ChannelClosedException.class, () -> ch.receiver().stream().count());
        assertSame(disk, viaStream.getCause());
    }

    // ---------------------------------------------------------------- handles

    /** Cloning a released handle throws IllegalStateException; cloning an open one works. */
    @AllFlavors
    void cloningAClosedHandleThrows(Flavor flavor) {
        Channel<Integer> ch = flavor.create();
        Sender<Integer> clone = ch.sender().clone();
        clone.close();
        assertThrows(IllegalStateException.class, clone::clone);
        assertFalse(ch.isClosed(), "the original handle keeps the channel open");
        Sender<Integer> another = ch.sender().clone();
        assertFalse(another.isClosed());
        ch.sender().close();
        assertFalse(ch.isClosed());
        another.close();
        assertTrue(ch.isClosed());
    }

    /** Concurrent closes of one handle release it exactly once: the channel stays open while another handle is open. */
    @AllFlavors
    void concurrentClosesOfOneHandleReleaseItOnce(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        for (int round = 0; round < 200; round++) {
            Sender<Integer> shared = ch.sender().clone();
            CountDownLatch go = new CountDownLatch(1);
            List<Task<Void>> closers = new ArrayList<>();
            for (int t = 0; t < 4; t++) closers.add(threads.run("closer-" + t, () -> {
                go.await();
                shared.close();
            }));
            go.countDown();
            closers.forEach(Task::join);
            assertTrue(shared.isClosed());
            assertFalse(ch.isClosed(), "round " + round + ": the original handle is still open");
        }
        // Also concurrent clone+close of distinct handles keeps the count exact.
        List<Sender<Integer>> clones = new ArrayList<>();
        for (int i = 0; i < 64; i++) clones.add(ch.sender().clone());
        List<Task<Void>> closers = new ArrayList<>();
        for (Sender<Integer> c : clones) closers.add(threads.run("close", () -> { c.close(); c.close(); }));
        closers.forEach(Task::join);
        assertFalse(ch.isClosed(), "the original handle is still open");
        ch.sender().close();
        assertTrue(ch.isClosed(), "the last handle closed the channel");
    }

    // ---------------------------------------------------------------- §3.8 MPSC

    /** §3.8 #1: original sends 1, clone sends 2: received in that order. */
    @AllFlavors
    void cloneSendsOnTheSameChannel(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Sender<Integer> clone = ch.sender().clone();
        Task<List<Integer>> rx = threads.start("rx", () -> receiveN(ch.receiver(), 2));
        ch.sender().send(1);
        clone.send(2);
        assertEquals(List.of(1, 2), rx.join());
    }

    /** §3.8 #2: 5 clones, each sends its index from its own thread: exactly 0..4. */
    @AllFlavors
    void manyClonesSendOnce(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        for (int i = 0; i < 5; i++) {
            int id = i;
            Sender<Integer> clone = ch.sender().clone();
            threads.run("clone-" + i, () -> {
                try (clone) {
                    clone.send(id);
                }
            });
        }
        List<Integer> got = receiveN(ch.receiver(), 5);
        Collections.sort(got);
        assertEquals(range(0, 5), got);
        assertNull(ch.receiver().receive(Duration.ofMillis(20)));
        assertFalse(ch.isClosed(), "the original handle is still open");
        ch.sender().close();
        assertClosedAndDrained(ch.receiver(), null);
    }

    /** §3.8 #3 and §3.10 #2: several producers with clones; iteration ends after the last one; exact count and order per producer. */
    @AllFlavors
    void mpscCountsPerProducerAndEndsAfterLastClone(Flavor flavor) throws Exception {
        Channel<int[]> ch = flavor.create();
        int producers = 5, each = 20;
        for (int p = 0; p < producers; p++) {
            int id = p;
            Sender<int[]> tx = ch.sender().clone();
            threads.run("producer-" + p, () -> {
                try (tx) {
                    for (int i = 0; i < each; i++) tx.send(new int[] {id, i});
                }
            });
        }
        ch.sender().close();
        Map<Integer, List<Integer>> perProducer = new HashMap<>();
        for (int[] m : ch.receiver()) perProducer.computeIfAbsent(m[0], k -> new ArrayList<>()).add(m[1]);
        assertEquals(producers, perProducer.size());
        perProducer.forEach((id, seqs) -> assertEquals(range(0, each), seqs, "producer " + id));
    }

    /** §3.8 #4: two clone producers (0..24, 100..124) and one receiver doing 50 receives: both ranges complete, in order. */
    @AllFlavors
    void twoProducersInterleaveButKeepTheirOrder(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        for (int base : new int[] {0, 100}) {
            Sender<Integer> tx = ch.sender().clone();
            threads.run("producer-" + base, () -> {
                try (tx) {
                    for (int i = base; i < base + 25; i++) tx.send(i);
                }
            });
        }
        List<Integer> got = receiveN(ch.receiver(), 50);
        assertEquals(range(0, 25), got.stream().filter(v -> v < 100).toList());
        assertEquals(range(100, 125), got.stream().filter(v -> v >= 100).toList());
        assertNull(ch.receiver().receive(Duration.ofMillis(20)));
    }

    /** §3.8 #6 (skipped in the prototype): a fast and a slow producer; the channel closes only when the slow one finishes. */
    @AllFlavors
    void producersFinishIndependently(Flavor flavor) throws Exception {
        Channel<String> ch = flavor.create();
        Sender<String> fastTx = ch.sender().clone();
        Sender<String> slowTx = ch.sender().clone();
        ch.sender().close();
        CountDownLatch slowMayFinish = new CountDownLatch(1);
        Task<Void> fast = threads.run("fast", () -> {
            try (fastTx) {
                fastTx.send("fast");
            }
        });
        Task<Void> slow = threads.run("slow", () -> {
            try (slowTx) {
                slowTx.send("slow-1");
                slowMayFinish.await();
                slowTx.send("slow-2");
            }
        });
        List<String> got = new ArrayList<>(receiveN(ch.receiver(), 2));
        fast.join();
        assertFalse(ch.isClosed(), "the slow producer's handle is still open");
        slowMayFinish.countDown();
        got.add(receiveNow(ch.receiver()));
        slow.join();
        assertTrue(ch.isClosed());
        assertTrue(got.indexOf("slow-1") < got.indexOf("slow-2"));
        Collections.sort(got);
        assertEquals(List.of("fast", "slow-1", "slow-2"), got);
        assertClosedAndDrained(ch.receiver(), null);
    }
}
