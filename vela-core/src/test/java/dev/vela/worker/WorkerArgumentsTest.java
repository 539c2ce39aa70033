package dev.vela.worker;

import static org.junit.jupiter.api.Assertions.*;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

/** Bad input fails fast with an exception that names the argument. */
@Timeout(30)
class WorkerArgumentsTest {
    private static final Callable<Integer> TASK = () -> 1;

    private static void npe(String arg, Executable call) {
        var e = assertThrows(NullPointerException.class, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(arg), "message should name '" + arg + "': " + e.getMessage());
    }

    private static void iae(String arg, Executable call) {
        var e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(arg), "message should name '" + arg + "': " + e.getMessage());
    }

    @Test
    void workerArguments() throws Exception {
        npe("task", () -> Worker.spawn((Callable<Integer>) null));
        npe("task", () -> Worker.spawn("n", (Callable<Integer>) null));
        npe("task", () -> Worker.run((Runnable) null));
        npe("name", () -> Worker.spawn((String) null, TASK));
        iae("name", () -> Worker.spawn(" ", TASK));
        npe("deadline", () -> Worker.spawn(TASK, null));
        iae("deadline", () -> Worker.spawn(TASK, Duration.ofMillis(-1)));
        iae("deadline", () -> Worker.spawn("n", TASK, Duration.ofSeconds(-5)));
        npe("tasks", () -> Worker.spawnAll(null));
        npe("tasks[1]", () -> Worker.spawnAll(Arrays.asList(TASK, null)));
        npe("workers", () -> Worker.joinAll(null));
        Worker<Integer> w = Worker.spawn(TASK);
        npe("timeout", () -> w.join(null));
        iae("timeout", () -> w.join(Duration.ofNanos(-1)));
        assertEquals(1, w.join(Duration.ofSeconds(10)));
    }

    @Test
    void poolAndScopeArguments() {
        iae("parallelism", () -> WorkerPool.create(0));
        try (var pool = WorkerPool.create(1)) {
            npe("task", () -> pool.spawn((Callable<Integer>) null));
            npe("name", () -> pool.spawn(null, TASK));
            iae("deadline", () -> pool.spawn(TASK, Duration.ofMillis(-1)));
            npe("timeout", () -> pool.awaitTermination(null));
            iae("timeout", () -> pool.awaitTermination(Duration.ofSeconds(-1)));
            npe("task", () -> pool.execute(null));
        }
        npe("deadline", () -> Scope.open((Duration) null));
        npe("token", () -> Scope.open((CancellationToken) null));
        iae("deadline", () -> Scope.open(Duration.ofSeconds(-1)));
        try (var scope = Scope.open()) {
            npe("task", () -> scope.spawn((Callable<Integer>) null));
            npe("name", () -> scope.spawn(null, TASK));
            assertEquals(0, List.of().size());
        }
    }
}
