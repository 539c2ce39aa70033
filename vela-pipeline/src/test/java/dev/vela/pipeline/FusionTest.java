package dev.vela.pipeline;

import static dev.vela.pipeline.TestSupport.LONG;
import static dev.vela.pipeline.TestSupport.assertNoRunningWorker;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Channel;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Operator fusion (ADR 0020): synchronous stages share a worker; every guarantee still holds. */
@Timeout(60)
class FusionTest {

    private static List<String> workerNames(PipelineRun<?> run) {
        return run.workers().stream().map(w -> w.name().substring(w.name().indexOf('/') + 1)).sorted().toList();
    }

    @Test
    void synchronousStagesRunOnTheSourcesWorkerAndGiveTheSameResults() throws Exception {
        PipelineRun<List<Integer>> run = Pipeline.range(0, 100).map(x -> x + 1).filter(x -> x % 2 == 0)
                .flatMap(x -> List.of(x, -x)).tap(x -> { }).drop(2).takeWhile(x -> x != 60).take(20).toList();
        List<Integer> expected = IntStream.range(0, 100).map(x -> x + 1).filter(x -> x % 2 == 0).boxed()
                .flatMap(x -> java.util.stream.Stream.of(x, -x)).skip(2).takeWhile(x -> x != 60).limit(20).toList();
        assertEquals(expected, run.await(LONG));
        assertEquals(1, run.workers().size(), "one fused worker: " + workerNames(run));
        assertNoRunningWorker(run);
    }

    @Test
    void aFusedChainHoldsTheSourceToOneElementAhead() throws Exception {
        AtomicInteger produced = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger maxLead = new AtomicInteger();
        PipelineRun<Void> run = Pipeline.generate(() -> produced.get() < 50 ? produced.incrementAndGet() : null)
                .map(x -> x + 1).map(x -> x - 1)
                .forEach(x -> {
                    maxLead.accumulateAndGet(produced.get() - consumed.get(), Math::max);
                    consumed.incrementAndGet();
                    TestSupport.sleep(1);
                });
        run.await(LONG);
        assertEquals(50, consumed.get());
        assertEquals(1, maxLead.get(), "one worker: the element in hand is the only one produced and not consumed");
    }

    @Test
    void aBufferSplitsTheChainAndBoundsItByItsCapacityPlusOneElementPerWorker() throws Exception {
        int cap = 4;
        int bound = cap + 2;   // the channel, plus one element in each of the two workers' hands
        AtomicInteger produced = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger maxLead = new AtomicInteger();
        PipelineRun<Void> run = Pipeline.generate(() -> produced.get() < 100 ? produced.incrementAndGet() : null)
                .map(x -> x + 1).buffer(cap)
                .map(x -> x - 1)
                .forEach(x -> {
                    int lead = produced.get() - consumed.get();
                    maxLead.accumulateAndGet(lead, Math::max);
                    consumed.incrementAndGet();
                    TestSupport.sleep(2);
                });
        run.await(LONG);
        assertEquals(100, consumed.get());
        assertEquals(2, run.workers().size(), workerNames(run).toString());
        assertTrue(maxLead.get() <= bound, "lead " + maxLead + ", bound " + bound);
        assertTrue(maxLead.get() >= cap, "the channel filled up: max lead " + maxLead);
    }

    @Test
    void takeInAFusedChainPullsNoElementMoreThanItNeeds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        assertEquals(5L, Pipeline.generate(calls::incrementAndGet).map(x -> x * 2).take(5).count().await(LONG));
        assertEquals(5, calls.get());
        calls.set(0);
        assertEquals(0L, Pipeline.generate(calls::incrementAndGet).take(0).count().await(LONG));
        assertEquals(0, calls.get());

        Channel<Integer> ch = Channel.bounded(10);
        for (int i = 1; i <= 5; i++) ch.sender().send(i);
        assertEquals(List.of(1, 2), Pipeline.from(ch.receiver()).take(2).toList().await(LONG));
        assertEquals(3, ch.receiver().receive(LONG), "the third element stays in the user's channel");
    }

    @Test
    void aFailureInAFusedStageNamesThatStage() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        PipelineRun<Long> run = Pipeline.range(0, 100).map(x -> x + 1).filter(x -> {
            if (x == 50) throw boom;
            return true;
        }).map(x -> x * 2).count();
        var e = assertThrows(PipelineFailedException.class, () -> run.await(LONG));
        assertSame(boom, e.getCause());
        assertTrue(e.getMessage().contains("2:filter"), e.getMessage());
        assertNoRunningWorker(run);
    }

    @Test
    void cancelStopsAFusedChainThatNeverBlocks() throws Exception {
        AtomicInteger seen = new AtomicInteger();
        PipelineRun<Void> run = Pipeline.generate(() -> 1).map(x -> x + 1).forEach(x -> seen.incrementAndGet());
        while (seen.get() < 1000) Thread.onSpinWait();
        assertTrue(run.cancel());
        assertThrows(PipelineCancelledException.class, () -> run.await(LONG));
        assertNoRunningWorker(run);
    }

    @Test
    void stagesAfterOrderedMapParRunOnItsCollector() throws Exception {
        PipelineRun<Long> run = Pipeline.range(0, 1000).mapPar(2, x -> x * 2).map(x -> x + 1).fold(0L, (a, x) -> a + x);
        assertEquals(IntStream.range(0, 1000).mapToLong(x -> 2L * x + 1).sum(), run.await(LONG));
        assertTrue(workerNames(run).stream().anyMatch(n -> n.endsWith("/collect+2:map+3:fold")), workerNames(run).toString());
        // merge and unordered mapPar write from several workers: the next stage gets its own
        PipelineRun<Long> run2 = Pipeline.range(0, 100).mapParUnordered(2, x -> x).map(x -> x).count();
        assertEquals(100L, run2.await(LONG));
        assertTrue(workerNames(run2).contains("2:map+3:count"), workerNames(run2).toString());
    }

    @Test
    void aFusedSinkIntoASenderClosesItAtTheEnd() throws Exception {
        Channel<Integer> out = Channel.bounded(10);
        Pipeline.range(0, 3).map(x -> x * 10).to(out.sender()).await(LONG);
        assertEquals(List.of(0, 10, 20), List.of(out.receiver().receive(LONG), out.receiver().receive(LONG), out.receiver().receive(LONG)));
        assertTrue(out.receiver().isClosed());
    }
}
