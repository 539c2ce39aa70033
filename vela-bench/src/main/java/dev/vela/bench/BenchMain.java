package dev.vela.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Statistics;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ./vela bench}: runs every benchmark of this module one by one through the JMH Runner API
 * (Vela and its peers in the same run), prints a progress line per benchmark, then a table per
 * scenario with messages/s (median of the measurement iterations) and the ratio Vela ÷ each peer,
 * and writes results.md, results.json and index.html to {@code target/vela-bench/}. The last
 * "benchmark" is {@link MemoryBench} (plain Java, not JMH): memory per buffered message, in this JVM.
 *
 * <pre>
 *   --quick          smoke run: in-process (no fork), 1 × 0.1 s warmup, 2 × 0.1 s measurement; numbers not comparable
 *   (default)        1 fork, 2 × 1 s warmup, 3 × 1 s measurement — about 6 minutes on 2 cores
 *   --full           publication grade: 3 forks, 5 × 1 s warmup, 5 × 2 s measurement (about an hour)
 *   --forks N        N forked JVMs per benchmark instead of the settings' own (0 = in-process); the
 *                    machine can be bimodal from one JVM to the next, and more forks average that out
 *   --filter REGEX   only benchmarks whose id matches, e.g. "Spsc|Unbounded" or "impl=(vela|jox)"
 *   --out DIR        where to write the report (default target/vela-bench)
 *   --list           print the benchmark ids and exit
 *   --verbose        show JMH's own output
 * </pre>
 */
public final class BenchMain {
    /** Every benchmark class, in the order they run and are reported. */
    static final List<Class<?>> BENCHMARKS = List.of(SpscBench.class, UnboundedBench.class,
            RendezvousBench.class, MpscBench.class, ChainBench.class, PairsBench.class, SelectBench.class,
            AsyncBench.class, WorkerSpawnBench.class);

    /** How long JMH lets one iteration run before it interrupts it (a hung implementation). */
    static final TimeValue ITERATION_TIMEOUT = TimeValue.seconds(90);

    record Settings(String name, int forks, int warmups, TimeValue warmupTime, int iterations, TimeValue iterationTime) {
        double estimateSeconds() {  // per benchmark: JVM start + iterations + the last invocation's overshoot
            double perFork = (forks == 0 ? 0.2 : 1.5) + warmups * seconds(warmupTime) + iterations * seconds(iterationTime)
                    + 0.05 * (warmups + iterations);
            return Math.max(1, forks) * perFork;
        }

        /** The smoke-run settings (possibly with another fork count). */
        boolean quick() { return name.equals(QUICK.name()); }

        /** These settings with another fork count ({@code --forks}); 0 = in-process. */
        Settings withForks(int n) {
            return new Settings(name, n, warmups, warmupTime, iterations, iterationTime);
        }

        String describe() {
            return name + ": " + (forks == 0 ? "in-process (no fork)" : forks + " fork" + (forks > 1 ? "s" : ""))
                    + ", " + warmups + " × " + warmupTime + " warmup, " + iterations + " × " + iterationTime + " measurement";
        }

        private static double seconds(TimeValue t) { return t.convertTo(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0; }
    }

    static final Settings QUICK = new Settings("quick", 0, 1, TimeValue.milliseconds(100), 2, TimeValue.milliseconds(100));
    static final Settings DEFAULT = new Settings("default", 1, 2, TimeValue.seconds(1), 3, TimeValue.seconds(1));
    static final Settings FULL = new Settings("full", 3, 5, TimeValue.seconds(1), 5, TimeValue.seconds(2));

    /** One benchmark method with one set of parameter values. */
    record Case(Class<?> type, String method, Map<String, String> params) {
        String benchmark() { return type.getSimpleName() + "." + method; }
        String impl() { return params.getOrDefault("impl", "?"); }
        /** Everything but the implementation: cases with the same scenario are compared with each other. */
        String scenario() {
            StringBuilder sb = new StringBuilder(benchmark());
            params.forEach((k, v) -> { if (!k.equals("impl")) sb.append(' ').append(k).append('=').append(v); });
            return sb.toString();
        }
        String id() {
            StringBuilder sb = new StringBuilder(benchmark());
            params.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            return sb.toString();
        }
    }

    /** What one case produced: the JMH iteration statistics, or why it failed. */
    record Outcome(Case c, double median, double min, double max, long samples, String error) {
        boolean ok() { return error == null; }
    }

