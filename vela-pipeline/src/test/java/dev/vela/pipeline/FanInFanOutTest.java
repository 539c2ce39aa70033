package dev.vela.pipeline;

import static dev.vela.pipeline.TestSupport.LONG;
import static dev.vela.pipeline.TestSupport.assertNoRunningWorker;
import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** merge, zip, broadcast, partition, round-robin; the seed's fan-out/fan-in scenario. */
@Timeout(60)
class FanInFanOutTest {

    private static List<Integer> upTo(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    @Test
    void seedFanOutToThreeWorkersAndFanIn() throws Exception {
        Map<Integer, Integer> perWorker = new ConcurrentHashMap<>();
        List<Pipeline<Integer>> workers = new ArrayList<>();
        List<Pipeline<Integer>> branches = Pipeline.range(0, 10).roundRobin(3);
        for (int id = 0; id < 3; id++) {
            int me = id;
            workers.add(branches.get(id).map(v -> {
                perWorker.merge(me, 1, Integer::sum);
                return v * 10;
            }));
        }
        PipelineRun<List<Integer>> run = Pipeline.merge(workers).toList();
        List<Integer> out = run.await(LONG);
        assertEquals(IntStream.range(0, 10).map(v -> v * 10).boxed().toList(), out.stream().sorted().toList());
        assertEquals(Map.of(0, 4, 1, 3, 2, 3), perWorker, "round-robin deals 10 elements 4/3/3");
        assertNoRunningWorker(run);
    }

    @Test
    void mergeKeepsEachInputsOrder() throws Exception {
        List<Integer> out = Pipeline.merge(Pipeline.from(upTo(100)), Pipeline.from(upTo(100)).map(x -> 1000 + x))
                .toList().await(LONG);
        assertEquals(200, out.size());
        assertEquals(upTo(100), out.stream().filter(x -> x < 1000).toList());
        assertEquals(upTo(100), out.stream().filter(x -> x >= 1000).map(x -> x - 1000).toList());
        assertEquals(List.of(1, 2), Pipeline.of(1).mergeWith(Pipeline.of(2)).toList().await(LONG).stream().sorted().toList());
    }

    @Test
    void broadcastGivesEveryBranchEveryElementAndZipPairsThem() throws Exception {
        List<Pipeline<Integer>> b = Pipeline.from(upTo(50)).broadcast(2);
        List<String> out = Pipeline.zip(b.get(0).map(x -> x * 2), b.get(1).map(x -> x * 3), (x, y) -> x + ":" + y)
                .toList().await(LONG);
        assertEquals(IntStream.range(0, 50).mapToObj(x -> (2 * x) + ":" + (3 * x)).toList(), out);
    }

    @Test
    void broadcastSkipsABranchThatStopped() throws Exception {
        List<Pipeline<Integer>> b = Pipeline.from(upTo(100)).broadcast(2);
        List<Integer> out = Pipeline.merge(b.get(0).take(3).map(x -> -1 - x), b.get(1)).toList().await(LONG);
        assertEquals(List.of(-1, -2, -3), out.stream().filter(x -> x < 0).toList());
        assertEquals(upTo(100), out.stream().filter(x -> x >= 0).toList());
    }

    @Test
    void zipEndsWithTheShorterInput() throws Exception {
        PipelineRun<List<Integer>> run = Pipeline.zip(Pipeline.from(upTo(3)), Pipeline.generate(() -> 10), Integer::sum).toList();
        assertEquals(List.of(10, 11, 12), run.await(LONG));
        assertNoRunningWorker(run);
    }

    @Test
    void partitionSendsEqualKeysToOneBranchInOrder() throws Exception {
        List<Pipeline<Integer>> parts = Pipeline.from(upTo(90)).partition(3, x -> x % 3);
        List<Pipeline<String>> tagged = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int branch = i;
            tagged.add(parts.get(i).map(x -> branch + "/" + x));
        }
        List<String> out = Pipeline.merge(tagged).toList().await(LONG);
        Map<String, List<Integer>> byBranch = out.stream().collect(Collectors.groupingBy(s -> s.split("/")[0],
                Collectors.mapping(s -> Integer.parseInt(s.split("/")[1]), Collectors.toList())));
        assertEquals(3, byBranch.size());
        for (List<Integer> xs : byBranch.values()) {
            assertEquals(30, xs.size());
            assertEquals(1, xs.stream().map(x -> x % 3).distinct().count(), "one key per branch: " + xs);
            assertEquals(xs.stream().sorted().toList(), xs, "order kept within a partition");
        }
    }

    @Test
    void partitionFailsRatherThanDropAnElementForABranchThatStopped() throws Exception {
        List<Pipeline<Integer>> parts = Pipeline.from(upTo(1000)).partition(2, x -> x % 2);   // more than the edge holds
        PipelineRun<List<Integer>> run = Pipeline.merge(parts.get(0).take(3), parts.get(1)).toList();
        var e = assertThrows(PipelineFailedException.class, () -> run.await(LONG));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("branch 0 of 2"), e.getCause().getMessage());
        assertTrue(e.getMessage().contains("partition(2)"), e.getMessage());
        assertNoRunningWorker(run);
    }

    @Test
    void partitionEndsNormallyWhenTheMergedStreamIsCut() throws Exception {
        for (int round = 0; round < 50; round++) {
            List<Pipeline<Integer>> parts = Pipeline.range(0, 1_000_000).map(x -> x + 1).partition(3, x -> x % 3);
            List<Pipeline<Integer>> worked = parts.stream().map(p -> p.map(x -> x * 2)).toList();
            PipelineRun<Long> run = Pipeline.merge(worked).take(500).count();
            assertEquals(500L, run.await(LONG), "round " + round);
            assertNoRunningWorker(run);
        }
    }

    @Test
    void anUnconnectedBranchOrAStageUsedTwiceIsRejectedBeforeAnythingRuns() {
        List<Pipeline<Integer>> b = Pipeline.from(upTo(5)).broadcast(2);
        var e = assertThrows(IllegalStateException.class, () -> b.get(0).toList());
        assertTrue(e.getMessage().contains("flows nowhere"), e.getMessage());
        Pipeline<Integer> p = Pipeline.from(upTo(5));
        var e2 = assertThrows(IllegalStateException.class, () -> Pipeline.merge(p, p).toList());
        assertTrue(e2.getMessage().contains("broadcast"), e2.getMessage());
    }
}
