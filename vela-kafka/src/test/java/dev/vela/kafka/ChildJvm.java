package dev.vela.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A child JVM running a main class from this test class path (Surefire runs the tests on the class
 * path, so {@code java.class.path} is the whole test class path). Its stdout lines are collected;
 * it exits by itself when this JVM dies (the parent pid is passed and watched by {@link #watchParent}).
 */
final class ChildJvm implements AutoCloseable {
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    private ChildJvm(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> {
            try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) lines.add(l);
            } catch (IOException ignored) {
                // the process died
            }
        });
    }

    static ChildJvm start(Class<?> main, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "--sun-misc-unsafe-memory-access=allow", "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"), main.getName(),
                Long.toString(ProcessHandle.current().pid())));
        cmd.addAll(List.of(args));
        return new ChildJvm(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }

    /** In the child's main: exit when the parent (first argument) is gone. */
    static void watchParent(String parentPid) {
        ProcessHandle.of(Long.parseLong(parentPid)).ifPresentOrElse(
                p -> p.onExit().thenRun(() -> {
                    if (!p.isAlive()) Runtime.getRuntime().halt(3);   // onExit may also complete while this JVM shuts down
                }), () -> Runtime.getRuntime().halt(3));
    }

    boolean printed(String prefix) {
        return lines.stream().anyMatch(l -> l.startsWith(prefix));
    }

    String lastLine(String prefix) {
        String last = null;
        for (String l : lines) if (l.startsWith(prefix)) last = l;
        return last;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String output() {
        return String.join("\n", lines);
    }

}
