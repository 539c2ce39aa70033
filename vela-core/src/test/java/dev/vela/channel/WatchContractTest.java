package dev.vela.channel;

import static dev.vela.channel.TestThreads.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import dev.vela.channel.internal.WatchChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract of {@link Watch} and {@link WatchReceiver}: latest value wins, every subscriber sees the
 * newest value, waits (blocking, timed, async, select) end at the next send, a withdrawn wait leaves no
 * waiter and marks nothing seen, and closing ends waits only after the last value was seen.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchContractTest {

    private final TestThreads threads = new TestThreads();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.close();
    }

    private static int waiters(Watch<?> w) {
        return ((WatchChannel<?>) w).waiterCount();
    }

    private static void assertNoWaiters(Watch<?> w) {
        TestThreads.awaitTrue("no waiter left on " + w, () -> waiters(w) == 0);
    }

    private static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            Object v = f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("completed with " + v + " instead of failing");
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    // ---------------------------------------------------------------- values and versions

    @Test
    void theLatestValueWinsAndVersionsCount() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        assertEquals(0, w.value());
        assertEquals(0, w.version());
        assertFalse(rx.hasChanged(), "a new subscriber has seen the current value");
        w.send(1);
        w.send(2);
        w.send(3);
        assertEquals(3, w.value());
        assertEquals(3, w.version());
        assertTrue(rx.hasChanged());
        assertEquals(3, rx.changed(), "intermediate values are skipped: only the newest counts");
        assertEquals(3, rx.seenVersion());
        assertFalse(rx.hasChanged());
        assertNull(rx.changed(Duration.ZERO), "nothing newer than the value just seen");
    }

    @Test
    void everySubscriberSeesTheNewestValueIndependently() throws Exception {
        Watch<String> w = Watch.create("a");
        WatchReceiver<String> r1 = w.subscribe(), r2 = w.subscribe();
        assertEquals(2, w.receiverCount());
        w.send("b");
        assertEquals("b", r1.changed());
        assertFalse(r1.hasChanged());
        assertTrue(r2.hasChanged(), "r1 seeing b marks nothing for r2");
        w.send("c");
        assertEquals("c", r2.changed());
        assertEquals("c", r1.changed());
    }

    @Test
    void valueMarksSeenWhileTheWatchValueDoesNot() throws Exception {
        Watch<Integer> w = Watch.create(1);
        WatchReceiver<Integer> rx = w.subscribe();
        w.send(2);
        assertEquals(2, w.value());
        assertTrue(rx.hasChanged(), "Watch.value() marks nothing");
        assertEquals(2, rx.value());
        assertFalse(rx.hasChanged(), "WatchReceiver.value() marks the latest seen");
    }

    @Test
    void sendAlwaysPublishesWhileSendIfChangedAndUpdateConflateEqualValues() throws Exception {
        Watch<String> w = Watch.create("x");
        WatchReceiver<String> rx = w.subscribe();
        w.send(new String("x"));
        assertEquals(1, w.version(), "send publishes a version even for an equal value (Tokio)");
        assertEquals("x", rx.changed());
        assertFalse(w.sendIfChanged("x"));
        assertEquals(1, w.version());
        assertFalse(rx.hasChanged());
        assertTrue(w.sendIfChanged("y"));
        assertEquals(2, w.version());
        assertEquals("yz", w.update(v -> v + "z"));
        assertEquals(3, w.version());
        assertEquals("yz", w.update(v -> "yz"));
        assertEquals(3, w.version(), "update to an equal value publishes nothing (StateFlow)");
        assertEquals("yz", rx.changed());
    }

    @Test
    void nullIsRejectedNamingTheWatch() {
        assertThrows(NullPointerException.class, () -> Watch.create(null));
        Watch<String> w = Watch.create("a");
        NullPointerException e = assertThrows(NullPointerException.class, () -> w.send(null));
        assertTrue(e.getMessage().contains("watch"), e.getMessage());
        assertThrows(NullPointerException.class, () -> w.sendIfChanged(null));
        assertThrows(NullPointerException.class, () -> w.update(v -> null));
        assertThrows(NullPointerException.class, () -> w.update(null));
        assertEquals("a", w.value());
        assertEquals(0, w.version(), "a rejected value changes nothing");
        WatchReceiver<String> rx = w.subscribe();
        assertThrows(NullPointerException.class, () -> rx.changed(null));
        assertThrows(IllegalArgumentException.class, () -> rx.changed(Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> rx.onChanged(null));
        assertThrows(NullPointerException.class, () -> rx.waitFor(null));
    }

    // ---------------------------------------------------------------- blocking and timed waits

    @Test
    void changedBlocksUntilASend() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        Task<Integer> t = threads.start("waiter", rx::changed).awaitParked();
        assertEquals(1, waiters(w));
        w.send(7);
        assertEquals(7, t.join());
        assertEquals(1, rx.seenVersion());
        assertNoWaiters(w);
    }

    @Test
    void manyBlockedSubscribersAllWakeOnOneSend() throws Exception {
        Watch<Integer> w = Watch.create(0);
        @SuppressWarnings("unchecked")
        Task<Integer>[] tasks = new Task[8];
        for (int i = 0; i < tasks.length; i++) {
            WatchReceiver<Integer> rx = w.subscribe();
            tasks[i] = threads.start("waiter-" + i, rx::changed);
        }
        for (Task<Integer> t : tasks) t.awaitParked();
        w.send(42);
        for (Task<Integer> t : tasks) assertEquals(42, t.join());
    }

    @Test
    void aTimedChangedGivesUpAtItsTimeoutWithoutEffect() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        long start = System.nanoTime();
        assertNull(rx.changed(Duration.ofMillis(50)));
        assertTrue(TestThreads.millisSince(start) >= 50, "gave up early");
        assertNoWaiters(w);
        assertEquals(0, rx.seenVersion());
        assertNull(rx.changed(Duration.ZERO));
        w.send(1);
        assertEquals(1, rx.changed(Duration.ZERO));
        Task<Integer> t = threads.start("timed", () -> rx.changed(PATIENCE)).awaitParked();
        w.send(2);
        assertEquals(2, t.join(), "a timed wait also ends at the send");
    }

    @Test
    void anInterruptedWaitLeavesNoWaiterAndMarksNothing() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        Task<Integer> t = threads.start("waiter", rx::changed).awaitParked();
        t.thread().interrupt();
        t.failsWith(InterruptedException.class);
        assertNoWaiters(w);
        assertEquals(0, rx.seenVersion());
        w.send(1);
        assertEquals(1, rx.changed(Duration.ZERO), "the change after the interrupt is still there");
    }

    @Test
    void aChangeAlreadyThereIsReturnedEvenWhenInterrupted() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        w.send(1);
        Thread.currentThread().interrupt();
        try {
            assertEquals(1, rx.changed());
            assertTrue(Thread.currentThread().isInterrupted(), "the flag stays set");
        } finally {
            Thread.interrupted();
        }
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, rx::changed);
            assertFalse(Thread.currentThread().isInterrupted(), "the flag is cleared as the JDK does");
        } finally {
            Thread.interrupted();
        }
        assertEquals(0, waiters(w));
    }

    @Test
    void waitForTestsTheCurrentValueThenEachChange() throws Exception {
        Watch<Integer> w = Watch.create(5);
        WatchReceiver<Integer> rx = w.subscribe();
        assertEquals(5, rx.waitFor(v -> v > 3), "the current value counts");
        Task<Integer> t = threads.start("waitFor", () -> rx.waitFor(v -> v >= 10)).awaitParked();
        w.send(8);
        w.send(12);
        assertEquals(12, t.join());
        assertNull(rx.waitFor(v -> v > 100, Duration.ofMillis(30)));
        w.send(1);
        w.close();
        assertThrows(ChannelClosedException.class, () -> rx.waitFor(v -> v > 100));
        assertEquals(w.version(), rx.seenVersion(), "the last value was tested");
    }

    @Test
    void theDeadlockWatchdogSeesAndFailsAWorkerWaitingForAChangeThatCannotCome() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        java.util.List<String> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (var watchdog = dev.vela.diagnostics.DeadlockWatchdog.start(Duration.ofMillis(50),
                dev.vela.diagnostics.DeadlockWatchdog.Action.FAIL, reports::add)) {
            dev.vela.worker.Worker<Integer> stuck = dev.vela.worker.Worker.spawn("watch-waiter", rx::changed);
            var e = assertThrows(dev.vela.worker.WorkerFailedException.class, () -> stuck.join(PATIENCE));
            assertInstanceOf(ChannelDeadlockException.class, e.getCause());
            assertEquals(1, watchdog.deadlocksFound());
            assertTrue(reports.get(0).contains("watch-waiter"), reports.get(0));
        }
        assertEquals(0, rx.seenVersion(), "the failed wait marked nothing");
        assertNoWaiters(w);
    }

    // ---------------------------------------------------------------- async

    @Test
    void changedAsyncCompletesOnTheNextSend() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        CompletableFuture<Integer> f = rx.changedAsync();
        assertFalse(f.isDone());
        assertEquals(1, waiters(w));
        w.send(3);
        assertEquals(3, f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS));
        assertFalse(rx.hasChanged());
        w.send(4);
        CompletableFuture<Integer> ready = rx.changedAsync();
        assertTrue(ready.isDone(), "a change already there completes at once");
        assertEquals(4, ready.join());
    }

    @Test
    void cancellingOrTimingOutChangedAsyncWithdrawsIt() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        CompletableFuture<Integer> f = rx.changedAsync();
        assertTrue(f.cancel(false));
        assertNoWaiters(w);
        CompletableFuture<Integer> g = rx.changedAsync().orTimeout(20, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, failure(g));
        assertNoWaiters(w);
        w.send(9);
        assertTrue(f.isCancelled());
        assertTrue(rx.hasChanged(), "a withdrawn wait marks nothing seen");
        assertEquals(9, rx.changed());
    }

    @Test
    void changedAsyncEndsWithTheCloseAfterTheLastValue() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        CompletableFuture<Integer> f = rx.changedAsync();
        w.close();
        assertInstanceOf(ChannelClosedException.class, failure(f));
        Watch<Integer> w2 = Watch.create(0);
        WatchReceiver<Integer> rx2 = w2.subscribe();
        w2.send(1);
        w2.close();
        assertEquals(1, rx2.changedAsync().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS), "the last value first");
        assertInstanceOf(ChannelClosedException.class, failure(rx2.changedAsync()));
    }

    // ---------------------------------------------------------------- select

    @Test
    void aSelectClauseIsChosenAtTheNextSend() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        Channel<String> other = Channel.bounded(1);
        Task<String> t = threads.start("select", () -> Select.select(
                rx.onChanged(v -> "watch:" + v),
                other.receiver().onReceive(s -> "other:" + s))).awaitParked();
        w.send(5);
        assertEquals("watch:5", t.join());
        assertFalse(rx.hasChanged(), "the chosen clause marked the value seen");
        assertNoWaiters(w);
        assertTrue(other.sender().trySend("left alone"));
        assertEquals("left alone", other.receiver().tryReceive());
    }

    @Test
    void aSelectThatChoosesAnotherClauseLeavesTheChangeUnseen() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        Channel<String> other = Channel.bounded(1);
        other.sender().send("x");
        assertEquals("other:x", Select.select(rx.onChanged(v -> "watch:" + v), other.receiver().onReceive(s -> "other:" + s)));
        assertEquals("timeout", Select.select(rx.onChanged(v -> "watch:" + v),
                Select.onTimeout(Duration.ofMillis(20), () -> "timeout")));
        assertNoWaiters(w);
        w.send(1);
        assertEquals("watch:1", Select.select(rx.onChanged(v -> "watch:" + v),
                other.receiver().onReceive(s -> "other:" + s), Select.onDefault(() -> "none")));
        assertFalse(rx.hasChanged());
        assertEquals("none", Select.select(rx.onChanged(v -> "watch:" + v), Select.onDefault(() -> "none")));
    }

    @Test
    void selectClausesAfterCloseEndOrThrow() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        w.send(1);
        w.close();
        assertEquals("v1", Select.select(rx.onChangedOrClosed(v -> "v" + v, () -> "end")), "the last value first");
        assertEquals("end", Select.select(rx.onChangedOrClosed(v -> "v" + v, () -> "end")));
        assertThrows(ChannelClosedException.class, () -> Select.select(rx.onChanged(v -> "v" + v)));
        WatchReceiver<Integer> rx2 = w.subscribe();
        Task<String> t = threads.start("select", () -> Select.select(rx2.onChangedOrClosed(v -> "v" + v, () -> "end"),
                Select.onTimeout(PATIENCE, () -> "timeout")));
        assertEquals("end", t.join());
    }

    @Test
    void aBlockedSelectEndsAtTheClose() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe();
        Task<String> t = threads.start("select", () -> Select.select(rx.onChangedOrClosed(v -> "v" + v, () -> "end")))
                .awaitParked();
        w.close();
        assertEquals("end", t.join());
    }

    // ---------------------------------------------------------------- closing

    @Test
    void closeWakesWaitersOnlyAfterTheyHaveSeenTheLastValue() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> seenAll = w.subscribe(), behind = w.subscribe();
        Task<Integer> t = threads.start("waiter", seenAll::changed).awaitParked();
        w.close();
        assertInstanceOf(ChannelClosedException.class, t.failure());
        assertTrue(w.isClosed());
        assertTrue(seenAll.isClosed());
        w.close();                                      // idempotent
        assertNoWaiters(w);

        Watch<Integer> w2 = Watch.create(0);
        WatchReceiver<Integer> rx = w2.subscribe();
        w2.send(1);
        w2.send(2);
        w2.close();
        assertEquals(2, rx.changed(), "the last value before the close is seen first");
        assertThrows(ChannelClosedException.class, rx::changed);
        assertThrows(ChannelClosedException.class, () -> rx.changed(Duration.ofMillis(10)));
        assertEquals(2, w2.value(), "the last value stays readable");
        assertEquals(2, rx.value());
        assertFalse(behind.hasChanged());
        assertThrows(ChannelClosedException.class, () -> behind.changed(Duration.ZERO));
    }

    @Test
    void sendsAfterCloseAreRefused() {
        Watch<Integer> w = Watch.create(0);
        w.close();
        assertThrows(ChannelClosedException.class, () -> w.send(1));
        assertThrows(ChannelClosedException.class, () -> w.sendIfChanged(1));
        assertThrows(ChannelClosedException.class, () -> w.update(v -> v + 1));
        assertEquals(0, w.value());
        assertEquals(0, w.version());
    }

    @Test
    void subscribingAfterCloseGivesASubscriberThatHasSeenTheEnd() throws Exception {
        Watch<Integer> w = Watch.create(0);
        w.send(3);
        w.close();
        WatchReceiver<Integer> rx = w.subscribe();
        assertTrue(rx.isClosed());
        assertFalse(rx.hasChanged());
        assertEquals(3, rx.value());
        assertThrows(ChannelClosedException.class, rx::changed);
        assertInstanceOf(ChannelClosedException.class, failure(rx.changedAsync()));
    }

    @Test
    void closingASubscriberEndsItsWaitsAndCountsItOut() throws Exception {
        Watch<Integer> w = Watch.create(0);
        WatchReceiver<Integer> rx = w.subscribe(), other = w.subscribe();
        assertEquals(2, w.receiverCount());
        rx.close();
        rx.close();
        assertEquals(1, w.receiverCount(), "close is idempotent");
        assertTrue(rx.isClosed());
        assertFalse(other.isClosed());
        w.send(1);
        assertThrows(ChannelClosedException.class, rx::changed);
        assertEquals(1, rx.value(), "a closed subscriber still reads");
        assertEquals(1, other.changed());
    }
}
