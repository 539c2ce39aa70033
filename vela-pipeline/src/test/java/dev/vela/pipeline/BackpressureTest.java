package dev.vela.pipeline;

import static dev.vela.pipeline.TestSupport.LONG;
import static dev.vela.pipeline.TestSupport.assertNoRunningWorker;
import static org.junit.jupiter.api.Assertions.*;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A slow sink slows the source; memory stays bounded by the channels' capacities. */
@Timeout(60)
class BackpressureTest {

    @Test
    void aSlowSinkKeepsTheSourceWithinTheBuffersOfTheChain() throws Exception {
        int cap = 4;
        int stages = 4;                               // source, map, map, sink
        int bound = 3 * cap + stages;                 // three edges of capacity 4, one element in each stage's hands
        AtomicInteger produced = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger maxLead = new AtomicInteger();
        PipelineRun<Void> run = Pipeline.generate(() -> produced.get() < 200 ? produced.incrementAndGet() : null)
                .buffer(cap)
                .map(x -> x + 1).buffer(cap)
                .map(x -> x - 1).buffer(cap)
                .forEach(x -> {
                    int lead = produced.get() - consumed.get();
                    maxLead.accumulateAndGet(lead, Math::max);
                    assertTrue(lead <= bound, "source ran " + lead + " ahead, bound " + bound);
                    consumed.incrementAndGet();
                    TestSupport.sleep(2);            // the slow consumer
                });
        run.await(LONG);
        assertEquals(200, consumed.get());
        // the buffers really filled: the source was held back by backpressure, not merely slow
        assertTrue(maxLead.get() >= 3 * cap, "expected the chain to fill up, max lead " + maxLead);
        assertNoRunningWorker(run);
    }

    @Test
    void seedBoundedBackpressureAProducerSendBlocksWhileTheConsumerIsSlow() throws Exception {
        // capacity 5, 20 elements, consumer sleeps 10 ms per element: some source step must wait > 5 ms
        AtomicInteger next = new AtomicInteger();
        long[] longestGap = new long[1];
        long[] last = {System.nanoTime()};
        PipelineRun<java.util.List<Integer>> run = Pipeline.generate(() -> {
            long now = System.nanoTime();
            longestGap[0] = Math.max(longestGap[0], now - last[0]);
            last[0] = now;
            return next.get() < 20 ? next.getAndIncrement() : null;
        }).buffer(5).map(x -> {
            TestSupport.sleep(10);
            return x;
        }).buffer(1).toList();
        assertEquals(java.util.stream.IntStream.range(0, 20).boxed().toList(), run.await(LONG));
        assertTrue(longestGap[0] > 5_000_000, "the source never waited: longest gap " + longestGap[0] + " ns");
    }

    @Test
    void mapParAndBatchAlsoHoldTheSourceBack() throws Exception {
        AtomicInteger produced = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        int bound = 8 + (2 * 4 + 6) + 8 + 3 * 8 + 10;   // edges + mapPar in flight + batch group + slack per stage
        PipelineRun<Void> run = Pipeline.generate(() -> produced.get() < 300 ? produced.incrementAndGet() : null)
                .buffer(8).mapPar(4, x -> x).buffer(8).batch(8, java.time.Duration.ofMillis(1)).buffer(1)
                .forEach(group -> {
                    assertTrue(produced.get() - consumed.get() <= bound, "lead " + (produced.get() - consumed.get()));
                    consumed.addAndGet(group.size());
                    TestSupport.sleep(3);
                });
        run.await(LONG);
        assertEquals(300, consumed.get());
    }
}
