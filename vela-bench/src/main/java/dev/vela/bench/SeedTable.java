package dev.vela.bench;

import dev.vela.bench.BenchMain.Outcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The seed's "Performance Summary" table (reference §4, the 13 benchmarks), done honestly and
 * extended: metric | Vela | Jox | best JDK | (Go) | Vela ÷ best peer | the seed's Python figure.
 *
 * <p>Where each figure comes from: throughput rows from the JMH cases of {@link UnboundedBench},
 * {@link SpscBench} (capacity 1000), {@link MpscBench} and {@link ChainBench}; spawn rows from
 * {@link SpawnLatencyBench}; memory rows from {@link MemoryBench}; the Go column from {@link GoBench}.
 * "Best JDK" is the best JDK queue that fits the scenario (highest throughput, lowest time or bytes);
 * "best peer" is the better of Jox and the best JDK queue (Go is shown for scale, not in the ratio: a
 * user choosing a JVM library cannot pick it). The ratio is always literally Vela ÷ best peer, so it
 * reads "above 1 = Vela better" for throughput and "below 1 = Vela better" for time and memory;
 * {@link Row#advantage()} turns it the same way round for every row (used by the chart). Throughput
 * figures come from interleaved rounds: each is the median of the case's round medians, and the
 * throughput ratio is the median of the per-round ratios Vela ÷ best peer, shown with its min … max
 * over the rounds ({@link RoundStats}); the best peer is the one with the highest median.
 */
final class SeedTable {
    private SeedTable() {}

    /** What a row measures; time and memory are lower-is-better. */
    enum Kind {
        THROUGHPUT("msg/s", false), LATENCY("µs", true), MEMORY("bytes/message", true);

        final String unit;
        final boolean lowerIsBetter;

        Kind(String unit, boolean lowerIsBetter) {
            this.unit = unit;
            this.lowerIsBetter = lowerIsBetter;
        }
    }

    /**
     * One row's definition. {@code source}: for throughput the JMH benchmark ({@code Class.method})
     * with {@code params} (besides impl) to match; for latency "submit", "p50" or "p99"; for memory
     * "bounded" (capacity 100) or "unbounded". {@code seed} is the Python prototype's figure as
     * reported, {@code seedNote} what it really measured.
     */
    record Def(String key, String metric, Kind kind, String source, Map<String, String> params, String seed, String seedNote) {}

    static final List<Def> DEFS = defs();

    private static List<Def> defs() {
        List<Def> d = new ArrayList<>();
        d.add(new Def("unbounded", "Unbounded channel, SPSC, 100,000 msgs: delivery throughput", Kind.THROUGHPUT,
                "UnboundedBench.spsc", Map.of(), "1.26M msg/s", "producer-side enqueue time only (W20)"));
        d.add(new Def("bounded", "Bounded channel, capacity 1000, SPSC, 100,000 msgs: delivery throughput", Kind.THROUGHPUT,
                "SpscBench.spsc", Map.of("capacity", "1000"), "581k msg/s", "100,000 ÷ max(producer, consumer time)"));
        d.add(new Def("spawn-submit", "Spawn: submission cost (mean)", Kind.LATENCY, "submit", Map.of(), "17 µs",
                "mean time of 1,000 spawn calls: the only thing measured (W21)"));
        d.add(new Def("spawn-p50", "Spawn → completion latency, p50", Kind.LATENCY, "p50", Map.of(), "32 µs",
                "\"avg total\": total time ÷ 1,000, a throughput inverse, not a latency"));
        d.add(new Def("spawn-p99", "Spawn → completion latency, p99", Kind.LATENCY, "p99", Map.of(), "—", "no percentiles"));
        String[] mpscSeed = {"647k", "613k", "653k", "711k"};
        int[] producers = {1, 10, 50, 100};
        for (int i = 0; i < producers.length; i++)
            d.add(new Def("mpsc-" + producers[i], String.format(Locale.ROOT, "MPSC, %d producer%s × 1,000 msgs, unbounded: delivery throughput",
                    producers[i], producers[i] == 1 ? "" : "s"), Kind.THROUGHPUT, "MpscBench.mpsc",
                    Map.of("producers", String.valueOf(producers[i])), mpscSeed[i] + " msg/s",
                    "timed from before the producers were spawned; GIL-bound (W22)"));
        String[] pipeSeed = {"364k", "232k", "169k", "137k"};
        for (int s = 2; s <= 5; s++)
            d.add(new Def("pipeline-" + s, "Pipeline, " + s + " stages × 10,000 msgs, unbounded: delivery throughput", Kind.THROUGHPUT,
                    "ChainBench.chain", Map.of("stages", String.valueOf(s)), pipeSeed[s - 2] + " msg/s",
                    "≈ 0.7M channel hops/s whatever the stage count (W23)"));
        d.add(new Def("memory-bounded", "Memory per buffered message, bounded capacity 100", Kind.MEMORY, "bounded", Map.of(),
                "0.47 B/msg", "allocations left over after draining ÷ N, not buffer cost (W19)"));
        d.add(new Def("memory-unbounded", "Memory per buffered message, unbounded", Kind.MEMORY, "unbounded", Map.of(),
                "1.29 B/msg", "allocations left over after draining ÷ N, not buffer cost (W19)"));
        return List.copyOf(d);
    }

    /**
     * A named figure; {@code value} is NaN when there is none. {@code source}: the JMH case's outcome
     * over the rounds the figure is the median of, for the per-round ratios; null for other figures.
     */
    record Cell(String name, double value, String extra, Outcome source) {
        static final Cell NONE = new Cell("", Double.NaN, "");

        Cell(String name, double value, String extra) {
            this(name, value, extra, null);
        }

        boolean present() { return !Double.isNaN(value); }
    }

    /** One row with its figures; {@code status} says why Vela's figure is missing ("not run", "failed: …"), else empty. */
    record Row(Def def, Cell vela, Cell jox, Cell bestJdk, Cell go, String status) {
        /** The better of Jox and the best JDK queue. */
        Cell bestPeer() {
            if (!jox.present()) return bestJdk;
            if (!bestJdk.present()) return jox;
            boolean joxBetter = def.kind().lowerIsBetter ? jox.value() < bestJdk.value() : jox.value() > bestJdk.value();
            return joxBetter ? jox : bestJdk;
        }

        /**
         * Vela ÷ best peer round by round, when both figures come from rounds (throughput); else null.
         */
        RoundStats.Ratio rounds() {
            Cell p = bestPeer();
            return vela.source() == null || p.source() == null ? null : RoundStats.ratio(vela.source(), p.source());
        }

        /**
         * Vela ÷ best peer: the median of the per-round ratios for throughput, else the ratio of the two
         * figures; NaN when a side is missing (or, for memory, the peer is below 1 byte).
         */
        double ratio() {
            RoundStats.Ratio r = rounds();
            if (r != null) return r.median();
            Cell p = bestPeer();
            if (!vela.present() || !p.present() || p.value() <= 0) return Double.NaN;
            if (def.kind() == Kind.MEMORY && p.value() < 1) return Double.NaN;
            return Math.max(0, vela.value()) / p.value();
        }

        /** The ratio turned so that above 1 means Vela is better (peer ÷ Vela for time and memory). */
        double advantage() {
            double r = ratio();
            if (Double.isNaN(r)) return r;
            if (!def.kind().lowerIsBetter) return r;
            return r <= 0 ? Double.NaN : 1 / r;
        }
    }

    /** Every row, filled from what this run measured (absent parts are NaN cells). */
    static List<Row> build(List<Outcome> outcomes, List<MemoryBench.Row> memory, List<SpawnLatencyBench.Row> spawn,
                           GoBench.Result go) {
        List<Row> rows = new ArrayList<>();
        for (Def d : DEFS) {
            Cell goCell = go.ok() && go.values().containsKey(d.key()) ? new Cell("Go " + go.version(), go.values().get(d.key()), "") : Cell.NONE;
            rows.add(switch (d.kind()) {
                case THROUGHPUT -> throughput(d, outcomes, goCell);
                case LATENCY -> latency(d, spawn, goCell);
                case MEMORY -> memory(d, memory, goCell);
            });
        }
        return rows;
    }

    private static Row throughput(Def d, List<Outcome> outcomes, Cell go) {
        List<Outcome> mine = outcomes.stream().filter(o -> o.c().benchmark().equals(d.source())
                && ConsoleOverhead.mode(o.c()) != ConsoleOverhead.Mode.ON && ConsoleOverhead.mode(o.c()) != ConsoleOverhead.Mode.STREAM  // --console: off only
                && d.params().entrySet().stream().allMatch(e -> e.getValue().equals(o.c().params().get(e.getKey())))).toList();
        Cell vela = Cell.NONE, jox = Cell.NONE, jdk = Cell.NONE;
        String status = mine.isEmpty() ? "not run" : "";
        for (Outcome o : mine) {
            if (!o.ok()) {
                if (o.c().impl().equals("vela")) status = "failed: " + o.error();
                continue;
            }
            Cell c = new Cell(Report.implName(o.c()), o.median(), "", o);
            switch (o.c().impl()) {
                case "vela" -> vela = c;
                case "jox" -> jox = c;
                default -> { if (!Report.isVelaVariant(o.c()) && (!jdk.present() || c.value() > jdk.value())) jdk = c; }
            }
        }
        if (status.isEmpty() && !vela.present()) status = "not run";
        return new Row(d, vela, jox, jdk, go, status);
    }

    private static Row latency(Def d, List<SpawnLatencyBench.Row> spawn, Cell go) {
        ToDoubleFunction<SpawnLatencyBench.Row> f = switch (d.source()) {
            case "submit" -> SpawnLatencyBench.Row::submitMeanMicros;
            case "p50" -> SpawnLatencyBench.Row::p50Micros;
            default -> SpawnLatencyBench.Row::p99Micros;
        };
        Cell vela = Cell.NONE, jdk = Cell.NONE;
        String status = spawn.isEmpty() ? "not run" : "";
        for (SpawnLatencyBench.Row r : spawn) {
            if (!r.ok()) {
                if (r.impl().equals("vela")) status = "failed: " + r.error();
                continue;
            }
            Cell c = new Cell(r.name(), f.applyAsDouble(r), "");
            if (r.impl().equals("vela")) vela = c;
            else if (!jdk.present() || c.value() < jdk.value()) jdk = c;
        }
        return new Row(d, vela, new Cell("Jox 1.0.1", Double.NaN, "no workers"), jdk, go, status);
    }

    private static Row memory(Def d, List<MemoryBench.Row> memory, Cell go) {
        boolean unbounded = d.source().equals("unbounded");
        List<MemoryBench.Row> mine = memory.stream().filter(r -> unbounded ? r.scenario().capacity() == Pipe.UNBOUNDED
                : r.scenario().capacity() == 100).toList();
        Cell vela = Cell.NONE, jox = Cell.NONE, jdk = Cell.NONE;
        String status = mine.isEmpty() ? "not run" : "";
        for (MemoryBench.Row r : mine) {
            if (!r.ok()) {
                if (r.impl().equals("vela")) status = "failed: " + r.error();
                continue;
            }
            String extra = r.bytesPerMessage() < 1 ? String.format(Locale.ROOT, "empty channel %,.0f B", r.emptyBytes()) : "";
            Cell c = new Cell(r.name() + String.format(Locale.ROOT, " (N = %,d)", r.scenario().messages()), r.bytesPerMessage(), extra);
            switch (r.impl()) {
                case "vela" -> vela = c;
                case "jox" -> jox = c;
                case "clq" -> { }  // a reference, not a blocking channel: not a candidate for "best JDK"
                default -> { if (!jdk.present() || c.value() < jdk.value()) jdk = c; }
            }
        }
        return new Row(d, vela, jox, jdk, Cell.NONE, status);
    }

    // ---- rendering -----------------------------------------------------------------------------

    static String figure(Kind k, double v) {
        if (Double.isNaN(v)) return "—";
        return switch (k) {
            case THROUGHPUT -> Report.human(v);
            case LATENCY -> String.format(Locale.ROOT, v >= 100 ? "%.0f µs" : "%.2f µs", v);
            case MEMORY -> String.format(Locale.ROOT, "%.2f B", Math.max(0, v));
        };
    }

    static String cell(Row r, Cell c) {
        if (!c.present()) return c == r.vela() && !r.status().isEmpty() ? r.status() : c.extra().isEmpty() ? "—" : "— (" + c.extra() + ")";
        String s = figure(r.def().kind(), c.value());
        return c.extra().isEmpty() ? s : s + " (" + c.extra() + ")";
    }

    /** The best-JDK cell with the queue's name. */
    static String jdkCell(Row r) {
        return r.bestJdk().present() ? cell(r, r.bestJdk()) + " " + shortName(r.bestJdk().name()) : "—";
    }

    private static String shortName(String name) {
        return name.replaceAll(" \\(N = .*\\)$", "");
    }

    static String ratioCell(Row r) {
        double q = r.ratio();
        if (Double.isNaN(q)) {
            if (r.def().kind() == Kind.MEMORY && r.vela().present() && r.bestPeer().present() && r.bestPeer().value() < 1)
                return "— (peer < 1 B)";
            return "—";
        }
        RoundStats.Ratio rounds = r.rounds();
        String text = rounds == null ? String.format(Locale.ROOT, "%.2f×", q) : rounds.textWithRange();
        return text + (r.bestPeer() == r.jox() ? " (Jox)" : " (JDK)");
    }

    private static final java.util.regex.Pattern N = java.util.regex.Pattern.compile("\\(N = [0-9,]+\\)");

    static String metric(Row r) {
        java.util.regex.Matcher m = N.matcher(r.vela().name());
        return r.def().metric() + (m.find() ? " " + m.group() : "") + " [" + r.def().kind().unit + (r.def().kind().lowerIsBetter ? ", lower is better]" : "]");
    }

    static String seedCell(Row r) {
        return r.def().seed() + "; " + r.def().seedNote();
    }

    static boolean showGo(GoBench.Result go) { return go.ok(); }

    static String goLine(GoBench.Result go) {
        return go.ok() ? "Go column: " + go.version() + " (GOMAXPROCS = CPUs); Go has no unbounded channel, so \"unbounded\" "
                + "there is a buffered channel with room for every message (no send blocks); shown for scale, not in the ratio."
                : "Go column: " + go.status() + ".";
    }

    static final String NOTE = "Vela ÷ best peer: best peer = the better of Jox 1.0.1 and the best-fitting JDK queue, in the "
            + "same run; above 1 = Vela faster for msg/s, below 1 = Vela quicker or smaller for µs and bytes. Throughput = "
            + "messages delivered to the consumer per second, end to end, checksummed: per round the median of the JMH "
            + "measurement iterations, then the median over the interleaved rounds; its ratio is the median of the per-round "
            + "ratios, with their min … max in brackets (\"(unstable)\": the rounds disagree on the verdict). Spawn: from a platform thread, HdrHistogram per round, median of the rounds. Memory: retained heap "
            + "with N values buffered minus the empty channel, ÷ N, after GC, median of repeats (a preallocated ring shows 0; "
            + "its empty size is given). The seed's figures are its own single cold runs of other definitions (reference "
            + "W19–W24), quoted for comparison, not reproduced.";

    static String markdown(List<Row> rows, GoBench.Result go) {
        boolean g = showGo(go);
        StringBuilder sb = new StringBuilder("| metric | Vela | Jox 1.0.1 | best JDK | ").append(g ? "Go | " : "")
                .append("Vela ÷ best peer | seed's Python figure |\n|---|---:|---:|---:|").append(g ? "---:|" : "").append("---:|---|\n");
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(metric(r), cell(r, r.vela()), cell(r, r.jox()), jdkCell(r)));
            if (g) cells.add(cell(r, r.go()));
            cells.add(ratioCell(r));
            cells.add(seedCell(r));
            sb.append('|');
            for (String c : cells) sb.append(' ').append(c.replace("|", "\\|")).append(" |");
            sb.append('\n');
        }
        return sb.append('\n').append(goLine(go)).append("\n\n").append(NOTE).append('\n').toString();
    }

    static String console(List<Row> rows, GoBench.Result go) {
        boolean g = showGo(go);
        String fmt = "  %-84s %-24s %-20s %-48s " + (g ? "%-14s " : "%s") + "%-34s %s%n";
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, fmt, "metric", "Vela", "Jox 1.0.1", "best JDK", g ? "Go" : "", "Vela ÷ best peer", "seed (Python)"));
        for (Row r : rows)
            sb.append(String.format(Locale.ROOT, fmt, metric(r), cell(r, r.vela()), cell(r, r.jox()), jdkCell(r),
                    g ? cell(r, r.go()) : "", ratioCell(r), r.def().seed()));
        return sb.append("  ").append(goLine(go)).append('\n').toString();
    }

    static String json(List<Row> rows, GoBench.Result go) {
        StringBuilder sb = new StringBuilder("{\"go\": {\"status\": ").append(Report.q(go.status())).append(", \"version\": ")
                .append(Report.q(go.version())).append("}, \"note\": ").append(Report.q(NOTE)).append(", \"rows\": [");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"key\": ").append(Report.q(r.def().key()))
                    .append(", \"metric\": ").append(Report.q(r.def().metric()))
                    .append(", \"unit\": ").append(Report.q(r.def().kind().unit))
                    .append(", \"lowerIsBetter\": ").append(r.def().kind().lowerIsBetter)
                    .append(", \"vela\": ").append(Report.num(r.vela().value()))
                    .append(", \"jox\": ").append(Report.num(r.jox().value()))
                    .append(", \"bestJdk\": ").append(named(r.bestJdk()))
                    .append(", \"go\": ").append(Report.num(r.go().value()))
                    .append(", \"bestPeer\": ").append(named(r.bestPeer()))
                    .append(", \"velaOverBestPeer\": ").append(Report.num(r.ratio()))
                    .append(", \"velaOverBestPeerSpread\": ").append(r.rounds() == null ? "null" : r.rounds().json())
                    .append(", \"velaAdvantage\": ").append(Report.num(r.advantage()))
                    .append(", \"status\": ").append(r.status().isEmpty() ? "null" : Report.q(r.status()))
                    .append(", \"seedPython\": ").append(Report.q(r.def().seed()))
                    .append(", \"seedNote\": ").append(Report.q(r.def().seedNote())).append('}');
        }
        return sb.append("\n  ]}").toString();
    }

    private static String named(Cell c) {
        return c.present() ? "{\"name\": " + Report.q(shortName(c.name())) + ", \"value\": " + Report.num(c.value()) + "}" : "null";
    }
}