    private BenchMain() {}

    public static void main(String[] args) throws IOException {
        int code = run(args);
        if (code != 0) System.exit(code);
    }

    /** The whole command; returns the process exit code (0 ok, 1 a benchmark failed, 2 bad usage). */
    static int run(String[] args) throws IOException {
        Settings settings = DEFAULT;
        Pattern filter = null;
        Path out = Path.of("target", "vela-bench");
        boolean list = false, verbose = false;
        Integer forks = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> settings = QUICK;
                case "--full" -> settings = FULL;
                case "--forks" -> {
                    String v = arg(args, ++i, "--forks");
                    try {
                        forks = Integer.parseInt(v);
                    } catch (NumberFormatException e) {
                        forks = -1;
                    }
                    if (forks < 0) { System.err.println("vela bench: --forks needs a count ≥ 0, not " + v); return 2; }
                }
                case "--filter" -> filter = Pattern.compile(arg(args, ++i, "--filter"));
                case "--out" -> out = Path.of(arg(args, ++i, "--out"));
                case "--list" -> list = true;
                case "--verbose" -> verbose = true;
                case "-h", "--help" -> { usage(); return 0; }
                default -> { System.err.println("vela bench: unknown option " + args[i]); usage(); return 2; }
            }
        }
        if (forks != null) settings = settings.withForks(forks);
        List<Case> cases = new ArrayList<>();
        for (Case c : allCases()) if (filter == null || filter.matcher(c.id()).find()) cases.add(c);
        if (list) { cases.forEach(c -> System.out.println(c.id())); return 0; }
        if (cases.isEmpty()) { System.err.println("vela bench: no benchmark matches " + filter); return 2; }

