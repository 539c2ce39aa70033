package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Overflow policies, priority order and dead-letter accounting of every mailbox kind. */
class MailboxTest extends ActorTestBase {

    /** An actor that blocks on {@code gate} while processing message 0, then records what it processes. */
    private ActorRef<Integer> gated(String name, Mailbox<Integer> mailbox, CountDownLatch entered, CountDownLatch gate,
                                    List<Integer> processed) {
        return system.spawn(name, Actor.<Integer>of((ctx, i) -> {
            if (i == 0) {
                entered.countDown();
                assertTrue(gate.await(10, TimeUnit.SECONDS));
            }
            processed.add(i);
        }), mailbox);
    }

    private static void awaitLatch(CountDownLatch l) throws InterruptedException {
        assertTrue(l.await(10, TimeUnit.SECONDS), "latch not reached");
    }

    @Test
    void dropNewestDropsTheIncomingMessages() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        try (var sub = system.deadLetters().subscribe(dead::add)) {
            ActorRef<Integer> a = gated("dn", Mailbox.bounded(3, Mailbox.Overflow.DROP_NEWEST), entered, gate, processed);
            a.tell(0);
            awaitLatch(entered);
            for (int i = 1; i <= 10; i++) a.tell(i);
            gate.countDown();
            eventually("3 processed", () -> processed.size() == 4);
            assertEquals(List.of(0, 1, 2, 3), processed);
            assertEquals(7, system.deadLetters().count(DeadLetter.Reason.DROPPED_NEWEST));
            assertEquals(List.of(4, 5, 6, 7, 8, 9, 10), dead.stream().map(DeadLetter::message).toList());
            assertTrue(dead.stream().allMatch(d -> d.recipient() == a));
        }
    }

    @Test
    void dropOldestKeepsTheNewestMessages() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        ActorRef<Integer> a = gated("do", Mailbox.bounded(3, Mailbox.Overflow.DROP_OLDEST), entered, gate, processed);
        a.tell(0);
        awaitLatch(entered);
        for (int i = 1; i <= 10; i++) a.tell(i);
        gate.countDown();
        eventually("processed", () -> processed.size() == 4);
        assertEquals(List.of(0, 8, 9, 10), processed);
        assertEquals(7, system.deadLetters().count(DeadLetter.Reason.DROPPED_OLDEST));
    }

    @Test
    void failPolicyThrowsAndCounts() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        ActorRef<Integer> a = gated("fail", Mailbox.bounded(2, Mailbox.Overflow.FAIL), entered, gate, processed);
        a.tell(0);
        awaitLatch(entered);
        a.tell(1);
        a.tell(2);
        MailboxFullException e = assertThrows(MailboxFullException.class, () -> a.tell(3));
        assertTrue(e.getMessage().contains("/user/fail") && e.getMessage().contains("capacity 2"), e.getMessage());
        assertEquals(1, system.deadLetters().count(DeadLetter.Reason.REJECTED));
        gate.countDown();
        eventually("processed", () -> processed.size() == 3);
        assertEquals(List.of(0, 1, 2), processed);
    }

    @Test
    void blockPolicyMakesTheSenderWaitAndLosesNothing() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        ActorRef<Integer> a = gated("block", Mailbox.bounded(2, Mailbox.Overflow.BLOCK), entered, gate, processed);
        a.tell(0);
        awaitLatch(entered);
        Thread sender = Thread.ofVirtual().start(() -> {
            for (int i = 1; i <= 20; i++) a.tell(i);
        });
        assertFalse(sender.join(Duration.ofMillis(100)), "sender should block on the full mailbox");
        gate.countDown();
        assertTrue(sender.join(Duration.ofSeconds(10)));
        eventually("all processed", () -> processed.size() == 21);
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i <= 20; i++) expected.add(i);
        assertEquals(expected, processed);
        assertEquals(0, system.deadLetters().count());
    }

    @Test
    void blockedSenderThatIsInterruptedCountsADeadLetter() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        ActorRef<Integer> a = gated("blockint", Mailbox.bounded(1, Mailbox.Overflow.BLOCK), entered, gate, processed);
        a.tell(0);
        awaitLatch(entered);
        a.tell(1);
        boolean[] interruptedAfter = new boolean[1];
        Thread sender = Thread.ofVirtual().start(() -> {
            a.tell(2);
            interruptedAfter[0] = Thread.currentThread().isInterrupted();
        });
        eventually("sender blocked", () -> sender.getState() == Thread.State.WAITING);
        sender.interrupt();
        assertTrue(sender.join(Duration.ofSeconds(10)));
        assertTrue(interruptedAfter[0], "the interrupt status must be kept");
        assertEquals(1, system.deadLetters().count(DeadLetter.Reason.SENDER_INTERRUPTED));
        gate.countDown();
        eventually("processed", () -> processed.size() == 2);
        assertEquals(List.of(0, 1), processed);
    }

    @Test
    void blockedSenderOfAStoppedActorGetsADeadLetterNotAHang() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        List<Integer> processed = new CopyOnWriteArrayList<>();
        ActorRef<Integer> a = gated("blockstop", Mailbox.bounded(1, Mailbox.Overflow.BLOCK), entered, gate, processed);
        a.tell(0);
        awaitLatch(entered);
        a.tell(1);
        Thread sender = Thread.ofVirtual().start(() -> a.tell(2));
        eventually("sender blocked", () -> sender.getState() == Thread.State.WAITING);
        a.stop();
        assertTrue(sender.join(Duration.ofSeconds(10)));
        gate.countDown();
        awaitTerminated(a);
        assertEquals(List.of(0), processed);
        assertEquals(1, system.deadLetters().count(DeadLetter.Reason.RECIPIENT_STOPPED));
        assertEquals(1, system.deadLetters().count(DeadLetter.Reason.UNPROCESSED_AT_STOP));
    }

    record Job(int urgency, int seq) {}

    @Test
    void priorityMailboxDeliversSmallestFirstAndFifoAmongEquals() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        List<Job> processed = new CopyOnWriteArrayList<>();
        ActorRef<Job> a = system.spawn("prio", Actor.<Job>of((ctx, j) -> {
            if (j.seq() == 0) {
                entered.countDown();
                assertTrue(gate.await(10, TimeUnit.SECONDS));
            }
            processed.add(j);
        }), Mailbox.priority(Comparator.comparingInt(Job::urgency)));
        a.tell(new Job(5, 0));
        awaitLatch(entered);
        int[] urgencies = {3, 1, 3, 2, 1, 3, 2};
        for (int i = 0; i < urgencies.length; i++) a.tell(new Job(urgencies[i], i + 1));
        gate.countDown();
        eventually("processed", () -> processed.size() == 8);
        assertEquals(List.of(new Job(5, 0), new Job(1, 2), new Job(1, 5), new Job(2, 4), new Job(2, 7),
                new Job(3, 1), new Job(3, 3), new Job(3, 6)), processed);
        assertThrows(UnsupportedOperationException.class, () -> ((ActorCell<Job>) a).onMessage(j -> j));
    }

    @Test
    void priorityMailboxUnderConcurrentSendersLosesNothing() throws Exception {
        int senders = 4, each = 2_000;
        CountDownLatch done = new CountDownLatch(senders * each);
        ActorRef<Integer> a = system.spawn("prio-load", Actor.<Integer>of((ctx, i) -> done.countDown()),
                Mailbox.priority(Comparator.<Integer>naturalOrder()));
        for (int s = 0; s < senders; s++) {
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < each; i++) a.tell(i);
            });
        }
        assertTrue(done.await(20, TimeUnit.SECONDS), "lost " + done.getCount());
    }

    @Test
    void everyDeadLetterListenerSeesEveryDropAndCanUnsubscribe() throws Exception {
        ActorRef<Integer> a = system.spawn("x", Actor.<Integer>of((ctx, i) -> { }));
        a.stop();
        awaitTerminated(a);
        List<DeadLetter> seen = new CopyOnWriteArrayList<>();
        AutoCloseable sub = system.deadLetters().subscribe(seen::add);
        system.deadLetters().subscribe(d -> { throw new IllegalStateException("a failing listener is ignored"); });
        a.tell(1);
        a.tell(2);
        sub.close();
        a.tell(3);
        assertEquals(List.of(1, 2), seen.stream().map(DeadLetter::message).toList());
        assertEquals(3, system.deadLetters().count());
        assertEquals(3, system.deadLetters().count(DeadLetter.Reason.RECIPIENT_STOPPED));
    }
}
