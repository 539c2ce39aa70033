package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Timers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ActorBasicsTest extends ActorTestBase {

    sealed interface CounterMsg permits Add, Get {}
    record Add(long n) implements CounterMsg {}
    record Get(ActorRef<Long> replyTo) implements CounterMsg {}

    static final class Counter extends Actor<CounterMsg> {
        private long total;

        @Override
        protected void receive(CounterMsg m) {
            switch (m) {
                case Add a -> total += a.n();
                case Get g -> g.replyTo().tell(total);
            }
        }
    }

    @Test
    void tellThenAskSeesEveryEarlierTell() throws Exception {
        ActorRef<CounterMsg> counter = system.spawn("counter", Counter::new);
        for (int i = 1; i <= 1000; i++) counter.tell(new Add(i));
        assertEquals(500_500L, await(counter.ask(Get::new, Duration.ofSeconds(5))));
        assertEquals(0, system.deadLetters().count());
    }

    @Test
    void perSenderFifoWithManySenders() throws Exception {
        int senders = 8, each = 5_000;
        long[] last = new long[senders];
        List<String> violations = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(senders * each);
        record Seq(int sender, long n) {}
        ActorRef<Seq> checker = system.spawn("fifo", Actor.<Seq>of((ctx, s) -> {
            if (s.n() != last[s.sender()] + 1) violations.add(s + " after " + last[s.sender()]);
            last[s.sender()] = s.n();
            done.countDown();
        }));
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int id = s;
            threads.add(Thread.ofVirtual().start(() -> {
                for (long n = 1; n <= each; n++) checker.tell(new Seq(id, n));
            }));
        }
        assertTrue(done.await(20, TimeUnit.SECONDS), "not all messages processed");
        for (Thread t : threads) assertTrue(t.join(Duration.ofSeconds(5)));
        assertEquals(List.of(), violations);
    }

    @Test
    void oneMessageAtATime() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(4 * 500);
        ActorRef<Integer> a = system.spawn("serial", Actor.<Integer>of((ctx, i) -> {
            maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
            if (i % 50 == 0) Thread.sleep(1);
            inside.decrementAndGet();
            done.countDown();
        }));
        for (int t = 0; t < 4; t++) {
            Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 500; i++) a.tell(i);
            });
        }
        assertTrue(done.await(20, TimeUnit.SECONDS));
        assertEquals(1, maxInside.get());
    }

    @Test
    void askTimesOutWhenNoReplyComes() throws Exception {
        inVirtualTime(clock -> {
            ActorRef<CounterMsg> silent = system.spawn("silent", Actor.<CounterMsg>of((ctx, m) -> { }));
            CompletableFuture<Long> f = silent.ask(Get::new, Duration.ofSeconds(2));
            ExecutionException e = assertThrows(ExecutionException.class, () -> await(f));
            assertEquals(Duration.ofSeconds(2), clock.elapsed(), "the ask fails exactly at its timeout");
            assertInstanceOf(AskTimeoutException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("silent"), e.getCause().getMessage());
            assertEquals(0, clock.pendingTimers(), "no timer left behind");
        });
    }

    @Test
    void anAskAnsweredJustBeforeItsTimeoutSucceedsAndCancelsItsTimer() throws Exception {
        inVirtualTime(clock -> {
            ActorRef<Get> late = system.spawn("just-in-time", Actor.<Get>of((ctx, g) -> {
                Timers.sleep(Duration.ofMillis(1999));
                g.replyTo().tell(7L);
            }));
            assertEquals(7L, await(late.ask(Get::new, Duration.ofSeconds(2))));
            assertEquals(Duration.ofMillis(1999), clock.elapsed());
            // the replying tell completes the future first and cancels the timer after: let it finish
            // (waitingReport returns once every other watched thread waits), then no timer is left
            clock.waitingReport();
            assertEquals(0, clock.pendingTimers(), "the reply cancelled the ask's timer");
            assertEquals(Duration.ofMillis(1999), clock.elapsed());
        });
    }

    @Test
    void realClockAskTimesOut() throws Exception {   // the ask timer on the real clock: smoke test, generous bounds
        ActorRef<CounterMsg> silent = system.spawn("silent", Actor.<CounterMsg>of((ctx, m) -> { }));
        long start = System.nanoTime();
        CompletableFuture<Long> f = silent.ask(Get::new, Duration.ofMillis(100));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertInstanceOf(AskTimeoutException.class, e.getCause());
        assertTrue(ms >= 90, "timed out too early: " + ms + " ms");
    }

    @Test
    void lateReplyIsADeadLetter() throws Exception {
        inVirtualTime(clock -> {
            Probe<Duration> replied = new Probe<>();
            ActorRef<Get> slow = system.spawn("slow", Actor.<Get>of((ctx, g) -> {
                Timers.sleep(Duration.ofSeconds(1));
                g.replyTo().tell(7L);                        // the dead letter is counted inside this tell
                replied.add(clock.elapsed());
            }));
            CompletableFuture<Long> f = slow.ask(Get::new, Duration.ofMillis(50));
            assertInstanceOf(AskTimeoutException.class, assertThrows(ExecutionException.class, () -> await(f)).getCause());
            assertEquals(Duration.ofMillis(50), clock.elapsed());
            assertEquals(0, system.deadLetters().count(DeadLetter.Reason.LATE_REPLY));
            assertEquals(Duration.ofSeconds(1), replied.next());
            assertEquals(1, system.deadLetters().count(DeadLetter.Reason.LATE_REPLY));
        });
    }

    @Test
    void askToAStoppedActorFailsAtOnce() throws Exception {
        ActorRef<CounterMsg> c = system.spawn("gone", Counter::new);
        c.stop();
        awaitTerminated(c);
        CompletableFuture<Long> f = c.ask(Get::new, Duration.ofSeconds(30));
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(1, TimeUnit.SECONDS));
        assertInstanceOf(ActorStoppedException.class, e.getCause());
        assertEquals(1, system.deadLetters().count(DeadLetter.Reason.RECIPIENT_STOPPED));
    }

    @Test
    void badInputGetsClearExceptions() {
        ActorRef<CounterMsg> c = system.spawn("c", Counter::new);
        assertThrows(NullPointerException.class, () -> c.tell(null));
        assertThrows(IllegalArgumentException.class, () -> c.ask(Get::new, Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> c.ask(Get::new, Duration.ofMillis(-1)));
        assertThrows(NullPointerException.class, () -> c.ask(Get::new, null));
        assertThrows(NullPointerException.class, () -> c.ask(r -> null, Duration.ofSeconds(1)));
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class, () -> system.spawn("c", Counter::new));
        assertTrue(dup.getMessage().contains("'c'"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> system.spawn("a/b", Counter::new));
        assertThrows(IllegalArgumentException.class, () -> system.spawn("", Counter::new));
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class, () -> system.spawn("$1", Counter::new));
        assertTrue(reserved.getMessage().contains("'$'"), reserved.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ActorSystem.create("bad name"));
        assertThrows(IllegalArgumentException.class, () -> Mailbox.bounded(0, Mailbox.Overflow.BLOCK));
    }

    @Test
    void generatedNamesAndPaths() throws Exception {
        ActorRef<CounterMsg> a = system.spawn(null, Counter::new);
        ActorRef<CounterMsg> b = system.spawn(null, Counter::new);
        assertTrue(a.name().startsWith("$") && !a.name().equals(b.name()));
        assertEquals("vela://ActorBasicsTest/user/" + a.name(), a.path());
        CompletableFuture<String> childPath = new CompletableFuture<>();
        system.spawn("parent", Actor.<String>of((ctx, m) -> {
            ActorRef<String> child = ctx.spawn("kid", Actor.<String>of((c2, s) -> { }));
            childPath.complete(child.path());
        })).tell("go");
        assertEquals("vela://ActorBasicsTest/user/parent/kid", await(childPath));
    }

    @Test
    void contextIsNotAvailableInTheConstructorAndOnlyOnTheActorsThread() throws Exception {
        class Early extends Actor<String> {
            Early() {
                context();
            }

            @Override
            protected void receive(String m) {}
        }
        Probe<Throwable> failures = new Probe<>();
        ActorSystem s2 = ActorSystem.create("early", SupervisorStrategy.oneForOne().withDecider(t -> {
            failures.add(t);
            return Directive.STOP;
        }));
        try {
            ActorRef<String> e = s2.spawn("early", Early::new);
            assertInstanceOf(IllegalStateException.class, failures.next());
            assertTrue(awaitTerminated(e).failed());
            CompletableFuture<ActorContext<String>> ctx = new CompletableFuture<>();
            ActorRef<String> a = s2.spawn("a", Actor.<String>of((c, m) -> ctx.complete(c)));
            a.tell("x");
            assertThrows(IllegalStateException.class, () -> await(ctx).spawn("x", Counter::new));
        } finally {
            s2.shutdown();
            assertTrue(s2.awaitTermination(Duration.ofSeconds(10)));
        }
    }

    @Test
    void factoryMustCreateANewInstance() throws Exception {
        Counter shared = new Counter();
        Probe<Throwable> failures = new Probe<>();
        ActorSystem s2 = ActorSystem.create("shared", SupervisorStrategy.oneForOne().withDecider(t -> {
            failures.add(t);
            return Directive.STOP;
        }));
        try {
            s2.spawn("one", () -> shared);
            s2.spawn("two", () -> shared);
            Throwable t = failures.next();
            assertInstanceOf(IllegalStateException.class, t);
            assertTrue(t.getMessage().contains("new instance"), t.getMessage());
        } finally {
            s2.shutdown();
            assertTrue(s2.awaitTermination(Duration.ofSeconds(10)));
        }
    }
}
