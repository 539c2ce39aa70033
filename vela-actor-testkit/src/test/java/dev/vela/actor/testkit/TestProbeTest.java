package dev.vela.actor.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorRef;
import dev.vela.actor.DeadLetter;
import dev.vela.actor.Terminated;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TestProbe}: recording, expectations and how they fail. */
@Timeout(30)
class TestProbeTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final Duration SHORT = Duration.ofMillis(50);

    private ActorTestKit kit;

    @BeforeEach
    void startKit() {
        kit = ActorTestKit.create();
    }

    @AfterEach
    void closeKit() {
        kit.close();
    }

    @Test
    void recordsEveryMessageInTheOrderTold() {
        TestProbe<Integer> probe = kit.createProbe(Integer.class);
        for (int i = 0; i < 500; i++) probe.ref().tell(i);
        List<Integer> expected = IntStream.range(0, 500).boxed().toList();
        assertEquals(expected, probe.receiveMessages(500, WAIT));
        assertEquals(expected, probe.receivedMessages(), "the history keeps the messages already taken");
        probe.expectNoMessage(SHORT);
    }

    @Test
    void recordsConcurrentSendersCompletelyAndInEachSendersOrder() throws Exception {
        TestProbe<long[]> probe = kit.createProbe();
        int senders = 4, each = 300;
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            long sender = s;
            threads.add(Thread.ofVirtual().start(() -> {
                for (long i = 0; i < each; i++) probe.ref().tell(new long[] {sender, i});
            }));
        }
        for (Thread t : threads) t.join(WAIT);
        List<long[]> got = probe.receiveMessages(senders * each, WAIT);
        long[] next = new long[senders];
        for (long[] m : got) {
            assertEquals(next[(int) m[0]], m[1], "sender " + m[0] + " out of order");
            next[(int) m[0]]++;
        }
        for (long n : next) assertEquals(each, n);
        assertEquals(senders * each, probe.receivedMessages().size());
        probe.expectNoMessage(SHORT);
    }

    @Test
    void expectMessageReturnsTheEqualMessage() {
        TestProbe<String> probe = kit.createProbe(String.class);
        probe.ref().tell("hello");
        probe.ref().tell("world");
        assertEquals("hello", probe.expectMessage("hello", WAIT));
        assertEquals("world", probe.expectMessage("world"));
        assertEquals(List.of("hello", "world"), probe.receivedMessages());
    }

    @Test
    void expectMessageTimeoutNamesTheProbeTheMessageAndTheWait() {
        TestProbe<String> probe = kit.createProbe("replies", String.class);
        AssertionError e = assertThrows(AssertionError.class, () -> probe.expectMessage("hello", SHORT));
        String text = e.getMessage();
        assertTrue(text.contains("vela://TestProbeTest/user/replies"), text);
        assertTrue(text.contains("timeout (50 ms) during expectMessage"), text);
        assertTrue(text.contains("<hello>"), text);
    }

    @Test
    void expectMessageMismatchReadsExpectedButWasAndConsumesTheMessage() {
        TestProbe<String> probe = kit.createProbe(String.class);
        probe.ref().tell("goodbye");
        probe.ref().tell("next");
        AssertionError e = assertThrows(AssertionError.class, () -> probe.expectMessage("hello", WAIT));
        assertTrue(e.getMessage().contains("expected: <hello> but was: <goodbye>"), e.getMessage());
        assertEquals("next", probe.receiveMessage(WAIT));
    }

    @Test
    void expectMessageMismatchWithTheSameTextNamesTheClasses() {
        TestProbe<Object> probe = kit.createProbe();
        probe.ref().tell(1L);
        AssertionError e = assertThrows(AssertionError.class, () -> probe.expectMessage(1, WAIT));
        assertTrue(e.getMessage().contains("expected: <1 (java.lang.Integer)> but was: <1 (java.lang.Long)>"), e.getMessage());
    }

    @Test
    void receiveMessageTimesOutWithoutAMessage() {
        TestProbe<String> probe = kit.createProbe(String.class);
        AssertionError e = assertThrows(AssertionError.class, () -> probe.receiveMessage(SHORT));
        assertTrue(e.getMessage().contains("timeout (50 ms) during receiveMessage: no message arrived"), e.getMessage());
        probe.ref().tell("late");
        assertEquals("late", probe.receiveMessage(WAIT), "a timed-out wait took nothing");
    }

    @Test
    void expectMessageClassChecksTheClass() {
        TestProbe<Object> probe = kit.createProbe();
        probe.ref().tell("text");
        probe.ref().tell(42);
        String s = probe.expectMessageClass(String.class, WAIT);
        assertEquals("text", s);
        AssertionError e = assertThrows(AssertionError.class, () -> probe.expectMessageClass(String.class, WAIT));
        assertTrue(e.getMessage().contains("expected: <a java.lang.String> but was: <42> (java.lang.Integer)"), e.getMessage());
    }

    @Test
    void expectNoMessagePassesWhenNothingComes() {
        TestProbe<String> probe = kit.createProbe(String.class);
        probe.expectNoMessage(SHORT);
        probe.expectNoMessage();
        probe.expectNoMessage(Duration.ZERO);
    }

    @Test
    void expectNoMessageFailsNamingTheUnexpectedMessage() {
        TestProbe<String> probe = kit.createProbe(String.class);
        probe.ref().tell("surprise");
        AssertionError e = assertThrows(AssertionError.class, () -> probe.expectNoMessage(WAIT));
        assertTrue(e.getMessage().contains("expectNoMessage(5 s): received unexpected message <surprise>"), e.getMessage());
    }

    @Test
    void receiveMessagesTimeoutListsWhatArrived() {
        TestProbe<String> probe = kit.createProbe(String.class);
        probe.ref().tell("a");
        probe.ref().tell("b");
        AssertionError e = assertThrows(AssertionError.class, () -> probe.receiveMessages(3, Duration.ofMillis(200)));
        assertTrue(e.getMessage().contains("during receiveMessages(3): received 2 of 3: [a, b]"), e.getMessage());
        assertEquals(List.of(), probe.receiveMessages(0, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> probe.receiveMessages(-1, WAIT));
        assertThrows(IllegalArgumentException.class, () -> probe.receiveMessage(Duration.ofMillis(-1)));
    }

    @Test
    void fishForMessageSkipsUntilOneMatches() {
        TestProbe<String> probe = kit.createProbe(String.class);
        for (String s : List.of("progress 1", "progress 2", "done", "after")) probe.ref().tell(s);
        assertEquals("done", probe.fishForMessage(s -> s.startsWith("done"), WAIT));
        assertEquals("after", probe.receiveMessage(WAIT));
        probe.ref().tell("progress 3");
        AssertionError e = assertThrows(AssertionError.class, () -> probe.fishForMessage("done"::equals, Duration.ofMillis(100)));
        assertTrue(e.getMessage().contains("no message matched; skipped 1: [progress 3]"), e.getMessage());
    }

    @Test
    void expectTerminatedSeesAStopAndDoesNotTouchTheMessages() {
        TestProbe<String> probe = kit.createProbe(String.class);
        ActorRef<String> quiet = kit.system().spawn("quiet", Actor.of((ctx, m) -> { }));
        probe.ref().tell("kept");
        quiet.stop();
        Terminated t = probe.expectTerminated(quiet, WAIT);
        assertSame(quiet, t.actor());
        assertNull(t.cause());
        assertSame(quiet, probe.expectTerminated(quiet, Duration.ZERO).actor(), "already terminated: at once");
        assertEquals("kept", probe.receiveMessage(WAIT));
    }

    @Test
    void expectTerminatedTimesOutNamingTheActor() {
        TestProbe<String> probe = kit.createProbe(String.class);
        ActorRef<String> alive = kit.system().spawn("alive", Actor.of((ctx, m) -> { }));
        AssertionError e = assertThrows(AssertionError.class, () -> probe.expectTerminated(alive, SHORT));
        assertTrue(e.getMessage().contains("timeout (50 ms) during expectTerminated: vela://TestProbeTest/user/alive did not terminate"),
                e.getMessage());
    }

    @Test
    void anInterruptedWaitFailsAndKeepsTheInterrupt() {
        TestProbe<String> probe = kit.createProbe(String.class);
        Thread.currentThread().interrupt();
        try {
            AssertionError e = assertThrows(AssertionError.class, () -> probe.receiveMessage(WAIT));
            assertInstanceOf(InterruptedException.class, e.getCause());
            assertTrue(e.getMessage().contains("interrupted while waiting"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is set again");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theProbeIsAnActorOfTheKitsSystem() throws Exception {
        TestProbe<String> probe = kit.createProbe("named", String.class);
        assertEquals("named", probe.ref().name());
        assertEquals("vela://TestProbeTest/user/named", probe.ref().path());
        // an ask through the probe: the probe receives the request, the test answers it
        var reply = probe.ref().ask(replyTo -> "ping", WAIT);
        assertEquals("ping", probe.receiveMessage(WAIT));
        assertTrue(!reply.isDone());
        probe.stop();
        probe.expectTerminated(probe.ref(), WAIT);
        long before = kit.system().deadLetters().count(DeadLetter.Reason.RECIPIENT_STOPPED);
        probe.ref().tell("too late");
        assertEquals(before + 1, kit.system().deadLetters().count(DeadLetter.Reason.RECIPIENT_STOPPED));
        assertEquals(List.of("ping"), probe.receivedMessages());
    }

    @Test
    void closingTheKitStopsItsProbes() {
        TestProbe<String> probe = kit.createProbe(String.class);
        kit.close();
        assertTrue(probe.ref().whenTerminated().isDone());
    }
}
