package dev.vela.console;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Saves what the browser shows when a test fails: {@code @ExtendWith(ScreenshotOnFailure.class)} on a test class
 * whose instance or static fields hold a {@link Chromium} (of any visibility, also in enclosing
 * {@code @Nested} instances).
 *
 * <p>For a failed test {@code m} of class {@code C} it writes {@code target/screenshots/C.m.png} (the viewport)
 * and {@code C.m.txt} (URL, console messages and the browser's last stderr lines), with {@code -field} appended
 * when the test has more than one browser. The directory is the system property
 * {@code vela.screenshots.dir}, else {@code target/screenshots} under the working directory (the module's
 * directory under Surefire). The paths are printed to stderr and published as report entries.
 *
 * <p>It runs right after the test method, <em>before</em> {@code @AfterEach}, so the browser is still open
 * even if {@code @AfterEach} closes it. (A {@code TestWatcher} would run too late for that.) Failures in
 * {@code @BeforeEach} are not captured. Saving never throws: a problem is printed and the original failure
 * stands.
 */
public final class ScreenshotOnFailure implements AfterTestExecutionCallback {

    /** Where the files go. */
    public static Path directory() {
        return Path.of(System.getProperty("vela.screenshots.dir", "target/screenshots"));
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) return;
        Map<String, Chromium> browsers = new java.util.LinkedHashMap<>();
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            collect(instance.getClass(), instance, browsers);
        }
        collect(context.getRequiredTestClass(), null, browsers);
        String method = context.getRequiredTestMethod().getName();
        String display = context.getDisplayName(); // "[2] orders" for a parameterized test: keep it apart
        String base = safe(context.getRequiredTestClass().getSimpleName() + "." + method
                + (display.startsWith(method + "(") ? "" : "-" + display));
        for (Map.Entry<String, Chromium> e : browsers.entrySet()) {
            String name = browsers.size() == 1 ? base : base + "-" + e.getKey();
            save(e.getValue(), name, context);
        }
    }

    /** Saves {@code browser}'s screenshot and log as {@code directory()/name.png} and {@code .txt}; usable without the extension. */
    public static void save(Chromium browser, String name, ExtensionContext context) {
        if (browser == null || browser.isClosed()) return;
        Path png = directory().resolve(name + ".png");
        Path txt = directory().resolve(name + ".txt");
        try {
            List<String> lines = new ArrayList<>();
            try {
                lines.add("url: " + browser.url());
            } catch (RuntimeException e) {
                lines.add("url: (unknown: " + e.getMessage() + ")");
            }
            lines.add("console:");
            browser.consoleMessages().forEach(m -> lines.add("  " + m));
            lines.add("browser stderr (last lines):");
            lines.add(browser.stderrTail());
            Files.createDirectories(directory());
            Files.write(txt, lines, StandardCharsets.UTF_8);
            browser.saveScreenshot(png);
            System.err.println("ScreenshotOnFailure: saved " + png.toAbsolutePath() + " and " + txt.getFileName());
            if (context != null) context.publishReportEntry("screenshot", png.toAbsolutePath().toString());
        } catch (IOException | RuntimeException e) {
            System.err.println("ScreenshotOnFailure: could not save " + png + ": " + e);
        }
    }

    private static void collect(Class<?> type, Object instance, Map<String, Chromium> into) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (!Chromium.class.isAssignableFrom(f.getType())) continue;
                boolean isStatic = Modifier.isStatic(f.getModifiers());
                if (isStatic != (instance == null)) continue;
                try {
                    f.setAccessible(true);
                    if (f.get(instance) instanceof Chromium browser && !into.containsValue(browser)) into.put(f.getName(), browser);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    System.err.println("ScreenshotOnFailure: cannot read " + f + ": " + e);
                }
            }
        }
    }

    private static String safe(String s) {
        return s.replaceAll("[^A-Za-z0-9._-]+", "_");
    }
}
