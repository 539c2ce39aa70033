package dev.vela.bench;

import dev.vela.bench.BenchMain.Case;
import dev.vela.bench.BenchMain.Outcome;
import dev.vela.bench.BenchMain.Run;
import dev.vela.bench.BenchMain.Settings;
import dev.vela.console.VelaConsole;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code ./vela bench --console} ({@code BenchMain --console off,on,stream}, issue 22): what the live console
 * ({@code vela-console}) costs the benchmarks it watches. Every selected Vela case runs once per mode in
 * each round, the modes interleaved like the implementations of a scenario ({@link Rounds}: the order
 * rotates from round to round), each as its own row with the id suffix {@code console=MODE}:
 * <ul>
 *   <li>{@code off}: no console property, the default (vela-console is on the class path but never started);</li>
 *   <li>{@code on}: the forked JVM gets {@code -Dvela.console=127.0.0.1:PORT -Dvela.console.interval=1s} (a free
 *       port per fork), so the console starts inside the measured JVM the first time a Vela worker or
 *       channel class is initialised, and samples every second with no browser. This process asks it for
 *       {@code /api/snapshot} once, only to prove that it started (the case fails if the port never answers);</li>
 *   <li>{@code stream}: the same, plus one "browser": a thread of this process that reads
 *       {@code /api/stream}'s server-sent events while the fork runs (reconnecting until the fork ends),
 *       as the console's page does. The case fails if no event arrived.</li>
 * </ul>
 * The overhead table ({@link #table}) gives per case the {@code off} score and, for {@code on} and
 * {@code stream}, the ratio mode ÷ off taken <em>within each round</em> (the two runs seconds apart), as
 * the median of those per-round ratios with their min … max, and in how many rounds the bound held
 * (on ≥ 0.97×, stream ≥ 0.95×). Peers and the plain-Java benchmarks are left out: the console watches Vela.
 *
 * <p><b>In-process runs</b> ({@code --tiny}, {@code --quick}, {@code --forks 0}): there is no fork to give
 * a property to, and the runtime launches a console from the property once per JVM; so {@code on} and
 * {@code stream} start a console in this JVM directly ({@link VelaConsole#builder()}, same interval) and
 * stop it after the run. Good for the self-test, not for a measurement.
 */
final class ConsoleOverhead {
    /** The console modes, in their default order. */
    enum Mode {
        OFF, ON, STREAM;

        String id() { return name().toLowerCase(Locale.ROOT); }

        /** The bound on mode ÷ off (≤ 3 % loss on, ≤ 5 % with one browser); NaN for off. */
        double goal() { return this == ON ? 0.97 : this == STREAM ? 0.95 : Double.NaN; }
    }

    /** The parameter a console case carries (last in its id); never passed to JMH. */
    static final String PARAM = "console";

    /**
     * JVM arguments of every console-mode fork (off too, for symmetry): let JMH end the fork as soon as its
     * results are sent. A started console keeps non-daemon threads (the JDK HTTP server's dispatcher, the
     * JFR event stream), so the fork would not exit by itself and JMH would wait its default 30 s
     * ({@code jmh.shutdownTimeout}) before forcing it, per fork; nothing is measured then.
     */
    static final List<String> FORK_ARGS = List.of("-Djmh.shutdownTimeout=0", "-Djmh.shutdownTimeout.step=0");

    /** {@code -Dvela.console.interval}: the console's sampling (and push) interval. */
    static final String INTERVAL = "1s";

    /**
     * The cases {@code --console} measures when neither {@code --filter} nor {@code --only} is given: Vela's
     * channel rows (SPSC capacity 16, MPSC with 100 producers, the 5-channel chain, the rendezvous hand-off),
     * its select rows (two clauses, capacity 16 and rendezvous) and its pipeline rows (5 × map, mapPar(4)).
     * 8 cases × 3 modes × 5 rounds of about 4.7 s each: about 10 minutes on 2 cores.
     */
    static final String DEFAULT_FILTER = "^(SpscBench\\.spsc capacity=16|MpscBench\\.mpsc producers=100|ChainBench\\.chain stages=5"
            + "|RendezvousBench\\.handoff|SelectBench\\.twoClauses capacity=(16|0)|PipelineBench\\.(map5|mapPar4)) impl=vela$";

    private final List<Mode> modes;
    /** Per console case id: the events the "browser" received, one entry per stream run. */
    private final Map<String, List<Integer>> events = new LinkedHashMap<>();
    private String note = "";

    ConsoleOverhead(List<Mode> modes) {
        this.modes = List.copyOf(modes);
    }

    List<Mode> modes() { return modes; }

    /** {@code "off,on,stream"} (any order, each once) as modes. */
    static List<Mode> parse(String text) {
        LinkedHashSet<Mode> m = new LinkedHashSet<>();
        for (String part : text.split(",")) {
            String p = part.trim().toLowerCase(Locale.ROOT);
            Mode mode = switch (p) {
                case "off" -> Mode.OFF;
                case "on" -> Mode.ON;
                case "stream" -> Mode.STREAM;
                default -> throw new IllegalArgumentException("--console: unknown mode '" + part + "'; modes: off, on, stream");
            };
            if (!m.add(mode)) throw new IllegalArgumentException("--console: mode '" + p + "' given twice");
        }
        return List.copyOf(m);
    }

    /** Whether {@code c} is measured in console mode: a JMH case of Vela (or a Vela variant), not a peer nor a plain benchmark. */
    static boolean eligible(Case c) {
        return !c.plain() && Report.isVelaVariant(c);
    }

    /** Each case once per mode, in mode order, with {@code console=MODE} as its last parameter. */
    List<Case> expand(List<Case> cases) {
        List<Case> out = new ArrayList<>();
        for (Case c : cases)
            for (Mode m : modes) {
                LinkedHashMap<String, String> p = new LinkedHashMap<>(c.params());
                p.put(PARAM, m.id());
                out.add(new Case(c.type(), c.method(), p));
            }
        return out;
    }

    /** The console mode of a case, null for an ordinary case. */
    static Mode mode(Case c) {
        String m = c.params().get(PARAM);
        return m == null ? null : Mode.valueOf(m.toUpperCase(Locale.ROOT));
    }

    /** What the last {@link #run} adds to its progress line ("" for off). */
    String note() { return note; }

    /**
     * Runs one console case in one round: the JMH case with its mode's JVM arguments and, for {@code on}
     * and {@code stream}, the client of this process; fails the run if the console never answered, or for
     * {@code stream} sent no event.
     */
    Run run(Case c, Settings s, boolean verbose) {
        Mode m = mode(c);
        note = "";
        if (m == null || m == Mode.OFF) return BenchMain.runOne(c, s, verbose, FORK_ARGS);
        boolean stream = m == Mode.STREAM;
        Run r;
        Client client;
        if (s.forks() == 0) {
            // In-process: the property would not start a console now (once per JVM); start one here instead.
            VelaConsole console;
            try {
                console = VelaConsole.builder().address("127.0.0.1:0").interval(Duration.ofSeconds(1)).start();
            } catch (RuntimeException e) {
                return Run.failed("console: did not start in-process: " + e.getMessage());
            }
            try {
                client = new Client(console.port(), stream);
                client.awaitFirst(10_000);
                r = BenchMain.runOne(c, s, verbose, List.of());
                client.stop();
            } finally {
                console.stop();
            }
        } else {
            int port = freePort();
            client = new Client(port, stream);
            try {
                List<String> args = new ArrayList<>(FORK_ARGS);
                args.addAll(List.of("-Dvela.console=127.0.0.1:" + port, "-Dvela.console.interval=" + INTERVAL));
                r = BenchMain.runOne(c, s, verbose, args);
            } finally {
                client.stop();
            }
        }
        int n = client.events();
        if (stream) events.computeIfAbsent(c.id(), k -> new ArrayList<>()).add(n);
        note = stream ? "console events received: " + n + " over " + client.connections() + " connection" + (client.connections() == 1 ? "" : "s")
                : client.answered() ? "console answered on port " + client.port : "";
        if (!r.ok()) return r;
        if (!client.answered()) {
            String why = "console: port " + client.port + " never answered while the case ran (did -Dvela.console start it in the fork?"
                    + (client.lastError() == null ? "" : " last error: " + client.lastError()) + ")";
            System.err.println("\nvela bench: " + c.id() + ": " + why);
            return Run.failed(why);
        }
        if (stream && n == 0) {
            String why = "console: /api/stream on port " + client.port + " sent no event";
            System.err.println("\nvela bench: " + c.id() + ": " + why);
            return Run.failed(why);
        }
        return r;
    }

    /**
     * A free loopback port for a fork's console, taken from 20000–29999 (below Linux's ephemeral range, so
     * that JMH's own link socket, opened after this check, does not land on it).
     */
    static int freePort() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(10_000);
            try (ServerSocket ss = new ServerSocket()) {
                ss.setReuseAddress(false);
                ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IllegalStateException("no free port in 20000-29999 for the console");
    }

    /**
     * The "browser" of one run: a daemon thread that connects to the console over plain HTTP/1.1. With
     * {@code stream}, it reads {@code /api/stream} and counts its events, reconnecting (every 50 ms) until
     * {@link #stop()}; without, it asks {@code /api/snapshot} until the first answer, then stops.
     */
    static final class Client {
        final int port;
        private final boolean stream;
        private final AtomicInteger events = new AtomicInteger(), connections = new AtomicInteger();
        private final Thread thread;
        private volatile boolean answered, stopped;
        private volatile Socket socket;
        private volatile String lastError;

        Client(int port, boolean stream) {
            this.port = port;
            this.stream = stream;
            this.thread = Thread.ofPlatform().daemon().name("vela-bench-console-client").start(this::loop);
        }

        boolean answered() { return answered; }

        int events() { return events.get(); }

        /** Answered connections (a stream that ended and was reopened counts twice). */
        int connections() { return connections.get(); }

        String lastError() { return lastError; }

        /** Waits until the console answered (and, for a stream, sent its first event), at most {@code millis}. */
        void awaitFirst(long millis) {
            long end = System.nanoTime() + millis * 1_000_000;
            while (System.nanoTime() < end && !(answered && (!stream || events.get() > 0))) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        /** Ends the thread (closing its connection) and waits for it, at most 2 s. */
        void stop() {
            stopped = true;
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
            thread.interrupt();
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void loop() {
            while (!stopped && (stream || !answered)) {
                try (Socket s = new Socket()) {
                    socket = s;
                    if (stopped) return;
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                    String path = stream ? "/api/stream" : "/api/snapshot";
                    OutputStream out = s.getOutputStream();
                    out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nAccept: "
                            + (stream ? "text/event-stream" : "application/json") + "\r\nConnection: " + (stream ? "keep-alive" : "close")
                            + "\r\nUser-Agent: vela-bench\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
                    String status = in.readLine();
                    if (status == null || !status.startsWith("HTTP/1.1 200")) {
                        lastError = path + " answered " + status;
                    } else {
                        answered = true;
                        connections.incrementAndGet();
                        String line;
                        while ((line = in.readLine()) != null)   // a snapshot's body, or the stream until it ends
                            if (stream && line.equals("event: snapshot")) events.incrementAndGet();
                    }
                } catch (IOException e) {
                    lastError = e.toString();   // not listening yet, or the fork ended: try again
                } finally {
                    socket = null;
                }
                if (stopped) return;
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    // ---- the overhead table ---------------------------------------------------------------------

    /** The console cases' outcomes grouped by case (each group's modes in mode order). */
    private Map<String, Map<Mode, Outcome>> groups(List<Outcome> outcomes) {
        Map<String, Map<Mode, Outcome>> by = new LinkedHashMap<>();
        for (Outcome o : outcomes) {
            Mode m = mode(o.c());
            if (m != null) by.computeIfAbsent(o.c().scenario() + " impl=" + o.c().impl(), k -> new LinkedHashMap<>()).put(m, o);
        }
        return by;
    }

    /**
     * The "console overhead" table in Markdown: per case, the off score (median of the round medians
     * [min … max]) and for each other mode the ratio mode ÷ off from paired rounds, its median [min … max],
     * and in how many rounds the bound held; the stream's events per fork.
     */
    String table(List<Outcome> outcomes) {
        List<Mode> others = modes.stream().filter(m -> m != Mode.OFF).toList();
        boolean off = modes.contains(Mode.OFF);
        StringBuilder sb = new StringBuilder("| case | off, median [min … max] |");
        StringBuilder rule = new StringBuilder("|---|---:|");
        for (Mode m : others) {
            if (off) {
                sb.append(' ').append(m.id()).append(" ÷ off, median [min … max] | ").append(m.id()).append(" ≥ ")
                        .append(String.format(Locale.ROOT, "%.2f", m.goal())).append("× in |");
                rule.append("---:|---:|");
            } else {
                sb.append(' ').append(m.id()).append(", median [min … max] |");
                rule.append("---:|");
            }
        }
        if (modes.contains(Mode.STREAM)) { sb.append(" stream events per fork |"); rule.append("---:|"); }
        sb.append(" rounds |\n").append(rule).append("---:|\n");
        for (Map<Mode, Outcome> g : groups(outcomes).values()) {
            Outcome any = g.values().iterator().next();
            Case c = any.c();
            String name = c.benchmark() + c.params().entrySet().stream()
                    .filter(e -> !e.getKey().equals(PARAM)).map(e -> " " + e.getKey() + "=" + e.getValue()).reduce("", String::concat);
            sb.append("| ").append(name).append(" (").append(Report.title(c)).append(") | ");
            sb.append(off ? absolute(g.get(Mode.OFF)) : "—").append(" |");
            for (Mode m : others) {
                Outcome o = g.get(m);
                if (!off) { sb.append(' ').append(absolute(o)).append(" |"); continue; }
                RoundStats.Ratio r = o == null ? RoundStats.Ratio.NONE : RoundStats.ratio(o, g.get(Mode.OFF), m.goal());
                if (!r.present()) {
                    sb.append(' ').append(o == null || o.ok() ? "—" : "failed: " + o.error()).append(" | |");
                    continue;
                }
                String ratio = String.format(Locale.ROOT, "%.3f× [%.3f … %.3f]", r.median(), r.min(), r.max());
                sb.append(' ').append(ratio).append(" | ").append(r.atLeast(m.goal())).append(" of ").append(r.measured()).append(" |");
            }
            if (modes.contains(Mode.STREAM)) {
                Outcome st = g.get(Mode.STREAM);
                List<Integer> ev = st == null ? List.of() : events.getOrDefault(st.c().id(), List.of());
                sb.append(' ').append(ev.isEmpty() ? "—" : ev.stream().mapToInt(Integer::intValue).min().orElse(0) + " … "
                        + ev.stream().mapToInt(Integer::intValue).max().orElse(0)).append(" |");
            }
            int rounds = g.values().stream().mapToInt(Outcome::rounds).max().orElse(0);
            int all = 0;
            for (int i = 0; i < rounds; i++) {
                final int round = i;
                if (g.values().stream().allMatch(o -> !Double.isNaN(o.roundMedian(round)))) all++;
            }
            sb.append(' ').append(all).append('/').append(rounds).append(" |\n");
        }
        return sb.toString();
    }

    private static String absolute(Outcome o) {
        if (o == null) return "—";
        if (!o.ok()) return "failed: " + o.error();
        return Report.human(o.median()) + " " + Report.unit(o.c()) + " [" + Report.human(o.min()) + " … " + Report.human(o.max()) + "]";
    }

    /** The whole section: heading, command, settings, the table and how to read it. */
    String markdown(List<Outcome> outcomes, String command, String settings, String environment) {
        return "## Console overhead (issue 22)\n\n"
                + "Command: `" + command + "`  \n"
                + "Settings: " + settings + "; console modes " + String.join(", ", modes.stream().map(Mode::id).toList())
                + ", interval " + INTERVAL + "  \n"
                + "Environment: " + environment + "\n\n"
                + table(outcomes) + "\n"
                + "off: no -Dvela.console (vela-console on the class path, never started); on: -Dvela.console=127.0.0.1:PORT "
                + "-Dvela.console.interval=" + INTERVAL + " in the measured fork, no browser; stream: the same with one client reading "
                + "/api/stream (server-sent events) from the bench's own process, as the page does. Each ratio mode ÷ off is taken within "
                + "a round (the runs seconds apart, the modes' order rotating from round to round) and shown as the median of the "
                + "per-round ratios [min … max]; \"≥ 0.97× in\" counts the rounds meeting issue 22's bound (≤ 3 % loss on, ≤ 5 % with a "
                + "browser). Only Vela rows: peers and the plain-Java benchmarks are not run in this mode. The off row against the "
                + "build without the console is a separate comparison (two builds), not made here.\n";
    }

    /** Writes {@link #markdown} to {@code out/console-overhead.md} and returns it. */
    String write(Path out, List<Outcome> outcomes, String command, String settings, String environment) throws IOException {
        String md = markdown(outcomes, command, settings, environment);
        Files.createDirectories(out);
        Files.writeString(out.resolve("console-overhead.md"), "# Vela bench — console overhead\n\n" + md);
        return md;
    }
}
