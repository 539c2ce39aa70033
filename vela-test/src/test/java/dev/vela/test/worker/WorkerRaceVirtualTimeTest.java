package dev.vela.test.worker;

import static dev.vela.test.worker.WorkerDeadlineVirtualTimeTest.ms;
import static dev.vela.test.worker.WorkerDeadlineVirtualTimeTest.sleepIgnoringInterruptsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Worker;
import dev.vela.worker.WorkerFailedException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Worker#race} on the virtual clock: the fastest success wins at its exact instant, the losers are
 * stopped then (not when their own sleeps would end), and a loser that ignores its interrupt holds the
 * race until the exact instant it ends (vela-core's WorkerRaceCombinatorTest checks the same behaviour
 * with real sleeps and no time values).
 */
@Timeout(60)
class WorkerRaceVirtualTimeTest {

    @Test
    void theFastestSuccessWinsAtItsInstantAndTheLosersAreStoppedThen() throws Exception {
        VirtualClock.run(clock -> {
            List<String> stopped = new CopyOnWriteArrayList<>();
            String r = Worker.race(
                    () -> sleepThen(Duration.ofSeconds(20), "slow-1", clock, stopped),
                    () -> sleepThen(ms(20), "fast", clock, stopped),
                    () -> sleepThen(Duration.ofSeconds(20), "slow-2", clock, stopped));
            assertEquals("fast", r);
            assertEquals(ms(20), clock.elapsed(), "the losers' 20 s sleeps did not hold the race");
            assertEquals(List.of("slow-1 at +20 ms", "slow-2 at +20 ms"), stopped.stream().sorted().toList());
        });
    }

    @Test
    void aLoserThatIgnoresItsInterruptHoldsTheRaceUntilTheInstantItEnds() throws Exception {
        VirtualClock.run(clock -> {
            List<Thread> threads = new CopyOnWriteArrayList<>();
            String r = Worker.race(
                    () -> {
                        threads.add(Thread.currentThread());
                        Timers.sleep(ms(50));
                        return "winner";
                    },
                    () -> {
                        threads.add(Thread.currentThread());
                        sleepIgnoringInterruptsUntil(clock, ms(300));
                        return "stubborn";
                    });
            assertEquals("winner", r);
            assertEquals(ms(300), clock.elapsed(), "race returned when the stubborn loser ended");
            for (Thread t : threads) assertFalse(t.isAlive(), t + " is still alive");
        });
    }

    @Test
    void aFailureDoesNotEndTheRaceWhileAnotherTaskMaySucceed() throws Exception {
        VirtualClock.run(clock -> {
            String r = Worker.race(
                    () -> {
                        throw new IOException("mirror down");
                    },
                    () -> {
                        Timers.sleep(ms(100));
                        return "second";
                    });
            assertEquals("second", r);
            assertEquals(ms(100), clock.elapsed());
        });
    }

    @Test
    void whenAllFailTheRaceEndsWhenTheLastOneFails() throws Exception {
        VirtualClock.run(clock -> {
            WorkerFailedException e = assertThrows(WorkerFailedException.class, () -> Worker.race(
                    () -> {
                        Timers.sleep(ms(100));
                        throw new IllegalStateException("second");
                    },
                    () -> {
                        throw new IOException("first");
                    },
                    () -> {
                        Timers.sleep(ms(200));
                        throw new IllegalArgumentException("third");
                    }));
            assertInstanceOf(IOException.class, e.getCause());
            assertEquals(ms(200), clock.elapsed());
        });
    }

    private static String sleepThen(Duration d, String value, VirtualClock clock, List<String> stopped) throws InterruptedException {
        try {
            Timers.sleep(d);
        } catch (InterruptedException e) {
            stopped.add(value + " at +" + clock.elapsed().toMillis() + " ms");
            throw e;
        }
        return value;
    }
}
