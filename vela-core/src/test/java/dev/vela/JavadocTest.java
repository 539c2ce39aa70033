package dev.vela;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API documentation is generated for the exported packages only, with every doclint check on,
 * and without a warning: an internal type leaking into a documented signature, a broken
 * {@code @link} or a public method without Javadoc fails here (docs/adr/0029).
 */
class JavadocTest {

    static final List<String> EXPORTED = List.of("dev.vela.worker", "dev.vela.channel", "dev.vela.diagnostics");

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void exportedPackagesHaveJavadocWithoutWarnings() throws IOException, InterruptedException {
        Path out = Path.of("target", "apidocs");
        Files.createDirectories(out);
        Path tool = Path.of(System.getProperty("java.home"), "bin", "javadoc");
        List<String> command = new java.util.ArrayList<>(List.of(tool.toString(), "-d", out.toString(),
                "-sourcepath", "src/main/java", "-Xdoclint:all", "-Xmaxwarns", "1000", "-quiet", "-notimestamp"));
        command.addAll(EXPORTED);
        Process javadoc = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] log = javadoc.getInputStream().readAllBytes();
        int rc = javadoc.waitFor();
        String text = new String(log, StandardCharsets.UTF_8);
        assertEquals(0, rc, text);
        assertFalse(text.contains("warning"), text);
        List<String> pages;
        try (var files = Files.walk(out)) {
            pages = files.map(f -> out.relativize(f).toString().replace('\\', '/')).toList();
        }
        for (String p : EXPORTED) {
            String summary = "dev.vela.core/" + p.replace('.', '/') + "/package-summary.html";
            assertTrue(pages.contains(summary), p + " not documented (no " + summary + ")");
        }
        assertEquals(List.of(), pages.stream().filter(f -> f.contains("internal")).toList(),
                "internal packages must not be documented");
    }
}
