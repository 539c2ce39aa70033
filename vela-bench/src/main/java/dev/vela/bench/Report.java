package dev.vela.bench;

import dev.vela.bench.BenchMain.Case;
import dev.vela.bench.BenchMain.Outcome;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The report of a bench run: the seed's table extended with the peers ({@link SeedTable}), then one
 * table per scenario (implementation | median score | its rounds' min … max | rounds | Vela ÷ this peer
 * | the ratio's min … max), the spawn latencies and the memory tables; on the console and as
 * results.md, results.json and index.html ({@link HtmlReport}, charts with the vendored Chart.js, no
 * network). JMH scores come from interleaved rounds ({@link Rounds}): an absolute figure is the median
 * of the case's round medians, a ratio "Vela ÷ peer" is the median of the per-round ratios, each with
 * its min … max over the rounds, and a ratio whose rounds disagree on the verdict is marked unstable
 * ({@link RoundStats}). Throughput ratios read "above 1 = Vela faster"; for memory and time lower is
 * better (said beside each such table). Every output records JDK, CPU count, OS, commit, date and
 * settings (rounds included).
 */
final class Report {
    private final String settings;
    private final int rounds;
    private final Path dir;
    private final String jdk = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    private final int cpus = Runtime.getRuntime().availableProcessors();
    private final String os = System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch");
    private final String commit = gitCommit();
    private final String date = Instant.now().toString();
    private List<MemoryBench.Row> memory = List.of();
    private List<SpawnLatencyBench.Row> spawn = List.of();
    /** Until the Go step runs: why there is no Go column. */
    private GoBench.Result go = GoBench.Result.skipped(GoBench.findGo() == null ? "go not installed" : "not run in this selection");

    /** A report for a run of the given settings (described) and rounds per scenario, written to {@code dir}. */
    Report(String settings, int rounds, Path dir) {
        this.settings = settings;
        this.rounds = rounds;
        this.dir = dir;
    }

    /** A report of one round per scenario. */
    Report(String settings, Path dir) {
        this(settings, 1, dir);
    }

    /** The memory rows to include from now on (the memory run happens once, as one "benchmark"). */
    void memory(List<MemoryBench.Row> rows) { memory = List.copyOf(rows); }

    /** The spawn-latency rows to include from now on. */
    void spawn(List<SpawnLatencyBench.Row> rows) { spawn = List.copyOf(rows); }

    /** The Go run's result (or why it was skipped). */
    void go(GoBench.Result result) { go = result; }

    List<SeedTable.Row> seedRows(List<Outcome> outcomes) { return SeedTable.build(outcomes, memory, spawn, go); }

    List<MemoryBench.Row> memoryRows() { return memory; }

    List<SpawnLatencyBench.Row> spawnRows() { return spawn; }

    GoBench.Result goResult() { return go; }

    String settings() { return settings; }

    int rounds() { return rounds; }

    String date() { return date; }

    String environment() {
        return "JDK " + jdk + ", " + cpus + " CPUs, " + os + ", commit " + commit;
    }

    // ---- names ---------------------------------------------------------------------------------

    static String title(Case c) {
        Map<String, String> p = c.params();
        return switch (c.benchmark()) {
            case "SpscBench.spsc" -> "SPSC capacity " + p.get("capacity") + ", " + SpscBench.MESSAGES / 1000 + "k msgs";
            case "UnboundedBench.spsc" -> "SPSC unbounded, " + UnboundedBench.MESSAGES / 1000 + "k msgs";
            case "RendezvousBench.handoff" -> "rendezvous hand-off";
            case "MpscBench.mpsc" -> "MPSC " + p.get("producers") + " producer" + ("1".equals(p.get("producers")) ? "" : "s")
                    + " × 1,000 msgs, unbounded";
            case "ChainBench.chain" -> "pipeline of " + p.get("stages") + " unbounded channels, 10k msgs";
            case "BoundedFlowBench.chain" -> String.format(Locale.ROOT, "pipeline of %d channels of capacity %d, %,d msgs",
                    BoundedFlowBench.STAGES, BoundedFlowBench.CHAIN_CAPACITY, BoundedFlowBench.MESSAGES);
            case "BoundedFlowBench.mpsc" -> String.format(Locale.ROOT, "MPSC %d producers × 1,000 msgs, capacity %d",
                    BoundedFlowBench.PRODUCERS, BoundedFlowBench.MPSC_CAPACITY);
            case "PairsBench.pairs" -> String.format(Locale.ROOT, "%,d independent pairs, capacity %d",
                    PairsBench.PAIRS, PairsBench.CAPACITY);
            case "SelectBench.oneClause" -> "select, 1 receive clause, " + channel(p.get("capacity"));
            case "SelectBench.twoClauses" -> "select, 2 receive clauses (2 producers), " + channel(p.get("capacity"));
            case "AsyncBench.pingPong" -> "async ping-pong, capacity 1 each way (no thread blocked)";
            case "WorkerSpawnBench.fromPlatform" -> "spawn + join from a platform thread";
            case "WorkerSpawnBench.fromVirtual" -> "spawn + join from a virtual thread";
            case "PipelineBench.map5" -> String.format(Locale.ROOT, "pipeline: range → 5 × map → fold, %,d elements",
                    PipelineBench.MAP_N);
            case "PipelineBench.mapPar4" -> String.format(Locale.ROOT, "pipeline: range → mapPar(4) (≈ 0.2 µs of work) → fold, %,d elements",
                    PipelineBench.PAR_N);
            case "ActorBench.tell1Sender" -> "actors: tell, 1 sender → 1 actor, " + String.format(Locale.ROOT, "%,d", ActorBench.MESSAGES) + " messages, end to end";
            case "ActorBench.tell100Senders" -> "actors: tell, " + ActorBench.SENDERS + " senders × " + ActorBench.PER_SENDER + " messages → 1 actor, end to end";
            case "ActorBench.ask" -> "actors: ask round trips, one at a time (round trips/s)";
            case "BroadcastBench.broadcast" -> "broadcast to " + p.get("subscribers") + " subscriber"
                    + ("1".equals(p.get("subscribers")) ? "" : "s") + ", capacity " + BroadcastBench.CAPACITY + " each";
            case "WatchBench.pingPong" -> String.format(Locale.ROOT, "watch: 1 writer, %s reader%s in lock-step (each value seen by all before the next), %,d values",
                    p.get("readers"), "1".equals(p.get("readers")) ? "" : "s", WatchBench.ROUNDS);
            case "WatchBench.stream" -> String.format(Locale.ROOT, "watch: 1 writer, %s reader%s, %,d values published as fast as possible",
                    p.get("readers"), "1".equals(p.get("readers")) ? "" : "s", WatchBench.MESSAGES);
            case "ReceiveManyBench.spsc" -> String.format(Locale.ROOT, "batch receive: SPSC capacity %s, %,d msgs, batches of up to %d",
                    p.get("capacity"), ReceiveManyBench.MESSAGES, ReceiveManyBench.BATCH);
            case "RouterBench.tell1Sender" -> String.format(Locale.ROOT, "actors: pool router (%s), 1 sender → %d routees, %,d messages, end to end",
                    "roundRobin".equals(p.get("routing")) ? "round robin" : "consistent hash, " + RouterBench.VIRTUAL_NODES + " virtual nodes",
                    RouterBench.ROUTEES, RouterBench.MESSAGES);
            case "SemaphoreBench.acquireRelease" -> String.format(Locale.ROOT, "semaphore: %d virtual threads × %,d acquire/release, %s permit%s",
                    SemaphoreBench.THREADS, SemaphoreBench.OPS, p.get("permits"), "1".equals(p.get("permits")) ? "" : "s");
            default -> c.scenario();
        };
    }

    private static String channel(String capacity) {
        return "0".equals(capacity) ? "rendezvous" : "capacity " + capacity;
    }

    /** The implementation's name in every output; a {@code --console} case adds its mode ("Vela (console on)"). */
    static String implName(Case c) {
        ConsoleOverhead.Mode m = ConsoleOverhead.mode(c);
        return m == null ? baseImplName(c) : baseImplName(c) + " (console " + m.id() + ")";
    }

    private static String baseImplName(Case c) {
        boolean select = c.type() == SelectBench.class, async = c.type() == AsyncBench.class;
        boolean many = c.type() == ReceiveManyBench.class;
        return switch (c.impl()) {
            case "vela" -> isSpawn(c) ? "Vela Worker.spawn + join" : select ? "Vela select (fair)"
                    : async ? "Vela sendAsync/receiveAsync" : many ? "Vela receiveMany(" + ReceiveManyBench.BATCH + ")"
                    : c.type() == WatchBench.class ? "Vela Watch" : c.type() == RouterBench.class ? "Vela pool router"
                    : c.type() == SemaphoreBench.class ? "Vela Semaphore" : "Vela";
            case "vela-each" -> "Vela receive(), one at a time";
            case "abq-drain" -> "ArrayBlockingQueue.drainTo(" + (ReceiveManyBench.BATCH - 1) + ")";
            case "abq-each" -> "ArrayBlockingQueue.take()";
            case "volatile-park" -> "volatile + LockSupport.park/unpark";
            case "stateflow" -> "Kotlin MutableStateFlow (kotlinx.coroutines " + WatchBench.KOTLINX_COROUTINES + ")";
            case "vela-biased" -> "Vela selectBiased";
            case "velaUnordered" -> "Vela mapParUnordered";
            case "parallelStream" -> "Java parallel stream";
            case "pekko" -> c.type() == PipelineBench.class ? "Pekko Streams 1.7.0"
                    : c.type() == ActorBench.class ? "Pekko typed actors 1.7.0"
                    : c.type() == RouterBench.class ? "Pekko typed pool router 1.7.0" : c.impl();
            case "juc-unfair" -> "java.util.concurrent.Semaphore (unfair)";
            case "juc-fair" -> "java.util.concurrent.Semaphore (fair)";
            case "jox" -> select ? "Jox 1.0.1 select" : "Jox 1.0.1";
            case "cf" -> "CompletableFuture hand-off";
            case "abq" -> "ArrayBlockingQueue";
            case "lbq" -> "LinkedBlockingQueue";
            case "ltq" -> c.type().getSimpleName().equals("RendezvousBench") ? "LinkedTransferQueue.transfer" : "LinkedTransferQueue";
            case "sq" -> "SynchronousQueue";
            case "exchanger" -> "Exchanger";
            case "thread" -> "raw Thread.ofVirtual + join";
            case "executor" -> "virtual-thread-per-task executor";
            default -> c.impl();
        };
    }

    static boolean isSpawn(Case c) { return c.type().getSimpleName().equals("WorkerSpawnBench"); }

    /**
     * The goal for the ratio Vela ÷ {@code peer} in the peer's scenario, NaN where there is none: issue
     * 13's hand-off goals (rendezvous, SPSC capacity 16 and 1000, the 5-stage capacity-16 pipeline and
     * MPSC with 100 producers at capacity 1024 ≥ 2× every JVM peer, SPSC unbounded ≥ 1.5×) and select
     * over two clauses ≥ 3× Jox. A ratio whose rounds fall on both sides of its
     * goal is unstable ({@link RoundStats.Ratio#unstable()}).
     */
    static double goal(Case peer) {
        if (isVelaVariant(peer)) return Double.NaN;
        return switch (peer.benchmark()) {
            case "RendezvousBench.handoff" -> 2;
            case "SpscBench.spsc" -> 2;   // capacity 16, and 1000 for issue 13's "capacity 1024" row
            case "BoundedFlowBench.chain", "BoundedFlowBench.mpsc" -> 2;
            case "UnboundedBench.spsc" -> 1.5;
            case "SelectBench.twoClauses" -> peer.impl().equals("jox") ? 3 : Double.NaN;
            default -> Double.NaN;
        };
    }

    /** The progress line's result for one finished case. */
    String progress(Outcome o) {
        Case c = o.c();
        if (c.type() == GoBench.class) return go.ok() ? "Go " + go.version() + ": " + go.values().size() + " figures" : go.status();
        if (c.type() == SpawnLatencyBench.class) return String.format(Locale.ROOT, "Vela p50 %.2f µs (spawn → completion)", o.median());
        return human(o.median()) + " " + unit(c);
    }

    static String unit(Case c) {
        return isMemory(c) ? "bytes/message (Vela unbounded; table at the end)" : isSpawn(c) ? "spawn+join/s"
                : isAsync(c) ? "round trips/s" : c.type() == PipelineBench.class ? "elements/s" : isWatch(c) ? watchUnit(c)
                : c.type() == SemaphoreBench.class ? "acquire+release/s" : "msg/s";
    }

    static boolean isWatch(Case c) { return c.type() == WatchBench.class; }

    /** A watch's score: rounds (every reader saw the value) per second, or values published per second. */
    private static String watchUnit(Case c) { return c.method().equals("pingPong") ? "rounds/s" : "values/s"; }

    static boolean isAsync(Case c) { return c.type() == AsyncBench.class; }

    /** The score's unit in a table header. */
    static String tableUnit(Case c) {
        return isSpawn(c) ? "spawn+join/s (µs each)" : isAsync(c) ? "round trips/s"
                : c.type() == PipelineBench.class ? "elements/s" : isWatch(c) ? watchUnit(c)
                : c.type() == SemaphoreBench.class ? "acquire+release/s" : "messages/s";
    }

    /**
     * Vela itself or a variant of it ({@code vela-biased}, {@code vela-each}): never a "peer" in the
     * best-peer summary, but its row still shows "Vela ÷ this" (only impl {@code vela} is "Vela").
     */
    static boolean isVelaVariant(Case c) { return c.impl().startsWith("vela"); }

    static boolean isMemory(Case c) { return c.type() == MemoryBench.class; }

    static String human(double v) {
        if (v >= 1e9) return String.format(Locale.ROOT, "%.2fG", v / 1e9);
        if (v >= 1e6) return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        if (v >= 1e3) return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        return String.format(Locale.ROOT, "%.1f", v);
    }

    // ---- grouping ------------------------------------------------------------------------------

    /** One scenario: its outcomes, Vela's (if run) and the ratios. */
    record Scenario(String title, Case first, List<Outcome> rows) {
        Outcome vela() {
            return rows.stream().filter(o -> o.c().impl().equals("vela") && o.ok()
                    && ConsoleOverhead.mode(o.c()) != ConsoleOverhead.Mode.ON && ConsoleOverhead.mode(o.c()) != ConsoleOverhead.Mode.STREAM)
                    .findFirst().orElse(null);
        }

        /** Vela ÷ peer (throughput), round by round; {@link RoundStats.Ratio#NONE} for Vela's own row or without Vela. */
        RoundStats.Ratio ratio(Outcome peer) {
            return peer.c().impl().equals("vela") ? RoundStats.Ratio.NONE : RoundStats.ratio(vela(), peer);
        }

        /** The peer with the highest median (not a Vela variant), or null. */
        Outcome bestPeer() {
            Outcome best = null;
            for (Outcome o : rows)
                if (o.ok() && !isVelaVariant(o.c()) && (best == null || o.median() > best.median())) best = o;
            return best;
        }
    }

    static List<Scenario> scenarios(List<Outcome> outcomes) {
        Map<String, Scenario> byKey = new LinkedHashMap<>();
        for (Outcome o : outcomes)
            if (!o.c().plain()) byKey.computeIfAbsent(o.c().scenario(), k -> new Scenario(title(o.c()), o.c(), new ArrayList<>())).rows().add(o);
        return new ArrayList<>(byKey.values());
    }

    private static String ratioText(double r) {
        return Double.isNaN(r) ? "—" : String.format(Locale.ROOT, "%.2f×", r);
    }

    /** The score cell: the median of the round medians (and µs per spawn), or why every round failed. */
    static String cell(Outcome o) {
        if (!o.ok()) return "failed: " + o.error();
        String s = human(o.median());
        if (isSpawn(o.c())) s += String.format(Locale.ROOT, " (%.2f µs)", 1e6 / o.median());
        return s;
    }

    /** The cells of one scenario row after the implementation's name, the same in every output. */
    static List<String> cells(Scenario s, Outcome o) {
        RoundStats.Ratio r = s.ratio(o);
        boolean own = o.c().impl().equals("vela");
        return List.of(cell(o), RoundStats.range(o, Report::human), RoundStats.rounds(o), own ? "" : r.text(), own ? "" : r.range());
    }

    /** The scenario table's header after "implementation". */
    static List<String> header(Scenario s) {
        return List.of(tableUnit(s.first()) + ", median", "min … max (rounds)", "rounds", "Vela ÷ this, median", "min … max");
    }

    /** The line under a scenario's table: Vela ÷ its best peer over the rounds, and the goal if there is one; "" without a peer. */
    static String summary(Scenario s) {
        Outcome best = s.bestPeer();
        if (best == null) return "";
        RoundStats.Ratio r = s.ratio(best);
        String line = "Vela ÷ best peer (" + implName(best.c()) + "): " + r.textWithRange();
        if (r.present() && !Double.isNaN(r.goal()))
            line += "; goal ≥ " + (r.goal() == Math.rint(r.goal()) ? String.valueOf((long) r.goal()) : String.valueOf(r.goal()))
                    + "×: met in " + r.atLeast(r.goal()) + " of " + r.measured() + " rounds";
        return line;
    }

    /** What every output says about the figures of the scenario tables. */
    String scoresNote() {
        return "Scores: " + (rounds > 1 ? rounds + " interleaved rounds per scenario (every implementation once per round, "
                + "seconds apart, the order rotating); " : "one round; ")
                + "a round's score is the median of its JMH measurement iterations; the score shown is the median over the rounds, "
                + "with the rounds' min … max. \"Vela ÷ this\" is taken within each round and shown as the median of those "
                + "ratios with their min … max (above 1 = Vela faster); " + RoundStats.UNSTABLE_NOTE
                + " Channel scores are messages delivered to the consumer per second; the async ping-pong's are round trips per second.";
    }

    // ---- console -------------------------------------------------------------------------------

    String console(List<Outcome> outcomes) {
        StringBuilder sb = new StringBuilder();
        sb.append(environment()).append('\n').append(settings).append('\n').append(scoresNote()).append("\n\n");
        sb.append("== The seed's performance table, measured honestly, with the peers\n")
                .append(SeedTable.console(seedRows(outcomes), go)).append('\n');
        sb.append("== Every scenario\n\n");
        for (Scenario s : scenarios(outcomes)) {
            int nameWidth = Math.max(34, s.rows().stream().mapToInt(o -> implName(o.c()).length()).max().orElse(0));
            String fmt = "  %-" + nameWidth + "s %-26s %-22s %-7s %-22s %s%n";  // wider for a long name (Kotlin's StateFlow)
            sb.append("== ").append(s.title()).append("  [").append(s.first().benchmark()).append("]\n");
            sb.append(String.format(Locale.ROOT, fmt, (Object[]) row("implementation", header(s))));
            for (Outcome o : s.rows()) sb.append(String.format(Locale.ROOT, fmt, (Object[]) row(implName(o.c()), cells(s, o))));
            String sum = summary(s);
            if (!sum.isEmpty()) sb.append("  ").append(sum).append('\n');
            for (String note : RoundStats.notes(s)) sb.append("  ").append(note).append('\n');
            sb.append('\n');
        }
        if (!spawn.isEmpty()) {
            sb.append("== ").append(SPAWN_HEADER).append('\n');
            sb.append(String.format(Locale.ROOT, "  %-48s %-14s %-26s %-26s%n", "implementation", "submit, mean", "p50 (min … max)", "p99 (min … max)"));
            for (SpawnLatencyBench.Row r : spawn)
                sb.append(String.format(Locale.ROOT, "  %-48s %-14s %-26s %-26s%n", r.name(), r.ok() ? micros(r.submitMeanMicros()) : "failed: " + r.error(),
                        r.ok() ? micros(r.p50Micros()) + " (" + micros(r.p50MinMicros()) + " … " + micros(r.p50MaxMicros()) + ")" : "",
                        r.ok() ? micros(r.p99Micros()) + " (" + micros(r.p99MinMicros()) + " … " + micros(r.p99MaxMicros()) + ")" : ""));
            sb.append("  ").append(SPAWN_NOTE).append("\n\n");
        }
        if (!memory.isEmpty()) {
            sb.append("== ").append(memoryHeader()).append('\n');
            for (MemoryTable t : memoryTables()) {
                sb.append("  -- ").append(t.title()).append('\n');
                sb.append(String.format(Locale.ROOT, "  %-34s %-14s %-16s %-14s %-18s %s%n", "implementation", "bytes/message",
                        "min … max", "empty channel", "full channel ÷ N", "Vela ÷ this"));
                for (MemoryBench.Row r : t.rows())
                    sb.append(String.format(Locale.ROOT, "  %-34s %-14s %-16s %-14s %-18s %s%n", r.name(), bytes(r),
                            memRange(r), emptyBytes(r), fullBytes(r), r.impl().equals("vela") ? "" : ratioText(t.ratio(r))));
            }
            sb.append("  ").append(MEMORY_NOTE).append("\n\n");
        }
        return sb.toString();
    }

    // ---- spawn latency -------------------------------------------------------------------------

    static final String SPAWN_HEADER = "spawn → completion latency and submission cost (µs, from a platform thread; lower is better)";
    static final String SPAWN_NOTE = "Per spawn: t0, spawn a task that returns nanoTime(), t1, join. Submission = t1 − t0; "
            + "spawn → completion = the task's stamp − t0 (the caller's wake-up from join is not counted). One HdrHistogram per "
            + "round; each figure is the median over the rounds, with the rounds' min … max.";

    static String micros(double v) {
        return Double.isNaN(v) ? "—" : String.format(Locale.ROOT, v >= 100 ? "%.0f µs" : "%.2f µs", v);
    }

    // ---- memory --------------------------------------------------------------------------------

    String memoryHeader() {
        int repeats = memory.isEmpty() ? MemoryBench.REPEATS : memory.getFirst().repeats();
        return "memory per buffered message (bytes, median of " + repeats + "; lower is better, so Vela ÷ this below 1 = Vela smaller)";
    }
    static final String MEMORY_NOTE = "Retained heap (after full GC) with N copies of one shared Integer buffered, minus "
            + "the same channels empty, ÷ N: the element itself is not counted. \"empty channel\" is the retained size "
            + "of one empty channel, including a preallocated buffer; \"full channel ÷ N\" = empty channel ÷ N + bytes/message, "
            + "the whole cost per value of a full channel. Ratios are shown only when the peer uses ≥ 1 byte/message.";

    /** One memory scenario: its rows and the ratio Vela ÷ peer in bytes per message. */
    record MemoryTable(String title, List<MemoryBench.Row> rows) {
        double ratio(MemoryBench.Row peer) {
            MemoryBench.Row v = rows.stream().filter(r -> r.impl().equals("vela") && r.ok()).findFirst().orElse(null);
            return v == null || !peer.ok() || peer.bytesPerMessage() < 1 ? Double.NaN
                    : Math.max(0, v.bytesPerMessage()) / peer.bytesPerMessage();
        }
    }

    List<MemoryTable> memoryTables() {
        Map<MemoryBench.Scenario, List<MemoryBench.Row>> by = new LinkedHashMap<>();
        for (MemoryBench.Row r : memory) by.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r);
        List<MemoryTable> tables = new ArrayList<>();
        by.forEach((sc, rows) -> tables.add(new MemoryTable(String.format(Locale.ROOT, "%s, N = %,d buffered",
                sc.title(), sc.messages()), rows)));
        return tables;
    }

    private static String bytes(MemoryBench.Row r) {
        return r.ok() ? String.format(Locale.ROOT, "%.2f", r.bytesPerMessage()) : "failed: " + r.error();
    }

    private static String memRange(MemoryBench.Row r) {
        return r.ok() ? String.format(Locale.ROOT, "%.2f … %.2f", r.minPerMessage(), r.maxPerMessage()) : "";
    }

    private static String fullBytes(MemoryBench.Row r) {
        return r.ok() ? String.format(Locale.ROOT, "%.2f", r.fullPerMessage()) : "";
    }

    private static String emptyBytes(MemoryBench.Row r) {
        return r.ok() ? String.format(Locale.ROOT, "%,.0f B", r.emptyBytes()) : "";
    }

    // ---- files ---------------------------------------------------------------------------------

    void write(List<Outcome> outcomes) throws IOException {
        Files.createDirectories(dir);
        List<Scenario> scenarios = scenarios(outcomes);
        Files.writeString(dir.resolve("results.md"), markdown(outcomes, scenarios));
        Files.writeString(dir.resolve("results.json"), json(outcomes, scenarios));
        Files.writeString(dir.resolve("index.html"), HtmlReport.page(this, outcomes, scenarios));
    }

    private String markdown(List<Outcome> outcomes, List<Scenario> scenarios) {
        StringBuilder sb = new StringBuilder("# Vela benchmark results\n\n");
        sb.append("- JDK: ").append(jdk).append("\n- CPUs: ").append(cpus)
                .append("\n- OS: ").append(os)
                .append("\n- Commit: ").append(commit).append("\n- Date: ").append(date)
                .append("\n- Settings: ").append(settings)
                .append("\n- Rounds: ").append(rounds)
                .append("\n- ").append(scoresNote()).append("\n\n");
        sb.append("## The seed's performance table, measured honestly, with the peers\n\n")
                .append(SeedTable.markdown(seedRows(outcomes), go)).append('\n');
        if (!spawn.isEmpty()) {
            sb.append("## ").append(SPAWN_HEADER).append("\n\n").append(SPAWN_NOTE).append("\n\n")
                    .append("| implementation | submission, mean | p50 | p50 min … max | p99 | p99 min … max | samples |\n|---|---:|---:|---:|---:|---:|---:|\n");
            for (SpawnLatencyBench.Row r : spawn)
                sb.append("| ").append(r.name()).append(" | ").append(r.ok() ? micros(r.submitMeanMicros()) : "failed: " + r.error())
                        .append(" | ").append(micros(r.p50Micros())).append(" | ").append(micros(r.p50MinMicros())).append(" … ")
                        .append(micros(r.p50MaxMicros())).append(" | ").append(micros(r.p99Micros())).append(" | ")
                        .append(micros(r.p99MinMicros())).append(" … ").append(micros(r.p99MaxMicros())).append(" | ")
                        .append(r.samples()).append(" |\n");
            sb.append('\n');
        }
        for (Scenario s : scenarios) {
            sb.append("## ").append(s.title()).append("\n\n`").append(s.first().scenario()).append("`\n\n");
            markdownRow(sb, row("implementation", header(s)));
            sb.append("|---|---:|---:|---:|---:|---:|\n");
            for (Outcome o : s.rows()) markdownRow(sb, row(implName(o.c()), cells(s, o)));
            String sum = summary(s);
            if (!sum.isEmpty()) sb.append('\n').append(sum).append('\n');
            for (String note : RoundStats.notes(s)) sb.append('\n').append(note).append('\n');
            sb.append('\n');
        }
        if (!memory.isEmpty()) {
            sb.append("## ").append(memoryHeader()).append("\n\n").append(MEMORY_NOTE).append("\n\n");
            for (MemoryTable t : memoryTables()) {
                sb.append("### ").append(t.title()).append("\n\n| implementation | bytes/message, median | min … max "
                        + "| empty channel | full channel ÷ N | Vela ÷ this (lower = Vela smaller) |\n|---|---:|---:|---:|---:|---:|\n");
                for (MemoryBench.Row r : t.rows())
                    sb.append("| ").append(r.name()).append(" | ").append(bytes(r)).append(" | ").append(memRange(r))
                            .append(" | ").append(emptyBytes(r)).append(" | ").append(fullBytes(r)).append(" | ")
                            .append(r.impl().equals("vela") ? "" : ratioText(t.ratio(r))).append(" |\n");
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** {@code first} followed by {@code rest}, as an array for a format or a table row. */
    static String[] row(String first, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all.toArray(String[]::new);
    }

    private static void markdownRow(StringBuilder sb, String... cells) {
        sb.append('|');
        for (String c : cells) sb.append(' ').append(c.replace("|", "\\|")).append(" |");
        sb.append('\n');
    }

    String json(List<Outcome> outcomes, List<Scenario> scenarios) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"jdk\": ").append(q(jdk)).append(",\n  \"cpus\": ").append(cpus)
                .append(",\n  \"os\": ").append(q(os))
                .append(",\n  \"commit\": ").append(q(commit)).append(",\n  \"date\": ").append(q(date))
                .append(",\n  \"settings\": ").append(q(settings))
                .append(",\n  \"rounds\": ").append(rounds)
                .append(",\n  \"scores\": ").append(q(scoresNote()))
                .append(",\n  \"seedTable\": ").append(SeedTable.json(seedRows(outcomes), go))
                .append(",\n  \"spawnLatency\": [");
        for (int i = 0; i < spawn.size(); i++) {
            SpawnLatencyBench.Row r = spawn.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"impl\": ").append(q(r.impl())).append(", \"name\": ").append(q(r.name()))
                    .append(", \"submitMeanMicros\": ").append(num(r.submitMeanMicros()))
                    .append(", \"p50Micros\": ").append(num(r.p50Micros())).append(", \"p99Micros\": ").append(num(r.p99Micros()))
                    .append(", \"samples\": ").append(r.samples())
                    .append(", \"error\": ").append(r.ok() ? "null" : q(r.error())).append('}');
        }
        sb.append(spawn.isEmpty() ? "]" : "\n  ]").append(",\n  \"scenarios\": [");
        for (int i = 0; i < scenarios.size(); i++) {
            Scenario s = scenarios.get(i);
            Outcome best = s.bestPeer();
            RoundStats.Ratio bestRatio = best == null ? RoundStats.Ratio.NONE : s.ratio(best);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"title\": ").append(q(s.title()))
                    .append(", \"benchmark\": ").append(q(s.first().benchmark()))
                    .append(", \"id\": ").append(q(s.first().scenario()))
                    .append(", \"unit\": ").append(q(isSpawn(s.first()) ? "spawn+join/s" : isAsync(s.first()) ? "round trips/s" : isWatch(s.first()) ? watchUnit(s.first()) : "messages/s"))
                    .append(", \"bestPeer\": ").append(best == null ? "null" : q(best.c().impl()))
                    .append(", \"velaOverBestPeer\": ").append(num(bestRatio.median()))
                    .append(", \"velaOverBestPeerSpread\": ").append(bestRatio.json())
                    .append(", \"results\": [");
            for (int j = 0; j < s.rows().size(); j++) {
                Outcome o = s.rows().get(j);
                RoundStats.Ratio r = s.ratio(o);
                sb.append(j == 0 ? "\n" : ",\n").append("      {\"impl\": ").append(q(o.c().impl()))
                        .append(", \"name\": ").append(q(implName(o.c())))
                        .append(", \"median\": ").append(num(o.median()))
                        .append(", \"min\": ").append(num(o.min()))
                        .append(", \"max\": ").append(num(o.max()))
                        .append(", \"samples\": ").append(o.samples())
                        .append(", \"rounds\": ").append(o.rounds())
                        .append(", \"measured\": ").append(o.measured())
                        .append(", \"perRound\": ").append(RoundStats.perRoundJson(o))
                        .append(", \"failures\": ").append(strings(o.failures()))
                        .append(", \"velaOverThis\": ").append(num(r.median()))
                        .append(", \"velaOverThisSpread\": ").append(r.json())
                        .append(", \"error\": ").append(o.ok() ? "null" : q(o.error())).append('}');
            }
            sb.append("\n    ]}");
        }
        sb.append("\n  ],\n  \"memory\": {\"title\": ").append(q(memoryHeader())).append(", \"unit\": \"bytes/message\", "
                + "\"lowerIsBetter\": true, \"scenarios\": [");
        List<MemoryTable> tables = memoryTables();
        for (int i = 0; i < tables.size(); i++) {
            MemoryTable t = tables.get(i);
            MemoryBench.Scenario sc = t.rows().getFirst().scenario();
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"title\": ").append(q(t.title()))
                    .append(", \"capacity\": ").append(sc.capacity() == Pipe.UNBOUNDED ? "null" : sc.capacity())
                    .append(", \"messages\": ").append(sc.messages()).append(", \"results\": [");
            for (int j = 0; j < t.rows().size(); j++) {
                MemoryBench.Row r = t.rows().get(j);
                sb.append(j == 0 ? "\n" : ",\n").append("      {\"impl\": ").append(q(r.impl()))
                        .append(", \"name\": ").append(q(r.name()))
                        .append(", \"bytesPerMessage\": ").append(num(r.bytesPerMessage()))
                        .append(", \"min\": ").append(num(r.minPerMessage()))
                        .append(", \"max\": ").append(num(r.maxPerMessage()))
                        .append(", \"emptyChannelBytes\": ").append(num(r.emptyBytes()))
                        .append(", \"fullChannelPerMessage\": ").append(num(r.fullPerMessage()))
                        .append(", \"velaOverThis\": ").append(r.impl().equals("vela") ? "null" : num(t.ratio(r)))
                        .append(", \"error\": ").append(r.ok() ? "null" : q(r.error())).append('}');
            }
            sb.append("\n    ]}");
        }
        return sb.append(tables.isEmpty() ? "]}\n}\n" : "\n  ]}\n}\n").toString();
    }

    private static String strings(List<String> v) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) sb.append(i == 0 ? "" : ", ").append(q(v.get(i)));
        return sb.append(']').toString();
    }

    static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "null";
        return String.format(Locale.ROOT, Math.abs(v) >= 1000 ? "%.0f" : "%.4f", v);
    }

    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> { if (ch < 0x20) sb.append(String.format("\\u%04x", (int) ch)); else sb.append(ch); }
            }
        }
        return sb.append('"').toString();
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0 || out.isEmpty() || out.contains(" ")) return "unknown";
            Process d = new ProcessBuilder("git", "status", "--porcelain", "--untracked-files=no").redirectErrorStream(true).start();
            boolean dirty = !new String(d.getInputStream().readAllBytes()).isBlank();
            d.waitFor(5, TimeUnit.SECONDS);
            return dirty ? out + "-dirty" : out;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "unknown";
        }
    }
}
