package dev.vela.diagnostics.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The text of a "nothing can move" report (internal): one paragraph per blocked thread with its name,
 * what it waits on and the user frames of its stack. The deadlock watchdog and a test's virtual
 * clock ({@code dev.vela.test}) write the same report.
 *
 * <pre>
 * vela: all 2 workers are asleep on channels - deadlock!
 *
 * worker "consumer" [receive on Channel[rendezvous], 1003 ms]:
 *     at com.example.Shop.consume(Shop.java:41)
 * </pre>
 */
public final class BlockedReport {
    private BlockedReport() {}

    /** Frames left out: the JDK, and Vela's machinery between the user's call and the park. */
    private static final List<String> INTERNAL_PREFIXES = List.of("java.", "jdk.", "dev.vela.channel.internal.",
            "dev.vela.time.internal.");
    private static final Set<String> INTERNAL_CLASSES = Set.of("dev.vela.channel.Select", "dev.vela.channel.Receiver",
            "dev.vela.channel.Timers", "dev.vela.worker.WorkerCore");
    /** User frames shown per thread. */
    private static final int FRAMES = 6;

    /**
     * What one parked channel operation waits on, as the report shows it: "receive on Channel[...]".
     *
     * @param p the operation
     * @return its description
     */
    public static String describe(ParkedOperations.Parked p) {
        return p.parkedOn() == null ? p.parkedOperation() : p.parkedOperation() + " on " + p.parkedOn();
    }

    /**
     * The report.
     *
     * @param headline the first line
     * @param waits    each blocked thread → what it waits on (already described)
     * @return the multi-line report, threads in name order
     */
    public static String format(String headline, Map<Thread, String> waits) {
        StringBuilder sb = new StringBuilder(headline).append('\n');
        List<Map.Entry<Thread, String>> entries = new ArrayList<>(waits.entrySet());
        entries.sort(Comparator.comparing(e -> e.getKey().getName()));
        for (var e : entries) {
            Thread t = e.getKey();
            sb.append("\nworker \"").append(t.getName()).append("\" [").append(e.getValue()).append("]:\n");
            int shown = 0;
            for (StackTraceElement f : t.getStackTrace()) {
                if (internal(f.getClassName())) continue;
                sb.append("    at ").append(f).append('\n');
                if (++shown == FRAMES) break;
            }
        }
        return sb.toString();
    }

    private static boolean internal(String className) {
        if (INTERNAL_CLASSES.contains(className)) return true;
        for (String p : INTERNAL_PREFIXES) {
            if (className.startsWith(p)) return true;
        }
        return false;
    }
}
