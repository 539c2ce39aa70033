package dev.vela.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Keeps {@code ./vela bench} from rotting: the real BenchMain code path in its tiny mode, in-process,
 * in two interleaved rounds, on every seed-table source (a subset of the peers), and every output
 * parsed back. The round scheduler and statistics have their own tests ({@link RoundsTest}).
 */
class BenchMainTest {
    /** The seed's throughput sources with Vela and one JDK peer, and every plain benchmark. */
    static final String TINY_SELECTION = "^(Unbounded|Mpsc|Chain)Bench.*impl=(vela|lbq)$|^SpscBench.spsc capacity=1000 impl=(vela|lbq)$"
            + "|^(SpawnLatency|Memory|Go)Bench";

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void tinyRunWritesEveryOutputAndTheyParse(@TempDir Path out) throws Exception {
        System.setProperty("jmh.ignoreLock", "true");  // another JMH run on the machine must not block the build
        int code = BenchMain.run(new String[] {"--tiny", "--rounds", "2", "--filter", TINY_SELECTION, "--out", out.toString()});
        String md = Files.readString(out.resolve("results.md"));
        assertEquals(0, code, md);
        assertFalse(md.contains("failed:"), md);

        // Markdown: environment, and the seed table as a well-formed table with every seed row
        for (String env : List.of("- JDK: ", "- CPUs: " + Runtime.getRuntime().availableProcessors(), "- OS: ", "- Commit: "))
            assertTrue(md.contains(env), env + " missing:\n" + md);
        List<String> table = markdownTable(md, "## The seed's performance table");
        assertEquals(2 + SeedTable.DEFS.size(), table.size(), String.join("\n", table));
        assertTrue(table.get(0).startsWith("| metric | Vela | Jox 1.0.1 | best JDK |") && table.get(0).contains("| Vela ÷ best peer | seed's Python figure |"),
                table.get(0));
        assertTrue(table.get(1).matches("\\|(-{3,}:?\\|)+"), table.get(1));
        int columns = pipes(table.get(0));
        for (String line : table) assertEquals(columns, pipes(line), "ragged row: " + line);
        assertTrue(md.contains("Go column: "), md);
        for (String section : List.of("## SPSC unbounded, 100k msgs", "## MPSC 50 producers × 1,000 msgs, unbounded",
                "## pipeline of 4 unbounded channels, 10k msgs", "## spawn → completion latency", "## memory per buffered message"))
            assertTrue(md.contains(section), section + " missing:\n" + md);

        // JSON: parses, carries the environment and a seed row per definition with Vela's figure
        Map<?, ?> json = (Map<?, ?>) MiniJson.parse(Files.readString(out.resolve("results.json")));
        assertEquals((double) Runtime.getRuntime().availableProcessors(), json.get("cpus"));
        for (String key : List.of("jdk", "os", "commit", "date", "settings")) assertInstanceOf(String.class, json.get(key), key);
        List<?> rows = (List<?>) ((Map<?, ?>) json.get("seedTable")).get("rows");
        assertEquals(SeedTable.DEFS.stream().map(SeedTable.Def::key).toList(), rows.stream().map(r -> ((Map<?, ?>) r).get("key")).toList());
        for (Object r : rows) {
            Map<?, ?> row = (Map<?, ?>) r;
            assertInstanceOf(Double.class, row.get("vela"), "Vela's figure for " + row);
            assertInstanceOf(String.class, row.get("seedPython"), row.toString());
            if (!row.get("key").toString().startsWith("memory")) assertNotNull(row.get("velaOverBestPeer"), row.toString());
        }
        assertEquals(3, ((List<?>) json.get("spawnLatency")).size());
        assertFalse(((List<?>) json.get("scenarios")).isEmpty());
        assertEquals(2.0, json.get("rounds"));
        assertTrue(json.get("settings").toString().startsWith("tiny: 2 interleaved rounds"), json.get("settings").toString());
        for (Object sc : (List<?>) json.get("scenarios"))
            for (Object r : (List<?>) ((Map<?, ?>) sc).get("results")) {
                Map<?, ?> result = (Map<?, ?>) r;
                assertEquals(2, ((List<?>) result.get("perRound")).size(), result.toString());
                assertEquals(2.0, result.get("measured"), result.toString());
                if (!"vela".equals(result.get("impl")))
                    assertEquals(2.0, ((Map<?, ?>) result.get("velaOverThisSpread")).get("measured"), result.toString());
            }
        List<String> mpsc = markdownTable(md, "## MPSC 50 producers");
        assertEquals("| implementation | messages/s, median | min … max (rounds) | rounds | Vela ÷ this, median | min … max |", mpsc.getFirst());
        for (String line : mpsc) assertEquals(7, pipes(line), "ragged row: " + line);
        assertTrue(mpsc.get(2).startsWith("| Vela |") && mpsc.get(2).contains("| 2/2 |"), mpsc.toString());

        // HTML: self-contained (Chart.js inlined, no remote script), the four charts and their data
        String html = Files.readString(out.resolve("index.html"));
        assertTrue(html.contains("Chart.js v4.5.1") && html.contains("Released under the MIT License"), "Chart.js not inlined");
        assertFalse(Pattern.compile("<script[^>]+src=").matcher(html).find(), "a script is loaded from elsewhere");
        for (String id : List.of("chart-ratios", "chart-producers", "chart-stages", "chart-spawn"))
            assertTrue(html.contains("<canvas id=\"" + id + "\">"), id);
        Matcher data = Pattern.compile("const DATA = (\\{.*?\\n});", Pattern.DOTALL).matcher(html);
        assertTrue(data.find(), "no DATA in the page");
        Map<?, ?> charts = (Map<?, ?>) MiniJson.parse(data.group(1));
        Map<?, ?> producers = (Map<?, ?>) charts.get("producers");
        assertEquals(List.of("1", "10", "50", "100"), producers.get("labels"));
        List<?> series = (List<?>) producers.get("series");
        assertEquals(List.of("Vela", "LinkedBlockingQueue"), series.stream().map(s -> ((Map<?, ?>) s).get("name")).toList(), series.toString());
        assertEquals(List.of("2", "3", "4", "5"), ((Map<?, ?>) charts.get("stages")).get("labels"));
        Map<?, ?> ratios = (Map<?, ?>) charts.get("ratios");
        int scenarios = ((List<?>) json.get("scenarios")).size();
        assertTrue(((List<?>) ratios.get("labels")).size() >= scenarios, ratios.toString());
        for (Object s : (List<?>) ratios.get("series")) {  // values and error bars, one per label
            Map<?, ?> one = (Map<?, ?>) s;
            for (String key : List.of("values", "min", "max", "rounds", "unstable"))
                assertEquals(((List<?>) ratios.get("labels")).size(), ((List<?>) one.get(key)).size(), key + " in " + one);
        }
        Map<?, ?> vsJdk = (Map<?, ?>) ((List<?>) ratios.get("series")).get(1);  // this selection has no Jox
        assertEquals("vs best JDK queue", vsJdk.get("name"));
        assertInstanceOf(Double.class, ((List<?>) vsJdk.get("min")).getFirst(), "no error bar for the first scenario: " + vsJdk);
        assertEquals(2.0, ((List<?>) vsJdk.get("rounds")).getFirst(), vsJdk.toString());
        assertTrue(html.contains("CPUs") && html.contains("commit"), "environment missing from the page");
    }

