package dev.vela.test.channel;

import static dev.vela.test.VirtualClock.DEFAULT_START;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Receiver;
import dev.vela.channel.Select;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Timers} on the virtual clock: {@code after} fires exactly at its delay and not a nanosecond
 * before, a ticker ticks at exact multiples of its period and drops what a slow receiver misses,
 * {@code never} and select timeouts give up at exact instants (vela-core's TimersTest keeps what does not
 * depend on time values and one real-clock smoke test each of {@code after} and {@code tick}).
 */
@Timeout(60)
class TimersVirtualTimeTest {

    @Test
    void afterFiresExactlyAtItsDelayThenIsClosed() {
        try (VirtualClock clock = VirtualClock.install()) {
            Receiver<Instant> rx = Timers.after(ms(100));
            clock.advance(ms(100).minusNanos(1));
            assertNull(rx.tryReceive(), "not a nanosecond early");
            assertFalse(rx.isClosed());
            clock.advance(Duration.ofNanos(1));
            assertEquals(DEFAULT_START.plus(ms(100)), rx.tryReceive());
            assertTrue(rx.isClosed(), "the timer sends, then closes");
            assertThrows(ChannelClosedException.class, rx::tryReceive);
            assertEquals(0, clock.pendingTimers());
        }
    }

    @Test
    void afterClosedEarlyNeverDelivers() {
        try (VirtualClock clock = VirtualClock.install()) {
            Receiver<Instant> rx = Timers.after(ms(30));
            rx.close();
            clock.advance(ms(80));
            assertThrows(ChannelClosedException.class, rx::tryReceive);
            assertEquals(0, clock.pendingTimers(), "the task ran at +30 ms and did nothing");
        }
    }

    @Test
    void afterAsASelectClauseWinsExactlyAtItsDelay() throws Exception {
        VirtualClock.run(clock -> {
            Channel<Integer> ch = Channel.bounded(1);
            String r = Select.select(ch.receiver().onReceive(x -> "value"), Timers.after(ms(80)).onReceive(t -> "timer at " + t));
            assertEquals("timer at " + DEFAULT_START.plus(ms(80)), r);
            assertEquals(ms(80), clock.elapsed());
            Receiver<Instant> done = Timers.after(Duration.ZERO);
            assertEquals(DEFAULT_START.plus(ms(80)), done.receive(Duration.ofSeconds(1)), "a zero delay fires at once");
            assertEquals("closed", Select.select(done.onReceiveOrClosed(t -> "tick", () -> "closed")));
            assertEquals(ms(80), clock.elapsed());
        });
    }

