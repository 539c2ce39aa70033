package dev.vela.worker;

import static dev.vela.worker.TestSupport.LONG;
import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Prototype §3.2 (test_worker_errors.py, 10 tests): the task's exception survives, type and message intact. */
@Timeout(30)
class WorkerErrorsTest {

    /** Joins {@code w}, expects a failure, checks the wrapper names the worker and returns the cause. */
    private static Throwable failureOf(Worker<?> w) {
        WorkerFailedException e = assertThrows(WorkerFailedException.class, () -> w.join(LONG));
        assertFalse(e instanceof WorkerTimeoutException, "a thrown exception is not a missed deadline");
        assertEquals(w.name(), e.workerName());
        assertTrue(e.getMessage().contains("'" + w.name() + "'"), e.getMessage());
        assertEquals(Future.State.FAILED, w.state());
        assertSame(e.getCause(), w.exceptionNow(), "the cause is the task's own exception object");
        return e.getCause();
    }

    @Test
    void workerRaisesException() {
        Worker<Object> w = Worker.spawn("boom", () -> {
            throw new Exception("Something went wrong");
        });
        Throwable cause = failureOf(w);
        assertEquals(Exception.class, cause.getClass());
        assertEquals("Something went wrong", cause.getMessage());
        assertTrue(cause.getStackTrace().length > 0);
    }

    @Test
    void workerRaisesIllegalArgument() {
        Throwable cause = failureOf(Worker.spawn(() -> {
            throw new IllegalArgumentException("Invalid input");
        }));
        assertInstanceOf(IllegalArgumentException.class, cause);
        assertEquals("Invalid input", cause.getMessage());
    }

    @Test
    void workerRaisesArithmeticException() {
        int zero = 0;
        assertInstanceOf(ArithmeticException.class, failureOf(Worker.spawn(() -> 10 / zero)));
    }

    @Test
    void workerRaisesMissingKey() {
        Map<String, Integer> m = Map.of("a", 1);
        Throwable cause = failureOf(Worker.spawn(() -> m.entrySet().stream()
                .filter(e -> e.getKey().equals("missing")).findFirst().orElseThrow()));
        assertInstanceOf(java.util.NoSuchElementException.class, cause);
    }

    @Test
    void workerRaisesIndexOutOfBounds() {
        List<Integer> l = List.of(1, 2);
        assertInstanceOf(IndexOutOfBoundsException.class, failureOf(Worker.spawn(() -> l.get(5))));
    }

    @Test
    void workerRaisesCustomCheckedException() throws Exception {
        class CustomError extends Exception {
            CustomError(String m) {
                super(m);
            }
        }
        Worker<Object> w = Worker.spawn(() -> {
            throw new CustomError("custom");
        });
        Throwable cause = failureOf(w);
        assertEquals(CustomError.class, cause.getClass());
        assertEquals("custom", cause.getMessage());
        // The Future contract: ExecutionException with the same cause.
        ExecutionException ee = assertThrows(ExecutionException.class, () -> w.get(10, TimeUnit.SECONDS));
        assertSame(cause, ee.getCause());
        // CompletableFuture interop keeps the cause too.
        CompletionException ce = assertThrows(CompletionException.class, () -> w.toCompletableFuture().join());
        assertSame(cause, ce.getCause());
    }

    @Test
    void multipleWorkersSomeFailOthersUnaffected() throws Exception {
        List<Worker<Integer>> ws = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            int k = i;
            ws.add(Worker.spawn("w" + k, () -> {
                if (k == 2) {
                    throw new IllegalStateException("Error on 2");
                }
                return k * 2;
            }));
        }
        assertEquals(2, ws.get(0).join(LONG));
        assertEquals("Error on 2", failureOf(ws.get(1)).getMessage());
        assertEquals(6, ws.get(2).join(LONG));
    }

    @Test
    void nullDereferenceInClosure() {
        String missing = null;
        assertInstanceOf(NullPointerException.class, failureOf(Worker.spawn(() -> missing.length())));
    }

    @Test
    void errorMessageIsPreservedAndWorkerNamed() {
        Worker<Object> w = Worker.spawn("disk-reader", () -> {
            throw new UncheckedIOException(new IOException("disk full"));
        });
        WorkerFailedException e = assertThrows(WorkerFailedException.class, () -> w.join(LONG));
        assertTrue(e.getMessage().contains("disk-reader"), e.getMessage());
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertEquals("disk full", e.getCause().getCause().getMessage());
        // Errors (not just Exceptions) are captured too (prototype W9).
        Worker<Object> err = Worker.spawn(() -> {
            throw new StackOverflowError("deep");
        });
        assertInstanceOf(StackOverflowError.class, failureOf(err));
    }

    @Test
    void spawnAllFirstErrorFailsFastAndCancelsTheOthers() throws Exception {
        // A sibling is either cancelled before it starts (never runs) or interrupted while sleeping.
        java.util.concurrent.atomic.AtomicInteger started = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger interrupted = new java.util.concurrent.atomic.AtomicInteger();
        Callable<Integer> slowSibling = () -> {
            started.incrementAndGet();
            try {
                Thread.sleep(60_000); // would block for a minute if not cancelled
            } catch (InterruptedException ie) {
                interrupted.incrementAndGet();
                throw ie;
            }
            return 0;
        };
        List<Callable<Integer>> tasks = List.of(slowSibling, () -> {
            throw new IllegalArgumentException("Error on worker 1");
        }, slowSibling);
        long t0 = System.nanoTime();
        Worker<List<Integer>> all = Worker.spawnAll(tasks);
        WorkerFailedException e = assertThrows(WorkerFailedException.class, () -> all.join(LONG));
        assertTrue(TestSupport.millisSince(t0) < 5_000, "fail-fast must not wait for slow siblings");
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals("Error on worker 1", e.getCause().getMessage());
        assertTrue(e.getMessage().contains(all.name()), e.getMessage());
        assertEquals(Future.State.FAILED, all.state());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (interrupted.get() < started.get() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertEquals(started.get(), interrupted.get(), "every slow sibling that started was interrupted");

        // joinAll on existing workers: rethrows the failing worker's own exception and cancels the rest.
        Worker<Integer> slow = Worker.spawn("slow", () -> {
            Thread.sleep(60_000);
            return 1;
        });
        Worker<Integer> bad = Worker.spawn("bad", () -> {
            throw new IllegalStateException("bad one");
        });
        WorkerFailedException je = assertThrows(WorkerFailedException.class, () -> Worker.joinAll(List.of(slow, bad)));
        assertEquals("bad", je.workerName());
        assertEquals("bad one", je.getCause().getMessage());
        assertThrows(WorkerCancelledException.class, () -> slow.join(LONG));
    }
}
