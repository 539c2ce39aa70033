package dev.vela.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Raw HTTP for the console tests (any Host header, no client magic) and snapshot helpers. */
final class ConsoleSupport {
    private ConsoleSupport() {}

    /** A response: status line code, headers (lower-case names), body. */
    record Response(int status, Map<String, String> headers, String body) {
        Object json() {
            return MiniJson.parse(body);
        }
    }

    /** GET {@code path} on 127.0.0.1:{@code port} with these extra header lines; reads the whole response (5 s timeout). */
    static Response get(int port, String path, String... headerLines) throws IOException {
        return request(port, "GET", path, headerLines);
    }

    static Response request(int port, String method, String path, String... headerLines) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(5000);
            var req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
            boolean host = false;
            for (String h : headerLines) {
                req.append(h).append("\r\n");
                host |= h.regionMatches(true, 0, "Host:", 0, 5);
            }
            if (!host) req.append("Host: 127.0.0.1:").append(port).append("\r\n");
            req.append("Connection: close\r\n\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int end = all.indexOf("\r\n\r\n");
            String[] head = all.substring(0, end).split("\r\n");
            var headers = new java.util.HashMap<String, String>();
            for (int i = 1; i < head.length; i++) {
                int c = head[i].indexOf(':');
                headers.put(head[i].substring(0, c).trim().toLowerCase(), head[i].substring(c + 1).trim());
            }
            String body = all.substring(end + 4);
            if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = unchunk(body);
            return new Response(Integer.parseInt(head[0].split(" ")[1]), headers, body);
        }
    }

    private static String unchunk(String body) {
        var out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            int n = Integer.parseInt(body.substring(i, eol).trim(), 16);
            if (n == 0) break;
            out.append(body, eol + 2, eol + 2 + n);
            i = eol + 2 + n + 2;
        }
        return out.toString();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> snapshot(VelaConsole console) throws IOException {
        URI u = console.url();
        String q = u.getRawQuery();
        return (Map<String, Object>) get(console.port(), "/api/snapshot" + (q == null ? "" : "?" + q)).json();
    }

    /** Polls snapshots until {@code until} holds; fails after {@code timeout}, showing the last one. */
    static Map<String, Object> awaitSnapshot(VelaConsole console, Duration timeout, Predicate<Map<String, Object>> until)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> s;
        while (!until.test(s = snapshot(console))) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + "; last snapshot: " + s);
            Thread.sleep(20);
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> items(Map<String, Object> snapshot, String list) {
        return (List<Map<String, Object>>) ((Map<String, Object>) snapshot.get(list)).get("items");
    }

    static long number(Object o) {
        return ((Number) o).longValue();
    }
}
