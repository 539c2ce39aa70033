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
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code ./vela bench}: runs every benchmark of this module one by one (Vela and its peers in the
 * same run), prints a progress line per benchmark (k of n, elapsed, estimate left), then the seed's
 * performance table extended with the peers ({@link SeedTable}) and a table per scenario, and writes
 * results.md, results.json and index.html (charts, works offline) to {@code target/vela-bench/}.
 * JMH benchmarks run through the JMH Runner API, one (method × parameters) case at a time, each in
 * its own forked JVM; the plain-Java ones ({@link SpawnLatencyBench}, {@link MemoryBench}, and
 * {@link GoBench}, the optional Go column) run in this JVM.
 *
 * <pre>
 *   (default)        1 fork, 2 × 0.3 s warmup, 5 × 0.25 s measurement per case — about 4.5 minutes on 2 cores
 *   --full           publication grade: 3 forks, 5 × 1 s warmup, 5 × 2 s measurement (about an hour)
 *   --quick          smoke run: in-process (no fork), 1 × 0.1 s warmup, 2 × 0.1 s measurement; numbers not comparable
 *   --tiny           the self-test's run: in-process, 1 × 10 ms warmup, 1 × 20 ms measurement, smallest sizes (seconds)
 *   --forks N        N forked JVMs per benchmark instead of the settings' own (0 = in-process); the
 *                    machine can be bimodal from one JVM to the next, and more forks average that out
 *   --only NAME      only one benchmark (scenario family) by its name, e.g. mpsc, chain, memory, spawnlatency (see --list)
 *   --filter REGEX   only cases whose id matches, e.g. "Spsc|Unbounded" or "impl=(vela|jox)"
 *   --out DIR        where to write the report (default target/vela-bench)
 *   --list           print the names and case ids and exit
 *   --verbose        show JMH's own output
 * </pre>
 */
public final class BenchMain {
    /**
     * Every benchmark, in the order they run: a JMH class gives one case per (@Benchmark method ×
     * @Param combination); the classes in {@link #PLAIN} are plain Java and one case each. To add a
     * benchmark, add its class here (and, for a nicer title, a line in {@link Report#title}).
     */
    static final List<Class<?>> BENCHMARKS = List.of(
            UnboundedBench.class, SpscBench.class, MpscBench.class, ChainBench.class,  // the seed's throughput rows
            SpawnLatencyBench.class, MemoryBench.class,                                 // the seed's spawn and memory rows
            RendezvousBench.class, PairsBench.class, SelectBench.class, AsyncBench.class, WorkerSpawnBench.class,
            PipelineBench.class,                                                        // issue 7: pipelines vs Pekko Streams
            BroadcastBench.class,                                                       // issue 9: broadcast vs CoW list of ABQs
            ActorBench.class,                                                           // issue 6: actors vs Pekko typed actors
            GoBench.class);                                                             // the optional Go column

    /** The plain-Java benchmarks of {@link #BENCHMARKS}, each run as one case by {@link #runPlain}. */
    static final Map<Class<?>, Case> PLAIN = Map.of(SpawnLatencyBench.class, SpawnLatencyBench.CASE,
            MemoryBench.class, MemoryBench.CASE, GoBench.class, GoBench.CASE);

    /** How long JMH lets one iteration run before it interrupts it (a hung implementation). */
    static final TimeValue ITERATION_TIMEOUT = TimeValue.seconds(90);

    /** How hard a run tries; the plain-Java benchmarks size themselves by it. */
    enum Effort { TINY, QUICK, DEFAULT, FULL }

    record Settings(Effort effort, int forks, int warmups, TimeValue warmupTime, int iterations, TimeValue iterationTime) {
        String name() { return effort.name().toLowerCase(Locale.ROOT); }

        double estimateSeconds() {  // per JMH case: JVM start + iterations + the last invocation's overshoot
            double perFork = (forks == 0 ? 0.15 : 0.6) + warmups * seconds(warmupTime) + iterations * seconds(iterationTime)
                    + 0.02 * (warmups + iterations);
            return Math.max(1, forks) * perFork;
        }

        /** A smoke run (quick or tiny, possibly with another fork count): numbers not comparable. */
        boolean quick() { return effort == Effort.QUICK || effort == Effort.TINY; }

        /** These settings with another fork count ({@code --forks}); 0 = in-process. */
        Settings withForks(int n) {
            return new Settings(effort, n, warmups, warmupTime, iterations, iterationTime);
        }

        String describe() {
            return name() + ": " + (forks == 0 ? "in-process (no fork)" : forks + " fork" + (forks > 1 ? "s" : ""))
                    + ", " + warmups + " × " + warmupTime + " warmup, " + iterations + " × " + iterationTime + " measurement"
                    + " per JMH case; scores are medians of the measurement iterations";
        }

