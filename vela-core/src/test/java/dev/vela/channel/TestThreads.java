package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Background threads for channel tests, each with a bounded wait. {@link #close()} interrupts and joins
 * every thread still running, so a failed test cannot leave a thread parked on a channel.
 */
final class TestThreads implements AutoCloseable {

    /** Upper bound for any single wait in a test; far above what a correct channel needs. */
    static final Duration PATIENCE = Duration.ofSeconds(10);

    /** A task running on its own thread. */
    record Task<T>(Thread thread, CompletableFuture<T> result) {

        /** The task's result, waiting at most {@link #PATIENCE}; rethrows its failure as AssertionError. */
        T join() {
            try {
                return result.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError(thread + " did not finish within " + PATIENCE + "; state "
                        + thread.getState(), e);
            } catch (ExecutionException e) {
                throw new AssertionError(thread + " failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** The exception the task failed with (it must fail within {@link #PATIENCE}). */
        Throwable failure() {
            try {
                T v = result.get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
                throw new AssertionError(thread + " returned " + v + " instead of failing");
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (TimeoutException e) {
                throw new AssertionError(thread + " did not finish within " + PATIENCE, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        /** Asserts the task fails with an exception of {@code type} and returns it. */
        <X extends Throwable> X failsWith(Class<X> type) {
            return assertInstanceOf(type, failure());
        }

        boolean isDone() {
            return result.isDone();
        }

        /** Waits until the thread is parked (WAITING/TIMED_WAITING) and asserts the task is not done. */
        Task<T> awaitParked() {
            TestThreads.awaitParked(thread);
            assertFalse(result.isDone(), () -> thread + " should still be blocked, but finished: " + result);
            return this;
        }
    }

    /** Body that may throw anything. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private final List<Task<?>> tasks = new ArrayList<>();

    /** Starts {@code body} on a new virtual thread. */
    <T> Task<T> start(String name, Callable<T> body) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = Thread.ofVirtual().name(name).unstarted(() -> {
            try {
                result.complete(body.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        Task<T> task = new Task<>(t, result);
        synchronized (tasks) {
            tasks.add(task);
        }
        t.start();
        return task;
    }

    /** Starts {@code body} on a new virtual thread; the task's result is {@code null}. */
    Task<Void> run(String name, Body body) {
        return start(name, () -> {
            body.run();
            return null;
        });
    }

    /** Interrupts and joins every thread still alive; fails if one does not stop. */
    @Override
    public void close() throws InterruptedException {
        List<Task<?>> copy;
        synchronized (tasks) {
            copy = List.copyOf(tasks);
        }
        for (Task<?> t : copy) if (t.thread.isAlive()) t.thread.interrupt();
        for (Task<?> t : copy) {
            if (!t.thread.join(PATIENCE)) {
                fail("thread " + t.thread + " ignored interruption and is still alive in state " + t.thread.getState());
            }
        }
    }

    /** Waits until {@code t} is parked or sleeping; fails after {@link #PATIENCE}. */
    static void awaitParked(Thread t) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            Thread.State s = t.getState();
            if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) return;
            if (s == Thread.State.TERMINATED) throw new AssertionError(t + " terminated instead of blocking");
            if (System.nanoTime() > deadline) throw new AssertionError(t + " never parked; state " + s);
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** Waits until {@code condition} holds; fails after {@link #PATIENCE}. */
    static void awaitTrue(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Receives one value, waiting at most {@link #PATIENCE}; fails on timeout. */
    static <T> T receiveNow(Receiver<T> rx) throws InterruptedException {
        T v = rx.receive(PATIENCE);
        assertNotNull(v, "no value arrived within " + PATIENCE);
        return v;
    }

    /** Receives {@code n} values in order, each within {@link #PATIENCE}. */
    static <T> List<T> receiveN(Receiver<T> rx, int n) throws InterruptedException {
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) out.add(receiveNow(rx));
        return out;
    }

    /** Asserts the receiver is closed and drained: every receive variant throws ChannelClosedException with {@code cause}. */
    static void assertClosedAndDrained(Receiver<?> rx, Throwable cause) throws InterruptedException {
        assertTrue(rx.isClosed(), "receiver should report closed");
        ChannelClosedException e1 = org.junit.jupiter.api.Assertions.assertThrows(ChannelClosedException.class, rx::tryReceive);
        assertEquals(cause, e1.getCause(), "tryReceive cause");
        ChannelClosedException e2 = org.junit.jupiter.api.Assertions.assertThrows(ChannelClosedException.class,
                () -> rx.receive(PATIENCE));
        assertEquals(cause, e2.getCause(), "timed receive cause");
        ChannelClosedException e3 = org.junit.jupiter.api.Assertions.assertThrows(ChannelClosedException.class, rx::receive);
        assertEquals(cause, e3.getCause(), "receive cause");
        assertTrue(rx.isEmpty(), "a drained channel is empty");
    }

    /** Elapsed milliseconds since {@code startNanos}. */
    static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
