package dev.vela.console;

import dev.vela.diagnostics.ConsoleSection;
import dev.vela.diagnostics.DeadlockWatchdog;
import dev.vela.diagnostics.internal.ChannelRegistry;
import dev.vela.diagnostics.internal.WorkerRegistry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The live console: a running program's workers, channels, actors and deadlocks in a browser, updated
 * every interval, with a read-only JSON API beside the page (docs/console.md, docs/console-api.md).
 *
 * <pre>{@code
 * try (var console = VelaConsole.start()) {          // 127.0.0.1, a free port, every second
 *     System.out.println("console: " + console.url());
 *     ... the program ...
 * }
 * }</pre>
 * Or with no code change: {@code -Dvela.console=127.0.0.1:8080} and {@link #startFromSystemProperty()}.
 *
 * <p><b>What it sees.</b> The {@link dev.vela.worker.Worker}s that start and the channels created while
 * a console runs (start it first thing), what each worker is parked on, the deadlock watchdog's verdict,
 * pinned virtual threads (JFR), and the tables other Vela modules contribute
 * ({@link ConsoleSection}: {@code vela-actor}'s actors). Sent / received counts are shown for channels
 * built with metrics ({@code Channel.builder().metrics(true)}): counting costs every send and receive.
 *
 * <p><b>Cost.</b> Off (no console started), the runtime pays one volatile read per worker start and per
 * channel creation, nothing on sends and receives. On, it registers workers at start and channels at
 * creation (with their creation site), and samples once per interval on one thread; what a worker is
 * parked on is read from its park blocker, so sends, receives and parks cost nothing more. Memory is
 * bounded: each list is capped ({@code limit}, default 500, with a {@code truncated} count) and the
 * recording keeps the last {@code recording} snapshots (default 120).
 *
 * <p><b>Security.</b> Binds to loopback by default; binding elsewhere needs a {@link Builder#token
 * token}. See {@link ConsoleServer} for the checks on each request.
 *
 * <p><b>Stopping.</b> {@link #stop()} (or {@link #close()}) ends the streams, the server, the sampling
 * thread, the watchdog and the JFR stream, and turns the runtime's tracking off: nothing of the console
 * remains. Idempotent; safe before anything was sampled.
 */
public final class VelaConsole implements AutoCloseable {
    private final ConsoleServer server;
    private final Sampler sampler;
    private final Thread samplingThread;
    private final DeadlockWatchdog watchdog;
    private final PinnedThreads pinned;
    private final List<ConsoleSection> sections;
    private final URI url;
    private final long intervalMillis;
    private final int recordingSize;
    /**
     * Guarded by {@code this}: the recorded snapshots, oldest first, at most {@link #recordingSize}, each
     * gzip-compressed (a snapshot's JSON repeats itself: ~10× smaller; expanded only when downloaded).
     */
    private final ArrayDeque<byte[]> recording = new ArrayDeque<>();
    /** Guarded by {@code this}. */
    private String latest;
    private long latestSeq;
    private boolean stopped;
    /** The sampling thread waits on it for the interval; the watchdog's report wakes it, so a deadlock shows at once. */
    private final Object tick = new Object();
    /** Guarded by {@link #tick}. */
    private boolean wakeUp;

    private VelaConsole(Builder b) {
        this.intervalMillis = b.interval.toMillis();
        this.recordingSize = b.recording;
        InetSocketAddress address = b.resolve();
        WorkerRegistry.retain();
        ChannelRegistry.retain();
        List<ConsoleSection> found = new ArrayList<>();
        ServiceLoader.load(ConsoleSection.class, VelaConsole.class.getClassLoader()).forEach(found::add);
        this.sections = List.copyOf(found);
        sections.forEach(ConsoleSection::open);
        try {
            this.pinned = onDaemonThread(() -> new PinnedThreads(b.pinnedThreads));   // never throws IOException
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        this.sampler = new Sampler(b.limit, intervalMillis, b.longPark.toNanos(), sections, pinned);
        this.latest = sampler.sample();
        this.latestSeq = 1;
        recording.add(gzip(latest));
        try {
            this.server = onDaemonThread(() -> new ConsoleServer(address, b.token, new ConsoleServer.Console() {
                @Override
                public String latest() {
                    synchronized (VelaConsole.this) {
                        return latest;
                    }
                }

                @Override
                public List<String> recording() {
                    List<byte[]> copy;
                    synchronized (VelaConsole.this) {
                        copy = List.copyOf(recording);
                    }
                    return copy.stream().map(VelaConsole::gunzip).toList();
                }

                @Override
                public Object[] awaitAfter(long seq) throws InterruptedException {
                    return VelaConsole.this.awaitAfter(seq);
                }
            }));
        } catch (IOException | RuntimeException e) {
            release();
            throw new IllegalStateException("the console cannot listen on " + b.describe() + ": " + e.getMessage(), e);
        }
        this.watchdog = DeadlockWatchdog.start(Duration.ofMillis(Math.max(50, intervalMillis / 2)),
                DeadlockWatchdog.Action.REPORT, report -> {
                    sampler.deadlock(report);
                    synchronized (tick) {
                        wakeUp = true;
                        tick.notifyAll();
                    }
                });
        String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
        if (host.contains(":")) host = "[" + host + "]";
        this.url = URI.create("http://" + host + ":" + server.port() + "/"
                + (b.token == null ? "" : "?token=" + URLEncoder.encode(b.token, StandardCharsets.UTF_8)));
        this.samplingThread = Thread.ofPlatform().daemon().name("vela-console-sampler").start(this::sampleLoop);
    }

    /**
     * Starts a console on 127.0.0.1, on a free port, sampling every second.
     *
     * @return the running console
     * @throws IllegalStateException if it cannot listen
     */
    public static VelaConsole start() {
        return builder().start();
    }

    /**
     * Starts a console on {@code address} ({@code host:port}, e.g. {@code 127.0.0.1:8080}; port 0: a free one).
     *
     * @param address where to listen: a loopback address unless a token is set (see {@link Builder#token})
     * @return the running console
     * @throws IllegalArgumentException if the address is malformed or not loopback
     * @throws IllegalStateException    if it cannot listen (the port is taken)
     */
    public static VelaConsole start(String address) {
        return builder().address(address).start();
    }

    /**
     * Starts a console if the system property {@code vela.console} is set: to {@code host:port}, or to
     * {@code true} for the defaults. The properties {@code vela.console.interval} (e.g. {@code 500ms},
     * {@code 2s}), {@code vela.console.token} and {@code vela.console.pinned} ({@code true}: watch pinned
     * virtual threads with JFR, see {@link Builder#pinnedThreads}) apply too.
     *
     * @return the running console, or empty if the property is not set
     * @throws IllegalArgumentException if a property is malformed (the message names it)
     * @throws IllegalStateException    if it cannot listen
     */
    public static Optional<VelaConsole> startFromSystemProperty() {
        String spec = System.getProperty("vela.console");
        if (spec == null || spec.isBlank() || spec.equals("false")) return Optional.empty();
        Builder b = builder();
        if (!spec.equals("true")) b.address(spec);
        String interval = System.getProperty("vela.console.interval");
        if (interval != null) b.interval(parseDuration("vela.console.interval", interval));
        String token = System.getProperty("vela.console.token");
        if (token != null) b.token(token);
        String pinned = System.getProperty("vela.console.pinned");
        if (pinned != null) b.pinnedThreads(Boolean.parseBoolean(pinned));
        return Optional.of(b.start());
    }

    /** @return a builder, to choose the address, interval, token, recording and list sizes */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the page's address (with {@code ?token=} when a token is set) */
    public URI url() {
        return url;
    }

    /** @return the port the console listens on */
    public int port() {
        return server.port();
    }

    /** @return whether {@link #stop()} has not been called */
    public synchronized boolean isRunning() {
        return !stopped;
    }

    /**
     * Stops the console: closes open streams, the server, the sampling thread, the watchdog and the JFR
     * stream, and turns the runtime's tracking off. Idempotent.
     *
     * <p><b>Interruption and timeout.</b> Does not block beyond closing the server (immediate) and
     * joining the sampling thread (at most one second); an interrupt is kept set.
     */
    public void stop() {
        synchronized (this) {
            if (stopped) return;
            stopped = true;
            notifyAll();   // streams end
        }
        server.stop();
        samplingThread.interrupt();
        try {
            samplingThread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        watchdog.close();
        release();
    }

    /** @return event streams open now (for tests: a client that left must not stay counted) */
    int openStreams() {
        return server.openStreams();
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private void release() {
        pinned.close();
        sections.forEach(s -> {
            try {
                s.close();
            } catch (RuntimeException ignored) {
                // a broken contributor must not keep the console from stopping
            }
        });
        ChannelRegistry.release();
        WorkerRegistry.release();
    }

    private void sampleLoop() {
        while (true) {
            try {
                synchronized (tick) {
                    if (!wakeUp) tick.wait(intervalMillis);
                    wakeUp = false;
                }
            } catch (InterruptedException e) {
                return;
            }
            String s;
            byte[] recorded;
            try {
                s = sampler.sample();
                recorded = gzip(s);
            } catch (RuntimeException e) {   // never let one bad sample end the console; the next one retries
                continue;
            }
            synchronized (this) {
                if (stopped) return;
                latest = s;
                latestSeq++;
                if (recording.size() == recordingSize) recording.pollFirst();
                recording.addLast(recorded);
                notifyAll();
            }
        }
    }

    private synchronized Object[] awaitAfter(long seq) throws InterruptedException {
        while (!stopped && latestSeq <= seq) wait();
        return stopped ? null : new Object[] {latestSeq, latest};
    }

    /** What the console's code may throw while starting. */
    private interface Start<T> {
        T call() throws IOException;
    }

    /**
     * Runs {@code start} on a daemon thread and waits for it: the threads it creates (the HTTP server's
     * dispatcher, the JFR stream's) inherit the daemon status of their creator, and the JDK gives no
     * other way to make them daemons; so the console never keeps a JVM alive once its program ended.
     */
    private static <T> T onDaemonThread(Start<T> start) throws IOException {
        Object[] result = new Object[2];
        Thread t = Thread.ofPlatform().daemon().name("vela-console-start").start(() -> {
            try {
                result[0] = start.call();
            } catch (IOException | RuntimeException | Error e) {
                result[1] = e;
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;   // starting takes milliseconds: finish it, keep the interrupt
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        switch (result[1]) {
            case IOException e -> throw e;
            case RuntimeException e -> throw e;
            case Error e -> throw e;
            case null, default -> { }
        }
        @SuppressWarnings("unchecked") T value = (T) result[0];
        return value;
    }

    private static byte[] gzip(String json) {
        var bytes = new java.io.ByteArrayOutputStream(json.length() / 8 + 64);
        try (var out = new java.util.zip.GZIPOutputStream(bytes)) {
            out.write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);   // in memory: does not happen
        }
        return bytes.toByteArray();
    }

    private static String gunzip(byte[] gz) {
        try (var in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static Duration parseDuration(String what, String text) {
        String t = text.trim().toLowerCase(java.util.Locale.ROOT);
        try {
            if (t.endsWith("ms")) return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2).trim()));
            if (t.endsWith("s")) return Duration.ofMillis(Math.round(Double.parseDouble(t.substring(0, t.length() - 1).trim()) * 1000));
            return Duration.ofMillis(Long.parseLong(t));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a duration such as 500ms or 2s: '" + text + "'");
        }
    }

    /**
     * Configures a {@link VelaConsole}. Defaults: 127.0.0.1, a free port, every second, no token, the
     * last 120 snapshots recorded, at most 500 items per list, a park is "long" after 10 s, pinned
     * virtual threads not watched (JFR's cost, see {@link #pinnedThreads}).
     */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private Duration interval = Duration.ofSeconds(1);
        private String token;
        private int recording = 120;
        private int limit = 500;
        private Duration longPark = Duration.ofSeconds(10);
        private boolean pinnedThreads;

        private Builder() {}

        /**
         * Where to listen.
         *
         * @param address {@code host:port} ({@code [::1]:8080} for IPv6); port 0 picks a free one
         * @return this builder
         * @throws IllegalArgumentException if malformed (the message names the value)
         */
        public Builder address(String address) {
            Objects.requireNonNull(address, "address must not be null");
            int colon = address.lastIndexOf(':');
            String h = colon < 0 ? "" : address.substring(0, colon);
            if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
            int p;
            try {
                p = Integer.parseInt(address.substring(colon + 1));
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (colon < 0 || h.isBlank() || p < 0 || p > 65535) {
                throw new IllegalArgumentException("malformed console address '" + address + "': expected host:port, e.g. 127.0.0.1:0");
            }
            this.host = h;
            this.port = p;
            return this;
        }

        /**
         * How often to sample (and push to the page).
         *
         * @param interval from 100 ms to 60 s
         * @return this builder
         * @throws IllegalArgumentException if outside that range
         */
        public Builder interval(Duration interval) {
            Objects.requireNonNull(interval, "interval must not be null");
            if (interval.toMillis() < 100 || interval.compareTo(Duration.ofSeconds(60)) > 0) {
                throw new IllegalArgumentException("console interval must be from 100 ms to 60 s: " + interval);
            }
            this.interval = interval;
            return this;
        }

        /**
         * Requires every request to carry this token ({@code Authorization: Bearer} or {@code ?token=};
         * {@link VelaConsole#url()} includes it). Required to listen on a non-loopback address.
         *
         * @param token at least 16 characters (e.g. a random UUID)
         * @return this builder
         * @throws IllegalArgumentException if shorter
         */
        public Builder token(String token) {
            Objects.requireNonNull(token, "token must not be null");
            if (token.length() < 16) throw new IllegalArgumentException("console token must have at least 16 characters");
            this.token = token;
            return this;
        }

        /**
         * @param snapshots how many recent snapshots {@code /api/recording} keeps, from 1 to 10,000
         * @return this builder
         */
        public Builder recording(int snapshots) {
            if (snapshots < 1 || snapshots > 10_000) throw new IllegalArgumentException("recording must keep 1 to 10,000 snapshots: " + snapshots);
            this.recording = snapshots;
            return this;
        }

        /**
         * @param items the most workers, channels and section rows per snapshot, from 10 to 2,000 (the rest is counted as truncated)
         * @return this builder
         */
        public Builder limit(int items) {
            if (items < 10 || items > 2000) throw new IllegalArgumentException("limit must be from 10 to 2,000 items: " + items);
            this.limit = items;
            return this;
        }

        /**
         * @param after a worker parked without a timeout for longer than this raises a warning (default 10 s)
         * @return this builder
         */
        public Builder longPark(Duration after) {
            if (Objects.requireNonNull(after, "longPark must not be null").isNegative() || after.isZero()) {
                throw new IllegalArgumentException("longPark must be positive: " + after);
            }
            this.longPark = after;
            return this;
        }

        /**
         * Watches for pinned virtual threads (JFR's {@code jdk.VirtualThreadPinned}) and warns with where they
         * pinned. Off by default: a running JFR recording cost the rendezvous hand-off 30 % and a select over
         * rendezvous channels 16 % in {@code ./vela bench --console} (with it off, the console costs them
         * nothing measurable); turn it on to hunt pinning, not in production.
         *
         * @param watch whether to watch (default false)
         * @return this builder
         */
        public Builder pinnedThreads(boolean watch) {
            this.pinnedThreads = watch;
            return this;
        }

        /**
         * Starts the console.
         *
         * @return the running console
         * @throws IllegalArgumentException if the address is not loopback and no token is set
         * @throws IllegalStateException    if it cannot listen (e.g. the port is taken)
         */
        public VelaConsole start() {
            return new VelaConsole(this);
        }

        private InetSocketAddress resolve() {
            InetAddress a;
            try {
                a = InetAddress.getByName(host);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("unknown console host '" + host + "'", e);
            }
            if (!a.isLoopbackAddress() && token == null) {
                throw new IllegalArgumentException("the console would listen on " + describe() + ", which is not loopback:"
                        + " set a token (builder().token(...) or -Dvela.console.token) or use 127.0.0.1");
            }
            return new InetSocketAddress(a, port);
        }

        private String describe() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
