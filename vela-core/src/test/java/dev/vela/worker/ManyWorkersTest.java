package dev.vela.worker;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** 100,000 workers alive at the same time, then joined. */
class ManyWorkersTest {
    private static final int N = 100_000;

    @Test
    @Timeout(90)
    void spawnAndJoinOneHundredThousandConcurrentWorkers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger alive = new AtomicInteger();
        List<Worker<Integer>> ws = new ArrayList<>(N);
        for (int i = 0; i < N; i++) {
            int k = i;
            ws.add(Worker.spawn(() -> {
                alive.incrementAndGet();
                // Every worker stays parked until all have been spawned: they are truly concurrent.
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
                return k;
            }));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (alive.get() < N && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(N, alive.get(), "all workers should be running at once");
        release.countDown();
        long sum = 0;
        for (Worker<Integer> w : ws) {
            sum += w.join(Duration.ofSeconds(60));
        }
        assertEquals((long) N * (N - 1) / 2, sum);
    }
}
