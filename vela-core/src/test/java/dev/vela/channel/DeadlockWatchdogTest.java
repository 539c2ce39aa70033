package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.diagnostics.DeadlockWatchdog;
import dev.vela.worker.Worker;
import dev.vela.worker.WorkerFailedException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The deadlock watchdog (ADR 0024) on a real deadlock: two workers, each receiving from the channel
 * the other one would send to after its own receive. FAIL mode fails both receives with a report
 * naming each worker, channel and operation; REPORT mode only reports; a worker that waits with a
 * timeout or computes is not a deadlock. Every wait here has a timeout.
 */
class DeadlockWatchdogTest extends ChannelTestBase {

    private static Worker<Integer> waitThenForward(String name, Channel<Integer> in, Channel<Integer> out) {
        return Worker.spawn(name, () -> {
            int v = in.receiver().receive();              // both workers block here forever
            out.sender().send(v + 1);
            return v;
        });
    }

    @Test
    void twoWorkersWaitingOnEachOtherAreFailedWithAReport() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(50), DeadlockWatchdog.Action.FAIL, reports::add)) {
            Channel<Integer> aToB = Channel.rendezvous(), bToA = Channel.bounded(1);
            Worker<Integer> a = waitThenForward("deadlock-a", bToA, aToB);
            Worker<Integer> b = waitThenForward("deadlock-b", aToB, bToA);
            for (Worker<Integer> w : List.of(a, b)) {
                WorkerFailedException e = assertThrows(WorkerFailedException.class, () -> w.join(Duration.ofSeconds(10)));
                ChannelDeadlockException d = assertInstanceOf(ChannelDeadlockException.class, e.getCause());
                assertTrue(d.getMessage().contains("all 2 workers are asleep on channels - deadlock!"), d.getMessage());
            }
            assertEquals(1, watchdog.deadlocksFound());
            String report = reports.get(0);
            assertTrue(report.contains("worker \"deadlock-a\" [receive on " + bToA + ","), report);
            assertTrue(report.contains("worker \"deadlock-b\" [receive on " + aToB + ","), report);
            assertTrue(report.contains("DeadlockWatchdogTest"), "the report shows where each worker waits:\n" + report);
            assertNull(aToB.receiver().tryReceive(), "the failed operations had no effect");
            assertNull(bToA.receiver().tryReceive());
        }
    }

    /** A worker blocked in a select is failed like any other operation: ChannelDeadlockException, nothing taken. */
    @Test
    void aSelectInTheCycleIsFailedToo() throws Exception {
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(50), DeadlockWatchdog.Action.FAIL, r -> {})) {
            Channel<Integer> x = Channel.bounded(1), y = Channel.rendezvous(), z = Channel.unbounded();
            Worker<Integer> selecting = Worker.spawn("selecting", () -> Select.select(
                    x.receiver().onReceive(v -> v), y.receiver().onReceive(v -> v)));
            Worker<Integer> waiting = waitThenForward("waiting", z, x);
            for (Worker<Integer> w : List.of(selecting, waiting)) {
                WorkerFailedException e = assertThrows(WorkerFailedException.class, () -> w.join(Duration.ofSeconds(10)));
                assertInstanceOf(ChannelDeadlockException.class, e.getCause());
            }
            assertEquals(1, watchdog.deadlocksFound());
            assertTrue(x.sender().trySend(7), "the select withdrew from x");
            assertEquals(7, x.receiver().receive(Duration.ofSeconds(1)));
        }
    }

    @Test
    void reportModeLeavesTheWorkersParked() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(50), DeadlockWatchdog.Action.REPORT, reports::add)) {
            Channel<Integer> x = Channel.unbounded(), y = Channel.unbounded();
            Worker<Integer> a = waitThenForward("report-a", x, y);
            Worker<Integer> b = waitThenForward("report-b", y, x);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (reports.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            assertEquals(1, reports.size(), "one report per deadlock");
            assertEquals(Worker.State.RUNNING, a.state());
            x.sender().send(1);                                // a non-worker thread resolves it
            assertEquals(1, a.join(Duration.ofSeconds(10)));
            assertEquals(2, b.join(Duration.ofSeconds(10)));
            assertEquals(3, x.receiver().receive(Duration.ofSeconds(1)), "b forwarded a's value back to x");
            assertEquals(1, watchdog.deadlocksFound());
        }
    }

    @Test
    void timedWaitsAndBusyWorkersAreNotDeadlocks() throws Exception {
        List<String> reports = new CopyOnWriteArrayList<>();
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(30), DeadlockWatchdog.Action.FAIL, reports::add)) {
            Channel<Integer> ch = Channel.rendezvous();
            Worker<Integer> timed = Worker.spawn("timed", () -> {
                Integer v = ch.receiver().receive(Duration.ofMillis(400));
                return v == null ? -1 : v;
            });
            Worker<Integer> parked = Worker.spawn("parked", () -> ch.receiver().receive());
            assertEquals(-1, timed.join(Duration.ofSeconds(10)));
            // now only "parked" is left, parked forever: that is a deadlock of one
            WorkerFailedException e = assertThrows(WorkerFailedException.class, () -> parked.join(Duration.ofSeconds(10)));
            assertInstanceOf(ChannelDeadlockException.class, e.getCause());
            assertEquals(1, reports.size(), "the timed wait did not count: " + reports);
            assertTrue(reports.get(0).contains("all 1 worker is asleep"), reports.get(0));
        }
    }
}