        Report report = new Report(settings.describe(), out);
        System.out.printf("Vela bench — %d benchmarks, %s%n%s%nestimated %s; results go to %s%n%n",
                cases.size(), settings.describe(), report.environment(),
                clock(estimate(cases, settings)), out.toAbsolutePath());
        quietJmhUnsafeWarning();
        List<Outcome> outcomes = new ArrayList<>();
        long start = System.nanoTime();
        for (int k = 0; k < cases.size(); k++) {
            Case c = cases.get(k);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double left = estimate(cases.subList(k, cases.size()), settings)  // corrected by how the estimate fared so far
                    * (k == 0 ? 1 : elapsed / estimate(cases.subList(0, k), settings));
            System.out.printf("[%2d/%d] %s elapsed, ~%s left  %-48s ", k + 1, cases.size(), clock(elapsed),
                    clock(left), c.id());
            System.out.flush();
            Outcome o;
            if (c.type() == MemoryBench.class) {
                List<MemoryBench.Row> rows = MemoryBench.run(settings.quick());
                report.memory(rows);
                o = memoryOutcome(c, rows);
            } else {
                o = runOne(c, settings, verbose);
            }
            outcomes.add(o);
            System.out.println(o.ok() ? Report.human(o.median()) + " " + Report.unit(c) : "FAILED: " + o.error());
            report.write(outcomes);  // after every benchmark, so an interrupted run still leaves its results
        }
        System.out.printf("%nDone in %s.%n%n", clock((System.nanoTime() - start) / 1e9));
        System.out.print(report.console(outcomes));
        System.out.println("Written: " + out.resolve("results.md") + ", results.json, index.html");
        return outcomes.stream().allMatch(Outcome::ok) ? 0 : 1;
    }

    private static double estimate(List<Case> cases, Settings s) {
        return cases.stream().mapToDouble(c -> c.type() == MemoryBench.class
                ? MemoryBench.estimateSeconds(s.quick()) : s.estimateSeconds()).sum();
    }

    /** The memory run as one progress line: Vela's unbounded bytes/message, or the first failure. */
    private static Outcome memoryOutcome(Case c, List<MemoryBench.Row> rows) {
        for (MemoryBench.Row r : rows)
            if (!r.ok()) return new Outcome(c, 0, 0, 0, 0, r.scenario().title() + ", " + r.name() + ": " + r.error());
        MemoryBench.Row vela = rows.stream().filter(r -> r.impl().equals("vela") && r.scenario().capacity() == Pipe.UNBOUNDED)
                .findFirst().orElseThrow();
        return new Outcome(c, vela.bytesPerMessage(), vela.minPerMessage(), vela.maxPerMessage(), MemoryBench.REPEATS, null);
    }

    static Outcome runOne(Case c, Settings s, boolean verbose) {
        ChainedOptionsBuilder opt = new OptionsBuilder()
                .include("^" + Pattern.quote(c.type().getName() + "." + c.method()) + "$")
                .forks(s.forks()).warmupIterations(s.warmups()).warmupTime(s.warmupTime())
                .measurementIterations(s.iterations()).measurementTime(s.iterationTime())
                .timeout(ITERATION_TIMEOUT).shouldFailOnError(true)
                .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
        if (s.forks() > 0) opt.jvmArgsAppend("-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow");
        c.params().forEach((k, v) -> opt.param(k, v));
        try {
            Collection<RunResult> results = new Runner(opt.build()).run();
            if (results.isEmpty()) return new Outcome(c, 0, 0, 0, 0, "no result");
            Statistics st = results.iterator().next().getPrimaryResult().getStatistics();
            return new Outcome(c, st.getPercentile(50), st.getMin(), st.getMax(), st.getN(), null);
        } catch (RunnerException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            return new Outcome(c, 0, 0, 0, 0, msg.lines().findFirst().orElse(msg));
        }
    }

    /**
     * JDK 25 warns once, on stderr, when JMH's in-process harness first uses sun.misc.Unsafe; trigger
     * it here, before the first progress line, so that the warning does not cut a line in two.
     */
    private static void quietJmhUnsafeWarning() {
        try {
            org.openjdk.jmh.util.Utils.getOffset(Probe.class, "field");
        } catch (RuntimeException | LinkageError ignored) {
            // only cosmetic
        }
    }

    private static final class Probe { @SuppressWarnings("unused") int field; }

    /** Every (benchmark method × @Param combination) of {@link #BENCHMARKS}, read from the annotations, then the memory run. */
    static List<Case> allCases() {
        List<Case> cases = new ArrayList<>();
        for (Class<?> type : BENCHMARKS) {
            List<Field> params = Arrays.stream(type.getDeclaredFields())
                    .filter(f -> f.isAnnotationPresent(Param.class)).toList();
            Method[] methods = Arrays.stream(type.getDeclaredMethods())
                    .filter(m -> m.isAnnotationPresent(Benchmark.class))
                    .sorted(Comparator.comparing(Method::getName)).toArray(Method[]::new);
            for (Method m : methods) expand(type, m.getName(), params, 0, new LinkedHashMap<>(), cases);
        }
        cases.removeIf(BenchMain::skipped);
        cases.add(MemoryBench.CASE);  // not JMH: every memory scenario and implementation in one go
        return cases;
    }

    /**
     * Combinations of @Param values that {@code ./vela bench} leaves out to keep the default run under
     * 6 minutes: a biased select over one clause has nothing to be biased about (fair vs biased is
     * measured with two clauses). Plain JMH still runs them.
     */
    static boolean skipped(Case c) {
        return c.type() == SelectBench.class && c.method().equals("oneClause") && c.impl().equals("vela-biased");
    }

    private static void expand(Class<?> type, String method, List<Field> params, int i,
                               LinkedHashMap<String, String> chosen, List<Case> into) {
        if (i == params.size()) { into.add(new Case(type, method, new LinkedHashMap<>(chosen))); return; }
        Field f = params.get(i);
        for (String v : f.getAnnotation(Param.class).value()) {
            chosen.put(f.getName(), v);
            expand(type, method, params, i + 1, chosen, into);
        }
        chosen.remove(f.getName());
    }

    private static String arg(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a value");
        return args[i];
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s / 60 + ":" + String.format("%02d", s % 60);
    }

    private static void usage() {
        System.out.println("""
                usage: ./vela bench [--quick | --full] [--forks N] [--filter REGEX] [--out DIR] [--list] [--verbose]
                  --quick         smoke run (< 1 min, in-process, numbers not comparable)
                  (default)       1 fork, 2 × 1 s warmup, 3 × 1 s measurement (about 6 minutes)
                  --full          3 forks, 5 × 1 s warmup, 5 × 2 s measurement (publication grade)
                  --forks N       N forked JVMs per benchmark instead of the above (0 = in-process)
                  --filter REGEX  only benchmarks whose id matches (see --list)
                  --out DIR       report directory (default target/vela-bench)""");
    }
}
