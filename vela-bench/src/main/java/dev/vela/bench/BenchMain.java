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
import java.io.UncheckedIOException;
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
 * {@code ./vela bench}: runs every benchmark of this module (Vela and its peers in the same run),
 * prints a progress line per run (k of n, elapsed, estimate left), then the seed's performance table
 * extended with the peers ({@link SeedTable}) and a table per scenario, and writes results.md,
 * results.json and index.html (charts, works offline) to {@code target/vela-bench/}.
 *
 * <p><b>Interleaved rounds</b> (issue 21, ADR 0030). The JMH cases are grouped by scenario
 * ({@link Case#scenario()}: every implementation of one benchmark with the same other parameters).
 * Each scenario runs in N rounds ({@link Rounds}): in every round each implementation runs once, in
 * its own short forked JVM, in an order that rotates from round to round. Each round therefore gives
 * a ratio Vela ÷ peer from two measurements seconds apart, which holds on a machine whose speed
 * changes 3–4× every few minutes; the report gives the median of those per-round ratios with their
 * min … max, marks a row whose rounds disagree on the verdict "unstable", and gives each absolute
 * figure as the median of its round medians with their min … max ({@link RoundStats}). A run that
 * fails in one round leaves the other rounds' figures; a case failing in every round is reported
 * as failed. The exit code is 1 if any run failed. The plain-Java benchmarks
 * ({@link SpawnLatencyBench}, {@link MemoryBench} and {@link GoBench}, the optional Go column) run
 * once, in this JVM, between the scenarios as before.
 *
 * <pre>
 *   (default)        3 rounds; per round and case 1 fork, 1 × 1 s warmup, 2 × 0.1 s measurement — about 11 minutes on 2 cores
 *   --full           publication grade: 10 rounds; per round 1 fork, 2 × 1 s warmup, 3 × 1 s measurement (about 1.5 hours)
 *   --quick          smoke run: 2 rounds in-process (no fork), 1 × 0.1 s warmup, 1 × 0.1 s measurement; numbers not comparable
 *   --tiny           the self-test's run: 1 round in-process, 1 × 10 ms warmup, 1 × 20 ms measurement, smallest sizes (seconds)
 *   --rounds N       N rounds instead of the settings' own (N ≥ 1; time grows linearly with N)
 *   --forks N        N forked JVMs per case <em>in each round</em> instead of 1 (0 = in-process); the rounds
 *                    already repeat every case in fresh JVMs, so --rounds is the way to more samples
 *   --only NAME      only one benchmark (scenario family) by its name, e.g. mpsc, chain, memory, spawnlatency (see --list)
 *   --filter REGEX   only cases whose id matches, e.g. "Spsc|Unbounded" or "impl=(vela|jox)"
 *   --out DIR        where to write the report (default target/vela-bench)
 *   --list           print the names and case ids and exit
 *   --verbose        show JMH's own output
 *   --console [MODES] the live console's overhead (issue 22), below
 * </pre>
 *
 * <p><b>Console overhead</b> ({@code --console off,on,stream}, {@code ./vela bench --console}; {@link ConsoleOverhead}).
 * Every selected case runs once per console mode in each round, the modes interleaved and their order
 * rotating like a scenario's implementations, as separate rows (id suffix {@code console=off|on|stream}):
 * {@code off} without the console, {@code on} with {@code -Dvela.console=127.0.0.1:PORT
 * -Dvela.console.interval=1s} in the forked JVM and no browser, {@code stream} the same with one client
 * of this process reading {@code /api/stream}. A case whose console never answered (or whose stream
 * sent no event) fails. At the end a "console overhead" table (also {@code console-overhead.md} in the
 * out directory) gives per case the off score and on ÷ off, stream ÷ off as the median [min … max] of
 * the per-round ratios. Only Vela rows run in this mode: peers and the plain-Java benchmarks are left
 * out. Without {@code --filter} or {@code --only} it measures {@link ConsoleOverhead#DEFAULT_FILTER}: 8
 * cases (Vela's SPSC capacity 16, MPSC 100 producers, 5-channel chain, rendezvous hand-off; select over
 * two clauses, capacity 16 and rendezvous; pipeline 5 × map and mapPar(4)). Its settings unless
 * {@code --tiny}, {@code --quick} or {@code --full} is given: 5 rounds; per round, case and mode 1 fork,
 * 1 × 1 s warmup, 3 × 1 s measurement (each iteration spans a console sample): about 10 minutes on 2
 * cores. In-process runs ({@code --tiny}, {@code --quick}, {@code --forks 0}) start the console in this
 * JVM directly instead of by the property (the self-test's way; not a measurement).
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
            BoundedFlowBench.class,                                                     // issue 13: small-buffer chain, bounded MPSC
            PipelineBench.class,                                                        // issue 7: pipelines vs Pekko Streams
            BroadcastBench.class,                                                       // issue 9: broadcast vs CoW list of ABQs
            ActorBench.class,                                                           // issue 6: actors vs Pekko typed actors
            WatchBench.class,                                                           // issue 15: watch vs volatile + park, StateFlow
            ReceiveManyBench.class,                                                     // ADR 0039: receiveMany vs drainTo
            RouterBench.class,                                                          // ADR 0047: pool routers vs Pekko typed's
            SemaphoreBench.class,                                                       // ADR 0041: Semaphore vs j.u.c.Semaphore
            GoBench.class);                                                             // the optional Go column

    /** The plain-Java benchmarks of {@link #BENCHMARKS}, each run as one case by {@link #runPlain}. */
    static final Map<Class<?>, Case> PLAIN = Map.of(SpawnLatencyBench.class, SpawnLatencyBench.CASE,
            MemoryBench.class, MemoryBench.CASE, GoBench.class, GoBench.CASE);

    /** How long JMH lets one iteration run before it interrupts it (a hung implementation). */
    static final TimeValue ITERATION_TIMEOUT = TimeValue.seconds(90);

    /** How hard a run tries; the plain-Java benchmarks size themselves by it. */
    enum Effort { TINY, QUICK, DEFAULT, FULL }

    /**
     * How a run measures: {@code rounds} interleaved rounds per scenario; in each round, per JMH case,
     * {@code forks} forked JVMs (0 = in-process) each doing the warmup and measurement iterations.
     */
    record Settings(Effort effort, int rounds, int forks, int warmups, TimeValue warmupTime, int iterations, TimeValue iterationTime) {
        String name() { return effort.name().toLowerCase(Locale.ROOT); }

        /** One JMH case in one round: JVM start + iterations + the last invocation's overshoot (measured on 2 cores). */
        double roundSeconds() {
            double perFork = (forks == 0 ? 0.15 : 0.6) + warmups * seconds(warmupTime) + iterations * seconds(iterationTime)
                    + 0.02 * (warmups + iterations);
            return Math.max(1, forks) * perFork;
        }

        /** One JMH case over every round. */
        double estimateSeconds() { return rounds * roundSeconds(); }

        /** A smoke run (quick or tiny, possibly with another fork or round count): numbers not comparable. */
        boolean quick() { return effort == Effort.QUICK || effort == Effort.TINY; }

        /** These settings with another fork count per case and round ({@code --forks}); 0 = in-process. */
        Settings withForks(int n) {
            return new Settings(effort, rounds, n, warmups, warmupTime, iterations, iterationTime);
        }

        /** These settings with another number of rounds ({@code --rounds}). */
        Settings withRounds(int n) {
            return new Settings(effort, n, forks, warmups, warmupTime, iterations, iterationTime);
        }

        String describe() {
            return name() + ": " + rounds + " interleaved round" + (rounds > 1 ? "s" : "") + " per scenario; per round and JMH case "
                    + (forks == 0 ? "in-process (no fork)" : forks + " fork" + (forks > 1 ? "s" : ""))
                    + ", " + warmups + " × " + warmupTime + " warmup, " + iterations + " × " + iterationTime + " measurement"
                    + "; a round's score is the median of its measurement iterations";
        }

        private static double seconds(TimeValue t) { return t.convertTo(java.util.concurrent.TimeUnit.MILLISECONDS) / 1000.0; }
    }

    static final Settings TINY = new Settings(Effort.TINY, 1, 0, 1, TimeValue.milliseconds(10), 1, TimeValue.milliseconds(20));
    static final Settings QUICK = new Settings(Effort.QUICK, 2, 0, 1, TimeValue.milliseconds(100), 1, TimeValue.milliseconds(100));
    /**
     * About 11 minutes for the 115 JMH cases and the plain benchmarks on 2 cores: three forks per case
     * of about 1.9 s (0.6 s of it the JVM start). Three rounds, because a median of three survives one
     * fork on the wrong level of a bimodal benchmark; 1 s of warmup, because a fresh fork reaches its
     * steady state only after about a second: on the rendezvous hand-off Vela runs at twice its steady
     * speed in the first half second and SynchronousQueue at half of it, so warmups of 0.2 s and 0.5 s
     * put Vela ÷ SynchronousQueue at 0.54–1.10× against 0.24–0.36× in steady state (ADR 0030).
     */
    static final Settings DEFAULT = new Settings(Effort.DEFAULT, 3, 1, 1, TimeValue.seconds(1), 2, TimeValue.milliseconds(100));
    static final Settings FULL = new Settings(Effort.FULL, 10, 1, 2, TimeValue.seconds(1), 3, TimeValue.seconds(1));
    /**
     * {@code --console}'s own default: 5 rounds; per round, case and mode 1 fork, 1 × 1 s warmup, 3 × 1 s
     * measurement, so that every measurement iteration spans about one console sample (interval 1 s).
     * About 4.7 s per run: 8 cases × 3 modes × 5 rounds ≈ 10 minutes on 2 cores.
     */
    static final Settings CONSOLE = new Settings(Effort.DEFAULT, 5, 1, 1, TimeValue.seconds(1), 3, TimeValue.seconds(1));

    /** One benchmark method with one set of parameter values (or one plain-Java benchmark). */
    record Case(Class<?> type, String method, Map<String, String> params) {
        String benchmark() { return type.getSimpleName() + "." + method; }
        String impl() { return params.getOrDefault("impl", "?"); }
        /**
         * Everything but the implementation (and the console mode of {@code --console}): cases with the same
         * scenario are compared with each other, and run interleaved in rounds.
         */
        String scenario() {
            StringBuilder sb = new StringBuilder(benchmark());
            params.forEach((k, v) -> { if (!k.equals("impl") && !k.equals(ConsoleOverhead.PARAM)) sb.append(' ').append(k).append('=').append(v); });
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

    /** What one case measured in one round (or a plain benchmark in its one run): the iteration statistics, or why it failed. */
    record Run(double median, double min, double max, long samples, String error) {
        static Run failed(String error) { return new Run(Double.NaN, Double.NaN, Double.NaN, 0, error); }

        boolean ok() { return error == null; }
    }

    /**
     * What one case produced over the rounds: {@code runs.get(r)} is round r (a plain benchmark has one
     * run). Its figures are over the rounds that worked: {@link #median()} is the median of their
     * medians, {@link #min()} … {@link #max()} the range of those medians ({@link RoundStats}).
     */
    record Outcome(Case c, List<Run> runs) {
        Outcome {
            runs = List.copyOf(runs);
        }

        /** A case that ran once (a plain benchmark, or a progress line). */
        static Outcome of(Case c, Run run) { return new Outcome(c, List.of(run)); }

        /** At least one round worked. */
        boolean ok() { return measured() > 0; }

        /** Every round worked. */
        boolean complete() { return measured() == rounds(); }

        int rounds() { return runs.size(); }

        int measured() { return (int) runs.stream().filter(Run::ok).count(); }

        /** Round r's median, NaN if it failed or did not run. */
        double roundMedian(int r) {
            return r < runs.size() && runs.get(r).ok() ? runs.get(r).median() : Double.NaN;
        }

        double median() { return RoundStats.median(medians()); }

        double min() { return RoundStats.min(medians()); }

        double max() { return RoundStats.max(medians()); }

        /** Measurement iterations over every round that worked. */
        long samples() { return runs.stream().filter(Run::ok).mapToLong(Run::samples).sum(); }

        /** Why no round worked (the first round's error); null when one did. */
        String error() { return ok() ? null : runs.isEmpty() ? "not run" : runs.getFirst().error(); }

        /** "round 2: why", for each round that failed. */
        List<String> failures() {
            List<String> f = new ArrayList<>();
            for (int r = 0; r < runs.size(); r++) if (!runs.get(r).ok()) f.add("round " + (r + 1) + ": " + runs.get(r).error());
            return f;
        }

        private double[] medians() {
            double[] m = new double[runs.size()];
            for (int r = 0; r < m.length; r++) m[r] = roundMedian(r);
            return m;
        }
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
        boolean list = false, verbose = false, effortGiven = false;
        Integer forks = null, rounds = null;
        ConsoleOverhead console = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--tiny" -> { settings = TINY; effortGiven = true; }
                    case "--quick" -> { settings = QUICK; effortGiven = true; }
                    case "--full" -> { settings = FULL; effortGiven = true; }
                    case "--console" -> {  // MODES is optional: off,on,stream when the next argument is absent or an option
                        boolean given = i + 1 < args.length && !args[i + 1].startsWith("-");
                        console = new ConsoleOverhead(ConsoleOverhead.parse(given ? args[++i] : "off,on,stream"));
                    }
                    case "--forks" -> forks = count(args, ++i, "--forks", 0);
                    case "--rounds" -> rounds = count(args, ++i, "--rounds", 1);
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
        if (console != null && !effortGiven) settings = CONSOLE;
        if (forks != null) settings = settings.withForks(forks);
        if (rounds != null) settings = settings.withRounds(rounds);
        if (console != null && filter == null && only == null) filter = Pattern.compile(ConsoleOverhead.DEFAULT_FILTER);
        List<Case> cases = new ArrayList<>();
        for (Case c : allCases())
            if ((filter == null || filter.matcher(c.id()).find()) && (only == null || c.name().equals(only))) cases.add(c);
        if (console != null) {  // only Vela's JMH rows: the console watches Vela; peers and plain benchmarks are left out
            int before = cases.size();
            cases.removeIf(c -> !ConsoleOverhead.eligible(c));
            if (before > cases.size())
                System.out.println("vela bench --console: " + (before - cases.size()) + " peer or plain case(s) left out (only Vela rows are measured)");
            cases = console.expand(cases);
        }
        if (list) {
            System.out.println("names (for --only): " + String.join(", ", names()));
            cases.forEach(c -> System.out.println(c.name() + "\t" + c.id()));
            return 0;
        }
        if (cases.isEmpty()) { System.err.println("vela bench: no benchmark matches " + (only != null ? only + " " : "") + (filter != null ? filter : "")); return 2; }

        Report report = new Report((console != null ? "console overhead (modes " + String.join(",", console.modes().stream()
                .map(ConsoleOverhead.Mode::id).toList()) + "), " : "") + settings.describe(), settings.rounds(), out);
        List<List<Case>> units = units(cases);
        Progress progress = new Progress(units, settings);
        System.out.printf("Vela bench — %d benchmarks, %s%n%s%nestimated %s; results go to %s%n%n",
                cases.size(), settings.describe(), report.environment(), clock(progress.estimateLeft()), out.toAbsolutePath());
        quietJmhUnsafeWarning();
        List<Outcome> outcomes = new ArrayList<>();
        for (List<Case> unit : units) {
            if (unit.getFirst().plain()) {
                Case c = unit.getFirst();
                progress.start(c.id());
                Outcome o = runPlain(c, settings, report, out);
                progress.finish(o.ok() ? report.progress(o) : "FAILED: " + o.error());
                outcomes.add(o);
                report.write(outcomes);  // after every benchmark, so an interrupted run still leaves its results
                continue;
            }
            outcomes.addAll(runScenario(unit, settings, verbose, report, progress, outcomes, console));
        }
        System.out.printf("%nDone in %s.%n%n", clock(progress.elapsed()));
        System.out.print(report.console(outcomes));
        System.out.println("Written: " + out.resolve("results.md") + ", results.json, index.html");
        if (console != null) {
            String md = console.write(out, outcomes, command(args), report.settings(), report.environment());
            System.out.println();
            System.out.print(md);
            System.out.println("Written: " + out.resolve("console-overhead.md"));
        }
        return exitCode(outcomes);
    }

    /**
     * Runs one scenario's JMH cases in interleaved rounds with a progress line per run, writes the report
     * after every round (with {@code done}, the outcomes before this scenario), and prints the scenario's
     * "Vela ÷ best peer" line at the end; returns the scenario's outcomes in the order of {@code cases}.
     */
    private static List<Outcome> runScenario(List<Case> cases, Settings s, boolean verbose, Report report, Progress progress,
                                             List<Outcome> done, ConsoleOverhead console) {
        List<Outcome> before = List.copyOf(done);
        Rounds scheduler = new Rounds(s.rounds(), cases.getFirst().scenario().hashCode());  // the same orders in every run
        List<Outcome> scenario = scheduler.run(cases, (round, c) -> {
            progress.start((s.rounds() > 1 ? "r" + (round + 1) + "/" + s.rounds() + " " : "") + c.id());
            Run r = console != null ? console.run(c, s, verbose) : runOne(c, s, verbose);
            String note = console != null && !console.note().isEmpty() ? "  (" + console.note() + ")" : "";
            progress.finish((r.ok() ? report.progress(Outcome.of(c, r)) : "FAILED: " + r.error()) + note);
            return r;
        }, soFar -> write(report, before, soFar));  // after every round, so an interrupted run still leaves its results
        String summary = Report.summary(Report.scenarios(scenario).getFirst());
        if (!summary.isEmpty() && s.rounds() > 1) System.out.println("          " + summary);
        return scenario;
    }

    /** 0 when every run of every case worked, else 1 (a run that failed in one round only counts too). */
    static int exitCode(List<Outcome> outcomes) {
        return outcomes.stream().allMatch(Outcome::complete) ? 0 : 1;
    }

    private static void write(Report report, List<Outcome> done, List<Outcome> more) {
        List<Outcome> all = new ArrayList<>(done);
        all.addAll(more);
        try {
            report.write(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The order of a run: each plain case on its own, and the JMH cases grouped by scenario (each group
     * runs its rounds before the next), both in the order of {@code cases} (a group where its first case is).
     */
    static List<List<Case>> units(List<Case> cases) {
        Map<String, List<Case>> by = new LinkedHashMap<>();
        for (Case c : cases) by.computeIfAbsent(c.plain() ? "plain " + c.id() : c.scenario(), k -> new ArrayList<>()).add(c);
        return new ArrayList<>(by.values());
    }

    /**
     * The progress lines: run k of n (a plain benchmark, or one JMH case in one round), the elapsed
     * time and an estimate of what is left, corrected by how the estimate fared so far.
     */
    private static final class Progress {
        private final double[] estimates;
        private final long start = System.nanoTime();
        private int done;

        Progress(List<List<Case>> units, Settings s) {
            List<Double> e = new ArrayList<>();
            for (List<Case> unit : units)
                for (Case c : unit)
                    for (int r = 0; r < (c.plain() ? 1 : s.rounds()); r++) e.add(estimate(c, s));
            estimates = e.stream().mapToDouble(Double::doubleValue).toArray();
        }

        double elapsed() { return (System.nanoTime() - start) / 1e9; }

        double estimateLeft() {
            double left = Arrays.stream(estimates, done, estimates.length).sum();
            return done == 0 ? left : left * elapsed() / Arrays.stream(estimates, 0, done).sum();
        }

        void start(String label) {
            System.out.printf("[%3d/%d] %s elapsed, ~%s left  %-54s ", done + 1, estimates.length, clock(elapsed()),
                    clock(estimateLeft()), label);
            System.out.flush();
        }

        void finish(String result) {
            System.out.println(result);
            done++;
        }
    }

    private static List<String> names() {
        return BENCHMARKS.stream().map(BenchMain::name).toList();
    }

    /** One run of {@code c}: a plain benchmark's whole run, or a JMH case's run in one round. */
    private static double estimate(Case c, Settings s) {
        return c.type() == MemoryBench.class ? MemoryBench.estimateSeconds(s.effort())
                : c.type() == SpawnLatencyBench.class ? SpawnLatencyBench.estimateSeconds(s.effort())
                : c.type() == GoBench.class ? GoBench.estimateSeconds(s.effort()) : s.roundSeconds();
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
                if (!r.ok()) return Outcome.of(c, Run.failed(r.scenario().title() + ", " + r.name() + ": " + r.error()));
            MemoryBench.Row vela = rows.stream().filter(r -> r.impl().equals("vela") && r.scenario().capacity() == Pipe.UNBOUNDED)
                    .findFirst().orElseThrow();
            return Outcome.of(c, new Run(vela.bytesPerMessage(), vela.minPerMessage(), vela.maxPerMessage(), vela.repeats(), null));
        }
        if (c.type() == SpawnLatencyBench.class) {
            List<SpawnLatencyBench.Row> rows = SpawnLatencyBench.run(SpawnLatencyBench.sizes(s.effort()));
            report.spawn(rows);
            for (SpawnLatencyBench.Row r : rows) if (!r.ok()) return Outcome.of(c, Run.failed(r.name() + ": " + r.error()));
            SpawnLatencyBench.Row vela = rows.getFirst();
            return Outcome.of(c, new Run(vela.p50Micros(), vela.p50MinMicros(), vela.p50MaxMicros(), vela.samples(), null));
        }
        if (c.type() == GoBench.class) {
            report.go(GoBench.run(s.effort(), out));
            return Outcome.of(c, new Run(Double.NaN, Double.NaN, Double.NaN, 0, null));
        }
        throw new IllegalArgumentException("not a plain benchmark: " + c.type().getName());
    }

    /** Runs one JMH case once (one round) with the settings' forks and iterations; never throws. */
    static Run runOne(Case c, Settings s, boolean verbose) {
        return runOne(c, s, verbose, List.of());
    }

    /**
     * {@link #runOne(Case, Settings, boolean)} with more JVM arguments for the forks ({@code jvmArgs}, ignored
     * in-process); a {@code console} parameter ({@link ConsoleOverhead}) is the caller's, not JMH's.
     */
    static Run runOne(Case c, Settings s, boolean verbose, List<String> jvmArgs) {
        ChainedOptionsBuilder opt = new OptionsBuilder()
                .include("^" + Pattern.quote(c.type().getName() + "." + c.method()) + "$")
                .forks(s.forks()).warmupIterations(s.warmups()).warmupTime(s.warmupTime())
                .measurementIterations(s.iterations()).measurementTime(s.iterationTime())
                .timeout(ITERATION_TIMEOUT).shouldFailOnError(true)
                .verbosity(verbose ? VerboseMode.NORMAL : VerboseMode.SILENT);
        if (s.forks() > 0) {  // one call: a second jvmArgsAppend replaces the first
            List<String> args = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "--sun-misc-unsafe-memory-access=allow"));
            args.addAll(jvmArgs);
            opt.jvmArgsAppend(args.toArray(String[]::new));
        }
        c.params().forEach((k, v) -> { if (!k.equals(ConsoleOverhead.PARAM)) opt.param(k, v); });
        try {
            Collection<RunResult> results = new Runner(opt.build()).run();
            if (results.isEmpty()) return Run.failed("no result");
            Statistics st = results.iterator().next().getPrimaryResult().getStatistics();
            return new Run(st.getPercentile(50), st.getMin(), st.getMax(), st.getN(), null);
        } catch (RunnerException | RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String msg = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
            return Run.failed(msg.lines().findFirst().orElse(msg));
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
     * Combinations of @Param values that {@code ./vela bench} leaves out to keep the default run short
     * (about 11 minutes): a biased select over one clause has nothing to be biased about (fair vs biased is
     * measured with two clauses); unordered {@code mapPar} is a Vela variant with no ordered peer to beat
     * (the ordered one is compared); a pipeline of small bounded channels is compared with the bounded
     * JDK queue, ArrayBlockingQueue, not LinkedBlockingQueue (measured on the MPSC row of the same
     * class); of the watch, only the lock-step ping-pong with 4 readers (the cost of waking several
     * parked readers, the watch's own work; vela, volatile + park and Kotlin's StateFlow: 3 cases, the other
     * 15 would add about a minute and a half); of the semaphore, only 1 permit (the most contended; vela,
     * fair and unfair j.u.c: 3 cases, the 3 with 2 permits would add 17 s). Plain JMH still runs them.
     */
    static boolean skipped(Case c) {
        return c.type() == SelectBench.class && c.method().equals("oneClause") && c.impl().equals("vela-biased")
                || c.type() == PipelineBench.class && c.impl().equals("velaUnordered")
                || c.type() == BoundedFlowBench.class && c.method().equals("chain") && c.impl().equals("lbq")
                || c.type() == WatchBench.class && !(c.method().equals("pingPong") && "4".equals(c.params().get("readers")))
                || c.type() == SemaphoreBench.class && !"1".equals(c.params().get("permits"));
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

    /** The count after {@code option}, at least {@code min}. */
    private static int count(String[] args, int i, String option, int min) {
        String v = arg(args, i, option);
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            n = min - 1;
        }
        if (n < min) throw new IllegalArgumentException(option + " needs a count ≥ " + min + ", not " + v);
        return n;
    }

    /** This run's command line, to put beside its tables. */
    static String command(String[] args) {
        StringBuilder sb = new StringBuilder("java -cp vela-bench/target/vela-bench.jar dev.vela.bench.BenchMain");
        for (String a : args) sb.append(' ').append(a.matches("[\\w.,=/:@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        return sb.toString();
    }

    static String clock(double seconds) {
        long s = Math.round(seconds);
        return s / 60 + ":" + String.format("%02d", s % 60);
    }

    private static void usage() {
        System.out.println("""
                usage: ./vela bench [--quick | --full | --tiny] [--rounds N] [--forks N] [--only NAME] [--filter REGEX] [--out DIR] [--list] [--verbose]
                                    [--console [MODES]]
                  Each scenario runs in interleaved rounds: every implementation once per round, in its own short
                  JVM, the order rotating from round to round; ratios Vela ÷ peer are taken within each round and
                  reported as their median with min … max over the rounds.
                  (default)       3 rounds; per round and case 1 fork, 1 × 1 s warmup, 2 × 0.1 s measurement (about 11 minutes on 2 cores)
                  --full          10 rounds; per round and case 1 fork, 2 × 1 s warmup, 3 × 1 s measurement (publication grade, about 1.5 hours)
                  --quick         smoke run: 2 rounds, in-process (about 1.5 minutes, numbers not comparable)
                  --tiny          self-test run: 1 round, in-process (seconds, numbers meaningless)
                  --rounds N      N rounds instead of the above (N ≥ 1; more rounds = a firmer median, time grows with N)
                  --forks N       N forked JVMs per case in each round instead of 1 (0 = in-process); for more samples use --rounds
                  --only NAME     one benchmark by name: %s
                  --filter REGEX  only cases whose id matches (see --list)
                  --out DIR       report directory (default target/vela-bench)
                  --console MODES the live console's overhead (issue 22): MODES a comma list of off, on, stream (default
                                  off,on,stream; ./vela bench --console). Each case runs once per mode in every round, the modes
                                  interleaved: off = no console; on = -Dvela.console=127.0.0.1:PORT -Dvela.console.interval=1s in
                                  the measured fork, no browser; stream = the same plus one client reading /api/stream. Reports
                                  on ÷ off and stream ÷ off per case (median [min … max] of per-round ratios), also written to
                                  console-overhead.md. Only Vela rows (no peers, no plain benchmarks). Default cases (without
                                  --filter/--only): %s
                                  Default settings (without --quick/--full/--tiny): 5 rounds; per round, case and mode 1 fork,
                                  1 × 1 s warmup, 3 × 1 s measurement (about 10 minutes on 2 cores). In-process runs (--tiny,
                                  --quick, --forks 0) start the console in this JVM directly (a smoke test, not a measurement).""".formatted(String.join(", ", names()), ConsoleOverhead.DEFAULT_FILTER));
    }
}
