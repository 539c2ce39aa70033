package dev.vela.bench;

import dev.vela.bench.BenchMain.Outcome;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * index.html: the seed's table, the charts and every table, in one self-contained page that works
 * offline. The charts are drawn by Chart.js 4.5.1 (MIT), vendored unmodified under
 * {@code src/main/resources/dev/vela/bench/chartjs/} and inlined into the page (ADR 0013), from a
 * {@code DATA} object written here:
 * <ul>
 *   <li>{@code chart-ratios}: per scenario, Vela's advantage over Jox and over the best JDK queue (log
 *       scale; throughput ratios as they are, time and memory turned round so that above 1 = Vela better);
 *       a throughput bar is the median of the per-round ratios and its error bar their min … max over the
 *       interleaved rounds ({@link RoundStats}), drawn by a small plugin in {@link #SCRIPT};</li>
 *   <li>{@code chart-producers}: MPSC throughput against the producer count, a line per implementation;</li>
 *   <li>{@code chart-stages}: pipeline throughput against the stage count;</li>
 *   <li>{@code chart-spawn}: spawn submission cost and spawn → completion p50 / p99.</li>
 * </ul>
 * The tables carry every figure too, so the page is complete even where scripts are off.
 */
final class HtmlReport {
    static final String CHART_JS = "chartjs/chart.umd.min.js";
    private static final String[] COLORS = {"#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#5d4037"};

    private HtmlReport() {}

    static String page(Report report, List<Outcome> outcomes, List<Report.Scenario> scenarios) {
        List<SeedTable.Row> seed = report.seedRows(outcomes);
        StringBuilder sb = new StringBuilder("""
                <!doctype html><html><head><meta charset="utf-8"><title>Vela benchmark results</title>
                <style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;color:#222}
                h2{font-size:1.1em;margin:1.8em 0 .4em}h3{font-size:1em;margin:1.2em 0 .3em}small,.meta{color:#666}
                table{border-collapse:collapse;margin:.4em 0}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #eee}
                td:first-child,th:first-child{text-align:left}.chart{position:relative;height:420px;margin:1em 0}
                .tall{height:760px}</style></head><body>
                <h1>Vela benchmark results</h1>
                """);
        sb.append("<p class=meta>").append(Report.esc(report.environment())).append("<br>").append(Report.esc(report.settings()))
                .append("<br>").append(Report.esc(report.date())).append("<br>").append(Report.esc(report.scoresNote())).append("</p>\n");

        sb.append("<h2>The seed's performance table, measured honestly, with the peers</h2>\n");
        seedTable(sb, seed, report.goResult());

        sb.append("<h2>Charts</h2>\n<p id=nochart class=meta></p>\n");
        chart(sb, "chart-ratios", "Vela's advantage per scenario (× , log scale; above 1 = Vela better; bars: median over "
                + report.rounds() + " round" + (report.rounds() > 1 ? "s" : "") + ", whiskers: the rounds' min … max)", true);
        chart(sb, "chart-producers", "MPSC: throughput against producer count (msg/s delivered)", false);
        chart(sb, "chart-stages", "Pipeline: throughput against stage count (msg/s delivered at the end)", false);
        chart(sb, "chart-spawn", "Spawn: submission cost and spawn → completion latency (µs, lower is better)", false);

        sb.append("<h2>Every scenario</h2>\n");
        for (Report.Scenario s : scenarios) {
            sb.append("<h3>").append(Report.esc(s.title())).append(" <small>").append(Report.esc(s.first().scenario())).append("</small></h3>\n");
            sb.append("<table><tr>");
            for (String h : Report.row("implementation", Report.header(s))) sb.append("<th>").append(Report.esc(h)).append("</th>");
            sb.append("</tr>\n");
            for (Outcome o : s.rows()) row(sb, Report.row(Report.implName(o.c()), Report.cells(s, o)));
            sb.append("</table>\n");
            String summary = Report.summary(s);
            List<String> notes = new ArrayList<>(RoundStats.notes(s));
            if (!summary.isEmpty()) notes.addFirst(summary);
            if (!notes.isEmpty()) sb.append("<p class=meta>").append(Report.esc(String.join("\n", notes)).replace("\n", "<br>")).append("</p>\n");
        }
        if (!report.spawnRows().isEmpty()) {
            sb.append("<h2>").append(Report.esc(Report.SPAWN_HEADER)).append("</h2>\n<p class=meta>").append(Report.esc(Report.SPAWN_NOTE))
                    .append("</p>\n<table><tr><th>implementation</th><th>submission, mean</th><th>p50</th><th>p99</th><th>samples</th></tr>\n");
            for (SpawnLatencyBench.Row r : report.spawnRows())
                row(sb, r.name(), r.ok() ? Report.micros(r.submitMeanMicros()) : "failed: " + r.error(), Report.micros(r.p50Micros()),
                        Report.micros(r.p99Micros()), String.valueOf(r.samples()));
            sb.append("</table>\n");
        }
        if (!report.memoryRows().isEmpty()) {
            sb.append("<h2>").append(Report.esc(report.memoryHeader())).append("</h2>\n<p class=meta>").append(Report.esc(Report.MEMORY_NOTE)).append("</p>\n");
            for (Report.MemoryTable t : report.memoryTables()) {
                sb.append("<h3>").append(Report.esc(t.title())).append("</h3>\n<table><tr><th>implementation</th>"
                        + "<th>bytes/message, median</th><th>empty channel</th><th>Vela ÷ this</th></tr>\n");
                for (MemoryBench.Row r : t.rows())
                    row(sb, r.name(), r.ok() ? String.format(Locale.ROOT, "%.2f", r.bytesPerMessage()) : "failed: " + r.error(),
                            r.ok() ? String.format(Locale.ROOT, "%,.0f B", r.emptyBytes()) : "", r.impl().equals("vela") ? "" : ratio(t.ratio(r)));
                sb.append("</table>\n");
            }
        }
        sb.append("<script>\n").append(chartJs()).append("\n</script>\n");
        sb.append("<script>\nconst DATA = ").append(data(report, outcomes, scenarios, seed)).append(";\n").append(SCRIPT).append("</script>\n");
        return sb.append("</body></html>\n").toString();
    }

    private static void seedTable(StringBuilder sb, List<SeedTable.Row> rows, GoBench.Result go) {
        boolean g = SeedTable.showGo(go);
        sb.append("<table><tr><th>metric</th><th>Vela</th><th>Jox 1.0.1</th><th>best JDK</th>").append(g ? "<th>Go</th>" : "")
                .append("<th>Vela ÷ best peer</th><th>seed's Python figure</th></tr>\n");
        for (SeedTable.Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(SeedTable.metric(r), SeedTable.cell(r, r.vela()), SeedTable.cell(r, r.jox()),
                    SeedTable.jdkCell(r)));
            if (g) cells.add(SeedTable.cell(r, r.go()));
            cells.add(SeedTable.ratioCell(r));
            cells.add(SeedTable.seedCell(r));
            row(sb, cells.toArray(String[]::new));
        }
        sb.append("</table>\n<p class=meta>").append(Report.esc(SeedTable.goLine(go))).append("<br>")
                .append(Report.esc(SeedTable.NOTE)).append("</p>\n");
    }

    private static void chart(StringBuilder sb, String id, String title, boolean tall) {
        sb.append("<h3>").append(Report.esc(title)).append("</h3>\n<div class=\"chart").append(tall ? " tall" : "")
                .append("\"><canvas id=\"").append(id).append("\"></canvas></div>\n");
    }

    private static void row(StringBuilder sb, String... cells) {
        sb.append("<tr>");
        for (String c : cells) sb.append("<td>").append(Report.esc(c)).append("</td>");
        sb.append("</tr>\n");
    }

    private static String ratio(double r) {
        return Double.isNaN(r) ? "—" : String.format(Locale.ROOT, "%.2f×", r);
    }

    /** The vendored Chart.js, read from the jar (or the classes directory). */
    static String chartJs() {
        try (InputStream in = HtmlReport.class.getResourceAsStream(CHART_JS)) {
            if (in == null) throw new IllegalStateException("the vendored Chart.js is missing from the classpath: " + CHART_JS);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the data the charts draw --------------------------------------------------------------

    private static String data(Report report, List<Outcome> outcomes, List<Report.Scenario> scenarios, List<SeedTable.Row> seed) {
        List<String> labels = new ArrayList<>();
        List<RoundStats.Ratio> jox = new ArrayList<>(), jdk = new ArrayList<>();
        for (Report.Scenario s : scenarios) {
            labels.add(s.title());
            Outcome j = s.rows().stream().filter(o -> o.c().impl().equals("jox") && o.ok()).findFirst().orElse(null);
            Outcome best = null;
            for (Outcome o : s.rows())
                if (o.ok() && !Report.isVelaVariant(o.c()) && !o.c().impl().equals("jox") && (best == null || o.median() > best.median())) best = o;
            jox.add(j == null ? RoundStats.Ratio.NONE : s.ratio(j));
            jdk.add(best == null ? RoundStats.Ratio.NONE : s.ratio(best));
        }
        for (SeedTable.Row r : seed) {
            if (r.def().kind() == SeedTable.Kind.THROUGHPUT) continue;  // already a scenario above
            labels.add(r.def().metric());
            jox.add(single(advantage(r.vela().value(), r.jox().value())));
            jdk.add(single(advantage(r.vela().value(), r.bestJdk().value())));
        }
        GoBench.Result go = report.goResult();
        StringBuilder sb = new StringBuilder("{\n  \"ratios\": {\"labels\": ").append(strings(labels))
                .append(", \"series\": [").append(ratioSeries("vs Jox 1.0.1", jox)).append(", ")
                .append(ratioSeries("vs best JDK queue", jdk)).append("]},\n");
        sb.append("  \"producers\": ").append(sweep(outcomes, "MpscBench.mpsc", "producers", List.of("1", "10", "50", "100"), go, "mpsc-"))
                .append(",\n  \"stages\": ").append(sweep(outcomes, "ChainBench.chain", "stages", List.of("2", "3", "4", "5"), go, "pipeline-"));
        List<String> spawnNames = new ArrayList<>();
        List<List<Double>> spawnValues = new ArrayList<>();
        for (SpawnLatencyBench.Row r : report.spawnRows()) {
            spawnNames.add(r.name());
            spawnValues.add(List.of(r.submitMeanMicros(), r.p50Micros(), r.p99Micros()));
        }
        if (go.ok() && go.values().containsKey("spawn-p50")) {
            spawnNames.add("Go " + go.version() + " goroutine");
            spawnValues.add(List.of(go.values().getOrDefault("spawn-submit", Double.NaN), go.values().get("spawn-p50"),
                    go.values().getOrDefault("spawn-p99", Double.NaN)));
        }
        sb.append(",\n  \"spawn\": ").append(series(List.of("submission, mean", "spawn → completion p50", "spawn → completion p99"),
                spawnNames, spawnValues)).append("\n}");
        return sb.toString();
    }

    /** A figure measured once (spawn, memory) as a ratio of one round, so that it has no error bar. */
    private static RoundStats.Ratio single(double value) {
        return new RoundStats.Ratio(new double[] {value}, Double.NaN);
    }

    /**
     * One series of the ratio chart: the medians ({@code values}), the rounds' {@code min} and {@code max}
     * (null where there is only one round or no ratio), how many rounds each rests on and the unstable flags.
     */
    private static String ratioSeries(String name, List<RoundStats.Ratio> ratios) {
        Function<Function<RoundStats.Ratio, Double>, String> column = f -> numbers(ratios.stream().map(f).toList());
        return "{\"name\": " + Report.q(name)
                + ", \"values\": " + column.apply(RoundStats.Ratio::median)
                + ", \"min\": " + column.apply(r -> r.rounds() > 1 ? r.min() : Double.NaN)
                + ", \"max\": " + column.apply(r -> r.rounds() > 1 ? r.max() : Double.NaN)
                + ", \"rounds\": " + join(ratios, r -> String.valueOf(r.measured()))
                + ", \"unstable\": " + join(ratios, r -> String.valueOf(r.unstable())) + "}";
    }

    /** Vela's advantage over one peer, turned so that above 1 = Vela better (lower-is-better values). */
    private static double advantage(double vela, double peer) {
        if (Double.isNaN(vela) || Double.isNaN(peer) || vela <= 0 || peer < 1e-9) return Double.NaN;
        return peer / vela;
    }

    /** One line per implementation through {@code benchmark}'s cases, x = the values of {@code param}. */
    private static String sweep(List<Outcome> outcomes, String benchmark, String param, List<String> xs, GoBench.Result go, String goPrefix) {
        Map<String, Double[]> byImpl = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            if (!o.c().benchmark().equals(benchmark) || !o.ok()) continue;
            int x = xs.indexOf(o.c().params().get(param));
            if (x < 0) continue;
            byImpl.computeIfAbsent(Report.implName(o.c()), k -> new Double[xs.size()])[x] = o.median();
        }
        if (go.ok()) {
            Double[] v = new Double[xs.size()];
            for (int i = 0; i < xs.size(); i++) v[i] = go.values().get(goPrefix + xs.get(i));
            byImpl.put("Go " + go.version(), v);
        }
        List<String> names = new ArrayList<>(byImpl.keySet());
        List<List<Double>> values = new ArrayList<>();
        for (Double[] v : byImpl.values()) {
            List<Double> l = new ArrayList<>();
            for (Double d : v) l.add(d == null ? Double.NaN : d);
            values.add(l);
        }
        return series(xs, names, values);
    }

    private static String series(List<String> labels, List<String> names, List<List<Double>> values) {
        StringBuilder sb = new StringBuilder("{\"labels\": ").append(strings(labels)).append(", \"series\": [");
        for (int i = 0; i < names.size(); i++)
            sb.append(i == 0 ? "" : ", ").append("{\"name\": ").append(Report.q(names.get(i))).append(", \"values\": ")
                    .append(numbers(values.get(i))).append('}');
        return sb.append("]}").toString();
    }

    private static String strings(List<String> v) {
        return join(v, Report::q);
    }

    private static String numbers(List<Double> v) {
        return join(v, Report::num);
    }

    private static <T> String join(List<T> v, Function<T, String> f) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < v.size(); i++) sb.append(i == 0 ? "" : ", ").append(f.apply(v.get(i)));
        return sb.append(']').toString();
    }

    /** Draws the four charts from DATA; says so on the page if Chart.js did not load. */
    private static final String SCRIPT = """
            (function () {
              const colors = %s;
              if (typeof Chart === 'undefined') {
                document.getElementById('nochart').textContent = 'Chart.js did not load: the tables below have every figure.';
                return;
              }
              Chart.defaults.animation = false;
              Chart.defaults.maintainAspectRatio = false;
              const datasets = (d, fill) => d.series.map((s, i) => ({label: s.name, data: s.values,
                  backgroundColor: colors[i %% colors.length], borderColor: colors[i %% colors.length], spanGaps: true, fill: fill,
                  errMin: s.min, errMax: s.max, nRounds: s.rounds, isUnstable: s.unstable}));
              // error bars on the horizontal ratio bars: a whisker from the rounds' min to their max
              const errorBars = {id: 'errorBars', afterDatasetsDraw(chart) {
                const ctx = chart.ctx, x = chart.scales.x;
                chart.data.datasets.forEach((ds, i) => {
                  if (!ds.errMin || !chart.isDatasetVisible(i)) return;
                  chart.getDatasetMeta(i).data.forEach((bar, j) => {
                    const lo = ds.errMin[j], hi = ds.errMax[j];
                    if (lo == null || hi == null) return;
                    const x0 = x.getPixelForValue(lo), x1 = x.getPixelForValue(hi), y = bar.y, h = 3;
                    ctx.save();
                    ctx.strokeStyle = '#222';
                    ctx.lineWidth = 1.2;
                    ctx.beginPath();
                    ctx.moveTo(x0, y); ctx.lineTo(x1, y);
                    ctx.moveTo(x0, y - h); ctx.lineTo(x0, y + h);
                    ctx.moveTo(x1, y - h); ctx.lineTo(x1, y + h);
                    ctx.stroke();
                    ctx.restore();
                  });
                });
              }};
              const ratioLabel = (c) => {
                const ds = c.dataset, j = c.dataIndex, v = c.parsed.x;
                let s = ds.label + ': ' + (v == null ? '—' : v.toFixed(2) + '×');
                if (ds.errMin && ds.errMin[j] != null) s += ' (rounds ' + ds.errMin[j].toFixed(2) + ' … ' + ds.errMax[j].toFixed(2) + ', ' + ds.nRounds[j] + ' rounds)';
                if (ds.isUnstable && ds.isUnstable[j]) s += ' unstable';
                return s;
              };
              new Chart(document.getElementById('chart-ratios'), {type: 'bar', plugins: [errorBars],
                data: {labels: DATA.ratios.labels, datasets: datasets(DATA.ratios, true)},
                options: {indexAxis: 'y', plugins: {tooltip: {callbacks: {label: ratioLabel}}}, scales: {x: {type: 'logarithmic', title: {display: true,
                  text: "Vela's advantage (×): Vela ÷ peer for msg/s (median of the rounds' ratios), peer ÷ Vela for µs and bytes; 1 = even"}}}}});
              const line = (id, d, x) => new Chart(document.getElementById(id), {type: 'line',
                data: {labels: d.labels, datasets: datasets(d, false)},
                options: {scales: {x: {title: {display: true, text: x}}, y: {beginAtZero: true, title: {display: true, text: 'messages/s'}}}}});
              line('chart-producers', DATA.producers, 'producers (× 1,000 messages each, one consumer, unbounded channel)');
              line('chart-stages', DATA.stages, 'stages (channels in a row, 10,000 messages)');
              new Chart(document.getElementById('chart-spawn'), {type: 'bar',
                data: {labels: DATA.spawn.labels, datasets: datasets(DATA.spawn, true)},
                options: {scales: {y: {type: 'logarithmic', title: {display: true, text: 'µs (log scale)'}}}}});
            })();
            """.formatted(arrayOf(COLORS));

    private static String arrayOf(String[] v) {
        return join(List.of(v), Report::q);
    }
}
