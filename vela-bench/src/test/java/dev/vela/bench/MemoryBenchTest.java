package dev.vela.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The memory-per-message measurement with small N: every row is there and Vela's numbers are sane. */
class MemoryBenchTest {

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void smallMeasurementHasEveryRowAndSaneValues(@TempDir Path out) throws Exception {
        List<MemoryBench.Row> rows = new ArrayList<>();
        rows.addAll(MemoryBench.run(new MemoryBench.Scenario("bounded, capacity 100", 100, 100), 3));
        rows.addAll(MemoryBench.run(new MemoryBench.Scenario("unbounded", Pipe.UNBOUNDED, 20_000), 3));

        assertEquals(List.of("vela", "jox", "abq", "lbq", "vela", "jox", "lbq", "ltq", "clq"),
                rows.stream().map(MemoryBench.Row::impl).toList());
        for (MemoryBench.Row r : rows) assertTrue(r.ok(), r.toString());
        MemoryBench.Row vela = rows.get(4);
        assertEquals(Pipe.UNBOUNDED, vela.scenario().capacity());
        // a sanity bound, not a performance assertion
        assertTrue(Double.isFinite(vela.bytesPerMessage()) && vela.bytesPerMessage() >= 0 && vela.bytesPerMessage() < 64,
                vela.toString());
        assertTrue(Double.isFinite(vela.emptyBytes()) && vela.emptyBytes() > 0, vela.toString());
        MemoryBench.Row lbq = rows.get(6);  // a node per message: at least 16 bytes, whatever the JVM layout
        assertTrue(lbq.bytesPerMessage() >= 12, lbq.toString());

        Report report = new Report("test", out);
        report.memory(rows);
        report.write(List.of());
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("## memory per buffered message (bytes, median of 3; lower is better"), md);
        assertTrue(md.contains("### unbounded, N = 20,000 buffered") && md.contains("| ConcurrentLinkedQueue (reference) |"), md);
        assertTrue(Files.readString(out.resolve("results.json")).contains("\"bytesPerMessage\""));
        assertTrue(Files.readString(out.resolve("index.html")).contains("empty channel"));
    }
}
