package dev.vela.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.worker.Worker;
import java.time.Duration;

/** Shared timeouts and checks. */
final class TestSupport {
    private TestSupport() {}

    /** Bound of every blocking wait in these tests; generous, only reached when something is broken. */
    static final Duration LONG = Duration.ofSeconds(20);

    /** Asserts that the run is done and that every one of its stage workers has ended. */
    static void assertNoRunningWorker(PipelineRun<?> run) throws Exception {
        assertTrue(run.isDone(), run + " should be done");
        assertEquals(0, run.activeWorkers(), run + ": stage code still running");
        for (Worker<Void> w : run.workers()) {
            w.join(LONG);   // throws TimeoutException if a worker still runs
            assertTrue(w.isDone(), w + " should have ended");
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new RuntimeException(e);
        }
    }
}
