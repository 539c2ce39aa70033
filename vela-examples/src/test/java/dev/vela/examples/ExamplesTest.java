package dev.vela.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/** Runs every example program (the README's snippets) and checks what it prints. */
@Timeout(60)
class ExamplesTest {

    /** Lines each example must print (a subset, in order). */
    private static final Map<String, List<String>> EXPECTED = Map.ofEntries(
            Map.entry("workers", List.of("answer -> 42", "spawnAll -> [1, 4, 9]", "failed: ", "forty-two", "timed out: ", "slow")),
            Map.entry("pool", List.of("results: [1, 4, 9, 16, 25, 36, 49, 64, 81, 100, 121, 144]", "(limit 3)")),
            Map.entry("scope", List.of("ada has 3 orders", "scope failed: ", "database down", "sibling 'slow' is now CANCELLED")),
            Map.entry("channels", List.of("received 6 messages; channel closed: true")),
            Map.entry("timeouts", List.of("trySend a: true", "trySend b (full): false", "send c within 20 ms: false",
                    "receive: a", "tryReceive on empty: null", "receive within 20 ms: null",
                    "still buffered: last words", "then: closed, cause = disk full")),
            Map.entry("rendezvous", List.of("pong 1", "pong 2", "pong 3", "rallies: 3")),
            Map.entry("select", List.of("selected [alert: storm warning, news: rain tomorrow]", "nothing within 20 ms",
                    "async got: sunny", "permit delivered: built after the reservation")),
            Map.entry("primitives", List.of("progress watched up to 100 jobs", "4 workers finished; sum of all jobs = 5050")),
            Map.entry("pipeline", List.of("sum of squares 1..50 = 42925")),
            Map.entry("pipelines", List.of("sum of squares 1..50 = 42925", "merged 12 elements, sum = 660",
                    "failed: bad element 1; workers left: 0")),
            Map.entry("actors", List.of("count = 55", "restarted after: boom", "after restart = 1", "pool of 3 counted 9",
                    "dead letters: 1")),
            Map.entry("testing", List.of("price 42 after attempts at [+0 ms, +100 ms, +300 ms, +700 ms]",
                    "beat 1 at 2000-01-01T00:00:01Z", "beat 2 at 2000-01-01T00:00:02Z", "beat 3 at 2000-01-01T00:00:03Z",
                    "quiet until +3999 ms")),
            Map.entry("console", List.of("console: http://127.0.0.1:", "console stopped")));

    static {
        System.setProperty("vela.example.seconds", "2");   // the console example runs 2 s here, not 2 minutes
    }

    static synchronized String run(Examples.Program p) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            p.main(new String[0]);
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(StandardCharsets.UTF_8);
        old.print(out);
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyExampleRunsAndPrintsWhatTheReadmeSays() {
        return Examples.all().entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            String out = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                    Duration.ofSeconds(30), () -> run(e.getValue()));
            assertTrue(!out.isBlank(), e.getKey() + " printed nothing");
            int from = 0;
            for (String line : EXPECTED.getOrDefault(e.getKey(), List.of())) {
                int at = out.indexOf(line, from);
                assertTrue(at >= 0, e.getKey() + " should print '" + line + "' (in order), printed:\n" + out);
                from = at + line.length();
            }
            Matcher peak = Pattern.compile("at most (\\d+) jobs ran at once").matcher(out);
            if (e.getKey().equals("pool")) {
                assertTrue(peak.find() && Integer.parseInt(peak.group(1)) <= 3, "pool ran more than 3 at once:\n" + out);
            }
        }));
    }

    @Test
    void everyReadmeExampleNameExists() throws Exception {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        Matcher m = Pattern.compile("\\./vela example ([a-z]+)").matcher(text);
        int seen = 0;
        while (m.find()) {
            assertTrue(m.group(1).equals("list") || Examples.all().containsKey(m.group(1)), "README names unknown example " + m.group(1));
            seen++;
        }
        assertTrue(seen >= 3, "README should point at the examples");
        // every Java snippet class named in the README exists as an example source file
        Matcher src = Pattern.compile("vela-examples/src/main/java/dev/vela/examples/(\\w+)\\.java").matcher(text);
        while (src.find()) {
            assertTrue(Files.exists(Path.of("src/main/java/dev/vela/examples/" + src.group(1) + ".java")), src.group());
        }
    }

    @Test
    void moduleDescriptorExportsOnlyApiPackages() {
        Module core = dev.vela.channel.Channel.class.getModule();
        // On the class path (surefire) the module is unnamed; read the compiled descriptor instead.
        var finder = java.lang.module.ModuleFinder.of(Path.of("..", "vela-core", "target", "classes"));
        var ref = finder.find("dev.vela.core").orElseThrow(() -> new AssertionError("no module dev.vela.core"));
        var exported = ref.descriptor().exports().stream().filter(e -> !e.isQualified())
                .map(java.lang.module.ModuleDescriptor.Exports::source).sorted().toList();
        assertEquals(List.of("dev.vela.channel", "dev.vela.diagnostics", "dev.vela.worker"), exported);
        var qualified = ref.descriptor().exports().stream().filter(java.lang.module.ModuleDescriptor.Exports::isQualified)
                .map(e -> e.source() + " to " + new java.util.TreeSet<>(e.targets())).sorted().toList();
        assertEquals(List.of("dev.vela.diagnostics.internal to [dev.vela.console, dev.vela.test]",
                        "dev.vela.time.internal to [dev.vela.actor, dev.vela.pipeline, dev.vela.test]"), qualified,
                "the machinery is exported only to Vela's own modules that need it (ADR 0037)");
        var required = ref.descriptor().requires().stream()
                .filter(r -> !r.modifiers().contains(java.lang.module.ModuleDescriptor.Requires.Modifier.STATIC))
                .map(java.lang.module.ModuleDescriptor.Requires::name).sorted().toList();
        assertEquals(List.of("java.base", "jdk.jfr"), required,
                "core must need JDK modules only at run time: java.base, and jdk.jfr for flight-recorder events");
        var optional = ref.descriptor().requires().stream()
                .filter(r -> r.modifiers().contains(java.lang.module.ModuleDescriptor.Requires.Modifier.STATIC))
                .map(java.lang.module.ModuleDescriptor.Requires::name).sorted().toList();
        assertEquals(List.of("jdk.management"), optional,
                "jdk.management only when present: the virtual-thread scheduler's queue length, ADR 0033");
        assertTrue(core != null);
    }
}
