package dev.vela.console;

import static dev.vela.console.ConsoleSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Who may read the console, and bad input at start: each refusal names the problem. */
@Timeout(60)
class ConsoleSecurityTest {
    private VelaConsole console;

    @AfterEach
    void tearDown() {
        if (console != null) console.stop();
    }

    @Test
    void onLoopbackAHostHeaderThatIsNotALoopbackNameIsRefused() throws Exception {
        console = VelaConsole.start();
        assertEquals("127.0.0.1", console.url().getHost());
        assertEquals(200, get(console.port(), "/api/snapshot").status());
        assertEquals(200, get(console.port(), "/api/snapshot", "Host: localhost:" + console.port()).status());
        assertEquals(200, get(console.port(), "/api/snapshot", "Host: [::1]:" + console.port()).status());
        var rebound = get(console.port(), "/api/snapshot", "Host: evil.example:" + console.port());
        assertEquals(403, rebound.status(), "DNS rebinding: a page of evil.example resolving to 127.0.0.1");
        assertTrue(rebound.body().contains("loopback"));
        assertEquals(403, get(console.port(), "/", "Host: 127.0.0.1.evil.example").status());
    }

    @Test
    void withATokenEveryRequestMustCarryIt() throws Exception {
        String token = UUID.randomUUID().toString();
        console = VelaConsole.builder().token(token).start();
        assertEquals(401, get(console.port(), "/api/snapshot").status());
        assertEquals(401, get(console.port(), "/api/snapshot?token=wrong-token-of-some-length").status());
        assertEquals(401, get(console.port(), "/api/stream", "Authorization: Bearer " + token.substring(1)).status());
        assertEquals(401, get(console.port(), "/api/recording").status());
        assertEquals(401, get(console.port(), "/api/stack?worker=1").status());
        assertEquals(200, get(console.port(), "/console.js").status(), "the page's own files hold no data");
        assertEquals(200, get(console.port(), "/api/snapshot?token=" + token).status());
        assertEquals(200, get(console.port(), "/api/snapshot", "Authorization: Bearer " + token).status());
        assertEquals(200, get(console.port(), console.url().getRawPath() + "?" + console.url().getRawQuery()).status(), "url() works as given");
    }

    @Test
    void everyResponseIsLockedDownAndOnlyGetIsServed() throws Exception {
        console = VelaConsole.start();
        for (String path : new String[] {"/", "/console.js", "/api/snapshot", "/api/nothing"}) {
            var r = get(console.port(), path);
            String csp = r.headers().get("content-security-policy");
            assertNotNull(csp, path);
            assertTrue(csp.contains("default-src 'none'") && csp.contains("script-src 'self'") && !csp.contains("unsafe"), csp);
            assertEquals("nosniff", r.headers().get("x-content-type-options"));
            assertNull(r.headers().get("access-control-allow-origin"), "no CORS");
        }
        assertEquals(405, request(console.port(), "POST", "/api/snapshot", "Content-Length: 0").status());
        assertEquals(405, request(console.port(), "DELETE", "/api/recording").status());
        assertTrue(get(console.port(), "/").body().contains("console.js"), "the page loads its script from a file");
    }

    @Test
    void badInputAtStartIsANamedException() throws Exception {
        var notLoopback = assertThrows(IllegalArgumentException.class, () -> VelaConsole.start("0.0.0.0:0"));
        assertTrue(notLoopback.getMessage().contains("0.0.0.0:0") && notLoopback.getMessage().contains("token"), notLoopback.getMessage());
        for (String bad : new String[] {"localhost", "127.0.0.1:", ":8080", "127.0.0.1:99999", "127.0.0.1:http"}) {
            var e = assertThrows(IllegalArgumentException.class, () -> VelaConsole.start(bad), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
        var interval = assertThrows(IllegalArgumentException.class, () -> VelaConsole.builder().interval(Duration.ofMillis(50)));
        assertTrue(interval.getMessage().contains("PT0.05S"), interval.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VelaConsole.builder().interval(Duration.ofMinutes(2)));
        assertThrows(IllegalArgumentException.class, () -> VelaConsole.builder().token("short"));
        assertThrows(IllegalArgumentException.class, () -> VelaConsole.builder().limit(5));
        assertThrows(IllegalArgumentException.class, () -> VelaConsole.builder().recording(0));
        var property = assertThrows(IllegalArgumentException.class, () -> VelaConsole.parseDuration("vela.console.interval", "soon"));
        assertTrue(property.getMessage().contains("vela.console.interval") && property.getMessage().contains("soon"));
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var inUse = assertThrows(IllegalStateException.class, () -> VelaConsole.start("127.0.0.1:" + taken.getLocalPort()));
            assertTrue(inUse.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), inUse.getMessage());
        }
        assertFalse(dev.vela.diagnostics.internal.ChannelRegistry.tracking, "a failed start leaves no tracking on");
    }

    @Test
    void aNonLoopbackBindWithATokenIsServed() throws Exception {
        String token = UUID.randomUUID().toString();
        console = VelaConsole.builder().address("0.0.0.0:0").token(token).start();
        assertEquals(401, get(console.port(), "/api/snapshot").status());
        assertEquals(200, get(console.port(), "/api/snapshot", "Host: dashboard.internal", "Authorization: Bearer " + token).status());
    }
}
