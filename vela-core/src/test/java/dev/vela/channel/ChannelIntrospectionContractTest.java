package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The channel contract, introspection part (docs/adr/0043-approximate-introspection.md): {@link Channel#stats()}
 * and {@link Receiver#stats()} are exact in quiescent states on every {@link Flavor}, on the dropping
 * {@link OverflowFlavor}s and on broadcast subscriptions, and under concurrency they never throw and stay
 * within {@code [0, capacity]}. Parked operations are awaited with {@link TestThreads}' helpers, never by sleeping.
 */
class ChannelIntrospectionContractTest extends ChannelTestBase {

    private static ChannelStats quiet(int buffered, int capacity) {
        return new ChannelStats(buffered, capacity, 0, 0);
    }

    /** An empty channel: nothing buffered, nobody waiting, the flavour's capacity; the receiver's view agrees. */
    @AllFlavors
    void emptyChannelReportsItsCapacityAndNothingElse(Flavor flavor) {
        Channel<Integer> ch = flavor.create();
        assertEquals(quiet(0, flavor.capacity), ch.stats());
        assertEquals(ch.stats(), ch.receiver().stats());
        assertEquals(!flavor.isFinite(), ch.stats().isUnbounded());
    }

    /** After k sends, k are buffered; each receive takes one off; rendezvous buffers nothing. */
    @AllFlavors
    void bufferedIsExactWhenQuiescent(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int k = flavor.fillCount(100);
        for (int i = 0; i < k; i++) {
            assertTrue(ch.sender().trySend(i));
            assertEquals(quiet(i + 1, flavor.capacity), ch.stats(), "after " + (i + 1) + " sends");
        }
        for (int i = k; i > 0; i--) {
            assertEquals(k - i, ch.receiver().tryReceive());
            assertEquals(quiet(i - 1, flavor.capacity), ch.stats(), "after " + (k - i + 1) + " receives");
        }
    }

    /** A parked receiver counts once it is parked, and no longer once it has its value. */
    @AllFlavors
    void parkedReceiverIsCounted(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive(TestThreads.PATIENCE));
        rx.awaitParked();
        assertEquals(new ChannelStats(0, flavor.capacity, 0, 1), ch.stats());
        ch.sender().send(7);
        assertEquals(7, rx.join());
        assertEquals(quiet(0, flavor.capacity), ch.stats());
    }

    /** A sender parked on a full channel counts once parked; an unbounded channel never has one waiting. */
    @AllFlavors
    void parkedSenderIsCounted(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int fill = flavor.fillCount(1000);
        for (int i = 0; i < fill; i++) assertTrue(ch.sender().trySend(i));
        if (!flavor.isFinite()) {
            assertEquals(quiet(fill, flavor.capacity), ch.stats(), "unbounded sends never wait");
            return;
        }
        Task<Void> tx = threads.run("tx", () -> assertTrue(ch.sender().send(-1, TestThreads.PATIENCE)));
        tx.awaitParked();
        assertEquals(new ChannelStats(fill, flavor.capacity, 1, 0), ch.stats());
        assertEquals(fill == 0 ? -1 : 0, TestThreads.receiveNow(ch.receiver()));
        tx.join();
        assertEquals(quiet(fill, flavor.capacity), ch.stats(), "the woken sender filled the place again");
    }

    /** Pending async operations and parked select clauses count as waiting, and stop counting once served. */
    @AllFlavors
    void asyncAndSelectWaitersAreCounted(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        CompletableFuture<Integer> async = ch.receiver().receiveAsync();
        assertEquals(new ChannelStats(0, flavor.capacity, 0, 1), ch.stats());
        Task<Integer> select = threads.start("select", () -> Select.<Integer>select(ch.receiver().onReceive(v -> v),
                Select.onTimeout(TestThreads.PATIENCE, () -> -1)));
        select.awaitParked();
        assertEquals(new ChannelStats(0, flavor.capacity, 0, 2), ch.stats());
        ch.sender().send(1);
        ch.sender().send(2);
        assertEquals(3, async.get(10, TimeUnit.SECONDS) + select.join());
        assertEquals(quiet(0, flavor.capacity), ch.stats());
        if (!flavor.isFinite()) return;                                   // unbounded sends never wait
        int fill = flavor.fillCount(0);
        for (int i = 0; i < fill; i++) assertTrue(ch.sender().trySend(i));
        CompletableFuture<Void> pending = ch.sender().sendAsync(-1);
        assertEquals(new ChannelStats(fill, flavor.capacity, 1, 0), ch.stats());
        assertEquals(fill == 0 ? -1 : 0, TestThreads.receiveNow(ch.receiver()));
        pending.get(10, TimeUnit.SECONDS);
        assertEquals(quiet(fill, flavor.capacity), ch.stats());
    }

    /** A timed-out waiter leaves no count behind; a closed channel still reports what it buffers. */
    @AllFlavors
    void withdrawnWaitersAndClosedChannels(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        assertEquals(null, ch.receiver().receive(Duration.ofMillis(5)));
        assertEquals(quiet(0, flavor.capacity), ch.stats(), "a timed-out receive is not waiting any more");
        int n = flavor.fits(3);
        for (int i = 0; i < n; i++) ch.sender().send(i);
        ch.close();
        assertEquals(quiet(n, flavor.capacity), ch.stats(), "closing keeps what is buffered");
        for (int i = 0; i < n; i++) ch.receiver().receive();
        assertEquals(quiet(0, flavor.capacity), ch.stats());
    }

    /** Dropping channels: buffered never exceeds capacity, senders never wait, a parked receiver counts. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(OverflowFlavor.class)
    void droppingChannelsStayWithinCapacity(OverflowFlavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        assertEquals(quiet(0, flavor.capacity), ch.stats());
        for (int i = 0; i < 2 * flavor.capacity + 3; i++) {
            ch.sender().send(i);
            assertEquals(quiet(Math.min(i + 1, flavor.capacity), flavor.capacity), ch.stats());
        }
        for (int i = 0; i < flavor.capacity; i++) ch.receiver().receive();
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive(TestThreads.PATIENCE));
        rx.awaitParked();
        assertEquals(new ChannelStats(0, flavor.capacity, 0, 1), ch.receiver().stats());
        ch.sender().send(99);
        assertEquals(99, rx.join());
        assertEquals(quiet(0, flavor.capacity), ch.stats());
    }

    /** A broadcast subscription reports its own buffer: values to receive, a parked broadcast sender, a parked receiver. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Broadcast.Mode.class)
    void broadcastSubscriptionsReportTheirOwnBuffer(Broadcast.Mode mode) throws Exception {
        Broadcast<Integer> b = Channel.broadcast(4, mode);
        Receiver<Integer> slow = b.subscribe(), fast = b.subscribe();
        assertEquals(quiet(0, 4), slow.stats());
        for (int i = 0; i < 4; i++) b.sender().send(i);
        TestThreads.receiveN(fast, 4);
        assertEquals(quiet(4, 4), slow.stats());
        assertEquals(quiet(0, 4), fast.stats());
        if (mode == Broadcast.Mode.BACKPRESSURE) {
            Task<Void> tx = threads.run("tx", () -> b.sender().send(4));
            tx.awaitParked();
            assertEquals(new ChannelStats(4, 4, 1, 0), slow.stats(), "the broadcast sender waits for room in slow");
            assertEquals(0, slow.receive());
            tx.join();
            assertEquals(quiet(4, 4), slow.stats());
        } else {
            for (int i = 4; i < 10; i++) b.sender().send(i);
            assertEquals(quiet(4, 4), slow.stats(), "lagging: the 4 newest are kept");
            assertEquals(6, org.junit.jupiter.api.Assertions.assertThrows(ChannelLaggedException.class, slow::receive).missed());
            assertEquals(quiet(4, 4), slow.stats(), "after the lag report the 4 kept values are still to come");
            assertEquals(6, slow.receive());
            assertEquals(quiet(3, 4), slow.stats());
        }
        for (Receiver<Integer> r : List.of(slow, fast)) {                 // drain both (fast may have lagged too)
            while (true) {
                try {
                    if (r.tryReceive() == null) break;
                } catch (ChannelLaggedException lagged) {
                    // counted by missed(); go on with the values kept
                }
            }
        }
        assertEquals(quiet(0, 4), slow.stats());
        Task<Integer> rx = threads.start("rx", () -> fast.receive(TestThreads.PATIENCE));
        rx.awaitParked();
        assertEquals(1, fast.stats().waitingReceivers());
        b.sender().send(100);
        assertEquals(100, rx.join());
    }

    /**
     * Under concurrent senders and receivers, a monitor thread's snapshots never throw and always have
     * {@code 0 ≤ buffered ≤ capacity} and non-negative waiting counts; quiescent at the end, all zero.
     */
    @AllFlavors
    void concurrentSnapshotsStayInRange(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int producers = 2, consumers = 2, each = 2_000;
        AtomicBoolean done = new AtomicBoolean();
        Task<Integer> monitor = threads.start("monitor", () -> {
            int snapshots = 0;
            while (!done.get() || snapshots < 10) {
                for (ChannelStats s : List.of(ch.stats(), ch.receiver().stats())) {
                    assertEquals(flavor.capacity, s.capacity());
                    assertTrue(s.buffered() >= 0 && s.buffered() <= s.capacity(), "buffered out of range: " + s);
                    assertTrue(s.waitingSenders() >= 0 && s.waitingReceivers() >= 0, "negative waiters: " + s);
                    assertTrue(s.waitingSenders() <= producers && s.waitingReceivers() <= consumers, "too many waiters: " + s);
                }
                snapshots++;
                Thread.yield();
            }
            return snapshots;
        });
        List<Task<Integer>> readers = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            readers.add(threads.start("consumer-" + c, () -> {
                int got = 0;
                for (Integer ignored : ch.receiver()) got++;
                return got;
            }));
        }
        List<Task<Void>> writers = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Sender<Integer> mine = ch.sender().clone();
            writers.add(threads.run("producer-" + p, () -> {
                try (mine) {
                    for (int i = 0; i < each; i++) assertTrue(mine.send(i, TestThreads.PATIENCE));
                }
            }));
        }
        ch.sender().close();
        for (Task<Void> w : writers) w.join();
        int total = 0;
        for (Task<Integer> r : readers) total += r.join();
        done.set(true);
        assertTrue(monitor.join() >= 10);
        assertEquals(producers * each, total);
        assertEquals(quiet(0, flavor.capacity), ch.stats());
    }
}
