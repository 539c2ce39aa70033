package dev.vela.test.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vela.channel.Select;
import dev.vela.channel.Timers;
import dev.vela.channel.Watch;
import dev.vela.channel.WatchReceiver;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Worker;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Timed waits of a watch subscriber on the virtual clock: a wait that sees no change gives up exactly
 * at its timeout (not a nanosecond before) and marked nothing seen; one that sees a change returns at
 * the instant of the send.
 */
@Timeout(60)
class WatchVirtualTimeTest {

    @Test
    void aTimedChangedGivesUpExactlyAtItsTimeout() throws Exception {
        VirtualClock.run(clock -> {
            Watch<Integer> w = Watch.create(0);
            WatchReceiver<Integer> rx = w.subscribe();
            assertNull(rx.changed(Duration.ofSeconds(5)));
            assertEquals(Duration.ofSeconds(5), clock.elapsed());
            assertEquals(0, rx.seenVersion());
            assertNull(rx.changed(Duration.ofHours(3)));
            assertEquals(Duration.ofSeconds(5).plusHours(3), clock.elapsed());
            assertFalse(rx.hasChanged());
        });
    }

    @Test
    void aTimedChangedReturnsAtTheInstantOfTheSend() throws Exception {
        VirtualClock.run(clock -> {
            Watch<String> w = Watch.create("initial");
            WatchReceiver<String> rx = w.subscribe();
            Worker.spawn("late-sender", () -> {
                Timers.sleep(Duration.ofSeconds(2));
                w.send("two seconds");
                return null;
            });
            assertEquals("two seconds", rx.changed(Duration.ofSeconds(5)));
            assertEquals(Duration.ofSeconds(2), clock.elapsed());
        });
    }

    @Test
    void aTimedWaitForSpansSeveralChangesAndKeepsItsDeadline() throws Exception {
        VirtualClock.run(clock -> {
            Watch<Integer> w = Watch.create(0);
            WatchReceiver<Integer> rx = w.subscribe();
            Worker.spawn("ticker", () -> {
                for (int i = 1; i <= 3; i++) {
                    Timers.sleep(Duration.ofSeconds(1));
                    w.send(i);
                }
                return null;
            });
            assertNull(rx.waitFor(v -> v >= 10, Duration.ofSeconds(5)));
            assertEquals(Duration.ofSeconds(5), clock.elapsed(), "the deadline counts from the call, across changes");
            assertEquals(3, rx.value());
        });
    }

    @Test
    void aSelectOnAChangeTimesOutOnTheVirtualClock() throws Exception {
        VirtualClock.run(clock -> {
            Watch<Integer> w = Watch.create(0);
            WatchReceiver<Integer> rx = w.subscribe();
            assertEquals("timeout", Select.select(rx.onChanged(v -> "changed"),
                    Select.onTimeout(Duration.ofSeconds(7), () -> "timeout")));
            assertEquals(Duration.ofSeconds(7), clock.elapsed());
        });
    }
}
