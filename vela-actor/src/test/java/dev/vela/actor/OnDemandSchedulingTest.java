package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.worker.Backoff;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Actors run on demand (ActorCell's IDLE/RUNNING/NOTIFIED protocol): no message is lost when it
 * arrives exactly while the actor goes idle, there is never more than one runner, and idle actors
 * hold no thread.
 */
class OnDemandSchedulingTest extends ActorTestBase {

    /** Busy-waits a random 0..maxNanos, so that sends land before, inside and after the idle window. */
    static void jitter(long maxNanos) {
        long end = System.nanoTime() + ThreadLocalRandom.current().nextLong(maxNanos + 1);
        while (System.nanoTime() < end) Thread.onSpinWait();
    }

    record Seq(int sender, int n) {}

    /** Counts messages, checks per-sender FIFO and that no two runners ever overlap. */
    static final class Checker extends Actor<Seq> {
        final AtomicInteger inside = new AtomicInteger();
        final int[] last;
        final AtomicLong processed;
        final ConcurrentLinkedQueue<String> violations;

        Checker(int senders, AtomicLong processed, ConcurrentLinkedQueue<String> violations) {
            this.last = new int[senders];
            java.util.Arrays.fill(last, -1);
            this.processed = processed;
            this.violations = violations;
        }

        @Override
        protected void receive(Seq s) {
            if (inside.incrementAndGet() != 1) violations.add("two runners at once at " + s);
            if (s.n() != last[s.sender()] + 1) violations.add(s + " after " + last[s.sender()]);
            last[s.sender()] = s.n();
            processed.incrementAndGet();
            inside.decrementAndGet();
        }
    }

    @Test
    void messagesArrivingWhileTheActorGoesIdleAreNeverLostNorRunConcurrently() throws Exception {
        int actors = 50, senders = 3, each = 400;
        AtomicLong processed = new AtomicLong();
        ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
        List<ActorRef<Seq>> refs = new ArrayList<>();
        for (int a = 0; a < actors; a++) refs.add(system.spawn("c" + a, () -> new Checker(senders, processed, violations)));
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            threads.add(Thread.ofVirtual().start(() -> {
                for (int n = 0; n < each; n++) {
                    for (ActorRef<Seq> r : refs) r.tell(new Seq(sender, n));
                    jitter(20_000); // the actors drain, spin and go idle between bursts, or not quite
                }
            }));
        }
        for (Thread t : threads) assertTrue(t.join(Duration.ofSeconds(30)), "sender stuck");
        long total = (long) actors * senders * each;
        eventually("all " + total + " processed (now " + processed.get() + ")", () -> processed.get() == total);
        assertEquals(List.of(), List.copyOf(violations));
        assertEquals(0, system.deadLetters().count());
    }

    /** Ping-pong: every message is told by a peer that has just finished its own and is about to go idle. */
    @Test
    void pingPongPairsHitTheIdleTransitionOnBothSides() throws Exception {
        int pairs = 20, rounds = 2_000;
        CountDownLatch done = new CountDownLatch(pairs);
        record Ball(int left, ActorRef<Ball> replyTo) {}
        for (int p = 0; p < pairs; p++) {
            ActorRef<Ball> pong = system.spawn("pong" + p, Actor.<Ball>of((ctx, b) -> {
                jitter(2_000);
                b.replyTo().tell(new Ball(b.left(), ctx.self()));
            }));
            ActorRef<Ball> ping = system.spawn("ping" + p, Actor.<Ball>of((ctx, b) -> {
                if (b.left() == 0) {
                    done.countDown();
                } else {
                    jitter(2_000);
                    b.replyTo().tell(new Ball(b.left() - 1, ctx.self()));
                }
            }));
            pong.tell(new Ball(rounds, ping));
        }
        assertTrue(done.await(30, TimeUnit.SECONDS), "a ball was lost: " + done.getCount() + " pairs unfinished");
        assertEquals(0, system.deadLetters().count());
    }

    /** How many recorded runner threads are still alive after waiting up to 20 s for them to end. */
    static int aliveAfterWaiting(Thread[] threads) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int alive = 0;
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (t != null && !t.join(Duration.ofNanos(Math.max(1, left)))) alive++;
        }
        return alive;
    }

    /** Spawns {@code n} actors, tells each one message, and checks that every runner thread has ended. */
    static void idleActorsHoldNoThread(ActorSystem sys, int n) throws Exception {
        Thread[] startThreads = new Thread[n], messageThreads = new Thread[n];
        CountDownLatch started = new CountDownLatch(n), handled = new CountDownLatch(n);
        List<ActorRef<Object>> refs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int me = i;
            refs.add(sys.spawn(null, () -> new Actor<Object>() {
                @Override
                protected void preStart() {
                    startThreads[me] = Thread.currentThread();
                    started.countDown();
                }

                @Override
                @SuppressWarnings("unchecked")
                protected void receive(Object m) {
                    if (m instanceof ActorRef<?> replyTo) {
                        ((ActorRef<Object>) replyTo).tell("pong");
                        return;
                    }
                    messageThreads[me] = Thread.currentThread();
                    handled.countDown();
                }
            }));
        }
        assertTrue(started.await(5, TimeUnit.MINUTES), "not started: " + started.getCount());
        assertEquals(0, aliveAfterWaiting(startThreads), "runners still alive after preStart");
        for (int i = 0; i < n; i++) refs.get(i).tell(i);
        assertTrue(handled.await(5, TimeUnit.MINUTES), "not handled: " + handled.getCount());
        assertEquals(0, aliveAfterWaiting(messageThreads), "runners still alive after a message");
        for (Thread t : startThreads) assertTrue(t.isVirtual());
        // idle actors still work, and a stop wakes them
        assertEquals("pong", refs.get(n - 1).<String>ask(r -> r, Duration.ofSeconds(10)).get(10, TimeUnit.SECONDS));
        ActorRef<Object> last = refs.get(n / 2);
        last.stop();
        assertTrue(last.whenTerminated().get(10, TimeUnit.SECONDS) != null);
    }

    @Test
    void tenThousandIdleActorsHoldNoThread() throws Exception {
        idleActorsHoldNoThread(system, 10_000);
    }

    @Test
    @Tag("stress")
    @org.junit.jupiter.api.Timeout(900)
    void aMillionIdleActorsHoldNoThread() throws Exception {
        idleActorsHoldNoThread(system, 1_000_000);
    }

    @Test
    void aListeningActorKeepsItsThreadOnlyWhileItListens() throws Exception {
        Channel<Integer> source = Channel.bounded(4);
        Probe<String> seen = new Probe<>();
        Thread[] runner = new Thread[1];
        CountDownLatch up = new CountDownLatch(1);
        ActorRef<String> a = system.spawn("listener", () -> new Actor<String>() {
            @Override
            protected void preStart() {
                runner[0] = Thread.currentThread();
                context().listen(source.receiver(), i -> "got " + i);
                up.countDown();
            }

            @Override
            protected void receive(String m) {
                seen.add(m);
            }
        });
        assertTrue(up.await(10, TimeUnit.SECONDS));
        assertTrue(source.sender().trySend(1));
        assertEquals("got 1", seen.next());
        assertTrue(runner[0].isAlive(), "a listening actor waits in select on its thread");
        source.close();
        assertTrue(runner[0].join(Duration.ofSeconds(10)), "once its sources are closed the actor goes idle");
        a.tell("mail");
        assertEquals("mail", seen.next());
    }

    @Test
    void aStopReachesAnIdleActorAndASuspendedOne() throws Exception {
        Probe<String> events = new Probe<>();
        ActorRef<String> idle = system.spawn("idle", () -> new Actor<String>() {
            @Override
            protected void receive(String m) {}

            @Override
            protected void postStop() {
                events.add("idle stopped");
            }
        });
        idle.tell("x");
        Thread.sleep(20); // let it go idle
        idle.stop();
        assertEquals("idle stopped", events.next());
        // a child waiting out a long restart backoff is suspended on its thread: the stop must still wake it
        ActorSystem s = ActorSystem.create("backoff", SupervisorStrategy.oneForOne()
                .withBackoff(Backoff.fixed(Duration.ofMinutes(5))));
        try {
            ActorRef<String> failing = s.spawn("failing", Actor.<String>of((ctx, m) -> {
                throw new IllegalStateException("boom");
            }));
            failing.tell("fail");
            Thread.sleep(20);
            failing.stop();
            assertTrue(failing.whenTerminated().get(10, TimeUnit.SECONDS) != null);
        } finally {
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        }
    }
}
