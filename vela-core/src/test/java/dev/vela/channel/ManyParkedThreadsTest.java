package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 3, evidence 4: 1,000,000 virtual threads parked in {@code receive()} on 100,000 channels
 * (10 per channel, the channels cycling through every {@link Flavor}), then all released: on even
 * channels by 10 sends, on odd channels by 5 sends and a close. Every receiver must end, and the
 * outcome is counted exactly: which values arrived (sum and count) and how many receivers saw the close.
 * Prints the time to park them all, the time to release them all, and the peak heap (docs/performance.md).
 */
class ManyParkedThreadsTest {

    @Test
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void millionVirtualThreadsParkedOnHundredThousandChannels() throws Exception {
        parkAndRelease(100_000, 10);
    }

    static void parkAndRelease(int channelCount, int receiversPerChannel) throws Exception {
        Flavor[] flavors = Flavor.values();
        List<Channel<Integer>> channels = new ArrayList<>(channelCount);
        for (int i = 0; i < channelCount; i++) channels.add(flavors[i % flavors.length].create());
        int total = channelCount * receiversPerChannel;
        Thread[] receivers = new Thread[total];
        CountDownLatch ended = new CountDownLatch(total);
        LongAdder valuesReceived = new LongAdder(), closedSeen = new LongAdder(), errors = new LongAdder();
        AtomicLong valueSum = new AtomicLong();
        LongAdder entered = new LongAdder();
        List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        System.gc();
        heapPools.forEach(MemoryPoolMXBean::resetPeakUsage);
        long start = System.nanoTime();

        for (int i = 0; i < total; i++) {
            Receiver<Integer> rx = channels.get(i / receiversPerChannel).receiver();
            receivers[i] = Thread.ofVirtual().start(() -> {
                entered.increment();
                try {
                    int v = rx.receive();
                    valuesReceived.increment();
                    valueSum.addAndGet(v);
                } catch (ChannelClosedException e) {
                    closedSeen.increment();
                } catch (Throwable e) {
                    errors.increment();
                } finally {
                    ended.countDown();
                }
            });
        }
        TestThreads.awaitTrue("all receivers started", () -> entered.sum() == total);
        // Every receiver must be parked (none can have finished: nothing was sent). Check all of them.
        for (Thread t : receivers) TestThreads.awaitParked(t);
        assertEquals(total, ended.getCount(), "no receiver may end before a send");
        long parked = System.nanoTime();

        // Release: 4 virtual threads each take a stripe of channels.
        int half = receiversPerChannel / 2;
        List<Thread> releasers = new ArrayList<>();
        for (int s = 0; s < 4; s++) {
            int stripe = s;
            releasers.add(Thread.ofVirtual().start(() -> {
                SplittableRandom rnd = new SplittableRandom(stripe);
                for (int c = stripe; c < channelCount; c += 4) {
                    Channel<Integer> ch = channels.get(c);
                    int sends = c % 2 == 0 ? receiversPerChannel : half;
                    try {
                        for (int k = 0; k < sends; k++) ch.sender().send(c + k);
                    } catch (InterruptedException e) {
                        errors.increment();
                        return;
                    }
                    if (c % 2 == 1) {
                        if (rnd.nextBoolean()) ch.close();
                        else ch.sender().close();
                    }
                }
            }));
        }
        for (Thread t : releasers) assertTrue(t.join(java.time.Duration.ofSeconds(90)), "releaser finished");
        assertTrue(ended.await(90, TimeUnit.SECONDS), () -> ended.getCount() + " receivers never ended");
        long released = System.nanoTime();
        long peakHeap = heapPools.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        System.out.printf("[many parked] %,d virtual threads on %,d channels: all parked in %.1f s, all released in %.1f s,"
                        + " peak heap %,d MB (sum of the heap pools' peaks)%n", total, channelCount,
                (parked - start) / 1e9, (released - parked) / 1e9, peakHeap >> 20);

        long expectedValues = 0, expectedSum = 0;
        for (int c = 0; c < channelCount; c++) {
            int sends = c % 2 == 0 ? receiversPerChannel : half;
            expectedValues += sends;
            for (int k = 0; k < sends; k++) expectedSum += c + k;
        }
        assertEquals(0, errors.sum(), "unexpected exceptions");
        assertEquals(expectedValues, valuesReceived.sum());
        assertEquals(expectedSum, valueSum.get());
        assertEquals(total - expectedValues, closedSeen.sum());
    }

    /** The same at 10x the default size is not needed; a larger fan-in per channel is: 1,000 receivers on each of 1,000 channels. */
    @Test
    @Tag("stress")
    @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void millionVirtualThreadsOnThousandChannels() throws Exception {
        parkAndRelease(1_000, 1_000);
    }
}
