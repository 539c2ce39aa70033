package dev.vela.console;

import static dev.vela.console.ConsoleSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code -Dvela.console} with no code change, in a child JVM: the console starts with the program's first
 * worker, prints its address, serves the program's worker, and lets the JVM exit when {@code main} ends.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)   // reads a child's output: not interruptible
class AutoStartTest {
    @Test
    void thePropertyStartsAConsoleInAProgramThatKnowsNothingOfIt() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-Dvela.console=127.0.0.1:0", "-Dvela.console.interval=100ms",
                "-cp", System.getProperty("java.class.path"), AutoStartMain.class.getName(), "3000")
                .redirectErrorStream(true).start();
        try (var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            int port = -1;
            StringBuilder seen = new StringBuilder();
            while (port < 0 && (line = out.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = Pattern.compile("vela: console at http://127\\.0\\.0\\.1:(\\d+)/").matcher(line);
                if (m.find()) port = Integer.parseInt(m.group(1));
            }
            assertTrue(port > 0, "the console printed its address: " + seen);
            Map<String, Object> s = null;
            for (int i = 0; i < 50; i++) {
                @SuppressWarnings("unchecked") var snap = (Map<String, Object>) get(port, "/api/snapshot").json();
                if (items(snap, "workers").stream().anyMatch(w -> "auto-started".equals(w.get("name")))) {
                    s = snap;
                    break;
                }
                Thread.sleep(50);
            }
            assertNotNull(s, "the program's worker is in the console");
            List<String> rest = out.lines().toList();   // ends when the child exits
            assertTrue(rest.contains("main ends"), rest.toString());
            assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the JVM exits once main ends: the console's threads are daemons");
            assertEquals(0, p.exitValue());
        } finally {
            p.destroyForcibly();
        }
    }
}