        private static double seconds(TimeValue t) { return t.convertTo(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0; }
    }

    static final Settings TINY = new Settings(Effort.TINY, 0, 1, TimeValue.milliseconds(10), 1, TimeValue.milliseconds(20));
    static final Settings QUICK = new Settings(Effort.QUICK, 0, 1, TimeValue.milliseconds(100), 2, TimeValue.milliseconds(100));
    static final Settings DEFAULT = new Settings(Effort.DEFAULT, 1, 2, TimeValue.milliseconds(300), 5, TimeValue.milliseconds(250));
    static final Settings FULL = new Settings(Effort.FULL, 3, 5, TimeValue.seconds(1), 5, TimeValue.seconds(2));

    /** One benchmark method with one set of parameter values (or one plain-Java benchmark). */
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
        /** The {@code --only} name of its benchmark. */
        String name() { return BenchMain.name(type); }
        boolean plain() { return PLAIN.containsKey(type); }
    }

    /** What one case produced: the iteration statistics, or why it failed. */
    record Outcome(Case c, double median, double min, double max, long samples, String error) {
        boolean ok() { return error == null; }
    }

    private BenchMain() {}

    public static void main(String[] args) throws IOException {
        int code = run(args);
        if (code != 0) System.exit(code);
    }

    /** A benchmark's {@code --only} name: its class name without "Bench", in lower case. */
    static String name(Class<?> type) {
        return type.getSimpleName().replaceFirst("Bench$", "").toLowerCase(Locale.ROOT);
    }

