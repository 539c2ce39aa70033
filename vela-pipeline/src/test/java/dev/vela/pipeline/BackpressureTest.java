package dev.vela.pipeline;

import static dev.vela.pipeline.TestSupport.LONG;
import static dev.vela.pipeline.TestSupport.assertNoRunningWorker;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
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
        // capacity 5, 20 elements, the consumer takes 10 ms per element: in virtual time, exactly
        VirtualClock.run(clock -> {
            AtomicInteger next = new AtomicInteger();
            List<Duration> calls = Collections.synchronizedList(new ArrayList<>());   // when the source was asked
            PipelineRun<List<Integer>> run = Pipeline.generate(() -> {
                calls.add(clock.elapsed());
                return next.get() < 20 ? next.getAndIncrement() : null;
            }).buffer(5).map(x -> {
                sleep(Duration.ofMillis(10));
                return x;
            }).buffer(1).toList();
            assertEquals(IntStream.range(0, 20).boxed().toList(), run.await(TestSupport.LONG));
            assertEquals(Duration.ofMillis(200), clock.elapsed(), "20 elements at 10 ms each, the source never late");
            Duration longestGap = Duration.ZERO;
            for (int i = 1; i < calls.size(); i++) {
                Duration gap = calls.get(i).minus(calls.get(i - 1));
                if (gap.compareTo(longestGap) > 0) longestGap = gap;
            }
            assertEquals(Duration.ofMillis(10), longestGap, "the source waited for the consumer, one element per 10 ms: " + calls);
            assertTrue(calls.get(calls.size() - 1).compareTo(Duration.ofMillis(100)) >= 0, "held back: " + calls);
        });
    }

    private static void sleep(Duration d) {
        try {
            Timers.sleep(d);
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
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
