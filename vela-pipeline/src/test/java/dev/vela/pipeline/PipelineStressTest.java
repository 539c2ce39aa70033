package dev.vela.pipeline;

import static dev.vela.pipeline.TestSupport.LONG;
import static dev.vela.pipeline.TestSupport.assertNoRunningWorker;
import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A 5-stage pipeline with mapPar under random failures and cancellations, counted: every run either
 * delivers the exact checksum of its elements, or fails with exactly the injected exception, or is
 * cancelled; and no run leaves a worker behind.
 */
class PipelineStressTest {

    /** An exception the test injects; carries the run number so a wrong rethrow is caught. */
    static final class Injected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Injected(int run) {
            super("injected in run " + run, null, false, false);
        }
    }

    @Test
    @Timeout(60)
    void quick() throws Exception {
        stress(150, 2_000);
    }

    @Test
    @Tag("stress")
    @Timeout(900)
    void long_() throws Exception {
        stress(3_000, 20_000);
    }

    private static void stress(int runs, int elements) throws Exception {
        SplittableRandom rnd = new SplittableRandom(42);
        int ok = 0, failed = 0, cancelled = 0;
        for (int r = 0; r < runs; r++) {
            int runNo = r;
            int mode = rnd.nextInt(4);                        // 0, 1: clean; 2: a failure; 3: a cancel
            int failAt = mode == 2 ? rnd.nextInt(elements) : -1;
            boolean ordered = rnd.nextBoolean();
            int par = 1 + rnd.nextInt(4);
            Injected injected = new Injected(runNo);
            AtomicInteger seen = new AtomicInteger();
            Pipeline<Long> p1 = Pipeline.range(0, elements)
                    .map(x -> (long) x)
                    .buffer(1 + rnd.nextInt(16));
            java.util.function.Function<Long, Long> work = x -> {
                if (x == failAt) throw injected;
                return x * 3;
            };
            Pipeline<Long> p2 = (ordered ? p1.mapPar(par, work) : p1.mapParUnordered(par, work))
                    .filter(x -> x % 2 == 0 || x % 2 == 1)
                    .map(x -> x + 1);
            PipelineRun<Long> run = p2.tap(x -> seen.incrementAndGet()).fold(0L, Long::sum);
            if (mode == 3) {
                int at = rnd.nextInt(elements / 2);
                while (seen.get() < at && !run.isDone()) Thread.onSpinWait();
                run.cancel();
            }
            long expected = 3L * elements * (elements - 1) / 2 + elements;   // sum of (3x + 1)
            try {
                long sum = run.await(LONG);
                assertTrue(mode != 2, "run " + r + " should have failed at " + failAt);
                assertEquals(expected, sum, "run " + r);
                ok++;
            } catch (PipelineFailedException e) {
                assertSame(injected, e.getCause(), "run " + r + ": the injected failure, not a consequence");
                failed++;
            } catch (PipelineCancelledException e) {
                assertEquals(3, mode, "run " + r + " was not cancelled");
                cancelled++;
            }
            assertNoRunningWorker(run);
        }
        assertEquals(runs, ok + failed + cancelled);
        assertTrue(failed > 0 && ok > 0, "ok " + ok + " failed " + failed + " cancelled " + cancelled);
    }
}
