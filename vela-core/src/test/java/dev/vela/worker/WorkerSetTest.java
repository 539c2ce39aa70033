package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static dev.vela.worker.TestSupport.PROMPT;
import static dev.vela.worker.TestSupport.millisSince;
import static org.junit.jupiter.api.Assertions.*;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Select;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WorkerSet: completion order, outcomes, the empty contract, timeouts, select, close, interruption, stress. */
@Timeout(60)
class WorkerSetTest {

    /** A task that waits (at most LONG) for a value on {@code go}, then returns {@code value}. */
    private static Callable<String> waitFor(Channel<String> go, String value) {
        return () -> {
            assertNotNull(go.receiver().receive(LONG), "task '" + value + "' was never released");
            return value;
        };
    }

    // ------------------------------------------------------------------ order and outcomes

    @Test
    void workersComeOutInCompletionOrderNotSpawnOrder() throws Exception {
        try (var set = WorkerSet.<String>open("order")) {
            Channel<String> goA = Channel.bounded(1), goB = Channel.bounded(1), goC = Channel.bounded(1);
            Worker<String> a = set.spawn("a", waitFor(goA, "A"));
            Worker<String> b = set.spawn("b", waitFor(goB, "B"));
            Worker<String> c = set.spawn("c", waitFor(goC, "C"));
            assertEquals(3, set.size());

            goB.sender().send("go");
            assertSame(b, set.next(LONG));
            goC.sender().send("go");
            assertSame(c, set.next(LONG));
            assertEquals(1, set.size());
            goA.sender().send("go");
            Worker<String> last = set.next(LONG);
            assertSame(a, last);
            assertEquals("A", last.resultNow());
            assertTrue(last.isDone());
            assertTrue(set.isEmpty());
        }
    }

