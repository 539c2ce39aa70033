package dev.vela.channel;

import static dev.vela.channel.TestThreads.PATIENCE;
import static dev.vela.channel.TestThreads.millisSince;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.internal.TimerScheduler;
import java.lang.reflect.Field;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Timers}: after, tick and never, what does not depend on time values, plus one real-clock
 * smoke test each of {@code after} and {@code tick} and the real scheduler's clean-up. Their timing
 * (fires exactly at its delay, ticks at exact multiples of the period, drops what a slow receiver
 * misses, a closed timer never delivers, select loops with a stop timer, timeouts on {@code never}) is
 * checked at exact virtual instants in vela-test's {@code dev.vela.test.channel.TimersVirtualTimeTest}.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimersTest {

    /** The real-clock smoke test of {@code after} (the shared scheduler thread), with generous bounds. */
    @Test
    void afterFiresOnceThenIsClosed() throws Exception {
        long t0 = System.nanoTime();
        Instant before = Instant.now();
        Receiver<Instant> rx = Timers.after(Duration.ofMillis(100));
        assertNull(rx.tryReceive(), "must not fire early");
        Instant fired = rx.receive(PATIENCE);
        long ms = millisSince(t0);
        assertNotNull(fired);
        assertTrue(ms >= 100 && ms < 5_000, "fired after " + ms + " ms");
        assertFalse(fired.isBefore(before));
        // the timer sends, then closes: a fast receiver may see the value a moment before the close
        long until = System.nanoTime() + PATIENCE.toNanos();
        while (!rx.isClosed() && System.nanoTime() < until) Thread.onSpinWait();
        TestThreads.assertClosedAndDrained(rx, null);
    }

    /** The real-clock smoke test of {@code tick}, with generous bounds. */
    @Test
    void tickDeliversPeriodically() throws Exception {
        Receiver<Instant> ticks = Timers.tick(Duration.ofMillis(40));
        try {
            long t0 = System.nanoTime();
            Instant prev = null;
            for (int i = 0; i < 4; i++) {
                Instant t = ticks.receive(PATIENCE);
                assertNotNull(t);
                if (prev != null) assertTrue(t.isAfter(prev), "ticks increase");
                prev = t;
            }
            long ms = millisSince(t0);
            assertTrue(ms >= 4 * 40 - 20 && ms < 5_000, "4 ticks of 40 ms took " + ms + " ms");
        } finally {
            ticks.close();
        }
    }

    /** Closing the receiver stops the ticker: its scheduled task leaves the shared scheduler. */
    @Test
    void tickStopsWhenClosed() throws Exception {
        ScheduledThreadPoolExecutor scheduler = scheduler();
        Receiver<Instant> ticks = Timers.tick(Duration.ofMillis(5));
        int withTicker = scheduler.getQueue().size();
        assertNotNull(ticks.receive(PATIENCE));
        ticks.close();
        TestThreads.awaitTrue("ticker task removed", () -> scheduler.getQueue().size() < withTicker);
        drainReceiver(ticks);
        assertThrows(ChannelClosedException.class, ticks::tryReceive);
        Thread.sleep(30);
        assertThrows(ChannelClosedException.class, ticks::tryReceive, "no tick after close");
    }

    @Test
    void tickRejectsNonPositivePeriod() {
        assertThrows(IllegalArgumentException.class, () -> Timers.tick(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> Timers.tick(Duration.ofMillis(-1)));
        assertThrows(IllegalArgumentException.class, () -> Timers.after(Duration.ofMillis(-1)));
    }

    @Test
    void neverNeverFires() throws Exception {
        Receiver<String> never = Timers.never();
        assertNull(never.tryReceive());
        assertEquals("default", Select.select(never.onReceive(x -> "never"), Select.onDefault(() -> "default")));
        assertFalse(never.isClosed());
    }

    private static void drainReceiver(Receiver<Instant> rx) {
        try {
            while (rx.tryReceive() != null) { /* drain */ }
        } catch (ChannelClosedException drained) {
            // closed and drained
        }
    }

    private static ScheduledThreadPoolExecutor scheduler() throws ReflectiveOperationException {
        for (Class<?> c : TimerScheduler.class.getDeclaredClasses()) {
            if (c.getSimpleName().equals("Scheduler")) {
                Field f = c.getDeclaredField("INSTANCE");
                f.setAccessible(true);
                return (ScheduledThreadPoolExecutor) f.get(null);
            }
        }
        throw new AssertionError("Timers.Scheduler not found");
    }
}