    /** The whole command; returns the process exit code (0 ok, 1 a benchmark failed, 2 bad usage). */
    static int run(String[] args) throws IOException {
        Settings settings = DEFAULT;
        Pattern filter = null;
        String only = null;
        Path out = Path.of("target", "vela-bench");
        boolean list = false, verbose = false;
        Integer forks = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--tiny" -> settings = TINY;
                    case "--quick" -> settings = QUICK;
                    case "--full" -> settings = FULL;
                    case "--forks" -> {
                        String v = arg(args, ++i, "--forks");
                        try {
                            forks = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            forks = -1;
                        }
                        if (forks < 0) throw new IllegalArgumentException("--forks needs a count ≥ 0, not " + v);
                    }
                    case "--filter" -> filter = Pattern.compile(arg(args, ++i, "--filter"));
                    case "--only" -> {
                        only = arg(args, ++i, "--only").toLowerCase(Locale.ROOT).replaceFirst("bench$", "");
                        if (!names().contains(only))
                            throw new IllegalArgumentException("--only: no benchmark named '" + args[i] + "'; names: " + String.join(", ", names()));
                    }
                    case "--out" -> out = Path.of(arg(args, ++i, "--out"));
                    case "--list" -> list = true;
                    case "--verbose" -> verbose = true;
                    case "-h", "--help" -> { usage(); return 0; }
                    default -> throw new IllegalArgumentException("unknown option " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) {  // includes a bad --filter regex (PatternSyntaxException)
            System.err.println("vela bench: " + e.getMessage());
            usage();
            return 2;
        }
        if (forks != null) settings = settings.withForks(forks);
        List<Case> cases = new ArrayList<>();
        for (Case c : allCases())
            if ((filter == null || filter.matcher(c.id()).find()) && (only == null || c.name().equals(only))) cases.add(c);
        if (list) {
            System.out.println("names (for --only): " + String.join(", ", names()));
            cases.forEach(c -> System.out.println(c.name() + "\t" + c.id()));
            return 0;
        }
        if (cases.isEmpty()) { System.err.println("vela bench: no benchmark matches " + (only != null ? only + " " : "") + (filter != null ? filter : "")); return 2; }

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
            Outcome o = c.plain() ? runPlain(c, settings, report, out) : runOne(c, settings, verbose);
            outcomes.add(o);
            System.out.println(o.ok() ? report.progress(o) : "FAILED: " + o.error());
            report.write(outcomes);  // after every benchmark, so an interrupted run still leaves its results
        }
        System.out.printf("%nDone in %s.%n%n", clock((System.nanoTime() - start) / 1e9));
        System.out.print(report.console(outcomes));
        System.out.println("Written: " + out.resolve("results.md") + ", results.json, index.html");
        return outcomes.stream().allMatch(Outcome::ok) ? 0 : 1;
    }

    private static List<String> names() {
        return BENCHMARKS.stream().map(BenchMain::name).toList();
    }

    private static double estimate(List<Case> cases, Settings s) {
        return cases.stream().mapToDouble(c -> c.type() == MemoryBench.class ? MemoryBench.estimateSeconds(s.effort())
                : c.type() == SpawnLatencyBench.class ? SpawnLatencyBench.estimateSeconds(s.effort())
                : c.type() == GoBench.class ? GoBench.estimateSeconds(s.effort()) : s.estimateSeconds()).sum();
    }

    /**
     * Runs one plain-Java benchmark in this JVM and hands its rows to the report; the outcome is its
     * headline figure for the progress line (Vela's), or the first failure. A skipped or failed Go
     * run is not a failure of the bench: the column is optional and the report says what happened.
     */
    static Outcome runPlain(Case c, Settings s, Report report, Path out) {
        if (c.type() == MemoryBench.class) {
            List<MemoryBench.Row> rows = MemoryBench.run(s.effort());
            report.memory(rows);
            for (MemoryBench.Row r : rows)
                if (!r.ok()) return new Outcome(c, 0, 0, 0, 0, r.scenario().title() + ", " + r.name() + ": " + r.error());
            MemoryBench.Row vela = rows.stream().filter(r -> r.impl().equals("vela") && r.scenario().capacity() == Pipe.UNBOUNDED)
                    .findFirst().orElseThrow();
            return new Outcome(c, vela.bytesPerMessage(), vela.minPerMessage(), vela.maxPerMessage(), vela.repeats(), null);
        }
        if (c.type() == SpawnLatencyBench.class) {
            List<SpawnLatencyBench.Row> rows = SpawnLatencyBench.run(SpawnLatencyBench.sizes(s.effort()));
            report.spawn(rows);
            for (SpawnLatencyBench.Row r : rows) if (!r.ok()) return new Outcome(c, 0, 0, 0, 0, r.name() + ": " + r.error());
            SpawnLatencyBench.Row vela = rows.getFirst();
            return new Outcome(c, vela.p50Micros(), vela.p50MinMicros(), vela.p50MaxMicros(), vela.samples(), null);
        }
        if (c.type() == GoBench.class) {
            report.go(GoBench.run(s.effort(), out));
            return new Outcome(c, Double.NaN, Double.NaN, Double.NaN, 0, null);
        }
        throw new IllegalArgumentException("not a plain benchmark: " + c.type().getName());
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

    /** Every (benchmark method × @Param combination) of the JMH {@link #BENCHMARKS}, read from the annotations, and the plain ones. */
    static List<Case> allCases() {
        List<Case> cases = new ArrayList<>();
        for (Class<?> type : BENCHMARKS) {
            if (PLAIN.containsKey(type)) { cases.add(PLAIN.get(type)); continue; }
            List<Field> params = Arrays.stream(type.getDeclaredFields())
                    .filter(f -> f.isAnnotationPresent(Param.class)).toList();
            Method[] methods = Arrays.stream(type.getDeclaredMethods())
                    .filter(m -> m.isAnnotationPresent(Benchmark.class))
                    .sorted(Comparator.comparing(Method::getName)).toArray(Method[]::new);
            if (methods.length == 0) throw new IllegalStateException(type.getName() + " has no @Benchmark method and is not plain");
            for (Method m : methods) {
                List<Field> all = new ArrayList<>(params);   // plus the @Params of the @State classes it takes
                for (Class<?> state : m.getParameterTypes()) {
                    if (!state.isAnnotationPresent(org.openjdk.jmh.annotations.State.class)) continue;
                    Arrays.stream(state.getDeclaredFields()).filter(f -> f.isAnnotationPresent(Param.class)).forEach(all::add);
                }
                expand(type, m.getName(), all, 0, new LinkedHashMap<>(), cases);
            }
        }
        cases.removeIf(BenchMain::skipped);
        return cases;
    }

    /**
     * Combinations of @Param values that {@code ./vela bench} leaves out to keep the default run under
     * 5 minutes: a biased select over one clause has nothing to be biased about (fair vs biased is
     * measured with two clauses); unordered {@code mapPar} is a Vela variant with no ordered peer to beat
     * (the ordered one is compared). Plain JMH still runs them.
     */
    static boolean skipped(Case c) {
        return c.type() == SelectBench.class && c.method().equals("oneClause") && c.impl().equals("vela-biased")
                || c.type() == PipelineBench.class && c.impl().equals("velaUnordered");
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
                usage: ./vela bench [--quick | --full | --tiny] [--forks N] [--only NAME] [--filter REGEX] [--out DIR] [--list] [--verbose]
                  (default)       1 fork, 2 × 0.3 s warmup, 5 × 0.25 s measurement per case (about 4.5 minutes on 2 cores)
                  --full          3 forks, 5 × 1 s warmup, 5 × 2 s measurement (publication grade, about an hour)
                  --quick         smoke run (about a minute, in-process, numbers not comparable)
                  --tiny          self-test run (seconds, in-process, numbers meaningless)
                  --forks N       N forked JVMs per benchmark instead of the above (0 = in-process)
                  --only NAME     one benchmark by name: %s
                  --filter REGEX  only cases whose id matches (see --list)
                  --out DIR       report directory (default target/vela-bench)""".formatted(String.join(", ", names())));
    }
}
