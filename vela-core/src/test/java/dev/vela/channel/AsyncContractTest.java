package dev.vela.channel;

import static dev.vela.channel.SelectContractTest.assertNoWaiters;
import static dev.vela.channel.SelectContractTest.drain;
import static dev.vela.channel.SelectContractTest.waiters;
import static dev.vela.channel.TestThreads.PATIENCE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code sendAsync}/{@code receiveAsync} per {@link Flavor}: completion, one FIFO with blocking calls,
 * withdrawal by {@code cancel} and {@code orTimeout} (nothing moved, nothing lost, no waiter left),
 * closed channels, and where dependent stages run.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncContractTest {

    private final TestThreads threads = new TestThreads();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.close();
    }

    static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
    }

    static Throwable failure(CompletableFuture<?> f) throws Exception {
        try {
            Object v = f.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("completed normally with " + v);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static List<Integer> fill(Channel<Integer> ch) {
        List<Integer> put = new ArrayList<>();
        if (ch.capacity() == Integer.MAX_VALUE) return put;        // unbounded: never full
        for (int i = 0; i < ch.capacity(); i++) {
            assertTrue(ch.sender().trySend(1000 + i));
            put.add(1000 + i);
        }
        return put;
    }

    @AllFlavors
    void receiveAsyncCompletesWhenAValueArrives(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        CompletableFuture<Integer> r = ch.receiver().receiveAsync();
        assertFalse(r.isDone());
        assertEquals(1, waiters(ch));
        ch.sender().send(5);
        assertEquals(5, get(r));
        assertNull(ch.receiver().tryReceive());
        assertNoWaiters(ch);
    }

    @AllFlavors
    void sendAsyncCompletesWhenTheValueIsIn(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        CompletableFuture<Void> s = ch.sender().sendAsync(6);
        if (f.capacity > 0) {
            assertNull(get(s));
            assertEquals(6, ch.receiver().tryReceive());
        } else {
            assertFalse(s.isDone(), "rendezvous sendAsync completes only when taken");
            assertEquals(6, ch.receiver().receive(PATIENCE));
            assertNull(get(s));
        }
        CompletableFuture<Integer> r = ch.receiver().receiveAsync();
        CompletableFuture<Void> s2 = ch.sender().sendAsync(7);
        assertEquals(7, get(r), "async meets async");
        assertNull(get(s2));
        assertNoWaiters(ch);
        assertThrows(NullPointerException.class, () -> ch.sender().sendAsync(null));
    }

    /**
     * Async and blocking receivers wait in one queue. Rendezvous: served strictly in queue order
     * (direct hand-over). Buffered: a woken waiter may be overtaken (ADR 0005), so each of the three
     * gets exactly one of the values, none lost or duplicated.
     */
    @AllFlavors
    void asyncAndBlockingReceiversShareOneQueue(Flavor f) throws Exception {
        for (int round = 0; round < 50; round++) asyncAndBlockingReceiversShareOneQueueOnce(f);
    }

    private void asyncAndBlockingReceiversShareOneQueueOnce(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        CompletableFuture<Integer> r1 = ch.receiver().receiveAsync();
        Task<Integer> r2 = threads.start("blocking-receiver", () -> ch.receiver().receive(PATIENCE));
        r2.awaitParked();
        CompletableFuture<Integer> r3 = ch.receiver().receiveAsync();
        for (int v = 1; v <= 3; v++) ch.sender().send(v);
        List<Integer> got = List.of(get(r1), r2.join(), get(r3));
        if (f.capacity == 0) assertEquals(List.of(1, 2, 3), got);
        else assertEquals(java.util.Set.of(1, 2, 3), new java.util.HashSet<>(got));
        assertNoWaiters(ch);
    }

    /**
     * Rendezvous waiters are served in the order they started waiting, also across the boundary of
     * the one-waiter slot in front of the waiter queue (ADR 0033): a sender that starts waiting after
     * the slot's waiter was served, while an older one still waits in the queue, goes behind it.
     */
    @Test
    void rendezvousWaitersKeepTheirOrderAcrossTheSlot() throws Exception {
        Channel<Integer> ch = Flavor.RENDEZVOUS.create();
        CompletableFuture<Void> s1 = ch.sender().sendAsync(1);      // into an empty structure: the slot
        CompletableFuture<Void> s2 = ch.sender().sendAsync(2);      // behind it: the queue
        assertEquals(1, ch.receiver().receive(PATIENCE));           // the slot is empty again, 2 still waits
        CompletableFuture<Void> s3 = ch.sender().sendAsync(3);      // must go behind 2, not into the slot
        Task<Void> s4 = threads.run("blocking-sender", () -> ch.sender().send(4));
        s4.awaitParked();
        assertEquals(List.of(2, 3, 4), List.of(ch.receiver().receive(PATIENCE), ch.receiver().receive(PATIENCE),
                ch.receiver().receive(PATIENCE)));
        get(s1);
        get(s2);
        get(s3);
        s4.join();
        CompletableFuture<Integer> r1 = ch.receiver().receiveAsync();   // and the same for receivers
        CompletableFuture<Integer> r2 = ch.receiver().receiveAsync();
        ch.sender().send(10);
        CompletableFuture<Integer> r3 = ch.receiver().receiveAsync();
        ch.sender().send(20);
        ch.sender().send(30);
        assertEquals(List.of(10, 20, 30), List.of(get(r1), get(r2), get(r3)));
        assertNoWaiters(ch);
    }

    @AllFlavors
    void asyncAndBlockingSendersShareOneFifo(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        List<Integer> expect = fill(ch);
        CompletableFuture<Void> s1 = ch.sender().sendAsync(1);
        Task<Void> s2 = threads.run("blocking-sender", () -> ch.sender().send(2));
        if (f.isFinite()) s2.awaitParked(); else s2.join();
        CompletableFuture<Void> s3 = ch.sender().sendAsync(3);
        expect.addAll(List.of(1, 2, 3));
        List<Integer> got = new ArrayList<>();
        for (int i = 0; i < expect.size(); i++) got.add(ch.receiver().receive(PATIENCE));
        if (f.capacity == 0) {
            assertEquals(expect, got);                               // direct hand-over: strict queue order
        } else {                                                     // ADR 0005: a woken waiter may be overtaken
            assertEquals(expect.subList(0, expect.size() - 3), got.subList(0, expect.size() - 3));
            assertEquals(java.util.Set.of(1, 2, 3), new java.util.HashSet<>(got.subList(expect.size() - 3, expect.size())));
        }
        get(s1);
        s2.join();
        get(s3);
        assertNull(ch.receiver().tryReceive());
        assertNoWaiters(ch);
    }

    @AllFlavors
    void cancelledReceiveAsyncIsWithdrawn(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        CompletableFuture<Integer> r = ch.receiver().receiveAsync();
        assertTrue(r.cancel(true));
        assertTrue(r.isCancelled());
        assertTrue(r.cancel(true) || r.isCancelled(), "idempotent");
        assertEquals(0, waiters(ch));
        if (f.capacity == 0) {
            assertFalse(ch.sender().trySend(1), "a cancelled receiver must not take a rendezvous value");
        }
        CompletableFuture<Integer> next = ch.receiver().receiveAsync();
        ch.sender().send(2);
        assertEquals(2, get(next), "a later value goes to the next receiver");
        assertNull(ch.receiver().tryReceive());
        assertNoWaiters(ch);
    }

    @AllFlavors
    void cancelledSendAsyncValueNeverAppears(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        List<Integer> full = fill(ch);
        CompletableFuture<Void> s = ch.sender().sendAsync(99);
        if (!f.isFinite()) {
            assertFalse(s.cancel(true), "an unbounded send completes at once: too late to cancel");
            assertNull(get(s));
            assertEquals(List.of(99), drain(ch));
            return;
        }
        assertTrue(s.cancel(true));
        assertTrue(s.isCancelled());
        assertEquals(0, waiters(ch));
        assertEquals(full, drain(ch), "the cancelled value must never appear");
        assertNull(ch.receiver().receive(Duration.ofMillis(20)));
        assertNoWaiters(ch);
    }

    @AllFlavors
    void orTimeoutWithdrawsAndLosesNothing(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        CompletableFuture<Integer> r = ch.receiver().receiveAsync().orTimeout(50, TimeUnit.MILLISECONDS);
        assertInstanceOf(TimeoutException.class, failure(r));
        assertNoWaiters(ch);
        if (f.capacity > 0) {
            ch.sender().send(3);
            assertEquals(3, ch.receiver().tryReceive(), "a value sent after the timeout stays in the channel");
        } else {
            assertFalse(ch.sender().trySend(3));
        }
        List<Integer> full = fill(ch);
        if (f.isFinite()) {
            CompletableFuture<Void> s = ch.sender().sendAsync(98).orTimeout(50, TimeUnit.MILLISECONDS);
            assertInstanceOf(TimeoutException.class, failure(s));
            assertNoWaiters(ch);
            assertEquals(full, drain(ch), "a timed-out send is not sent");
        }
    }

    /**
     * cancel()/orTimeout racing a hand-over, many times: either the future has the value (and the
     * channel not), or it was withdrawn (and the value is still in the channel, or the rendezvous
     * sender did not succeed). Never both, never neither.
     */
    @AllFlavors
    void withdrawRacingHandOverIsExact(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        int withdrawn = 0, delivered = 0;
        for (int i = 0; i < 300; i++) {
            boolean useCancel = (i & 1) == 0;
            int value = i + 1;
            CompletableFuture<Integer> r = ch.receiver().receiveAsync();
            if (!useCancel) r = r.orTimeout(1, TimeUnit.MILLISECONDS);
            CompletableFuture<Integer> fr = r;
            Task<Boolean> sender = threads.start("sender", () -> {
                if (ThreadLocalRandom.current().nextBoolean()) Thread.onSpinWait(); else Thread.yield();
                return ch.sender().send(value, Duration.ofMillis(5));
            });
            boolean cancelled = useCancel ? fr.cancel(true) : false;
            boolean sent = sender.join();
            Integer got;
            try {
                got = get(fr);
            } catch (ExecutionException | java.util.concurrent.CancellationException e) {
                got = null;
            }
            if (useCancel) assertEquals(cancelled, got == null, "cancel() result vs future outcome");
            Integer left = ch.receiver().tryReceive();
            if (got != null) {
                delivered++;
                assertEquals(i + 1, got);
                assertNull(left, "value both received by the future and left in the channel");
                assertTrue(sent);
            } else {
                withdrawn++;
                if (f.capacity > 0) assertEquals(i + 1, left, "withdrawn receive: the value must still be there");
                else assertFalse(sent, "rendezvous sender succeeded although the only receiver withdrew");
            }
            assertNoWaiters(ch);
        }
        assertTrue(withdrawn + delivered == 300);
    }

    @AllFlavors
    void closedChannelFailsReceiveAsyncWithCause(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        CompletableFuture<Integer> pending = ch.receiver().receiveAsync();
        Sender<Integer> other = ch.sender().clone();            // fail() releases the original handle
        IOException cause = new IOException("disk");
        ch.sender().fail(cause);
        ChannelClosedException e = assertInstanceOf(ChannelClosedException.class, failure(pending));
        assertSame(cause, e.getCause());
        ChannelClosedException later = assertInstanceOf(ChannelClosedException.class, failure(ch.receiver().receiveAsync()));
        assertSame(cause, later.getCause());
        assertInstanceOf(ChannelClosedException.class, failure(other.sendAsync(1)));
        assertNoWaiters(ch);

        Channel<Integer> buffered = f.create();
        if (f.capacity > 0) {
            buffered.sender().send(1);
            buffered.close();
            assertEquals(1, get(buffered.receiver().receiveAsync()), "buffered values still delivered after close");
            assertInstanceOf(ChannelClosedException.class, failure(buffered.receiver().receiveAsync()));
        }
    }

    @AllFlavors
    void closedChannelFailsPendingSendAsync(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        List<Integer> full = fill(ch);
        if (!f.isFinite()) return;               // never pending on unbounded (covered above)
        CompletableFuture<Void> s = ch.sender().sendAsync(99);
        ch.receiver().close();
        assertInstanceOf(ChannelClosedException.class, failure(s));
        assertEquals(full, drain(ch));
        assertNoWaiters(ch);
    }

    /** ADR 0013: a waiting async operation resumes, and its plain stages run, in the completing peer's thread. */
    @AllFlavors
    void dependentStagesRunInThePeersThreadAfterItsOperation(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        AtomicReference<Thread> ran = new AtomicReference<>();
        CompletableFuture<Integer> r = ch.receiver().receiveAsync();
        CompletableFuture<Void> dep = r.thenAccept(v -> ran.set(Thread.currentThread()));
        Task<Thread> sender = threads.start("sender", () -> {
            ch.sender().send(1);
            return Thread.currentThread();
        });
        Thread senderThread = sender.join();
        get(dep);
        assertSame(senderThread, ran.get());
        assertEquals(1, r.getNow(null));
        assertNoWaiters(ch);
    }

    /**
     * Two async loops echoing each other through two channels, with no thread of their own: every
     * step completes the other loop's waiting operation inline. The per-thread trampoline must keep
     * the stack flat (without it this overflows long before 100,000 round trips).
     */
    @AllFlavors
    void asyncPingPongKeepsTheStackFlat(Flavor f) throws Exception {
        int n = 100_000;
        Channel<Integer> ping = f.create(), pong = f.create();
        Loop echo = new Loop(n, i -> ping.receiver().receiveAsync().thenCompose(x -> pong.sender().sendAsync(x).thenApply(v -> x)));
        Loop call = new Loop(n, i -> ping.sender().sendAsync(i).thenCompose(v -> pong.receiver().receiveAsync()));
        echo.next();
        call.next();
        long expected = (long) n * (n - 1) / 2;
        assertEquals(expected, get(call.done));
        assertEquals(expected, get(echo.done));
        assertNoWaiters(ping);
        assertNoWaiters(pong);
    }

    /**
     * Runs step(0) … step(n-1) one after another and completes {@link #done} with the sum of their
     * values. Steps already done are taken in a loop (a future completed at once must not recurse).
     */
    private static final class Loop {
        final CompletableFuture<Long> done = new CompletableFuture<>();
        private final int n;
        private final java.util.function.IntFunction<CompletableFuture<Integer>> step;
        private int i;
        private long sum;

        Loop(int n, java.util.function.IntFunction<CompletableFuture<Integer>> step) {
            this.n = n;
            this.step = step;
        }

        void next() {
            while (i < n) {
                CompletableFuture<Integer> f = step.apply(i);
                if (!f.isDone()) {
                    f.whenComplete((v, e) -> {
                        if (e != null) { done.completeExceptionally(e); return; }
                        sum += v;
                        i++;
                        next();
                    });
                    return;
                }
                sum += f.join();
                i++;
            }
            done.complete(sum);
        }
    }

    /** The shared timer thread never runs user stages (ADR 0013): an async receive on a timer resumes elsewhere. */
    @org.junit.jupiter.api.Test
    void timerWakeUpsDoNotRunStagesOnTheTimerThread() throws Exception {
        AtomicReference<Thread> ran = new AtomicReference<>();
        CompletableFuture<Void> dep = Timers.after(Duration.ofMillis(20)).receiveAsync()
                .thenAccept(v -> ran.set(Thread.currentThread()));
        get(dep);
        assertTrue(ran.get().isVirtual(), "ran on " + ran.get());
        assertFalse(ran.get().getName().startsWith("vela-timers"), "ran on " + ran.get());
    }

    @AllFlavors
    void completingFromOutsideIsRejected(Flavor f) throws Exception {
        Channel<Integer> ch = f.create();
        CompletableFuture<Integer> r = ch.receiver().receiveAsync();
        assertThrows(UnsupportedOperationException.class, () -> r.complete(1));
        assertTrue(r.cancel(false));
        assertNoWaiters(ch);
    }
}
