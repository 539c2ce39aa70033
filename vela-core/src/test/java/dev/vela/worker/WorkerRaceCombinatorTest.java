package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static dev.vela.worker.TestSupport.millisSince;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Worker#race}: first success wins, losers cancelled and joined. (Not to be confused with
 * {@code WorkerRaceTest}, which is about data races inside a worker.)
 */
@Timeout(60)
class WorkerRaceCombinatorTest {

    @Test
    void theFastestSuccessWins() throws Exception {
        long t0 = System.nanoTime();
        String r = Worker.race(
                () -> sleepThen(Duration.ofSeconds(20), "slow-1"),
                () -> sleepThen(Duration.ofMillis(20), "fast"),
                () -> sleepThen(Duration.ofSeconds(20), "slow-2"));
        assertEquals("fast", r);
        assertTrue(millisSince(t0) < 10_000, "took " + millisSince(t0) + " ms: the losers were not stopped");
    }

    @Test
    void losersThreadsHaveFinishedWhenRaceReturns() throws Exception {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        AtomicInteger finallyRan = new AtomicInteger();
        AtomicBoolean stubbornDone = new AtomicBoolean();
        CountDownLatch losersStarted = new CountDownLatch(3);
        List<Callable<String>> tasks = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            tasks.add(() -> {
                threads.add(Thread.currentThread());
                losersStarted.countDown();
                try {
                    Thread.sleep(30_000);
                    return "loser";
                } finally {
                    finallyRan.incrementAndGet();
                }
            });
        }
        // Ignores the interrupt for 300 ms: race must wait for it all the same.
        tasks.add(stubbornFor(Duration.ofMillis(300), threads, losersStarted, stubbornDone));
        tasks.add(() -> {
            losersStarted.await();
            return "winner";
        });
        long t0 = System.nanoTime();
        assertEquals("winner", Worker.race(tasks));
        assertEquals(2, finallyRan.get(), "a loser's finally had not run when race returned");
        assertTrue(stubbornDone.get(), "race returned while a loser that ignores interrupts still ran");
        assertTrue(millisSince(t0) >= 250, "returned after " + millisSince(t0) + " ms");
        assertEquals(3, threads.size());
        for (Thread t : threads) {
            assertFalse(t.isAlive(), t + " is still alive");
        }
    }

    /** A task that, once interrupted, keeps running for {@code extra} and then sets {@code done}. */
    private static Callable<String> stubbornFor(Duration extra, List<Thread> threads, CountDownLatch started, AtomicBoolean done) {
        return () -> {
            threads.add(Thread.currentThread());
            started.countDown();
            try {
                Thread.sleep(30_000);
                return "never";
            } catch (InterruptedException e) {
                TestSupport.sleepIgnoringInterrupts(extra);
                throw e;
            } finally {
                done.set(true);
            }
        };
    }

    @Test
    void aFailureDoesNotEndTheRaceWhileAnotherTaskMaySucceed() throws Exception {
        String r = Worker.race(
                () -> {
                    throw new IOException("mirror down");
                },
                () -> sleepThen(Duration.ofMillis(100), "second"));
        assertEquals("second", r);
    }

    @Test
    void whenAllFailTheFirstFailureIsThrownWithTheOthersSuppressed() throws Exception {
        CountDownLatch firstFailed = new CountDownLatch(1);
        WorkerFailedException e = assertThrows(WorkerFailedException.class, () -> Worker.race(
                () -> {
                    firstFailed.await();
                    Thread.sleep(100);
                    throw new IllegalStateException("second");
                },
                () -> {
                    try {
                        throw new IOException("first");
                    } finally {
                        firstFailed.countDown();
                    }
                },
                () -> {
                    firstFailed.await();
                    Thread.sleep(200);
                    throw new IllegalArgumentException("third");
                }));
        assertInstanceOf(IOException.class, e.getCause());
        assertEquals("first", e.getCause().getMessage());
        assertTrue(e.workerName().matches("race-\\d+-1"), e.workerName());
        assertTrue(e.getMessage().startsWith("all 3 tasks of race '"), e.getMessage());
        assertTrue(e.getMessage().contains("worker '" + e.workerName() + "'"), e.getMessage());
        assertEquals(2, e.getSuppressed().length);
        assertInstanceOf(IllegalStateException.class, e.getSuppressed()[0]);
        assertInstanceOf(IllegalArgumentException.class, e.getSuppressed()[1]);
    }

    @Test
    void aSingleTaskIsItsOwnRace() throws Exception {
        assertEquals(42, Worker.race(() -> 42));
        assertNull(Worker.race(List.of(() -> null)), "a null value can win");
        var e = assertThrows(WorkerFailedException.class, () -> Worker.race(() -> {
            throw new IllegalStateException("only");
        }));
        assertEquals("only", e.getCause().getMessage());
        assertEquals(0, e.getSuppressed().length);
    }

    @Test
    void anInterruptedCallerCancelsAndJoinsEveryTaskThenThrows() throws Exception {
        AtomicInteger finallyRan = new AtomicInteger();
        CountDownLatch started = new CountDownLatch(2);
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicInteger finallyRanAtThrow = new AtomicInteger(-1);
        AtomicBoolean flagAtThrow = new AtomicBoolean(true);
        Callable<String> sleeper = () -> {
            started.countDown();
            try {
                Thread.sleep(30_000);
                return "never";
            } finally {
                TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(100));
                finallyRan.incrementAndGet();
            }
        };
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                Worker.race(sleeper, sleeper);
            } catch (Throwable e) {
                finallyRanAtThrow.set(finallyRan.get());
                flagAtThrow.set(Thread.currentThread().isInterrupted());
                thrown.set(e);
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        caller.interrupt();
        assertTrue(caller.join(LONG));
        assertInstanceOf(InterruptedException.class, thrown.get());
        assertEquals(2, finallyRanAtThrow.get(), "race threw before the tasks had finished");
        assertFalse(flagAtThrow.get(), "InterruptedException thrown with the flag cleared");
    }

    @Test
    void twoInstantTasksRepeatedlyGiveOneOfThemAndLeaveNoThreadRunning() throws Exception {
        for (int round = 0; round < 300; round++) {
            List<Thread> threads = new CopyOnWriteArrayList<>();
            int r = Worker.race(
                    () -> {
                        threads.add(Thread.currentThread());
                        return 1;
                    },
                    () -> {
                        threads.add(Thread.currentThread());
                        return 2;
                    });
            assertTrue(r == 1 || r == 2);
            for (Thread t : threads) {
                assertFalse(t.isAlive(), "round " + round);
            }
        }
    }

    @Test
    void badInputIsRejectedWithANamedException() {
        assertEquals("tasks must not be null", assertThrows(NullPointerException.class,
                () -> Worker.race((List<Callable<Object>>) null)).getMessage());
        assertEquals("tasks must not be null", assertThrows(NullPointerException.class,
                () -> Worker.race((Callable<Object>[]) null)).getMessage());
        assertEquals("race needs at least one task, got none", assertThrows(IllegalArgumentException.class,
                () -> Worker.race(List.of())).getMessage());
        assertEquals("race needs at least one task, got none", assertThrows(IllegalArgumentException.class,
                () -> Worker.race()).getMessage());
        AtomicBoolean ran = new AtomicBoolean();
        List<Callable<Integer>> withNull = new ArrayList<>();
        withNull.add(() -> {
            ran.set(true);
            return 1;
        });
        withNull.add(null);
        assertEquals("tasks[1] must not be null", assertThrows(NullPointerException.class,
                () -> Worker.race(withNull)).getMessage());
        TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(100));   // a task started by mistake would have run by now
        assertFalse(ran.get(), "nothing is started when an element is null");
    }

    private static <T> T sleepThen(Duration d, T value) throws InterruptedException {
        Thread.sleep(d);
        return value;
    }
}
