package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.worker.Worker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;

/**
 * The flight-recorder events (ADR 0024): a recording is written to a file and read back with
 * {@link RecordingFile}. A receive blocked longer than the threshold, one shorter than it, a channel
 * failed with a cause, and a worker that failed and one that missed its deadline.
 */
class JfrEventsTest extends ChannelTestBase {

    @Test
    void blockedFailedAndWorkerEventsAreRecorded() throws Exception {
        Path file = Files.createTempFile("vela-jfr", ".jfr");
        try (Recording r = new Recording()) {
            r.enable("dev.vela.ChannelBlocked").withThreshold(Duration.ofMillis(50));
            r.enable("dev.vela.ChannelFailed");
            r.enable("dev.vela.WorkerFailed");
            r.start();

            Channel<Integer> slow = Channel.bounded(1);
            assertEquals(null, slow.receiver().receive(Duration.ofMillis(150)));   // blocked 150 ms: recorded
            Channel<Integer> quick = Channel.rendezvous();
            assertEquals(null, quick.receiver().receive(Duration.ofMillis(1)));    // under the threshold: not
            Channel<Integer> failed = Channel.unbounded();
            failed.sender().fail(new IOException("disk gone"));
            Worker<Object> bad = Worker.spawn("jfr-failing-worker", () -> {
                throw new IllegalStateException("task broke");
            });
            Worker<Object> late = Worker.spawn("jfr-late-worker", () -> {
                Thread.sleep(10_000);
                return null;
            }, Duration.ofMillis(20));
            assertEquals(Worker.State.FAILED, awaitDone(bad));
            assertEquals(Worker.State.FAILED, awaitDone(late));
            Thread.sleep(50);                                                     // let the deadline thread commit
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        Files.deleteIfExists(file);

        List<RecordedEvent> blocked = byName(events, "dev.vela.ChannelBlocked");
        assertEquals(1, blocked.size(), "only the receive over the threshold: " + blocked);
        RecordedEvent b = blocked.get(0);
        assertEquals("receive", b.getString("operation"));
        assertTrue(b.getString("channel").startsWith("Channel.bounded(1)@"), b.getString("channel"));
        assertTrue(b.getDuration().toMillis() >= 140, "duration " + b.getDuration());
        assertTrue(b.getStackTrace() != null, "a stack trace shows who blocked");

        List<RecordedEvent> failedEvents = byName(events, "dev.vela.ChannelFailed");
        assertEquals(1, failedEvents.size());
        assertEquals("java.io.IOException", failedEvents.get(0).getString("causeClass"));
        assertEquals("disk gone", failedEvents.get(0).getString("causeMessage"));

        List<RecordedEvent> workers = byName(events, "dev.vela.WorkerFailed").stream()
                .filter(e -> e.getString("worker").startsWith("jfr-")).toList();
        assertEquals(2, workers.size(), workers.toString());
        RecordedEvent threw = workers.stream().filter(e -> e.getString("worker").equals("jfr-failing-worker")).findFirst().orElseThrow();
        assertEquals("java.lang.IllegalStateException", threw.getString("exceptionClass"));
        assertEquals("task broke", threw.getString("exceptionMessage"));
        assertEquals(false, threw.getBoolean("deadlineMissed"));
        RecordedEvent missed = workers.stream().filter(e -> e.getString("worker").equals("jfr-late-worker")).findFirst().orElseThrow();
        assertEquals(true, missed.getBoolean("deadlineMissed"));
    }

    private static Worker.State awaitDone(Worker<?> w) throws Exception {
        try {
            w.join(Duration.ofSeconds(10));
        } catch (RuntimeException expected) {
            // WorkerFailedException / WorkerTimeoutException
        }
        return w.state();
    }

    private static List<RecordedEvent> byName(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
