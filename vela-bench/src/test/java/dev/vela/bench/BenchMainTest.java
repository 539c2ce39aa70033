package dev.vela.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Smoke test of {@code ./vela bench}: the real BenchMain code path on one small scenario, in-process. */
class BenchMainTest {

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void quickRunOfOneScenarioWritesTheReport(@TempDir Path out) throws Exception {
        System.setProperty("jmh.ignoreLock", "true");  // another JMH run on the machine must not block the build
        int code = BenchMain.run(new String[] {"--quick", "--filter", "UnboundedBench", "--out", out.toString()});

        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("## SPSC unbounded"), md);
        for (String row : List.of("| Vela |", "| Jox 1.0.1 |", "| LinkedBlockingQueue |", "| LinkedTransferQueue |"))
            assertTrue(md.contains(row), "row " + row + " missing:\n" + md);
        assertTrue(md.contains("CPUs: " + Runtime.getRuntime().availableProcessors()), md);
        assertFalse(md.contains("failed:"), md);
        assertEquals(0, code, md);

        String json = Files.readString(out.resolve("results.json"));
        assertTrue(json.contains("\"title\": \"SPSC unbounded\"") && json.contains("\"velaOverThis\""), json);
        assertTrue(Files.readString(out.resolve("index.html")).contains("<svg"));
    }

    @Test
    void everyScenarioIsListedWithItsPeers() {
        List<String> ids = BenchMain.allCases().stream().map(BenchMain.Case::id).toList();
        assertTrue(ids.contains("SpscBench.spsc capacity=1024 impl=jox"), ids.toString());
        assertTrue(ids.contains("MpscBench.mpsc producers=100 impl=abq"), ids.toString());
        assertTrue(ids.contains("RendezvousBench.handoff impl=exchanger"), ids.toString());
        assertTrue(ids.contains("WorkerSpawnBench.fromVirtual impl=thread"), ids.toString());
        assertTrue(ids.contains("SelectBench.twoClauses capacity=0 impl=jox"), ids.toString());
        assertTrue(ids.contains("SelectBench.twoClauses capacity=16 impl=vela-biased"), ids.toString());
        assertFalse(ids.contains("SelectBench.oneClause capacity=16 impl=vela-biased"), "skipped: " + ids);
        assertTrue(ids.contains("AsyncBench.pingPong impl=cf"), ids.toString());
        assertEquals("MemoryBench.perMessage", ids.getLast(), "the memory run comes last");
        assertEquals(56, ids.size(), ids.toString());
    }

    @Test
    void forksOptionIsCheckedAndListStillWorks() throws Exception {
        assertEquals(0, BenchMain.run(new String[] {"--forks", "2", "--list", "--filter", "AsyncBench"}));
        assertEquals(2, BenchMain.run(new String[] {"--forks", "-1", "--list"}));
        assertEquals(2, BenchMain.run(new String[] {"--forks", "many", "--list"}));
        assertEquals(3, BenchMain.DEFAULT.withForks(3).forks());
        assertTrue(BenchMain.QUICK.withForks(1).quick());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void checksumsCatchWhatTheFlowsMove() throws Exception {
        assertEquals(Flows.expectedSum(100) * 10, Flows.mpsc(Pipe.create("abq", 4), 10, 1000));
        assertEquals(Flows.expectedSum(300), Flows.chain(new Pipe[] {Pipe.create("lbq", 2), Pipe.create("jox", 2)}, 300));
        assertEquals(Flows.expectedSum(5) * 50, Flows.pairs(
                java.util.stream.IntStream.range(0, 50).mapToObj(i -> Pipe.create("sq", Pipe.RENDEZVOUS)).toArray(Pipe[]::new), 5));
        for (String impl : List.of("vela", "vela-biased", "jox"))
            for (int capacity : new int[] {16, Pipe.RENDEZVOUS})
                for (int n = 1; n <= 2; n++)
                    assertEquals(Flows.expectedSum(500) * n,
                            Flows.select(SelectBench.Selector.create(impl, n, capacity), 500 * n), impl + " " + capacity + " " + n);
        for (String impl : List.of("vela", "cf"))
            assertEquals(Flows.expectedSum(2000), AsyncBench.pingPong(AsyncBench.AsyncPipe.create(impl),
                    AsyncBench.AsyncPipe.create(impl), 2000), impl);
        long manual = 0;
        for (int i = 0; i < 1000; i++) manual += Flows.value(i);
        assertEquals(manual, Flows.expectedSum(1000));
    }
}