    @Test
    void aTickerTicksAtExactMultiplesOfItsPeriod() throws Exception {
        VirtualClock.run(clock -> {
            Receiver<Instant> ticks = Timers.tick(ms(40));
            try {
                List<Instant> got = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    got.add(ticks.receive(Duration.ofSeconds(1)));
                }
                assertEquals(List.of(DEFAULT_START.plus(ms(40)), DEFAULT_START.plus(ms(80)), DEFAULT_START.plus(ms(120)),
                        DEFAULT_START.plus(ms(160))), got);
                assertEquals(ms(160), clock.elapsed());
            } finally {
                ticks.close();
            }
        });
    }

    @Test
    void manuallyATickerDoesNotTickAMillisecondEarly() {
        try (VirtualClock clock = VirtualClock.install()) {
            Receiver<Instant> ticks = Timers.tick(Duration.ofSeconds(1));
            List<Duration> seen = new CopyOnWriteArrayList<>();
            Worker<Void> w = Worker.spawn(() -> {
                while (seen.size() < 2) {
                    ticks.receive();
                    seen.add(clock.elapsed());
                }
                return null;
            });
            clock.advance(ms(999));
            assertEquals(List.of(), seen, "no tick at +999 ms");
            clock.advance(ms(1));
            assertEquals(List.of(Duration.ofSeconds(1)), seen, "a tick at +1 s");
            clock.advance(ms(999));
            assertEquals(1, seen.size());
            clock.advance(ms(1));
            assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2)), seen);
            assertTrue(w.isDone());
            ticks.close();
        }
    }

    /** A slow receiver gets the one buffered tick (the first it missed), never a burst of the missed ones. */
    @Test
    void aTickerDropsTheTicksASlowReceiverMisses() {
        try (VirtualClock clock = VirtualClock.install()) {
            Receiver<Instant> ticks = Timers.tick(ms(10));
            try {
                clock.advance(ms(300));                                  // 30 periods, nobody receiving
                assertEquals(DEFAULT_START.plus(ms(10)), ticks.tryReceive(), "the first tick stayed buffered");
                assertNull(ticks.tryReceive(), "ticks 2..30 were dropped, not queued");
                clock.advance(ms(9));
                assertNull(ticks.tryReceive(), "the schedule keeps its phase: next tick at +310 ms");
                clock.advance(ms(1));
                assertEquals(DEFAULT_START.plus(ms(310)), ticks.tryReceive());
            } finally {
                ticks.close();
            }
        }
    }

    /** Closing the receiver stops the ticker: its task leaves the clock at the next period. */
    @Test
    void aClosedTickerStopsAndLeavesNoTimer() {
        try (VirtualClock clock = VirtualClock.install()) {
            Receiver<Instant> ticks = Timers.tick(ms(5));
            assertEquals(1, clock.pendingTimers());
            clock.advance(ms(5));
            assertEquals(DEFAULT_START.plus(ms(5)), ticks.tryReceive());
            ticks.close();
            clock.advance(ms(5));
            assertEquals(0, clock.pendingTimers(), "the ticker cancelled itself at its first tick after the close");
            clock.advance(Duration.ofSeconds(1));
            assertThrows(ChannelClosedException.class, ticks::tryReceive, "no tick after close");
        }
    }

    @Test
    void aTickerInASelectLoopWithAStopTimerTicksAnExactNumberOfTimes() throws Exception {
        VirtualClock.run(clock -> {
            Receiver<Instant> ticks = Timers.tick(ms(10));
            Receiver<Instant> stop = Timers.after(ms(205));     // between two ticks: no tie for select to break
            int n = 0;
            try {
                while (Select.select(ticks.onReceive(t -> true), stop.onReceive(t -> false))) n++;
            } finally {
                ticks.close();
            }
            assertEquals(20, n, "ticks at +10 .. +200 ms");
            assertEquals(ms(205), clock.elapsed());
        });
    }

    @Test
    void neverNeverFiresAndTimedWaitsOnItEndAtTheirTimeouts() throws Exception {
        VirtualClock.run(clock -> {
            Receiver<String> never = Timers.never();
            assertNull(never.receive(ms(50)));
            assertEquals(ms(50), clock.elapsed());
            assertEquals("timeout", Select.select(never.onReceive(x -> "never"), Select.onTimeout(ms(50), () -> "timeout")));
            assertEquals(ms(100), clock.elapsed());
            assertNull(never.receive(Duration.ofDays(365)));
            assertEquals(Duration.ofDays(365).plus(ms(100)), clock.elapsed());
            assertFalse(never.isClosed());
        });
    }

    @Test
    void sleepAndNowFollowTheClock() throws Exception {
        VirtualClock.run(clock -> {
            long t0 = Timers.nanoTime();
            assertEquals(DEFAULT_START, Timers.now());
            Timers.sleep(Duration.ofMinutes(3));
            assertEquals(Duration.ofMinutes(3).toNanos(), Timers.nanoTime() - t0);
            assertEquals(DEFAULT_START.plus(Duration.ofMinutes(3)), Timers.now());
            Timers.sleep(Duration.ZERO);
            assertEquals(Duration.ofMinutes(3), clock.elapsed());
        });
    }

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }
}
