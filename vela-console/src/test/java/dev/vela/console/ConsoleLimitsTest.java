package dev.vela.console;

import static dev.vela.console.ConsoleSupport.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Channel;
import dev.vela.worker.Worker;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the console costs in memory with many workers, and the pinned-thread warning from JFR. */
@Timeout(180)
class ConsoleLimitsTest {

    /**
     * Live bytes per class, from the JVM's class histogram (which collects first). The stack chunks of
     * parked virtual threads are left out: they are the workers', and their total moves by tens of megabytes
     * between two looks at the same parked threads (first measured by heap in use: 17 to 43 MiB for a
     * console of 5 to 10), which would drown the console; so are the collector's filler arrays.
     */
    private static Map<String, Long> histogram() throws Exception {
        Object h = ManagementFactory.getPlatformMBeanServer().invoke(new javax.management.ObjectName("com.sun.management:type=DiagnosticCommand"),
                "gcClassHistogram", new Object[] {null}, new String[] {String[].class.getName()});
        Map<String, Long> bytes = new java.util.HashMap<>();
        for (String line : h.toString().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) continue;
            if (f[3].equals("jdk.internal.vm.StackChunk") || f[3].startsWith("[Ljdk.internal.vm.FillerElement")) continue;   // GC filler: not objects
            bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
        }
        return bytes;
    }

    private static long total(Map<String, Long> histogram) {
        return histogram.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Heap in use after full collections (the lowest of three looks). */
    private static long usedAfterGc() throws InterruptedException {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return least;
    }

    @Test
    void withTenThousandLiveWorkersAndAFullRecordingTheConsolesHeapStaysUnder32MiB() throws Exception {
        Channel<String> gate = Channel.rendezvous();
        List<Worker<String>> workers = new ArrayList<>();
        VelaConsole console = null;
        try {
            long before = usedAfterGc();
            console = VelaConsole.builder().interval(Duration.ofMillis(100)).start();   // the default ring: 120 snapshots
            for (int i = 0; i < 10_000; i++) workers.add(Worker.spawn("live-" + i, () -> gate.receiver().receive()));
            awaitSnapshot(console, Duration.ofSeconds(60), s -> number(((Map<?, ?>) s.get("workers")).get("total")) >= 10_000);
            // the ring full and turning; all 10,000 parked with no timer: the banner reports the biggest deadlock there is
            var last = awaitSnapshot(console, Duration.ofSeconds(60), s -> number(s.get("seq")) >= 125 && s.get("deadlock") != null);
            assertTrue(number(((Map<?, ?>) last.get("deadlock")).get("truncated")) > 0, "the banner's list is capped too");
            long withConsole = usedAfterGc();
            Map<String, Long> with = histogram();
            console.stop();
            console = null;
            long after = usedAfterGc();
            Map<String, Long> without = histogram();
            long consoleBytes = total(with) - total(without);   // the same 10,000 workers are alive in both looks
            System.out.printf("console heap with 10,000 live workers and 120 snapshots: %.1f MiB (heap %,d with it, %,d after stop;"
                    + " %,d before the workers); largest:%n", consoleBytes / 1048576.0, withConsole, after, before);
            with.entrySet().stream().sorted((a, b) -> Long.compare(b.getValue() - without.getOrDefault(b.getKey(), 0L),
                            a.getValue() - without.getOrDefault(a.getKey(), 0L))).limit(8)
                    .forEach(e -> System.out.printf("  %,12d  %s%n", e.getValue() - without.getOrDefault(e.getKey(), 0L), e.getKey()));
            assertTrue(consoleBytes <= 32L << 20, "the console holds " + consoleBytes / 1048576 + " MiB, more than 32 MiB");
        } finally {
            if (console != null) console.stop();
            gate.close();
            for (Worker<String> w : workers) assertThrows(Exception.class, () -> w.join(Duration.ofSeconds(30)));
        }
    }

    /** Its static initialiser blocks: a virtual thread initialising it is pinned to its carrier meanwhile. */
    static final class SlowInit {
        static final long READY;

        static {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            READY = System.nanoTime();
        }
    }

    @Test
    void aPinnedVirtualThreadRaisesAWarningNamingWhereItPinned() throws Exception {
        try (VelaConsole console = VelaConsole.builder().interval(Duration.ofMillis(100)).pinnedThreads(true).start()) {
            Thread.sleep(500);   // the JFR stream is up
            Worker.spawn("initialiser", () -> SlowInit.READY).join(Duration.ofSeconds(10));
            var s = awaitSnapshot(console, Duration.ofSeconds(20), snap -> ((List<?>) snap.get("warnings")).stream()
                    .anyMatch(w -> "pinned".equals(((Map<?, ?>) w).get("kind"))));
            String message = ((List<?>) s.get("warnings")).stream().map(w -> (Map<?, ?>) w)
                    .filter(w -> "pinned".equals(w.get("kind"))).findFirst().orElseThrow().get("message").toString();
            System.out.println("pinned warning: " + message);
            assertTrue(message.contains("SlowInit") || message.contains("ConsoleLimitsTest"), message);
        }
    }
}
