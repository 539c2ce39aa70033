package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Stopping: no message after stop, mailbox drained to dead letters, children first, no thread left. */
class StopTest extends ActorTestBase {

    @Test
    void noMessageIsProcessedAfterStopReturns() throws Exception {
        CountDownLatch entered = new CountDownLatch(1), gate = new CountDownLatch(1);
        AtomicBoolean stopped = new AtomicBoolean();
        AtomicInteger processedAfterStop = new AtomicInteger(), processed = new AtomicInteger();
        ActorRef<Integer> a = system.spawn("a", Actor.<Integer>of((ctx, i) -> {
            if (stopped.get()) processedAfterStop.incrementAndGet();
            processed.incrementAndGet();
            if (i == 0) {
                entered.countDown();
                assertTrue(gate.await(10, TimeUnit.SECONDS));
            }
        }));
        a.tell(0);
        assertTrue(entered.await(10, TimeUnit.SECONDS));
        for (int i = 1; i <= 100; i++) a.tell(i);
        a.stop();
        stopped.set(true);
        for (int i = 101; i <= 150; i++) a.tell(i);
        gate.countDown();
        Terminated t = awaitTerminated(a);
        assertNull(t.cause());
        assertEquals(0, processedAfterStop.get());
        assertEquals(1, processed.get());
        assertEquals(100, system.deadLetters().count(DeadLetter.Reason.UNPROCESSED_AT_STOP));
        assertEquals(50, system.deadLetters().count(DeadLetter.Reason.RECIPIENT_STOPPED));
    }

    @Test
    void tellsRacingWithStopAreEachProcessedOrCounted() throws Exception {
        for (int round = 0; round < 20; round++) {
            AtomicInteger processed = new AtomicInteger();
            long before = system.deadLetters().count();
            ActorRef<Integer> a = system.spawn("race-" + round, Actor.<Integer>of((ctx, i) -> processed.incrementAndGet()));
            int senders = 3, each = 2_000;
            List<Thread> ts = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                ts.add(Thread.ofVirtual().start(() -> {
                    for (int i = 0; i < each; i++) a.tell(i);
                }));
            }
            Thread.sleep(round % 3);
            a.stop();
            for (Thread t : ts) assertTrue(t.join(Duration.ofSeconds(10)));
            awaitTerminated(a);
            long dead = system.deadLetters().count() - before;
            assertEquals(senders * each, processed.get() + dead, "round " + round);
        }
    }

    @Test
    void childrenStopBeforeTheirParentsPostStop() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        class Node extends Actor<String> {
            private final String label;
            private final int depth;

            Node(String label, int depth) {
                this.label = label;
                this.depth = depth;
            }

            @Override
            protected void preStart() {
                if (depth > 0) {
                    context().spawn("a", () -> new Node(label + ".a", depth - 1));
                    context().spawn("b", () -> new Node(label + ".b", depth - 1));
                }
            }

            @Override
            protected void receive(String m) {}

            @Override
            protected void postStop() {
                order.add(label);
            }
        }
        ActorRef<String> root = system.spawn("root", () -> new Node("r", 2));
        eventually("tree built", () -> ((ActorCell<?>) root).children().size() == 2);
        root.stop();
        awaitTerminated(root);
        assertEquals(7, order.size());
        for (String n : order) {
            for (String m : order) {
                if (m.startsWith(n + ".")) assertTrue(order.indexOf(m) < order.indexOf(n), m + " must stop before " + n + ": " + order);
            }
        }
        assertEquals("r", order.get(6));
    }

    @Test
    void stoppingATreeFromItsRootLeavesNoRunningVirtualThread() throws Exception {
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CountDownLatch built = new CountDownLatch(1 + 3 + 9 + 27);
        class Node extends Actor<String> {
            private final int depth;

            Node(int depth) {
                this.depth = depth;
            }

            @Override
            protected void preStart() {
                threads.add(Thread.currentThread());
                for (int i = 0; depth > 0 && i < 3; i++) context().spawn("n" + i, () -> new Node(depth - 1));
                context().listen(dev.vela.channel.Timers.tick(Duration.ofMillis(5)), t -> "tick"); // some idle in select
                built.countDown();
            }

            @Override
            protected void receive(String m) {}
        }
        ActorRef<String> root = system.spawn("root", () -> new Node(3));
        assertTrue(built.await(10, TimeUnit.SECONDS));
        assertEquals(40, threads.size());
        assertTrue(threads.stream().allMatch(Thread::isVirtual));
        root.stop();
        awaitTerminated(root);
        for (Thread t : threads) {
            assertTrue(t.join(Duration.ofSeconds(5)), "still running: " + t);
            assertEquals(Thread.State.TERMINATED, t.getState());
        }
    }

    @Test
    void systemShutdownStopsEverythingAndRefusesNewActors() throws Exception {
        ActorSystem s = ActorSystem.create("shut");
        List<Thread> threads = new CopyOnWriteArrayList<>();
        CountDownLatch up = new CountDownLatch(10);
        for (int i = 0; i < 10; i++) {
            s.spawn("a" + i, () -> new Actor<String>() {
                @Override
                protected void preStart() {
                    threads.add(Thread.currentThread());
                    up.countDown();
                }

                @Override
                protected void receive(String m) {}
            });
        }
        assertTrue(up.await(10, TimeUnit.SECONDS));
        s.shutdown();
        assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        assertTrue(s.isTerminated());
        for (Thread t : threads) assertTrue(t.join(Duration.ofSeconds(5)));
        assertThrows(IllegalStateException.class, () -> s.spawn("late", Actor.<String>of((c, m) -> { })));
        s.close(); // idempotent
    }

    @Test
    void selfStopFromTheHandler() throws Exception {
        AtomicInteger processed = new AtomicInteger();
        ActorRef<String> a = system.spawn("self", Actor.<String>of((ctx, m) -> {
            processed.incrementAndGet();
            if (m.equals("stop")) ctx.self().stop();
        }));
        a.tell("one");
        a.tell("stop");
        a.tell("never");
        awaitTerminated(a);
        assertEquals(2, processed.get());
        assertEquals(1, system.deadLetters().count());
        assertFalse(system.isTerminated());
    }
}