    @Test
    void finishedWorkersQueueUpInTheOrderTheyFinished() throws Exception {
        try (var set = WorkerSet.<Integer>open()) {
            List<Worker<Integer>> spawned = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                Channel<String> go = Channel.bounded(1);
                int id = i;
                spawned.add(set.spawn(() -> {
                    assertNotNull(go.receiver().receive(LONG));
                    return id;
                }));
                go.sender().send("go");
                // wait until worker i has reached the set before releasing the next, so the order is
                // forced: its completion callback runs on its thread, so the thread's end is that point
                // (join() may return a moment earlier: joiners are woken before callbacks run)
                assertTrue(spawned.get(i).thread().join(LONG));
            }
            assertEquals(5, set.size(), "finished but not taken still counts");
            for (int i = 0; i < 5; i++) {
                assertEquals(i, set.next(LONG).resultNow());
            }
            assertNull(set.next(LONG));
        }
    }

    @Test
    void failuresDeadlinesAndCancellationsComeOutAsFinishedWorkers() throws Exception {
        try (var set = WorkerSet.<String>open()) {
            Worker<String> failing = set.spawn("failing", () -> {
                throw new IOException("disk");
            });
            Worker<String> got = set.next(LONG);
            assertSame(failing, got);
            assertEquals(Future.State.FAILED, got.state());
            assertInstanceOf(IOException.class, got.exceptionNow());
            assertThrows(WorkerFailedException.class, got::join);

            Worker<String> late = set.spawn("late", () -> {
                Thread.sleep(LONG);
                return "never";
            }, Duration.ofMillis(20));
            got = set.next(LONG);
            assertSame(late, got);
            assertEquals(Future.State.FAILED, got.state());
            assertInstanceOf(TimeoutException.class, got.exceptionNow());

            Worker<String> cancelled = set.spawn("cancelled", () -> {
                Thread.sleep(LONG);
                return "never";
            });
            assertTrue(cancelled.cancel());
            got = set.next(LONG);
            assertSame(cancelled, got);
            assertEquals(Future.State.CANCELLED, got.state());
            assertThrows(WorkerCancelledException.class, got::join);
            assertTrue(set.isEmpty());
        }
    }

    @Test
    void cancelAllCancelsTheRunningWorkersWhichThenComeOutCancelled() throws Exception {
        try (var set = WorkerSet.<String>open()) {
            Worker<String> doneFirst = set.spawn(() -> "done");
            assertTrue(doneFirst.thread().join(LONG));   // its thread ended: it has reached the set
            for (int i = 0; i < 3; i++) {
                set.spawn(() -> {
                    Thread.sleep(LONG);
                    return "never";
                });
            }
            assertEquals(3, set.cancelAll());
            assertEquals(0, set.cancelAll(), "idempotent");
            assertEquals(4, set.size());
            assertSame(doneFirst, set.next(LONG));
            for (int i = 0; i < 3; i++) {
                assertEquals(Future.State.CANCELLED, set.next(LONG).state());
            }
            assertNull(set.next(LONG));
            set.spawn(() -> "still open");
            assertEquals("still open", set.next(LONG).resultNow());
        }
    }

    // ------------------------------------------------------------------ empty and timeouts

    @Test
    void nextOnAnEmptySetReturnsNullAtOnce() throws Exception {
        try (var set = WorkerSet.<String>open()) {
            assertTrue(set.isEmpty());
            long t0 = System.nanoTime();
            assertNull(set.next());
            assertNull(set.next(LONG));
            assertNull(set.next(Duration.ZERO));
            assertNull(set.tryNext());
            assertTrue(millisSince(t0) < PROMPT.toMillis());

            set.spawn(() -> "x").join(LONG);
            assertEquals("x", set.next(LONG).resultNow());
            assertNull(set.next(), "empty again once every worker was taken");
        }
    }

    @Test
    void aWaitingNextReturnsNullWhenAnotherTakerTakesTheLastWorker() throws Exception {
        try (var set = WorkerSet.<String>open()) {
            Channel<String> go = Channel.bounded(1);
            Worker<String> only = set.spawn(waitFor(go, "only"));
            List<Worker<String>> taken = new CopyOnWriteArrayList<>();
            List<Worker<Worker<String>>> takers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                takers.add(Worker.spawn(() -> {
                    Worker<String> w = set.next(LONG);
                    if (w != null) taken.add(w);
                    return w;
                }));
            }
            go.sender().send("go");
            int nulls = 0;
            for (Worker<Worker<String>> t : takers) {
                if (t.join(LONG) == null) nulls++;
            }
            assertEquals(2, nulls, "the takers that lost returned null, not a timeout");
            assertEquals(List.of(only), taken);
        }
    }

    @Test
    void timedNextThrowsTimeoutExceptionAndTakesNothing() throws Exception {
        try (var set = WorkerSet.<String>open("timed")) {
            Channel<String> go = Channel.bounded(1);
            Worker<String> w = set.spawn(waitFor(go, "late"));
            long t0 = System.nanoTime();
            TimeoutException e = assertThrows(TimeoutException.class, () -> set.next(Duration.ofMillis(50)));
            long took = millisSince(t0);
            assertTrue(took >= 45, "returned after " + took + " ms");
            assertTrue(took < PROMPT.toMillis() + 50, "returned after " + took + " ms");
            assertTrue(e.getMessage().contains("'timed'"), e.getMessage());
            assertThrows(TimeoutException.class, () -> set.next(Duration.ZERO));
            assertNull(set.tryNext());
            assertEquals(1, set.size());

            go.sender().send("go");
            assertSame(w, set.next(LONG));
        }
    }

    // ------------------------------------------------------------------ select

    @Test
    void onNextIsASelectClauseBesideOtherChannels() throws Exception {
        try (var set = WorkerSet.<String>open()) {
            Channel<String> other = Channel.bounded(4);
            Channel<String> go = Channel.bounded(1);
            Worker<String> w = set.spawn(waitFor(go, "result"));

            other.sender().send("ping");
            String r = Select.select(
                    set.onNext(x -> "worker:" + x.resultNow()),
                    other.receiver().onReceive(s -> "other:" + s),
                    Select.onTimeout(LONG, () -> "timeout"));
            assertEquals("other:ping", r);
            assertEquals(1, set.size(), "the clause that was not chosen took nothing");

            go.sender().send("go");
            r = Select.select(
                    set.onNext(x -> "worker:" + x.resultNow()),
                    other.receiver().onReceive(s -> "other:" + s),
                    Select.onTimeout(LONG, () -> "timeout"));
            assertEquals("worker:result", r);
            assertTrue(w.isDone());
            assertTrue(set.isEmpty(), "a worker taken by the clause is no longer counted");
            assertNull(set.next(LONG));

            r = Select.select(set.onNext(x -> "worker"), Select.onTimeout(Duration.ofMillis(20), () -> "nothing"));
            assertEquals("nothing", r, "on an empty set the clause is never ready");
        }
        WorkerSet<String> closed = WorkerSet.open();
        closed.close();
        assertThrows(ChannelClosedException.class,
                () -> Select.select(closed.onNext(x -> "w"), Select.onTimeout(LONG, () -> "timeout")));
    }

    // ------------------------------------------------------------------ close

    @Test
    void closeCancelsTheRestJoinsTheirThreadsAndDropsUntakenOutcomes() throws Exception {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(4);
        List<Worker<String>> workers = new ArrayList<>();
        WorkerSet<String> set = WorkerSet.open("closing");
        Worker<String> finished = set.spawn(() -> "finished, never taken");
        finished.join(LONG);
        for (int i = 0; i < 3; i++) {
            workers.add(set.spawn(() -> {
                threads.add(Thread.currentThread());
                started.countDown();
                Thread.sleep(LONG);
                return "never";
            }));
        }
        workers.add(set.spawn("stubborn", () -> {
            threads.add(Thread.currentThread());
            started.countDown();
            TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(200));
            return "ignored";
        }));
        assertTrue(started.await(10, TimeUnit.SECONDS));

        long t0 = System.nanoTime();
        set.close();
        assertTrue(millisSince(t0) >= 150, "close waited for the stubborn worker's thread");
        for (Thread t : threads) assertFalse(t.isAlive(), t + " still runs after close");
        for (Worker<String> w : workers) assertEquals(Future.State.CANCELLED, w.state(), w.toString());
        assertEquals(0, set.size());
        assertTrue(set.isEmpty());
        assertNull(set.next(), "untaken outcomes were dropped");
        assertNull(set.next(LONG));
        assertNull(set.tryNext());
        set.close();   // idempotent
        assertTrue(set.toString().contains("closed"), set.toString());
    }

    @Test
    void aTakerWaitingWhenTheSetClosesReturnsNullOrACancelledWorker() throws Exception {
        WorkerSet<String> set = WorkerSet.open();
        set.spawn(() -> {
            Thread.sleep(LONG);
            return "never";
        });
        Worker<Worker<String>> taker = Worker.spawn(() -> set.next(LONG));
        Thread.sleep(20);   // not needed for correctness: either outcome below is allowed
        set.close();
        Worker<String> got = taker.join(LONG);
        assertTrue(got == null || got.state() == Future.State.CANCELLED, String.valueOf(got));
        assertNull(set.next(LONG));
    }

    @Test
    void aWorkerMayCloseItsOwnSetWithoutWaitingForItself() throws Exception {
        WorkerSet<String> set = WorkerSet.open();
        Channel<String> go = Channel.bounded(1);
        Worker<String> sibling = set.spawn(waitFor(go, "sibling"));
        Worker<String> closer = set.spawn(() -> {
            set.close();
            return "closed, interrupted " + Thread.interrupted();
        });
        assertThrows(WorkerCancelledException.class, () -> closer.join(LONG), "close cancels its caller too");
        assertTrue(closer.thread().join(LONG), "the closing worker's thread ended: close did not wait for itself");
        assertEquals(Future.State.CANCELLED, sibling.state());
        assertTrue(set.isEmpty());
    }

    @Test
    void spawnAfterCloseThrowsNamingTheSet() {
        WorkerSet<String> set = WorkerSet.open("shut");
        set.close();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> set.spawn("late", () -> "x"));
        assertTrue(e.getMessage().contains("'shut'"), e.getMessage());
        assertTrue(e.getMessage().contains("'late'"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> set.spawn(() -> "x"));
        assertThrows(IllegalStateException.class, () -> set.spawn(() -> "x", LONG));
        assertEquals(0, set.size());
    }

    @Test
    void workersRunWithTheSpawnersContext() throws Exception {
        ScopedValue<String> key = ScopedValue.newInstance();
        try (var reg = WorkContext.propagate(key); var set = WorkerSet.<String>open()) {
            ScopedValue.where(key, "r-42").call(() -> set.spawn(() -> key.orElse("unbound")));
            assertEquals("r-42", set.next(LONG).resultNow());
        }
    }

    // ------------------------------------------------------------------ interruption

    @Test
    void interruptingAWaitingNextLeavesTheSetIntact() throws Exception {
        try (var set = WorkerSet.<String>open()) {
            Channel<String> go = Channel.bounded(1);
            Worker<String> w = set.spawn(waitFor(go, "kept"));
            AtomicReference<Thread> takerThread = new AtomicReference<>();
            CountDownLatch ready = new CountDownLatch(1);
            Worker<String> taker = Worker.spawn(() -> {
                takerThread.set(Thread.currentThread());
                ready.countDown();
                try {
                    set.next(LONG);
                    return "not interrupted";
                } catch (InterruptedException e) {
                    return "interrupted, flag " + Thread.currentThread().isInterrupted();
                }
            });
            assertTrue(ready.await(10, TimeUnit.SECONDS));
            Thread.sleep(20);   // lets the taker block; if it has not yet, it sees the flag at once
            takerThread.get().interrupt();
            assertEquals("interrupted, flag false", taker.join(LONG));
            assertEquals(1, set.size());

            go.sender().send("go");
            Worker<String> got = set.next(LONG);
            assertSame(w, got);
            assertEquals("kept", got.resultNow());
        }
    }

    @Test
    void closeIsNotCutShortByInterruptionAndSetsTheFlagAgain() throws Exception {
        WorkerSet<String> set = WorkerSet.open();
        CountDownLatch started = new CountDownLatch(1);
        set.spawn(() -> {
            started.countDown();
            TestSupport.sleepIgnoringInterrupts(Duration.ofMillis(150));
            return "x";
        });
        assertTrue(started.await(10, TimeUnit.SECONDS));
        Worker<Boolean> closer = Worker.spawn(() -> {
            Thread.currentThread().interrupt();
            set.close();
            return Thread.interrupted();
        });
        assertTrue(closer.join(LONG), "flag set again after close");
        assertTrue(set.isEmpty());
    }

    // ------------------------------------------------------------------ stress

    @Test
    void manyWorkersManyTakersEveryWorkerTakenExactlyOnce() throws Exception {
        for (int round = 0; round < 15; round++) {
            stressRound(round, 3_000, 4);
        }
    }

    /**
     * One round: {@code takers} threads take concurrently — by {@code next}, {@code tryNext} and the
     * {@code onNext} clause in turn — while {@code n} workers are spawned; a holder worker keeps the set
     * non-empty until all are spawned, so a taker sees "empty" only once everything was taken.
     */
    private static void stressRound(int round, int n, int takers) throws Exception {
        AtomicIntegerArray seen = new AtomicIntegerArray(n);
        try (var set = WorkerSet.<Integer>open("stress-" + round)) {
            Channel<String> hold = Channel.bounded(1);
            set.spawn("holder", () -> {
                assertNotNull(hold.receiver().receive(LONG));
                return -1;
            });
            List<Worker<Integer>> consumers = new ArrayList<>();
            for (int t = 0; t < takers; t++) {
                int mine = t;
                consumers.add(Worker.spawn("taker-" + t, () -> {
                    int count = 0;
                    for (int attempt = mine; ; attempt++) {
                        Worker<Integer> w = switch (attempt % 3) {
                            case 0 -> set.tryNext();
                            case 1 -> set.next(LONG);
                            default -> {
                                Object r = Select.select(set.onNext(x -> x),
                                        Select.onTimeout(Duration.ofMillis(2), () -> "none"));
                                @SuppressWarnings("unchecked")
                                Worker<Integer> x = r instanceof Worker<?> ? (Worker<Integer>) r : null;
                                yield x;
                            }
                        };
                        if (w == null) {
                            if (set.isEmpty()) return count;
                            continue;   // nothing finished yet (tryNext, or the clause timed out)
                        }
                        assertTrue(w.isDone(), w.toString());
                        int id = w.resultNow();
                        if (id >= 0) seen.incrementAndGet(id);
                        count++;
                    }
                }));
            }
            for (int i = 0; i < n; i++) {
                int id = i;
                set.spawn(() -> {
                    if (id % 7 == 0) Thread.yield();
                    return id;
                });
            }
            hold.sender().send("go");
            int total = 0;
            for (Worker<Integer> c : consumers) {
                total += c.join(LONG);
            }
            assertEquals(n + 1, total, "round " + round + ": every worker (and the holder) taken once");
            for (int i = 0; i < n; i++) {
                assertEquals(1, seen.get(i), "round " + round + ": worker " + i);
            }
            assertTrue(set.isEmpty());
            assertNull(set.next(LONG));
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badInputIsRejectedNamingTheArgument() {
        try (var set = WorkerSet.<String>open()) {
            assertEquals("task must not be null", assertThrows(NullPointerException.class, () -> set.spawn(null)).getMessage());
            assertThrows(NullPointerException.class, () -> set.spawn("n", null));
            assertThrows(NullPointerException.class, () -> set.spawn(null, () -> "x"));
            assertThrows(IllegalArgumentException.class, () -> set.spawn(" ", () -> "x"));
            assertThrows(NullPointerException.class, () -> set.spawn(() -> "x", null));
            assertThrows(IllegalArgumentException.class, () -> set.spawn(() -> "x", Duration.ofMillis(-1)));
            assertThrows(IllegalArgumentException.class, () -> set.spawn("n", () -> "x", Duration.ofMillis(-1)));
            IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> set.next(Duration.ofMillis(-1)));
            assertTrue(neg.getMessage().contains("timeout"), neg.getMessage());
            assertThrows(NullPointerException.class, () -> set.next(null));
            assertThrows(NullPointerException.class, () -> set.onNext(null));
            assertThrows(NullPointerException.class, () -> WorkerSet.open(null));
            assertThrows(IllegalArgumentException.class, () -> WorkerSet.open(""));
            assertEquals(0, set.size(), "nothing was spawned by a rejected call");
        }
    }
}
