package dev.vela.console;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests the browser harness itself ({@link Chromium}, {@link MiniJson}, {@link ScreenshotOnFailure}) against a
 * tiny page served by the JDK's HttpServer under a strict Content-Security-Policy, as the console will be.
 * Skips locally without a browser; fails in CI (CI=true) without one.
 */
@Timeout(120)
@ExtendWith(ScreenshotOnFailure.class)
class ChromiumSelfTest {
    static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>harness self-test</title>
            </head>
            <body>
              <h1>Ünïcödé ✓ 🚀</h1>
              <button id="btn" type="button">Press me</button>
              <p>value: <span id="value">pending</span></p>
              <p>inline: <span id="inline">not run</span></p>
              <script>document.getElementById('inline').textContent = 'ran'; window.inlineRan = true;</script>
              <script src="/app.js"></script>
            </body></html>
            """;

    static final String SCRIPT = """
            console.log('self-test page ready', 42);
            const btn = document.getElementById('btn');
            btn.addEventListener('click', () => { btn.textContent = 'Pressed'; });
            setTimeout(() => { document.getElementById('value').textContent = '42'; }, 300);
            """;

    static HttpServer server;
    static String base;
    static Chromium browser;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            switch (exchange.getRequestURI().getPath()) {
                case "/" -> respond(exchange, 200, "text/html; charset=utf-8", PAGE);
                case "/app.js" -> respond(exchange, 200, "text/javascript; charset=utf-8", SCRIPT);
                case "/favicon.ico" -> respond(exchange, 204, "image/x-icon", "");
                default -> respond(exchange, 404, "text/plain", "not found");
            }
        });
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        if (Chromium.available()) {
            browser = Chromium.launch();
            System.out.println("launched " + browser.version() + " in " + browser.startupTime().toMillis() + " ms");
        }
    }

    static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; script-src 'self'");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (var out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.close();
        if (server != null) server.stop(0);
    }

    @BeforeEach
    void needsBrowser(org.junit.jupiter.api.TestInfo info) {
        if (info.getTags().contains("no-browser")) return;
        Assumptions.assumeTrue(browser != null, "no Chromium: install Debian's chromium (apt-get install -y chromium) or set -Dvela.chromium");
    }

    @Test
    void drivesAPageUnderAStrictContentSecurityPolicy(@TempDir Path dir) {
        browser.clearLogs();
        browser.navigate(base + "/");
        assertEquals(base + "/", browser.url());

        // The value appears 300 ms after load: polling sees it.
        assertEquals(Boolean.TRUE, browser.waitFor("document.getElementById('value').textContent === '42'", Duration.ofSeconds(10)));
        assertEquals("42", browser.text("#value"));

        browser.click("#btn");
        assertEquals("Pressed", browser.text("#btn"));

        // The CSP blocked the inline script: it neither changed the page nor set its global.
        assertEquals("not run", browser.text("#inline"));
        assertEquals(Boolean.TRUE, browser.evaluate("typeof window.inlineRan === 'undefined'"));

        // Non-ASCII text survives the round trip through CDP and MiniJson.
        assertEquals("Ünïcödé ✓ 🚀", browser.text("h1"));

        byte[] png = browser.screenshot();
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(png, 8));
        ByteBuffer ihdr = ByteBuffer.wrap(png, 16, 8); // width and height, big-endian, right after "IHDR"
        assertEquals(Chromium.WIDTH, ihdr.getInt(), "screenshot width");
        assertEquals(Chromium.HEIGHT, ihdr.getInt(), "screenshot height");
        Path saved = browser.saveScreenshot(dir.resolve("sub/page.png"));
        assertTrue(Files.isRegularFile(saved));
        byte[] full = browser.screenshot(true);
        assertArrayEquals(PNG_MAGIC, Arrays.copyOf(full, 8));

        List<Chromium.ConsoleMessage> messages = browser.consoleMessages();
        assertTrue(messages.contains(new Chromium.ConsoleMessage("console", "log", "self-test page ready 42")), messages::toString);
        // The only error is the browser's report of the blocked inline script.
        List<Chromium.ConsoleMessage> errors = browser.consoleErrors();
        assertEquals(1, errors.size(), errors::toString);
        assertTrue(errors.getFirst().text().contains("Content Security Policy"), errors::toString);
    }

    @Test
    void evaluateReturnsJsonValuesAndThrowsJavaScriptExceptions() throws IOException {
        browser.navigate(base + "/");
        assertEquals(3L, browser.evaluate("1 + 2"));
        assertEquals(0.5, browser.evaluate("1 / 2"));
        assertEquals("a\"b\\c\n😀", browser.evaluate(MiniJson.write("a\"b\\c\n😀")));
        assertNull(browser.evaluate("undefined"));
        assertNull(browser.evaluate("null"));
        assertTrue(Double.isNaN((Double) browser.evaluate("NaN")));
        assertEquals(Double.POSITIVE_INFINITY, browser.evaluate("1 / 0"));
        assertEquals(new BigInteger("12345678901234567890"), browser.evaluate("12345678901234567890n"));
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("list", List.of(1L, "two", true));
        expected.put("nested", Map.of("x", 1.25));
        assertEquals(expected, browser.evaluate("({list: [1, 'two', true], nested: {x: 1.25}})"));
        assertEquals("later", browser.evaluate("new Promise(r => setTimeout(() => r('later'), 50))"));

        var thrown = assertThrows(Chromium.JavaScriptException.class, () -> browser.evaluate("null.boom"));
        assertTrue(thrown.getMessage().contains("TypeError"), thrown.getMessage());
        var rejected = assertThrows(Chromium.JavaScriptException.class, () -> browser.evaluate("Promise.reject(new Error('nope'))"));
        assertTrue(rejected.getMessage().contains("nope"), rejected.getMessage());
        var missing = assertThrows(Chromium.JavaScriptException.class, () -> browser.click("#no-such-element"));
        assertTrue(missing.getMessage().contains("#no-such-element"), missing.getMessage());

        var timedOut = assertThrows(AssertionError.class, () -> browser.waitFor("document.title.length > 1000 && 'x'", Duration.ofMillis(300)));
        assertTrue(timedOut.getMessage().contains("last value: false"), timedOut.getMessage());
        var throwing = assertThrows(AssertionError.class, () -> browser.waitFor("document.querySelector('#late').id", Duration.ofMillis(300)));
        assertTrue(throwing.getMessage().contains("last error") && throwing.getMessage().contains("TypeError"), throwing.getMessage());

        int closedPort;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var refused = assertThrows(Chromium.ProtocolException.class, () -> browser.navigate("http://127.0.0.1:" + closedPort + "/"));
        assertTrue(refused.getMessage().contains("ERR_CONNECTION_REFUSED"), refused.getMessage());
    }

    @Test
    void uncaughtExceptionsAreCollected() {
        browser.navigate(base + "/");
        browser.clearLogs();
        browser.evaluate("setTimeout(() => { throw new RangeError('thrown later'); }, 0); console.error('bad', {a: 1}); true");
        browser.waitFor("new Promise(r => setTimeout(() => r(true), 50))", Duration.ofSeconds(5));
        List<Chromium.ConsoleMessage> errors = browser.consoleErrors();
        assertTrue(errors.contains(new Chromium.ConsoleMessage("console", "error", "bad Object")), errors::toString);
        assertTrue(errors.stream().anyMatch(m -> m.source().equals("exception") && m.text().contains("RangeError: thrown later")), errors::toString);
    }

    @Test
    void closeEndsTheProcessTreeAndDeletesTheProfile() throws IOException {
        Chromium second = Chromium.launch();
        Path profile = second.profileDir();
        List<ProcessHandle> tree = new java.util.ArrayList<>(second.process().descendants().toList());
        tree.add(second.process().toHandle());
        assertTrue(Files.isDirectory(profile));
        assertTrue(tree.size() > 1, "a browser has helper processes: " + tree);
        second.close();
        second.close(); // idempotent
        assertTrue(second.isClosed());
        assertTrue(tree.stream().noneMatch(ProcessHandle::isAlive), "still alive: " + tree.stream().filter(ProcessHandle::isAlive).toList());
        assertFalse(Files.exists(profile), profile + " was not deleted");
        assertThrows(Chromium.ProtocolException.class, () -> second.evaluate("1"));
    }

    @Test
    @org.junit.jupiter.api.Tag("no-browser")
    void miniJsonRoundTrips() {
        String json = "{\"a\":[1,-2.5e3,0.1,true,false,null],\"s\":\"q\\\"b\\\\s\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude80\",\"e\":{},\"l\":[],"
                + "\"big\":123456789012345678901234567890}";
        Object parsed = MiniJson.parse(" \n" + json + "\t");
        Map<?, ?> map = (Map<?, ?>) parsed;
        assertEquals(Arrays.asList(1L, -2500.0, 0.1, true, false, null), map.get("a"));
        assertEquals("q\"b\\s/\b\f\n\r\té🚀", map.get("s"));
        assertEquals(Map.of(), map.get("e"));
        assertEquals(List.of(), map.get("l"));
        assertEquals(1.2345678901234568e29, map.get("big"));
        assertEquals(List.of("a", "s", "e", "l", "big"), List.copyOf(map.keySet()));
        assertEquals(parsed, MiniJson.parse(MiniJson.write(parsed)));
        assertEquals("\"\\u0001\\u2028\\ud800x😀\"", MiniJson.write("\u0001\u2028\ud800x😀"));
        assertEquals("[3.0,0.5,\"c\",null,7]", MiniJson.write(new Object[] {3.0, 0.5f, 'c', null, 7}));
        for (String bad : List.of("", "{", "[1,]", "{\"a\" 1}", "01", "1.", "-", "\"\\x\"", "\"\u0001\"", "tru", "[1] x", "\"\\u12\"", "{a:1}")) {
            assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> MiniJson.write(Double.NaN));
        assertTrue(Chromium.truthy("x") && !Chromium.truthy("") && !Chromium.truthy(0L) && !Chromium.truthy(-0.0)
                && !Chromium.truthy(Double.NaN) && !Chromium.truthy(null) && Chromium.truthy(Map.of()));
    }
}
