package dev.vela.test.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Select;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Semaphore;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Semaphore} on the virtual clock: a timed acquire gives up exactly at its timeout, and a
 * waiter (blocking, timed, async or select) gets in exactly when the holder releases (vela-core's
 * SemaphoreTest keeps the rest).
 */
@Timeout(60)
class SemaphoreVirtualTimeTest {

    @Test
    void aTimedAcquireGivesUpExactlyAtItsTimeoutHoldingNothing() throws Exception {
        VirtualClock.run(clock -> {
            Semaphore s = Semaphore.create(1);
            s.acquire();
            assertFalse(s.acquire(Duration.ofSeconds(5)));
            assertEquals(Duration.ofSeconds(5), clock.elapsed());
            assertFalse(s.acquire(Duration.ZERO));
            assertEquals(Duration.ofSeconds(5), clock.elapsed(), "a zero timeout does not wait");
            s.release();
            assertEquals(1, s.availablePermits());
        });
    }

    @Test
    void aHolderReleasingAtTwoSecondsLetsEachKindOfWaiterInExactlyThen() throws Exception {
        VirtualClock.run(clock -> {
            Semaphore s = Semaphore.create(1);
            s.acquire();
            Worker<Void> holder = Worker.run(() -> {
                try {
                    Timers.sleep(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                s.release();
            });
            assertTrue(s.acquire(Duration.ofSeconds(30)));
            assertEquals(Duration.ofSeconds(2), clock.elapsed());
            holder.join();

            Worker.run(() -> {
                try {
                    Timers.sleep(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                s.release();
            });
            s.acquire();
            assertEquals(Duration.ofSeconds(4), clock.elapsed());

            Worker.run(() -> {
                try {
                    Timers.sleep(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                s.release();
            });
            assertEquals("permit", Select.select(s.onAcquire(() -> "permit"),
                    Select.onTimeout(Duration.ofSeconds(30), () -> "timeout")));
            assertEquals(Duration.ofSeconds(6), clock.elapsed());

            // async: the releasing worker completes the future (and runs this stage) at +8 s
            CompletableFuture<Duration> at = s.acquireAsync().thenApply(v -> clock.elapsed());
            assertFalse(at.isDone());
            Worker<Void> releaser = Worker.run(() -> {
                try {
                    Timers.sleep(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                s.release();
            });
            releaser.join();
            assertTrue(at.isDone(), "completed by the release, before it returned");
            assertEquals(Duration.ofSeconds(8), at.join());
            assertEquals(Duration.ofSeconds(8), clock.elapsed());
            s.release();
            assertEquals(1, s.availablePermits());
        });
    }
}
