package dev.vela.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.vela.diagnostics.internal.WorkerRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The console's HTTP side: the page, its script and style, and the read-only JSON API
 * (docs/console-api.md), on the JDK's {@link HttpServer}, one virtual thread per exchange.
 *
 * <h2>Security</h2>
 * Every request passes {@link #guard} first: only {@code GET}; on a loopback bind, a {@code Host}
 * header that is not a loopback name is refused with 403 (a DNS-rebinding page cannot read the
 * console); when a token is set (required for a non-loopback bind), every API request must carry it
 * ({@code Authorization: Bearer} or {@code ?token=}), compared in constant time, else 401 (the page's
 * own files, which hold no data, are served without it: a {@code <script src>} cannot carry one). Every
 * response carries a restrictive Content-Security-Policy (no inline script or style, same-origin
 * connections only), {@code nosniff}, no referrer, no caching and no framing; no CORS header is ever
 * sent, so other origins cannot read anything.
 *
 * <p>Streams ({@code /api/stream}) block their exchange's thread on {@link Console#awaitAfter}; a
 * client that disconnects fails the next write and ends its exchange. {@link #stop()} wakes and ends
 * every stream, then stops the server and its executor: nothing remains.
 */
final class ConsoleServer {
    /** The most event streams served at once; more get 503. */
    static final int MAX_STREAMS = 32;
    private static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            + "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final Set<String> LOOPBACK_NAMES = Set.of("127.0.0.1", "localhost", "[::1]", "::1");
    private static final Map<String, String[]> FILES = Map.of(
            "/", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/index.html", new String[] {"web/index.html", "text/html; charset=utf-8"},
            "/console.js", new String[] {"web/console.js", "text/javascript; charset=utf-8"},
            "/console.css", new String[] {"web/console.css", "text/css; charset=utf-8"});

    /** What the server serves: the console's snapshots. */
    interface Console {
        /** @return the latest snapshot (JSON) */
        String latest();

        /** @return the recorded snapshots, oldest first */
        List<String> recording();

        /**
         * Waits for a snapshot newer than {@code seq}.
         *
         * @return [seq, json], or null once the console stops
         */
        Object[] awaitAfter(long seq) throws InterruptedException;
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Console console;
    /** Final; null: no token (loopback only). */
    private final byte[] token;
    private final boolean loopback;
    /** Open event streams' exchanges, closed by {@link #stop()}. */
    private final Set<HttpExchange> streams = ConcurrentHashMap.newKeySet();

    ConsoleServer(InetSocketAddress address, String token, Console console) throws IOException {
        this.console = console;
        this.token = token == null ? null : token.getBytes(StandardCharsets.UTF_8);
        this.loopback = address.getAddress().isLoopbackAddress();
        this.server = HttpServer.create(address, 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    /** @return the port the server listens on */
    int port() {
        return server.getAddress().getPort();
    }

    /** @return event streams open now */
    int openStreams() {
        return streams.size();
    }

    /** Ends every stream, stops the server and its threads. */
    void stop() {
        streams.forEach(HttpExchange::close);
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) {
        boolean keepOpen = false;
        try {
            if (!guard(ex)) return;
            String path = ex.getRequestURI().getPath();
            String[] file = FILES.get(path);
            if (file != null) {
                sendFile(ex, file[0], file[1]);
            } else {
                switch (path) {
                    case "/api/snapshot" -> send(ex, 200, "application/json; charset=utf-8", console.latest());
                    case "/api/recording" -> {
                        ex.getResponseHeaders().set("Content-Disposition", "attachment; filename=\"vela-console-recording.ndjson\"");
                        send(ex, 200, "application/x-ndjson; charset=utf-8", String.join("\n", console.recording()) + "\n");
                    }
                    case "/api/stack" -> stack(ex);
                    case "/api/stream" -> keepOpen = stream(ex);
                    default -> error(ex, 404, "no such path: " + path);
                }
            }
        } catch (IOException e) {
            // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (!keepOpen) ex.close();
        }
    }

    /** Method, Host and token checks; false once a refusal was sent. */
    private boolean guard(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            ex.getResponseHeaders().set("Allow", "GET");
            error(ex, 405, "only GET: the console is read-only");
            return false;
        }
        if (loopback && !LOOPBACK_NAMES.contains(hostName(ex.getRequestHeaders().getFirst("Host")))) {
            error(ex, 403, "this console answers only to loopback host names (127.0.0.1, localhost, [::1])");
            return false;
        }
        // the page's own files hold no data and cannot carry a token (<script src>, <link href>): served without one
        boolean asset = FILES.containsKey(ex.getRequestURI().getPath());
        if (token != null && !asset && !MessageDigest.isEqual(token, presented(ex))) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"vela-console\"");
            error(ex, 401, "missing or wrong token");
            return false;
        }
        return true;
    }

    /** The host name of a {@code Host} header, without the port; "" if absent. */
    static String hostName(String host) {
        if (host == null) return "";
        host = host.trim().toLowerCase(Locale.ROOT);
        if (host.startsWith("[")) {
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.indexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }

    /** The token the request carries (bearer header, else query parameter), as bytes; empty if none. */
    private static byte[] presented(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) return auth.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        String t = query(ex, "token");
        return t == null ? new byte[0] : t.getBytes(StandardCharsets.UTF_8);
    }

    private static String query(HttpExchange ex, String name) {
        String q = ex.getRequestURI().getRawQuery();
        if (q == null) return null;
        for (String part : q.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            if (k.equals(name)) return eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
        }
        return null;
    }

    private void stack(HttpExchange ex) throws IOException {
        String w = query(ex, "worker");
        long id;
        try {
            id = Long.parseLong(w == null ? "" : w);
        } catch (NumberFormatException e) {
            error(ex, 400, "worker must be a worker id (a number): " + w);
            return;
        }
        for (var e : WorkerRegistry.live().entrySet()) {
            Thread t = e.getKey();
            if (t.threadId() != id) continue;
            StackTraceElement[] frames = t.getStackTrace();   // read only on request
            var out = new StringBuilder();
            var j = new Json(out).beginObject().name("id").value(id).name("name").value(e.getValue().name())
                    .name("state").value(t.getState().toString()).name("stack").beginArray();
            for (StackTraceElement f : frames) j.value(f.toString());
            j.endArray().endObject();
            send(ex, 200, "application/json; charset=utf-8", out.toString());
            return;
        }
        error(ex, 404, "no live worker with id " + id + " (it finished, or was started before the console)");
    }

    /** Serves snapshots as server-sent events until the client leaves or the console stops; true if left open. */
    private boolean stream(HttpExchange ex) throws IOException, InterruptedException {
        if (streams.size() >= MAX_STREAMS) {
            error(ex, 503, "too many open streams (" + MAX_STREAMS + ")");
            return false;
        }
        streams.add(ex);
        try {
            headers(ex, "text/event-stream; charset=utf-8");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            long seq = 0;
            Object[] next;
            while ((next = console.awaitAfter(seq)) != null) {
                seq = (Long) next[0];
                out.write(("event: snapshot\ndata: " + next[1] + "\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } finally {
            streams.remove(ex);
            ex.close();
        }
        return false;
    }

    private void sendFile(HttpExchange ex, String resource, String type) throws IOException {
        try (InputStream in = ConsoleServer.class.getResourceAsStream(resource)) {
            if (in == null) {
                error(ex, 404, "missing resource " + resource);
                return;
            }
            byte[] body = in.readAllBytes();
            headers(ex, type);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static void error(HttpExchange ex, int status, String message) throws IOException {
        var out = new StringBuilder();
        new Json(out).beginObject().name("error").value(message).endObject();
        send(ex, status, "application/json; charset=utf-8", out.toString());
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        headers(ex, type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
    }

    private static void headers(HttpExchange ex, String type) {
        var h = ex.getResponseHeaders();
        h.set("Content-Type", type);
        h.set("Content-Security-Policy", CSP);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Referrer-Policy", "no-referrer");
        h.set("Cache-Control", "no-store");
        h.set("X-Frame-Options", "DENY");
    }
}
