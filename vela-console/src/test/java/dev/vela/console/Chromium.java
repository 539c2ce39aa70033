package dev.vela.console;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A headless Chromium driven over the Chrome DevTools Protocol (CDP), for real-browser tests. JDK only:
 * {@link ProcessBuilder} starts the browser, {@link HttpClient} finds the page target and
 * {@link WebSocket} carries the protocol; {@link MiniJson} encodes it.
 *
 * <pre>{@code
 * @BeforeAll static void browser() throws IOException {
 *     Assumptions.assumeTrue(Chromium.available(), "install Debian's chromium: apt-get install -y chromium");
 *     browser = Chromium.launch();
 * }
 * @AfterAll static void close() { if (browser != null) browser.close(); }
 *
 * browser.navigate("http://127.0.0.1:" + port + "/");
 * browser.waitFor("document.querySelector('#ch-orders .buffered')?.textContent === '3'", Duration.ofSeconds(10));
 * browser.click("#worker-7 .stack-toggle");
 * assertEquals(List.of(), browser.consoleErrors());
 * }</pre>
 *
 * <p><b>Finding the browser.</b> The system property {@code vela.chromium}, then the environment variable
 * {@code CHROMIUM} (each an absolute path or a command name), then {@code chromium}, {@code chromium-browser}
 * and {@code google-chrome} on the {@code PATH}. Nothing is ever downloaded.
 *
 * <p><b>CI must not skip.</b> Locally, browser tests skip with
 * {@code Assumptions.assumeTrue(Chromium.available(), …)} when no browser is installed. The CI script installs
 * Debian's {@code chromium} package ({@code apt-get install -y --no-install-recommends chromium fonts-liberation}), so there a
 * missing browser is a broken build, not a reason to skip: when the environment variable {@code CI} is
 * {@code true}, {@link #available()} throws an {@link AssertionError} instead of returning {@code false}.
 *
 * <p><b>Timeouts.</b> Every blocking call has one: {@link #launch()} waits at most {@link #LAUNCH_TIMEOUT}
 * for the browser, and each protocol command at most {@link #COMMAND_TIMEOUT} (or the time given).
 *
 * <p><b>Threads.</b> Commands may be sent from any thread; replies are matched by id. Events are
 * recorded (the most recent {@value #EVENT_HISTORY}) and can be awaited with {@link #nextEvent}.
 *
 * <p><b>Cleanup.</b> {@link #close()} closes the WebSocket, ends the browser's whole process tree and
 * deletes the temporary profile directory. It is idempotent; a JVM shutdown hook does the same if a test
 * forgets. {@link ScreenshotOnFailure} saves the page when a test fails.
 */
public final class Chromium implements AutoCloseable {
    /** How long {@link #launch()} waits for the browser to print its DevTools address and accept a connection. */
    public static final Duration LAUNCH_TIMEOUT = Duration.ofSeconds(30);
    /** How long a single protocol command (and {@link #navigate}) may take unless told otherwise. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /** Viewport of the headless window, in CSS pixels. */
    public static final int WIDTH = 1400, HEIGHT = 1000;
    /** How many protocol events {@link #events()} keeps. */
    public static final int EVENT_HISTORY = 10_000;

    private static final Pattern DEVTOOLS_LINE = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final String INSTALL_HINT =
            "install Debian's chromium package (apt-get install -y --no-install-recommends chromium fonts-liberation), "
                    + "or point -Dvela.chromium / $CHROMIUM at a Chromium or Chrome binary";

    private final Process process;
    private final Path profileDir;
    private final Deque<String> stderrTail;
    private final long startNanos;
    private volatile Duration startupTime;
    private final Thread shutdownHook;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WebSocket socket;
    private final Object sendLock = new Object();
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<EventWaiter> waiters = new CopyOnWriteArrayList<>();
    private final Deque<Map<String, Object>> events = new ArrayDeque<>();
    private final List<ConsoleMessage> console = new CopyOnWriteArrayList<>();
    private volatile Throwable connectionFailure;

    /**
     * One message the page wrote to its console, or an error the browser reported for it.
     *
     * @param source {@code console} (the page called {@code console.*}), {@code exception} (an uncaught
     *               exception or unhandled rejection), or the browser's log source such as {@code network},
     *               {@code security} (a Content-Security-Policy violation), {@code violation}, {@code javascript}
     * @param level  for {@code console}: the call ({@code log}, {@code info}, {@code warning}, {@code error},
     *               {@code assert}, {@code debug}, …); for {@code exception}: {@code error}; otherwise the
     *               browser's level ({@code verbose}, {@code info}, {@code warning}, {@code error})
     * @param text   the message: the call's arguments separated by spaces, or the exception with its stack
     */
    public record ConsoleMessage(String source, String level, String text) {
        /** Whether this is an error: {@code console.error}, a failed {@code console.assert}, an uncaught exception, or a browser error. */
        public boolean isError() { return level.equals("error") || level.equals("assert"); }

        @Override public String toString() { return "[" + source + " " + level + "] " + text; }
    }

    /** A JavaScript exception thrown by code run with {@link #evaluate}. */
    public static final class JavaScriptException extends RuntimeException {
        JavaScriptException(String message) { super(message); }
    }

    /** The browser answered a protocol command with an error, or the connection broke. */
    public static final class ProtocolException extends RuntimeException {
        ProtocolException(String message) { super(message); }
        ProtocolException(String message, Throwable cause) { super(message, cause); }
    }

    // ------------------------------------------------------------------ finding and launching

    /**
     * The browser binary, if one can be found (see the class comment for the order).
     *
     * @throws AssertionError if {@code vela.chromium} or {@code $CHROMIUM} is set but names nothing executable
     */
    public static Optional<Path> executable() {
        for (String[] configured : new String[][] {
                {"-Dvela.chromium", System.getProperty("vela.chromium")}, {"$CHROMIUM", System.getenv("CHROMIUM")}}) {
            String value = configured[1];
            if (value == null || value.isBlank()) continue;
            Optional<Path> found = resolve(value.strip());
            if (found.isEmpty()) throw new AssertionError(configured[0] + "=" + value + " is not an executable file or command");
            return found;
        }
        return Stream.of("chromium", "chromium-browser", "google-chrome")
                .map(Chromium::resolve).flatMap(Optional::stream).findFirst();
    }

    /**
     * Whether a browser is installed, for {@code Assumptions.assumeTrue(Chromium.available(), …)}.
     *
     * @throws AssertionError if none is and the environment variable {@code CI} is {@code true}: the CI script
     *                        installs Debian's {@code chromium}, so a missing browser there must fail, not skip
     */
    public static boolean available() {
        if (executable().isPresent()) return true;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true but no Chromium was found, and browser tests must not be skipped in CI: " + INSTALL_HINT);
        }
        return false;
    }

    private static Optional<Path> resolve(String nameOrPath) {
        if (nameOrPath.contains("/")) {
            Path p = Path.of(nameOrPath);
            return Files.isRegularFile(p) && Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, nameOrPath);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** Launches the browser found by {@link #executable()}, waiting at most {@link #LAUNCH_TIMEOUT}. */
    public static Chromium launch() throws IOException {
        return launch(List.of(), LAUNCH_TIMEOUT);
    }

    /**
     * Launches the browser headless with a fresh temporary profile, connects to its page and enables the
     * Page, Runtime and Log domains.
     *
     * @param extraArgs more command-line switches (e.g. {@code --lang=de})
     * @param timeout   how long to wait for the DevTools address and the connection
     * @throws IOException if the browser cannot start or does not answer within {@code timeout}; the message
     *                     carries the end of its stderr
     */
    public static Chromium launch(List<String> extraArgs, Duration timeout) throws IOException {
        Path exe = executable().orElseThrow(() -> new IOException("no Chromium found: " + INSTALL_HINT));
        long start = System.nanoTime();
        Path profile = Files.createTempDirectory("vela-chromium-");
        List<String> command = new ArrayList<>(List.of(exe.toString(),
                "--headless=new",
                "--remote-debugging-port=0",
                "--remote-debugging-address=127.0.0.1",
                "--user-data-dir=" + profile,
                "--no-sandbox", // CI containers run as root, where Chromium's sandbox cannot start
                "--disable-gpu",
                "--disable-dev-shm-usage", // containers have a tiny /dev/shm
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking", // nothing leaves the machine during tests
                "--disable-component-update",
                "--disable-sync",
                "--disable-extensions",
                "--mute-audio",
                "--hide-scrollbars",
                "--window-size=" + WIDTH + "," + HEIGHT));
        command.addAll(extraArgs);
        command.add("about:blank");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            deleteRecursively(profile);
            throw e;
        }
        Deque<String> tail = new ArrayDeque<>();
        CompletableFuture<String> wsUrl = new CompletableFuture<>();
        Thread reader = new Thread(() -> drainStderr(process, tail, wsUrl), "chromium-stderr-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        Chromium browser = null;
        try {
            String browserWs = wsUrl.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            browser = new Chromium(process, profile, tail, start);
            browser.connect(URI.create(browserWs), timeout);
            return browser;
        } catch (ExecutionException | TimeoutException | IOException | RuntimeException e) {
            String why = e instanceof TimeoutException ? "did not print its DevTools address within " + timeout
                    : e instanceof ExecutionException ? e.getCause().getMessage() : e.toString();
            if (browser != null) browser.close();
            else destroyTree(process, profile);
            throw new IOException("Chromium (" + String.join(" ", command) + ") failed to start: " + why
                    + "\n--- stderr (last lines) ---\n" + tailText(tail), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (browser != null) browser.close();
            else destroyTree(process, profile);
            throw new IOException("interrupted while launching Chromium", e);
        }
    }

    private static void drainStderr(Process process, Deque<String> tail, CompletableFuture<String> wsUrl) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.contains(":ERROR:dbus/")) continue; // containers have no D-Bus; Chromium complains at length
                synchronized (tail) {
                    tail.addLast(line);
                    if (tail.size() > 60) tail.removeFirst();
                }
                Matcher m = DEVTOOLS_LINE.matcher(line);
                if (m.find()) wsUrl.complete(m.group(1));
            }
        } catch (IOException ignored) {
            // the browser went away
        }
        wsUrl.completeExceptionally(new IOException("the browser exited (status "
                + (process.isAlive() ? "?" : process.exitValue()) + ") before printing its DevTools address"));
    }

    private static String tailText(Deque<String> tail) {
        synchronized (tail) { return String.join("\n", tail); }
    }

    private Chromium(Process process, Path profileDir, Deque<String> stderrTail, long startNanos) {
        this.process = process;
        this.profileDir = profileDir;
        this.stderrTail = stderrTail;
        this.startNanos = startNanos;
        this.shutdownHook = new Thread(() -> destroyTree(process, profileDir), "chromium-cleanup-" + process.pid());
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private void connect(URI browserWs, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String http = "http://" + browserWs.getHost() + ":" + browserWs.getPort();
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        String pageWs = null;
        try {
            // The browser was started with about:blank, so a page target normally exists already.
            List<?> targets = (List<?>) MiniJson.parse(httpCall(client, "GET", http + "/json/list", deadline));
            for (Object t : targets) {
                Map<String, Object> target = obj(t);
                if ("page".equals(target.get("type")) && target.get("webSocketDebuggerUrl") instanceof String url) {
                    pageWs = url;
                    break;
                }
            }
            if (pageWs == null) { // Chrome 111+ wants PUT for /json/new
                pageWs = (String) obj(MiniJson.parse(httpCall(client, "PUT", http + "/json/new?about:blank", deadline)))
                        .get("webSocketDebuggerUrl");
            }
            socket = client.newWebSocketBuilder()
                    .connectTimeout(remaining(deadline))
                    .buildAsync(URI.create(pageWs), new Listener())
                    .get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while connecting to " + http, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("cannot open the DevTools WebSocket " + pageWs + ": " + e, e);
        }
        send("Page.enable", Map.of(), remaining(deadline));
        send("Runtime.enable", Map.of(), remaining(deadline));
        send("Log.enable", Map.of(), remaining(deadline));
        // --window-size is the outer window: pin the viewport itself, at one device pixel per CSS pixel.
        send("Emulation.setDeviceMetricsOverride",
                Map.of("width", WIDTH, "height", HEIGHT, "deviceScaleFactor", 1, "mobile", false), remaining(deadline));
        startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static String httpCall(HttpClient client, String method, String url, long deadline)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(remaining(deadline))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) throw new IOException(method + " " + url + " -> " + response.statusCode() + ": " + response.body());
        return response.body();
    }

    private static Duration remaining(long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) throw new ProtocolException("timed out");
        return Duration.ofNanos(left);
    }

    // ------------------------------------------------------------------ the protocol

    /** Receives text messages, reassembling fragments (a screenshot arrives as many frames). */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String message = partial.toString();
                partial.setLength(0);
                try {
                    dispatch(obj(MiniJson.parse(message)));
                } catch (RuntimeException e) {
                    System.err.println("Chromium: cannot handle a DevTools message: " + e);
                }
            }
            ws.request(1);
            return null;
        }

        @Override public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            broken(new ProtocolException("the DevTools connection closed (" + status + " " + reason + ")"));
            return null;
        }

        @Override public void onError(WebSocket ws, Throwable error) {
            broken(new ProtocolException("the DevTools connection failed: " + error, error));
        }
    }

    private void broken(Throwable why) {
        connectionFailure = why;
        pending.values().forEach(f -> f.completeExceptionally(why));
        waiters.forEach(w -> w.future.completeExceptionally(why));
    }

    private void dispatch(Map<String, Object> message) {
        if (message.get("id") instanceof Number id) {
            CompletableFuture<Map<String, Object>> reply = pending.remove(id.longValue());
            if (reply == null) return; // timed out already
            if (message.get("error") != null) {
                Map<String, Object> error = obj(message.get("error"));
                reply.completeExceptionally(new ProtocolException(error.get("message")
                        + (error.get("data") != null ? " (" + error.get("data") + ")" : "")));
            } else {
                reply.complete(message.get("result") == null ? Map.of() : obj(message.get("result")));
            }
            return;
        }
        if (!(message.get("method") instanceof String method)) return;
        Map<String, Object> params = message.get("params") == null ? Map.of() : obj(message.get("params"));
        Map<String, Object> event = Map.of("method", method, "params", params);
        synchronized (events) {
            events.addLast(event);
            if (events.size() > EVENT_HISTORY) events.removeFirst();
        }
        recordConsole(method, params);
        for (EventWaiter w : waiters) {
            if (w.method.equals(method) && w.filter.test(params) && w.future.complete(params)) waiters.remove(w);
        }
    }

    private void recordConsole(String method, Map<String, Object> params) {
        switch (method) {
            case "Runtime.consoleAPICalled" -> {
                List<String> parts = new ArrayList<>();
                for (Object arg : (List<?>) params.getOrDefault("args", List.of())) parts.add(describe(obj(arg)));
                console.add(new ConsoleMessage("console", String.valueOf(params.get("type")), String.join(" ", parts)));
            }
            case "Runtime.exceptionThrown" -> console.add(new ConsoleMessage("exception", "error",
                    exceptionText(obj(params.get("exceptionDetails")))));
            case "Log.entryAdded" -> {
                Map<String, Object> entry = obj(params.get("entry"));
                String url = entry.get("url") instanceof String u && !u.isEmpty() ? " (" + u + ")" : "";
                console.add(new ConsoleMessage(String.valueOf(entry.get("source")), String.valueOf(entry.get("level")),
                        entry.get("text") + url));
            }
            default -> { }
        }
    }

    private static String describe(Map<String, Object> remoteObject) {
        if (remoteObject.containsKey("value")) {
            Object v = remoteObject.get("value");
            return v instanceof String s ? s : MiniJson.write(v);
        }
        if (remoteObject.get("unserializableValue") instanceof String u) return u;
        if (remoteObject.get("description") instanceof String d) return d;
        return String.valueOf(remoteObject.get("type"));
    }

    private static String exceptionText(Map<String, Object> details) {
        if (details.get("exception") instanceof Map<?, ?> ex && obj(ex).get("description") instanceof String d) return d;
        return String.valueOf(details.get("text"));
    }

    /** Sends a protocol command and waits at most {@link #COMMAND_TIMEOUT} for its result. */
    public Map<String, Object> send(String method, Map<String, ?> params) {
        return send(method, params, COMMAND_TIMEOUT);
    }

    /**
     * Sends a protocol command (e.g. {@code "Emulation.setDeviceMetricsOverride"}) and waits for its result.
     *
     * @throws ProtocolException if the browser answers with an error, the connection breaks or {@code timeout} passes
     */
    public Map<String, Object> send(String method, Map<String, ?> params, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (closed.get()) throw new ProtocolException("this Chromium is closed");
        if (connectionFailure != null) throw new ProtocolException(connectionFailure.getMessage(), connectionFailure);
        long id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("id", id);
        message.put("method", method);
        message.put("params", params);
        try {
            synchronized (sendLock) { // a JDK WebSocket accepts one outstanding sendText at a time
                socket.sendText(MiniJson.write(message), true).get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
            }
            return reply.get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ProtocolException e) {
            throw new ProtocolException(method + ": no reply within " + timeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new ProtocolException(method + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException(method + ": interrupted", e);
        } finally {
            pending.remove(id);
        }
    }

    private record EventWaiter(String method, Predicate<Map<String, Object>> filter, CompletableFuture<Map<String, Object>> future) { }

    /**
     * A future for the next event named {@code method} whose params pass {@code filter}. Call it
     * <em>before</em> the action that causes the event; wait with a timeout ({@code future.get(…)}) or
     * {@link #await}.
     */
    public CompletableFuture<Map<String, Object>> nextEvent(String method, Predicate<Map<String, Object>> filter) {
        EventWaiter w = new EventWaiter(method, filter, new CompletableFuture<>());
        waiters.add(w);
        if (connectionFailure != null) w.future.completeExceptionally(connectionFailure);
        w.future.whenComplete((r, e) -> waiters.remove(w));
        return w.future;
    }

    /** Waits at most {@code timeout} for {@code future} (from {@link #nextEvent}); the timeout message names {@code what}. */
    public static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(false);
            throw new AssertionError("timed out after " + timeout + " waiting for " + what);
        } catch (ExecutionException e) {
            throw new ProtocolException(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProtocolException(what + ": interrupted", e);
        }
    }

    /** The most recent protocol events, oldest first, each {@code {method, params}}. */
    public List<Map<String, Object>> events() {
        synchronized (events) { return List.copyOf(events); }
    }

    // ------------------------------------------------------------------ the page

    /** Loads {@code url} and waits at most {@link #COMMAND_TIMEOUT} for its {@code load} event. */
    public void navigate(String url) {
        navigate(url, COMMAND_TIMEOUT);
    }

    /**
     * Loads {@code url} and waits for its {@code load} event (scripts run, images loaded). A same-document
     * navigation (only the {@code #fragment} changes) fires no load event: use {@link #evaluate} for those.
     *
     * @throws ProtocolException if the page cannot be loaded (e.g. connection refused) or does not load in time
     */
    public void navigate(String url, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Map<String, Object>> loaded = nextEvent("Page.loadEventFired", p -> true);
        try {
            Map<String, Object> result = send("Page.navigate", Map.of("url", url), timeout);
            if (result.get("errorText") instanceof String error && !error.isEmpty()) {
                throw new ProtocolException("cannot load " + url + ": " + error);
            }
            await(loaded, remaining(deadline), "the load event of " + url);
        } finally {
            loaded.cancel(false);
        }
    }

    /** The current page's URL. */
    public String url() {
        return String.valueOf(evaluate("location.href"));
    }

    /** {@link #evaluate(String, Duration)} with {@link #COMMAND_TIMEOUT}. */
    public Object evaluate(String js) {
        return evaluate(js, COMMAND_TIMEOUT);
    }

    /**
     * Evaluates a JavaScript expression in the page, awaiting it if it is a promise, and returns its value as
     * JSON would carry it: {@code null} (also for {@code undefined}), {@link Boolean}, {@link String},
     * {@link Long} or {@link Double}, {@link List}, {@link Map}. {@code NaN}, {@code ±Infinity} and {@code -0}
     * come back as {@link Double}, a {@code BigInt} as {@link BigInteger}. DOM nodes come back as empty maps:
     * return their properties instead.
     *
     * @throws JavaScriptException with the exception's message and stack if the script throws or the promise rejects
     */
    public Object evaluate(String js, Duration timeout) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("expression", js);
        params.put("returnByValue", true);
        params.put("awaitPromise", true);
        params.put("userGesture", true);
        Map<String, Object> reply = send("Runtime.evaluate", params, timeout);
        if (reply.get("exceptionDetails") != null) {
            throw new JavaScriptException(exceptionText(obj(reply.get("exceptionDetails"))) + "\n  in: " + js);
        }
        Map<String, Object> result = obj(reply.get("result"));
        if (result.get("unserializableValue") instanceof String u) {
            return switch (u) {
                case "NaN" -> Double.NaN;
                case "Infinity" -> Double.POSITIVE_INFINITY;
                case "-Infinity" -> Double.NEGATIVE_INFINITY;
                case "-0" -> -0.0;
                default -> u.endsWith("n") ? new BigInteger(u.substring(0, u.length() - 1)) : u;
            };
        }
        return result.get("value");
    }

    /**
     * Polls {@code jsPredicate} (an expression, may be a promise) every 50 ms until its value is truthy, and
     * returns that value. While it throws (say, the element does not exist yet) or the page is between
     * documents, it counts as not yet true.
     *
     * @throws AssertionError if {@code timeout} passes, naming the predicate and its last value or exception
     */
    public Object waitFor(String jsPredicate, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "(never evaluated)";
        while (true) {
            long left = deadline - System.nanoTime();
            try {
                Object value = evaluate(jsPredicate, Duration.ofNanos(Math.max(left, 0) + TimeUnit.SECONDS.toNanos(1)));
                if (truthy(value)) return value;
                last = "last value: " + (value instanceof String s ? MiniJson.write(s) : String.valueOf(value));
            } catch (JavaScriptException | ProtocolException e) {
                if (closed.get() || connectionFailure != null) throw e;
                last = "last error: " + e.getMessage();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + jsPredicate + "; " + last);
            }
            try {
                Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + jsPredicate, e);
            }
        }
    }

    /** JavaScript truthiness of a value returned by {@link #evaluate}. */
    static boolean truthy(Object v) {
        return switch (v) {
            case null -> false;
            case Boolean b -> b;
            case String s -> !s.isEmpty();
            case BigInteger b -> b.signum() != 0;
            case Number n -> n.doubleValue() != 0 && !Double.isNaN(n.doubleValue());
            default -> true;
        };
    }

    /**
     * Clicks the first element matching {@code cssSelector} with {@code element.click()} (a DOM click: no
     * hit-testing, so it also reaches covered or off-screen elements).
     *
     * @throws JavaScriptException if nothing matches
     */
    public void click(String cssSelector) {
        String sel = MiniJson.write(cssSelector);
        evaluate("(() => { const el = document.querySelector(" + sel + ");"
                + " if (!el) throw new Error('no element matches ' + " + sel + "); el.click(); return true; })()");
    }

    /** The {@code textContent} of the first element matching {@code cssSelector}, or {@code null} if none does. */
    public String text(String cssSelector) {
        return (String) evaluate("document.querySelector(" + MiniJson.write(cssSelector) + ")?.textContent ?? null");
    }

    /** A PNG of the viewport ({@link #WIDTH}×{@link #HEIGHT}). */
    public byte[] screenshot() {
        return screenshot(false);
    }

    /** A PNG of the viewport, or with {@code fullPage} of the whole scrollable page. */
    public byte[] screenshot(boolean fullPage) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("format", "png");
        if (fullPage) {
            Map<String, Object> size = obj(send("Page.getLayoutMetrics", Map.of()).get("cssContentSize"));
            params.put("captureBeyondViewport", true);
            params.put("clip", Map.of("x", 0, "y", 0, "scale", 1,
                    "width", Math.max(WIDTH, ((Number) size.get("width")).doubleValue()),
                    "height", Math.max(HEIGHT, ((Number) size.get("height")).doubleValue())));
        }
        return Base64.getDecoder().decode((String) send("Page.captureScreenshot", params).get("data"));
    }

    /** Writes {@link #screenshot()} to {@code file} (creating its directories) and returns {@code file}. */
    public Path saveScreenshot(Path file) {
        try {
            if (file.toAbsolutePath().getParent() != null) Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, screenshot());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the page logged so far (console calls, uncaught exceptions, browser errors such as CSP violations or failed loads), oldest first. */
    public List<ConsoleMessage> consoleMessages() {
        return List.copyOf(console);
    }

    /** The {@link ConsoleMessage#isError() errors} among {@link #consoleMessages()}: assert this is empty. */
    public List<ConsoleMessage> consoleErrors() {
        return console.stream().filter(ConsoleMessage::isError).toList();
    }

    /** Forgets the collected console messages and events (e.g. before loading the page under test). */
    public void clearLogs() {
        console.clear();
        synchronized (events) { events.clear(); }
    }

    // ------------------------------------------------------------------ the process

    /** The browser's version, e.g. {@code Chrome/150.0.7871.100} (with {@code HeadlessChrome/…} in headless mode). */
    public String version() {
        return String.valueOf(send("Browser.getVersion", Map.of()).get("product"));
    }

    /** From starting the process to a connected, enabled page. */
    public Duration startupTime() {
        return startupTime;
    }

    /** The temporary profile directory ({@code --user-data-dir}); deleted by {@link #close()}. */
    public Path profileDir() { return profileDir; }

    /** The browser's process (for diagnostics: {@code pid()}, {@code isAlive()}). */
    public Process process() { return process; }

    /** The last lines the browser wrote to stderr. */
    public String stderrTail() { return tailText(stderrTail); }

    public boolean isClosed() { return closed.get(); }

    /**
     * Closes the DevTools connection, ends the browser and all its child processes (politely, then forcibly
     * after 5 s) and deletes the profile directory. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        WebSocket ws = socket;
        if (ws != null) {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(2, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // closing anyway
            } finally {
                ws.abort();
            }
        }
        broken(new ProtocolException("this Chromium is closed"));
        destroyTree(process, profileDir);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or will run; it is harmless to do it twice
        }
    }

    private static void destroyTree(Process process, Path profileDir) {
        // Snapshot the children first: once the browser is gone they are re-parented and out of reach.
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
            } catch (Exception notYet) {
                p.destroyForcibly();
            }
        }
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // a zombie we cannot reap; nothing more to do
            }
        }
        deleteRecursively(profileDir);
    }

    private static void deleteRecursively(Path dir) {
        for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException ignored) {
                        // retried below
                    }
                });
            } catch (IOException | UncheckedIOException ignored) {
                // a file vanished while walking; retry
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) {
        if (o instanceof Map<?, ?> m) return (Map<String, Object>) m;
        throw new ProtocolException("expected a JSON object, got " + o);
    }

    @Override public String toString() {
        return "Chromium[pid " + process.pid() + (closed.get() ? ", closed" : "") + ", " + profileDir + "]";
    }
}
