package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.internal.BufferChannel;
import dev.vela.channel.internal.RendezvousChannel;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3: "memory must not grow under an endless stream of interrupted or timed-out operations".
 * Per flavour: after a warm-up and a heap measurement, 200,000 more timed-out operations from
 * {@link #THREADS} virtual threads at once (receives on an empty channel; for finite flavours half of
 * them are sends on a full channel of the same flavour) and 2,000 interrupted blocking calls; then the
 * retained heap (after full GCs, both channels still reachable) must not have grown by more than
 * {@link #ALLOWED_GROWTH} bytes: 5 bytes per cancelled operation, well below what any per-operation
 * leak costs (a leaked waiter, node or cell is ≥ 16 bytes).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChannelMemoryTest {

    static final long ALLOWED_GROWTH = 1_000_000;
    static final int THREADS = 8;

    @AllFlavors
    void cancelledOperationsDoNotRetainMemory(Flavor flavor) throws Exception {
        Channel<Integer> empty = flavor.create();
        Channel<Integer> full = flavor.create();
        int fits = flavor.fillCount(3);
        for (int i = 0; i < fits; i++) full.sender().send(i); // finite channels are now full
        churn(empty, full, flavor, 20_000, 200);
        long before = retainedHeap();
        churn(empty, full, flavor, 200_000, 2_000);
        long after = retainedHeap();
        Reference.reachabilityFence(empty);
        Reference.reachabilityFence(full);
        assertEquals(0, waiterCount(empty), flavor + ": cancelled receivers left in the wait queue");
        assertEquals(0, waiterCount(full), flavor + ": cancelled senders left in the wait queue");
        long growth = after - before;
        assertTrue(growth < ALLOWED_GROWTH,
                flavor + ": retained heap grew by " + growth + " bytes over 200,000 cancelled operations");

        // Nothing moved, and both channels still work (no stale waiter takes a value).
        assertNull(empty.receiver().tryReceive(), "no cancelled operation left a value behind");
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < fits; i++) got.add(full.receiver().receive(Duration.ofSeconds(5)));
        assertEquals(IntStream.range(0, fits).boxed().toList(), got);
        assertNull(full.receiver().tryReceive(), "no cancelled send left a value behind");
        for (Channel<Integer> ch : List.of(empty, full)) {
            stillWorks(ch);
            assertFalse(ch.isClosed());
        }
    }

    /** {@code ops} timed-out operations and {@code interrupted} interrupted blocking calls. */
    private static void churn(Channel<Integer> empty, Channel<Integer> full, Flavor flavor, int ops, int interrupted)
            throws Exception {
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < THREADS; t++) {
            int id = t;
            workers.add(Thread.ofVirtual().start(() -> {
                SplittableRandom rnd = new SplittableRandom(id);
                try {
                    for (int i = 0; i < ops / THREADS; i++) {
                        Duration timeout = Duration.ofNanos(rnd.nextLong(1_000, 40_000));
                        if (flavor.isFinite() && rnd.nextBoolean()) {
                            if (full.sender().send(-1, timeout)) throw new AssertionError("a full channel accepted a value");
                        } else if (empty.receiver().receive(timeout) != null) {
                            throw new AssertionError("an empty channel produced a value");
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (int i = 0; i < interrupted; i++) {
            boolean send = flavor.isFinite() && i % 2 == 0;
            Thread blocked = Thread.ofVirtual().start(() -> {
                try {
                    if (send) full.sender().send(-2);
                    else empty.receiver().receive();
                    failures.add(new AssertionError("a blocking call completed on a full/empty channel"));
                } catch (InterruptedException expected) {
                    // nothing was sent or received
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
            TestThreads.awaitParked(blocked);
            blocked.interrupt();
            assertTrue(blocked.join(Duration.ofSeconds(10)));
        }
        for (Thread w : workers) assertTrue(w.join(Duration.ofSeconds(50)), "churn thread finished");
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " failures, first: " + failures.get(0), failures.get(0));
        }
    }

    /** Waiters still queued (the implementation's package-private, O(n) test hook). */
    static int waiterCount(Channel<?> ch) {
        return switch (ch) {
            case BufferChannel<?> b -> b.waiterCount();
            case RendezvousChannel<?> r -> r.waiterCount();
            default -> throw new AssertionError("unknown flavour " + ch);
        };
    }

    /** The channel still hands a value from a sender to a receiver, and holds nothing else. */
    static void stillWorks(Channel<Integer> ch) throws Exception {
        Thread rx = Thread.ofVirtual().start(() -> {
            try {
                assertEquals(77, ch.receiver().receive(Duration.ofSeconds(5)));
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertTrue(ch.sender().send(77, Duration.ofSeconds(5)), "a live receiver takes the value");
        assertTrue(rx.join(Duration.ofSeconds(5)));
        assertNull(ch.receiver().tryReceive());
    }

    /** Heap in use after GC: the least of four collections, so a concurrent allocation cannot inflate it. */
    static long retainedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long min = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(20);
            min = Math.min(min, rt.totalMemory() - rt.freeMemory());
        }
        return min;
    }
}