    /**
     * {@code --console off,on,stream} (issue 22) in its tiny, in-process form: in-process there is no fork to
     * give {@code -Dvela.console} to, so {@code on} and {@code stream} start a console in this JVM directly
     * ({@link ConsoleOverhead}); the real measurement forks. Every mode runs in every round, the peer is left
     * out, the console answers in {@code on} and its stream sends events in {@code stream}, and the overhead
     * table has one row with both paired ratios.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void consoleModeRunsEveryModeAndTheConsoleAnswers(@TempDir Path out) throws Exception {
        System.setProperty("jmh.ignoreLock", "true");
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        int code;
        System.setOut(new java.io.PrintStream(new Tee(stdout, captured), true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            code = BenchMain.run(new String[] {"--console", "off,on,stream", "--tiny", "--rounds", "2",
                    "--filter", "^RendezvousBench.handoff impl=(vela|jox)$", "--out", out.toString()});
        } finally {
            System.setOut(stdout);
        }
        String printed = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, code, printed);
        assertTrue(printed.contains("1 peer or plain case(s) left out"), printed);
        for (String mode : List.of("off", "on", "stream"))
            assertEquals(2, Pattern.compile("RendezvousBench\\.handoff impl=vela console=" + mode + "\\s").matcher(printed).results().count(),
                    mode + " must run once per round:\n" + printed);
        assertFalse(printed.contains("impl=jox"), "peers are left out:\n" + printed);
        List<Integer> events = Pattern.compile("console events received: (\\d+)").matcher(printed).results()
                .map(m -> Integer.parseInt(m.group(1))).toList();
        assertEquals(2, events.size(), printed);
        for (int n : events) assertTrue(n >= 1, "no console event in a stream run:\n" + printed);
        assertEquals(2, Pattern.compile("console answered on port \\d+").matcher(printed).results().count(), printed);

        String md = Files.readString(out.resolve("console-overhead.md"));
        assertTrue(printed.contains("## Console overhead (issue 22)"), "the table is printed at the end:\n" + printed);
        assertTrue(md.contains("Command: `java -cp vela-bench/target/vela-bench.jar dev.vela.bench.BenchMain --console off,on,stream --tiny"), md);
        List<String> table = markdownTable(md, "## Console overhead");
        assertEquals(3, table.size(), String.join("\n", table));
        assertEquals("| case | off, median [min … max] | on ÷ off, median [min … max] | on ≥ 0.97× in | stream ÷ off, median [min … max] "
                + "| stream ≥ 0.95× in | stream events per fork | rounds |", table.getFirst());
        int columns = pipes(table.getFirst());
        for (String line : table) assertEquals(columns, pipes(line), "ragged row: " + line);
        String row = table.get(2);
        assertTrue(row.startsWith("| RendezvousBench.handoff impl=vela (rendezvous hand-off) | "), row);
        assertTrue(Pattern.compile("\\| [0-9.]+× \\[[0-9.]+ … [0-9.]+\\] \\| \\d of 2 \\| [0-9.]+× \\[[0-9.]+ … [0-9.]+\\] \\| \\d of 2 \\| [1-9]\\d* … \\d+ \\| 2/2 \\|$")
                .matcher(row).find(), row);
        assertTrue(Files.readString(out.resolve("results.md")).contains("Vela (console stream)"), "the rows are in the ordinary report too");
    }

    /** Writes to two streams (the test's own output stays visible). */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream a, b;

