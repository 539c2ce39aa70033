package dev.vela.test.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.WorkerPool;
import dev.vela.worker.WorkerPoolFullException;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A pool's waits (close, awaitTermination, a blocked submitter's maxWait) follow the virtual clock. */
@Timeout(60)
class WorkerPoolVirtualTimeTest {

    @Test
    void closeWaitsForASleepingTaskInVirtualTime() throws Exception {
        VirtualClock.run(clock -> {
            try (WorkerPool pool = WorkerPool.create(1)) {
                pool.spawn(() -> {
                    Timers.sleep(Duration.ofMillis(100));
                    return 1;
                });
            }                                                   // close(): waits for the task, untimed
            assertEquals(Duration.ofMillis(100), clock.elapsed());
        });
    }

    @Test
    void awaitTerminationGivesUpAtItsInstant() throws Exception {
        VirtualClock.run(clock -> {
            WorkerPool pool = WorkerPool.create(1);
            pool.spawn(() -> {
                Timers.sleep(Duration.ofSeconds(10));
                return 1;
            });
            pool.shutdown();
            assertFalse(pool.awaitTermination(Duration.ofSeconds(3)));
            assertEquals(Duration.ofSeconds(3), clock.elapsed());
            assertTrue(pool.awaitTermination(Duration.ofMinutes(1)));
            assertEquals(Duration.ofSeconds(10), clock.elapsed());
        });
    }

    @Test
    void aBlockedSubmitterIsRejectedExactlyAtMaxWait() throws Exception {
        VirtualClock.run(clock -> {
            try (WorkerPool pool = WorkerPool.builder().parallelism(1).queueCapacity(0)
                    .whenFull(WorkerPool.WhenFull.BLOCK).maxWait(Duration.ofMillis(250)).build()) {
                pool.spawn(() -> {
                    Timers.sleep(Duration.ofSeconds(1));
                    return 1;
                });
                RejectedExecutionException e = assertThrows(RejectedExecutionException.class, () -> pool.spawn(() -> 2));
                assertTrue(e instanceof WorkerPoolFullException || e.getCause() instanceof WorkerPoolFullException, e.toString());
                assertEquals(Duration.ofMillis(250), clock.elapsed());
            }
            assertEquals(Duration.ofSeconds(1), clock.elapsed());
        });
    }
}
