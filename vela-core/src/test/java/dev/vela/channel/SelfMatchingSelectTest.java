package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.internal.RendezvousChannel;
import dev.vela.diagnostics.DeadlockWatchdog;
import dev.vela.worker.Worker;
import dev.vela.worker.WorkerFailedException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A select whose clauses could only meet each other — {@code onSend} and {@code onReceive} on the same
 * rendezvous channel that no other thread uses — blocks as Go's does: it parks (no busy loop), completes
 * as soon as another thread sends or receives, stays interruptible, and shows up to the deadlock
 * watchdog. On a buffered channel one of the two clauses is always ready, so such a select never blocks.
 */
class SelfMatchingSelectTest extends ChannelTestBase {

    private static String selfSelect(Channel<Integer> c) throws InterruptedException {
        return Select.select(c.sender().onSend(1, () -> "sent"), c.receiver().onReceive(v -> "got " + v));
    }

    @Test
    void parksInsteadOfSpinning() throws Exception {
        Channel<Integer> c = Channel.rendezvous();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        CompletableFuture<String> result = new CompletableFuture<>();
        Thread t = Thread.ofPlatform().name("self-select").start(() -> {
            try {
                result.complete(selfSelect(c));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            TestThreads.awaitParked(t);
            Thread.sleep(50);                                      // let it settle into its park
            long cpu0 = mx.getThreadCpuTime(t.threadId()), wall0 = System.nanoTime();
            Thread.sleep(500);
            long cpu = mx.getThreadCpuTime(t.threadId()) - cpu0, wall = System.nanoTime() - wall0;
            assertTrue(cpu < wall / 20, "a self-matching select used " + (100 * cpu / wall) + "% of a core while waiting");
            assertEquals(Thread.State.WAITING, t.getState());
            assertEquals(2, ((RendezvousChannel<?>) c).waiterCount(), "one waiter per clause while parked");
            c.sender().send(7);                                    // another thread sends: the receive clause wins
            assertEquals("got 7", result.get(TestThreads.PATIENCE.toSeconds(), TimeUnit.SECONDS));
            assertEquals(0, ((RendezvousChannel<?>) c).waiterCount(), "the select withdrew its other clause");
        } finally {
            t.interrupt();
            t.join(TestThreads.PATIENCE);
        }
    }

    @Test
    void aVirtualThreadStaysParkedAndAReceiverCompletesItsSendClause() throws Exception {
        Channel<Integer> c = Channel.rendezvous();
        var task = threads.start("self-select", () -> selfSelect(c));
        task.awaitParked();
        for (int i = 0; i < 20; i++) {                             // parked, not yielding in a loop
            Thread.sleep(10);
            assertEquals(Thread.State.WAITING, task.thread().getState(), "sample " + i);
        }
        assertEquals(1, TestThreads.receiveNow(c.receiver()));
        assertEquals("sent", task.join());
    }

    @Test
    void staysInterruptibleAndLeavesTheChannelUntouched() throws Exception {
        Channel<Integer> c = Channel.rendezvous();
        var task = threads.start("self-select", () -> selfSelect(c));
        task.awaitParked();
        task.thread().interrupt();
        task.failsWith(InterruptedException.class);
        assertEquals(0, ((RendezvousChannel<?>) c).waiterCount());
        assertEquals(null, c.receiver().tryReceive());
        assertTrue(!c.sender().trySend(3), "nobody may be left waiting to receive");
    }

    @Test
    void theDeadlockWatchdogSeesIt() throws Exception {
        Channel<Integer> c = Channel.rendezvous();
        List<String> reports = new CopyOnWriteArrayList<>();
        try (DeadlockWatchdog watchdog = DeadlockWatchdog.start(Duration.ofMillis(50), DeadlockWatchdog.Action.FAIL, reports::add)) {
            Worker<String> w = Worker.spawn("self-select", () -> selfSelect(c));
            WorkerFailedException e = org.junit.jupiter.api.Assertions.assertThrows(WorkerFailedException.class,
                    () -> w.join(TestThreads.PATIENCE));
            assertTrue(e.getCause() instanceof ChannelDeadlockException, String.valueOf(e.getCause()));
            assertEquals(1, watchdog.deadlocksFound());
            assertTrue(reports.getFirst().contains("worker \"self-select\" [select"), reports.getFirst());
        }
    }

    @ParameterizedTest
    @EnumSource(value = Flavor.class, names = "RENDEZVOUS", mode = EnumSource.Mode.EXCLUDE)
    void onABufferedChannelOneClauseIsAlwaysReady(Flavor flavor) throws Exception {
        Channel<Integer> c = flavor.create();
        assertEquals("sent", threads.start("select", () -> selfSelect(c)).join());     // room: the send
        if (c.capacity() == 1) assertEquals("got 1", threads.start("select", () -> selfSelect(c)).join()); // full: the receive
    }
}
