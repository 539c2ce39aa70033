package dev.vela.console;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;

/**
 * Pinned virtual threads, from the JDK's own {@code jdk.VirtualThreadPinned} flight-recorder event
 * (a virtual thread that blocked for 20 ms or more while it could not unmount from its carrier), read
 * by a JFR recording stream while the console runs. Events, not sampling, because pinning is an
 * instant the sampler cannot see; the stream runs on JFR's own thread and costs nothing unless a
 * thread pins (its events are read on a daemon thread, {@code vela-console-jfr}). If JFR cannot start (a JVM without it), the console runs without this warning.
 */
final class PinnedThreads implements AutoCloseable {
    /** Pinning older than this no longer raises a warning. */
    private static final long RECENT_NANOS = Duration.ofSeconds(60).toNanos();

    private final RecordingStream stream;
    private final AtomicLong count = new AtomicLong();
    /** Written by JFR's thread: where the last pinned thread was, and how long it blocked. */
    private volatile String last;
    private volatile long lastNanos;

    PinnedThreads(boolean enabled) {
        RecordingStream s = null;
        if (enabled) {
            try {
                s = new RecordingStream();
                s.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ofMillis(20)).withStackTrace();
                s.onEvent("jdk.VirtualThreadPinned", e -> {
                    count.incrementAndGet();
                    String where = "?";
                    if (e.getStackTrace() != null) {
                        for (RecordedFrame f : e.getStackTrace().getFrames()) {
                            String cls = f.getMethod().getType().getName();
                            if (!cls.startsWith("java.") && !cls.startsWith("jdk.")) {
                                where = cls + "." + f.getMethod().getName() + ":" + f.getLineNumber();
                                break;
                            }
                        }
                    }
                    last = where + ", " + e.getDuration().toMillis() + " ms";
                    lastNanos = System.nanoTime();
                });
                // start() on a daemon thread of ours, not startAsync(): JFR's own stream thread is not a daemon,
                // and a console must never keep a JVM alive once its program ended
                RecordingStream started = s;
                Thread.ofPlatform().daemon().name("vela-console-jfr").start(started::start);
            } catch (RuntimeException | Error e) {   // no JFR here: no pinning warnings
                if (s != null) s.close();
                s = null;
            }
        }
        this.stream = s;
    }

    /** Adds a warning if a virtual thread pinned in the last minute. */
    void warnings(List<String> out) {
        String l = last;
        if (l != null && System.nanoTime() - lastNanos < RECENT_NANOS) {
            out.add("pinned|" + count.get() + " pinned virtual thread(s) since the console started; the last at " + l);
        }
    }

    @Override
    public void close() {
        if (stream != null) stream.close();
    }
}
