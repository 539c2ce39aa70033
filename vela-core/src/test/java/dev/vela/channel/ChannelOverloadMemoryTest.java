package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.ref.Reference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 18, part 3: memory stays bounded under overload. Each test measures the retained heap (after
 * full GCs, the channel still reachable) before and after an overload and allows {@link #MARGIN}
 * bytes of growth over {@link #N} operations: 1 byte per operation, while the smallest leak per
 * operation is 4 bytes (a slot reference left behind in a retained array) and a leaked waiter, queue
 * node or block is 16 bytes or more, so any per-operation leak fails by a factor of 4 or more.
 *
 * <ul>
 *   <li>A drained burst: an unbounded channel that held {@link #N} values and was drained must give that
 *       memory back (users of Tokio report channels that keep their peak size).</li>
 *   <li>Timed-out receives: {@link #N} receives with a 1 ns timeout on an empty channel. A zero timeout
 *       or {@code tryReceive} never creates a waiter (both return before the slow path), so 1 ns is the
 *       shortest timeout that does: every one of them enqueues a waiter, finds its deadline passed, and
 *       withdraws it. The channel's metrics prove it ({@code receivesWaited} counts each one).</li>
 *   <li>Interrupted waiters: batches of receivers parked (untimed) on an empty channel, all
 *       interrupted; the queue must hold none of them afterwards.</li>
 * </ul>
 * The figures go to the test's output (target/surefire-reports/dev.vela.channel.ChannelOverloadMemoryTest-output.txt).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ChannelOverloadMemoryTest {

    static final int N = 1_000_000;
    static final long MARGIN = 1_000_000;
    static final int THREADS = 4;
    static final int BATCH = 2_000;
    static final int ROUNDS = 100;

    /** One channel per receive implementation (rendezvous hand-off, array ring, linked blocks, heap), with metrics. */
    enum Shape {
        RENDEZVOUS {
            @Override Channel<Integer> create() { return Channel.<Integer>builder().capacity(0).metrics(true).build(); }
        },
        BOUNDED_16 {
            @Override Channel<Integer> create() { return Channel.<Integer>builder().capacity(16).metrics(true).build(); }
        },
        UNBOUNDED {
            @Override Channel<Integer> create() { return Channel.<Integer>builder().unbounded().metrics(true).build(); }
        },
        PRIORITY_UNBOUNDED {
            @Override Channel<Integer> create() { return Channel.<Integer>builder().unbounded().metrics(true).buildPriority(); }
        };

        abstract Channel<Integer> create();
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Flavor.class, names = {"UNBOUNDED", "UNBOUNDED_BLOCK_2"})
    void aDrainedBurstGivesItsMemoryBack(Flavor flavor) throws Exception {
        assertDrainedBurstGivesItsMemoryBack(flavor);
    }

    /**
     * The unbounded priority channel's heap ({@link java.util.PriorityQueue}) never shrinks its backing
     * array: before the fix, 8.5 MB stayed retained after a burst of 1,000,000 values was drained (4.8 MB
     * when empty, 61.8 MB holding the burst). Now a heap that empties after a large peak is replaced.
     */
    @Test
    void aDrainedBurstGivesItsMemoryBackOnAnUnboundedPriorityChannel() throws Exception {
        assertDrainedBurstGivesItsMemoryBack(Flavor.PRIORITY_UNBOUNDED);
    }

    /**
     * Negative control for the measurement: a planted leak of one 16-byte object per operation (plus
     * the 4-byte reference that keeps it) over {@link #N} operations must exceed {@link #MARGIN} many
     * times over; if it did not, the tests above could not fail.
     */
    @Test
    void theMeasurementSeesALeakOfOneNodePerOperation() throws Exception {
        long before = ChannelMemoryTest.retainedHeap();
        Object[] leak = new Object[N];
        for (int i = 0; i < N; i++) {
            leak[i] = new Object();
        }
        long after = ChannelMemoryTest.retainedHeap();
        Reference.reachabilityFence(leak);
        report("planted leak of one node per operation", "CONTROL", N, before, -1, after);
        assertTrue(after - before > 10 * MARGIN, "a leak of " + N + " nodes measured as " + (after - before) + " bytes");
    }

    private static void assertDrainedBurstGivesItsMemoryBack(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        burst(ch, 10_000);                                   // warm-up: code paths, lazily built parts
        long empty = ChannelMemoryTest.retainedHeap();
        for (int i = 0; i < N; i++) {
            ch.sender().send(i);
        }
        long holding = ChannelMemoryTest.retainedHeap();
        burstDrain(ch, N);
        long drained = ChannelMemoryTest.retainedHeap();
        Reference.reachabilityFence(ch);
        report("burst of " + N + " drained", flavor.name(), N, empty, holding, drained);
        assertTrue(holding - empty > 4L * N, flavor + ": the burst should have taken memory (" + (holding - empty)
                + " bytes); the measurement is broken");
        assertTrue(drained - empty < MARGIN, flavor + ": after draining a burst of " + N + " values the channel"
                + " retains " + (drained - empty) + " bytes more than when empty (held " + (holding - empty) + ")");
        burst(ch, 3);                                        // still a working FIFO channel
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Shape.class)
    void timedOutReceivesRetainNothing(Shape shape) throws Exception {
        Channel<Integer> ch = shape.create();
        timedOutReceives(ch, 20_000);                        // warm-up
        long before = ChannelMemoryTest.retainedHeap();
        long waitedBefore = ch.metrics().receivesWaited();
        timedOutReceives(ch, N);
        long after = ChannelMemoryTest.retainedHeap();
        Reference.reachabilityFence(ch);
        report(N + " timed-out receives", shape.name(), N, before, -1, after);
        assertEquals(N, ch.metrics().receivesWaited() - waitedBefore,
                shape + ": every 1 ns receive should have enqueued (and withdrawn) a waiter");
        assertEquals(0, ChannelMemoryTest.waiterCount(ch), shape + ": timed-out receivers left in the wait queue");
        assertTrue(after - before < MARGIN, shape + ": retained heap grew by " + (after - before)
                + " bytes over " + N + " timed-out receives");
        ChannelMemoryTest.stillWorks(ch);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Shape.class)
    void interruptedWaitersRetainNothing(Shape shape) throws Exception {
        Channel<Integer> ch = shape.create();
        interruptedReceives(ch, 1);                          // warm-up
        long before = ChannelMemoryTest.retainedHeap();
        long waitedBefore = ch.metrics().receivesWaited();
        interruptedReceives(ch, ROUNDS);
        long after = ChannelMemoryTest.retainedHeap();
        Reference.reachabilityFence(ch);
        report((ROUNDS * BATCH) + " interrupted waiters", shape.name(), ROUNDS * BATCH, before, -1, after);
        assertEquals((long) ROUNDS * BATCH, ch.metrics().receivesWaited() - waitedBefore);
        assertEquals(0, ChannelMemoryTest.waiterCount(ch), shape + ": interrupted receivers left in the wait queue");
        // 200,000 operations: a leaked waiter (≥ 16 bytes) or queue node (24 bytes) each costs ≥ 3.2 MB.
        assertTrue(after - before < MARGIN, shape + ": retained heap grew by " + (after - before)
                + " bytes over " + (ROUNDS * BATCH) + " interrupted receives");
        ChannelMemoryTest.stillWorks(ch);
    }

    // ---------------------------------------------------------------- drivers

    /** Sends {@code n} values, then receives them: all there, in order, and nothing more. */
    private static void burst(Channel<Integer> ch, int n) throws InterruptedException {
        for (int i = 0; i < n; i++) {
            ch.sender().send(i);
        }
        burstDrain(ch, n);
    }

    private static void burstDrain(Channel<Integer> ch, int n) {
        for (int i = 0; i < n; i++) {
            Integer v = ch.receiver().tryReceive();
            if (v == null || v != i) {
                throw new AssertionError("value " + i + " of the burst: got " + v);
            }
        }
        assertNull(ch.receiver().tryReceive(), "nothing beyond the burst");
    }

    /** {@code n} receives with a 1 ns timeout on the empty channel, from {@link #THREADS} virtual threads. */
    private static void timedOutReceives(Channel<Integer> ch, int n) throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        Duration timeout = Duration.ofNanos(1);
        for (int t = 0; t < THREADS; t++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    for (int i = 0; i < n / THREADS; i++) {
                        if (ch.receiver().receive(timeout) != null) {
                            throw new AssertionError("an empty channel produced a value");
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            assertTrue(t.join(Duration.ofSeconds(30)), "receiver thread finished");
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " failures, first: " + failures.get(0), failures.get(0));
        }
    }

    /** {@code rounds} times: {@link #BATCH} receivers park on the empty channel, then all are interrupted. */
    private static void interruptedReceives(Channel<Integer> ch, int rounds) throws Exception {
        AtomicInteger interrupted = new AtomicInteger();
        List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
        for (int r = 0; r < rounds; r++) {
            List<Thread> batch = new ArrayList<>(BATCH);
            for (int i = 0; i < BATCH; i++) {
                batch.add(Thread.ofVirtual().start(() -> {
                    try {
                        Integer v = ch.receiver().receive();
                        failures.add(new AssertionError("an empty channel produced " + v));
                    } catch (InterruptedException expected) {
                        interrupted.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            TestThreads.awaitTrue(BATCH + " receivers waiting", () -> ChannelMemoryTest.waiterCount(ch) == BATCH);
            for (Thread t : batch) {
                t.interrupt();
            }
            for (Thread t : batch) {
                assertTrue(t.join(Duration.ofSeconds(10)), "interrupted receiver finished");
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError(failures.size() + " failures, first: " + failures.get(0), failures.get(0));
        }
        assertEquals(rounds * BATCH, interrupted.get(), "every receiver was interrupted, none got a value");
    }

    private static void report(String what, String shape, int ops, long before, long holding, long after) {
        System.out.printf("[%s] %s: retained before %,d B%s, after %,d B, growth %,d B (%.3f B/op)%n", shape, what,
                before, holding < 0 ? "" : ", holding " + String.format("%,d B (%.1f B/value)", holding,
                        (holding - before) / (double) ops), after, after - before, (after - before) / (double) ops);
    }
}