        Tee(java.io.OutputStream a, java.io.OutputStream b) { this.a = a; this.b = b; }

        @Override public void write(int x) throws java.io.IOException { a.write(x); b.write(x); }

        @Override public void write(byte[] buf, int off, int len) throws java.io.IOException { a.write(buf, off, len); b.write(buf, off, len); }

        @Override public void flush() throws java.io.IOException { a.flush(); b.flush(); }
    }

    /** The Markdown table right after the heading that starts with {@code heading}. */
    private static List<String> markdownTable(String md, String heading) {
        int at = md.indexOf(heading);
        assertTrue(at >= 0, heading + " missing:\n" + md);
        return md.substring(at).lines().dropWhile(l -> !l.startsWith("|")).takeWhile(l -> l.startsWith("|")).toList();
    }

    private static int pipes(String line) {
        return line.replace("\\|", "").replaceAll("[^|]", "").length();
    }

    @Test
    void everyScenarioIsListedWithItsPeers() {
        List<String> ids = BenchMain.allCases().stream().map(BenchMain.Case::id).toList();
        assertTrue(ids.contains("SpscBench.spsc capacity=1000 impl=jox"), ids.toString());
        assertTrue(ids.contains("UnboundedBench.spsc impl=ltq"), ids.toString());
        for (String p : List.of("1", "10", "50", "100"))
            assertTrue(ids.contains("MpscBench.mpsc producers=" + p + " impl=lbq"), ids.toString());
        for (int s = 2; s <= 5; s++) assertTrue(ids.contains("ChainBench.chain stages=" + s + " impl=jox"), ids.toString());
        assertTrue(ids.contains("RendezvousBench.handoff impl=exchanger"), ids.toString());
        assertTrue(ids.contains("WorkerSpawnBench.fromVirtual impl=thread"), ids.toString());
        assertTrue(ids.contains("SelectBench.twoClauses capacity=0 impl=jox"), ids.toString());
        assertTrue(ids.contains("SelectBench.twoClauses capacity=16 impl=vela-biased"), ids.toString());
        assertFalse(ids.contains("SelectBench.oneClause capacity=16 impl=vela-biased"), "skipped: " + ids);
        assertTrue(ids.contains("AsyncBench.pingPong impl=cf"), ids.toString());
        assertTrue(ids.containsAll(List.of("SpawnLatencyBench.latency", "MemoryBench.perMessage", "GoBench.seed")), ids.toString());
        assertTrue(ids.containsAll(List.of("PipelineBench.map5 impl=pekko", "PipelineBench.mapPar4 impl=jox")), ids.toString());
        assertFalse(ids.contains("PipelineBench.mapPar4 impl=velaUnordered"), "skipped: " + ids);
        assertTrue(ids.containsAll(List.of("BoundedFlowBench.chain impl=abq", "BoundedFlowBench.mpsc impl=lbq")), ids.toString());
        assertFalse(ids.contains("BoundedFlowBench.chain impl=lbq"), "skipped: " + ids);
        assertTrue(ids.containsAll(List.of("WatchBench.pingPong readers=4 impl=vela", "WatchBench.pingPong readers=4 impl=volatile-park",
                "WatchBench.pingPong readers=4 impl=stateflow")), ids.toString());
        assertFalse(ids.contains("WatchBench.stream readers=4 impl=vela") || ids.contains("WatchBench.pingPong readers=16 impl=vela")
                || ids.contains("WatchBench.stream readers=4 impl=stateflow"), "skipped: " + ids);
        assertTrue(ids.containsAll(List.of("ReceiveManyBench.spsc capacity=1024 impl=vela", "ReceiveManyBench.spsc capacity=1024 impl=vela-each",
                "ReceiveManyBench.spsc capacity=1024 impl=abq-drain", "ReceiveManyBench.spsc capacity=1024 impl=abq-each")), ids.toString());
        assertTrue(ids.containsAll(List.of("RouterBench.tell1Sender routing=roundRobin impl=vela", "RouterBench.tell1Sender routing=roundRobin impl=pekko",
                "RouterBench.tell1Sender routing=consistentHash impl=vela", "RouterBench.tell1Sender routing=consistentHash impl=pekko")), ids.toString());
        assertTrue(ids.containsAll(List.of("SemaphoreBench.acquireRelease permits=1 impl=vela", "SemaphoreBench.acquireRelease permits=1 impl=juc-unfair",
                "SemaphoreBench.acquireRelease permits=1 impl=juc-fair")), ids.toString());
        assertFalse(ids.contains("SemaphoreBench.acquireRelease permits=2 impl=vela"), "skipped: " + ids);
        assertEquals(118, ids.size(), ids.toString());  // 82 + BroadcastBench (3 subscriber counts × 3 impls) + ActorBench (3 × 2) + BoundedFlowBench (2 × 4 - 1)
                                                        //   + WatchBench (1 × 3) + ReceiveManyBench (4) + RouterBench (2 routings × 2) + SemaphoreBench (1 × 3)
        assertEquals(ids.size(), ids.stream().distinct().count(), "duplicate ids");
    }

    @Test
    void optionsAreCheckedAndListStillWorks() throws Exception {
        assertEquals(0, BenchMain.run(new String[] {"--forks", "2", "--list", "--filter", "AsyncBench"}));
        assertEquals(0, BenchMain.run(new String[] {"--only", "Mpsc", "--list"}));
        assertEquals(0, BenchMain.run(new String[] {"--only", "spawnlatency", "--list"}));
        assertEquals(0, BenchMain.run(new String[] {"--only", "watch", "--list"}));
        assertEquals(0, BenchMain.run(new String[] {"--only", "receivemany", "--list"}));
        assertEquals(0, BenchMain.run(new String[] {"--only", "router", "--list"}));
        assertEquals(0, BenchMain.run(new String[] {"--only", "semaphore", "--list"}));
        assertEquals(2, BenchMain.run(new String[] {"--only", "nosuch", "--list"}));
        assertEquals(2, BenchMain.run(new String[] {"--only"}));
        assertEquals(2, BenchMain.run(new String[] {"--filter", "(", "--list"}));
        assertEquals(2, BenchMain.run(new String[] {"--forks", "-1", "--list"}));
        assertEquals(2, BenchMain.run(new String[] {"--forks", "many", "--list"}));
        assertEquals(0, BenchMain.run(new String[] {"--rounds", "5", "--forks", "0", "--list", "--only", "rendezvous"}));
        assertEquals(2, BenchMain.run(new String[] {"--rounds", "0", "--list"}));
        assertEquals(2, BenchMain.run(new String[] {"--rounds", "x", "--list"}));
        assertEquals(2, BenchMain.run(new String[] {"--rounds"}));
        assertEquals(0, BenchMain.run(new String[] {"--console", "--list"}), "modes default to off,on,stream");
        assertEquals(0, BenchMain.run(new String[] {"--console", "on,off", "--list", "--only", "rendezvous"}));
        assertEquals(2, BenchMain.run(new String[] {"--console", "on,sometimes", "--list"}));
        assertEquals(2, BenchMain.run(new String[] {"--console", "on,on", "--list"}));
        assertEquals(List.of(ConsoleOverhead.Mode.OFF, ConsoleOverhead.Mode.ON, ConsoleOverhead.Mode.STREAM), ConsoleOverhead.parse("off,on,stream"));
        List<BenchMain.Case> defaults = BenchMain.allCases().stream()
                .filter(c -> Pattern.compile(ConsoleOverhead.DEFAULT_FILTER).matcher(c.id()).find()).toList();
        assertEquals(8, defaults.size(), "--console's default cases: " + defaults);
        assertTrue(defaults.stream().allMatch(c -> c.impl().equals("vela")), defaults.toString());
        // 8 cases × 3 modes × 5 rounds: 10 to 15 minutes on 2 cores
        double minutes = 8 * 3 * BenchMain.CONSOLE.estimateSeconds() / 60;
        assertTrue(minutes >= 8 && minutes <= 12, minutes + " min estimated (plus the console's start in 2 of 3 forks)");
        assertEquals(7, BenchMain.DEFAULT.withRounds(7).rounds());
        assertEquals(BenchMain.DEFAULT.forks(), BenchMain.DEFAULT.withRounds(7).forks());
        assertEquals(BenchMain.QUICK.rounds(), BenchMain.QUICK.withForks(1).rounds());
        assertEquals(2, BenchMain.run(new String[] {"--only", "memory", "--filter", "Mpsc"}), "nothing matches both");
        assertEquals(3, BenchMain.DEFAULT.withForks(3).forks());
        assertTrue(BenchMain.QUICK.withForks(1).quick());
        assertEquals("mpsc", BenchMain.name(MpscBench.class));
    }

    @Test
    void theDefaultRunIsEstimatedAtUnderElevenAndAQuarterMinutesInThreeRounds() {
        double seconds = 0;
        for (BenchMain.Case c : BenchMain.allCases())
            seconds += c.plain() ? 0 : BenchMain.DEFAULT.estimateSeconds();
        seconds += MemoryBench.estimateSeconds(BenchMain.Effort.DEFAULT) + SpawnLatencyBench.estimateSeconds(BenchMain.Effort.DEFAULT);
        // 630 s before RouterBench (4 cases) and SemaphoreBench (3 cases) joined the default run: 7 × 5.58 s = 39.06 s more
        // (about 667.7 s now, the same ~1.3 s spare as before); WatchBench's StateFlow peer (1 case): 5.58 s more
        // (about 673.3 s now, still under 11¼ minutes = 675 s)
        assertTrue(seconds < 674.58, "the default run is estimated at " + seconds + " s (without Go)");
        assertEquals(3, BenchMain.DEFAULT.rounds(), "a median needs three rounds");
        assertTrue(BenchMain.DEFAULT.warmups() * BenchMain.DEFAULT.warmupTime().convertTo(TimeUnit.MILLISECONDS) >= 1000,
                "shorter warmups measure a fresh fork before its steady state (ADR 0030)");
        assertEquals(3 * BenchMain.DEFAULT.roundSeconds(), BenchMain.DEFAULT.estimateSeconds(), 1e-9);
        assertTrue(BenchMain.FULL.rounds() >= 10 && BenchMain.FULL.forks() == 1, BenchMain.FULL.toString());
    }

    @Test
    void goOutputIsReadIntoTheGoColumn() {
        GoBench.Result go = GoBench.parse(List.of("go: downloading nothing", "version go1.19.8", "gomaxprocs 2",
                "unbounded 1.2e+07", "bounded 9.5e+06", "mpsc-1 5e6", "pipeline-5 3.1e6", "spawn-p50 0.9"));
        assertTrue(go.ok(), go.status());
        assertEquals("go1.19.8", go.version());
        assertEquals(1.2e7, go.values().get("unbounded"));
        assertFalse(GoBench.parse(List.of("some error")).ok());

        List<SeedTable.Row> rows = SeedTable.build(List.of(), List.of(), List.of(), go);
        String md = SeedTable.markdown(rows, go);
        assertTrue(md.startsWith("| metric | Vela | Jox 1.0.1 | best JDK | Go |"), md);
        assertTrue(md.contains("| 12.00M |") && md.contains("Go column: go1.19.8"), md);
        String skipped = SeedTable.markdown(rows, GoBench.Result.skipped("go not installed"));
        assertFalse(skipped.contains("| Go |"), skipped);
        assertTrue(skipped.contains("Go column: skipped: go not installed."), skipped);
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

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void spawnLatencyMeasuresEveryImplementation() {
        List<SpawnLatencyBench.Row> rows = SpawnLatencyBench.run(new SpawnLatencyBench.Sizes(10, 2, 50));
        assertEquals(List.of("vela", "thread", "executor"), rows.stream().map(SpawnLatencyBench.Row::impl).toList());
        for (SpawnLatencyBench.Row r : rows) {
            assertTrue(r.ok(), r.toString());
            assertTrue(r.p50Micros() > 0 && r.p50Micros() <= r.p99Micros(), r.toString());  // a sanity check, not a performance bound
            assertEquals(100, r.samples());
        }
        assertThrows(IllegalArgumentException.class, () -> new SpawnLatencyBench.Sizes(0, 0, 10));
    }
}
