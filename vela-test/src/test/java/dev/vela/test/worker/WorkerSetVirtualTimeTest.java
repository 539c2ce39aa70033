package dev.vela.test.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Worker;
import dev.vela.worker.WorkerSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link WorkerSet} on the virtual clock: workers come out of {@code next()} at the exact instants they
 * finish, and a timed {@code next} gives up at its exact instant (vela-core's WorkerSetTest checks the
 * same behaviour with channels and latches, without time values).
 */
@Timeout(60)
class WorkerSetVirtualTimeTest {

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    @Test
    void workersComeOutAtTheInstantsTheyFinishInCompletionOrder() throws Exception {
        VirtualClock.run(clock -> {
            try (var set = WorkerSet.<String>open("sleepers")) {
                for (long d : new long[] {300, 100, 200}) {
                    set.spawn("sleep-" + d, () -> {
                        Timers.sleep(ms(d));
                        return "slept " + d;
                    });
                }
                List<String> seen = new ArrayList<>();
                Worker<String> w;
                while ((w = set.next(Duration.ofHours(1))) != null) {
                    seen.add(w.resultNow() + " at +" + clock.elapsed().toMillis() + " ms");
                }
                assertEquals(List.of("slept 100 at +100 ms", "slept 200 at +200 ms", "slept 300 at +300 ms"), seen);
                assertEquals(ms(300), clock.elapsed(), "the last next() returned null at once");
            }
        });
    }

    @Test
    void aTimedNextGivesUpAtItsExactInstantAndTakesNothing() throws Exception {
        VirtualClock.run(clock -> {
            try (var set = WorkerSet.<String>open()) {
                Worker<String> slow = set.spawn(() -> {
                    Timers.sleep(ms(500));
                    return "slow";
                });
                assertThrows(TimeoutException.class, () -> set.next(ms(120)));
                assertEquals(ms(120), clock.elapsed());
                assertEquals(1, set.size());
                assertEquals(slow, set.next(Duration.ofHours(1)));
                assertEquals(ms(500), clock.elapsed());
            }
        });
    }

    @Test
    void closeStopsSleepingWorkersAtOnce() throws Exception {
        VirtualClock.run(clock -> {
            List<Worker<String>> ws = new ArrayList<>();
            var set = WorkerSet.<String>open();
            for (int i = 0; i < 3; i++) {
                ws.add(set.spawn(() -> {
                    Timers.sleep(Duration.ofSeconds(20));
                    return "never";
                }));
            }
            Timers.sleep(ms(10));
            set.close();
            assertEquals(ms(10), clock.elapsed(), "the 20 s sleeps did not hold close()");
            for (Worker<String> w : ws) {
                assertEquals(Future.State.CANCELLED, w.state());
            }
            assertFalse(set.size() > 0);
            assertNull(set.next());
        });
    }
}
