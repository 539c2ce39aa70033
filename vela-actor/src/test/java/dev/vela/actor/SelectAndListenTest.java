package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.Select;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An actor selects over its mailbox and other channels. */
class SelectAndListenTest extends ActorTestBase {

    @Test
    void listenedChannelsAndTheMailboxAreBothServedOneAtATime() throws Exception {
        Channel<Integer> prices = Channel.bounded(8);
        Probe<String> seen = new Probe<>();
        AtomicInteger inside = new AtomicInteger(), maxInside = new AtomicInteger();
        ActorRef<String> a = system.spawn("listener", () -> new Actor<String>() {
            @Override
            protected void preStart() {
                context().listen(prices.receiver(), p -> "price " + p);
            }

            @Override
            protected void receive(String m) {
                maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                seen.add(m);
                inside.decrementAndGet();
            }
        });
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 100; i++) prices.sender().send(i);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 100; i++) a.tell("mail " + i);
        int mail = 0, price = 0, lastMail = -1, lastPrice = -1;
        for (int i = 0; i < 200; i++) {
            String s = seen.next();
            int n = Integer.parseInt(s.substring(s.indexOf(' ') + 1));
            if (s.startsWith("mail")) {
                assertEquals(lastMail + 1, n);
                lastMail = n;
                mail++;
            } else {
                assertEquals(lastPrice + 1, n);
                lastPrice = n;
                price++;
            }
        }
        assertTrue(producer.join(Duration.ofSeconds(10)));
        assertEquals(100, mail);
        assertEquals(100, price);
        assertEquals(1, maxInside.get());
        prices.close(); // closed source: the actor stops listening and keeps serving its mailbox
        a.tell("after close");
        assertEquals("after close", seen.next());
    }

    @Test
    void aHandlerCanSelectOverItsMailboxWithATimeout() throws Exception {
        inVirtualTime(clock -> {
            Probe<String> out = new Probe<>();
            ActorRef<String> a = system.spawn("selective", () -> new Actor<String>() {
                @Override
                protected void receive(String m) throws InterruptedException {
                    if (!m.equals("wait")) {
                        out.add("plain " + m);
                        return;
                    }
                    String r = Select.select(context().onMessage(x -> "got " + x),
                            Select.onTimeout(Duration.ofMillis(50), () -> "timeout"));
                    out.add(r + " at +" + clock.elapsed().toMillis() + " ms");
                }
            });
            a.tell("wait");
            assertEquals("timeout at +50 ms", out.next());
            a.tell("wait");
            a.tell("next");
            a.tell("plain");
            assertEquals("got next at +50 ms", out.next());
            assertEquals("plain plain", out.next());
        });
    }

    @Test
    void aListenedTickerIsHandledOncePerPeriodAtItsInstant() throws Exception {
        inVirtualTime(clock -> {
            Probe<List<Instant>> handled = new Probe<>();      // [the tick's instant, the instant it was handled]
            system.spawn("ticking", () -> new Actor<Instant>() {
                @Override
                protected void preStart() {
                    context().listen(Timers.tick(Duration.ofSeconds(1)), t -> t);
                }

                @Override
                protected void receive(Instant tick) {
                    handled.add(List.of(tick, Timers.now()));
                }
            });
            for (int i = 1; i <= 3; i++) {
                Instant at = VirtualClock.DEFAULT_START.plusSeconds(i);
                assertEquals(List.of(at, at), handled.next());
            }
            handled.expectNothing(Duration.ofMillis(999));   // the 4th tick is due at +4 s, not before
            assertEquals(Duration.ofMillis(3999), clock.elapsed());
            assertEquals(List.of(VirtualClock.DEFAULT_START.plusSeconds(4), VirtualClock.DEFAULT_START.plusSeconds(4)), handled.next());
        });
    }

    @Test
    void aThrowingAdapterIsAFailureOfTheActor() throws Exception {
        Channel<Integer> ch = Channel.unbounded();
        CountDownLatch restarted = new CountDownLatch(1);
        ActorRef<String> a = system.spawn("adapter", () -> new Actor<String>() {
            @Override
            protected void preStart() {
                context().listen(ch.receiver(), i -> {
                    if (i < 0) throw new IllegalArgumentException("negative");
                    return "n" + i;
                });
            }

            @Override
            protected void receive(String m) {}

            @Override
            protected void postRestart(Throwable cause) throws Exception {
                restarted.countDown();
                super.postRestart(cause);
            }
        });
        ch.sender().send(-1);
        assertTrue(restarted.await(10, TimeUnit.SECONDS));
        a.stop();
        awaitTerminated(a);
    }
}
