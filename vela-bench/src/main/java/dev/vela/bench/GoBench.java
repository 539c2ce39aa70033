package dev.vela.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The optional Go column: runs {@code vela-bench/src/main/go} ({@code seedbench.go}, the seed's
 * scenarios with Go channels and goroutines, same definitions) with {@code go run .} when a
 * {@code go} command is on the PATH, and reads its "key value" lines. It never installs anything:
 * without Go the column says "skipped: go not installed". Debian's {@code golang-go} is enough.
 */
final class GoBench {
    /** The progress-line "benchmark". */
    static final BenchMain.Case CASE = new BenchMain.Case(GoBench.class, "seed", new LinkedHashMap<>());
    /** Where the Go program is looked for, relative to the working directory ({@code ./vela} runs from the repository root). */
    static final List<Path> SOURCE_DIRS = List.of(Path.of("vela-bench", "src", "main", "go"), Path.of("src", "main", "go"));
    static final long TIMEOUT_SECONDS = 600;

    /**
     * What the Go run gave: {@code status} is "ok", "skipped: …" or "failed: …"; {@code values} maps
     * the {@link SeedTable} row keys to msg/s (throughput) or microseconds (spawn-*).
     */
    record Result(String status, String version, Map<String, Double> values) {
        boolean ok() { return status.equals("ok"); }

        static Result skipped(String why) { return new Result("skipped: " + why, "", Map.of()); }
    }

    private GoBench() {}

    static double estimateSeconds(BenchMain.Effort effort) {
        if (findGo() == null) return 0;
        return switch (effort) { case TINY, QUICK -> 15; default -> 40; };
    }

    /** The first executable {@code go} on the PATH, or null. */
    static Path findGo() {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path go = Path.of(dir, "go");
            if (Files.isRegularFile(go) && Files.isExecutable(go)) return go;
        }
        return null;
    }

    static Result run(BenchMain.Effort effort, Path outDir) {
        Path go = findGo();
        if (go == null) return Result.skipped("go not installed");
        Path src = SOURCE_DIRS.stream().filter(d -> Files.isRegularFile(d.resolve("seedbench.go"))).findFirst().orElse(null);
        if (src == null) return Result.skipped("seedbench.go not found under " + SOURCE_DIRS + " (run from the repository root)");
        try {
            Files.createDirectories(outDir);
            Path log = outDir.resolve("go-output.txt");
            ProcessBuilder pb = new ProcessBuilder(go.toString(), "run", ".");
            if (effort == BenchMain.Effort.TINY || effort == BenchMain.Effort.QUICK) pb.command().add("-quick");
            pb.directory(src.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
            if (System.getenv("HOME") == null && System.getenv("GOCACHE") == null)  // go needs a build cache
                pb.environment().put("GOCACHE", outDir.toAbsolutePath().resolve("go-cache").toString());
            Process p = pb.start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Result("failed: no result within " + TIMEOUT_SECONDS + " s", "", Map.of());
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            if (p.exitValue() != 0)
                return new Result("failed: exit " + p.exitValue() + ": " + String.join(" / ", lines.subList(Math.max(0, lines.size() - 3), lines.size())), "", Map.of());
            return parse(lines);
        } catch (IOException | RuntimeException e) {
            return new Result("failed: " + e, "", Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result("failed: interrupted", "", Map.of());
        }
    }

    /** Reads the program's "key value" lines; anything else is ignored (the go tool may print download notes). */
    static Result parse(List<String> lines) {
        Map<String, Double> values = new LinkedHashMap<>();
        String version = "";
        for (String line : lines) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length != 2) continue;
            if (kv[0].equals("version")) { version = kv[1]; continue; }
            try {
                values.put(kv[0], Double.parseDouble(kv[1]));
            } catch (NumberFormatException ignored) {
                // not one of ours
            }
        }
        if (!values.containsKey("unbounded")) return new Result("failed: no figures in the Go output", version, Map.of());
        return new Result("ok", version, values);
    }
}
