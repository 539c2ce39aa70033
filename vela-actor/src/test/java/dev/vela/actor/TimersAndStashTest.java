package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Actor timers (keyed single, fixed-rate and fixed-delay timers; replacement drops a stale message
 * already in the mailbox; cancelled at stop and at restart) at exact virtual instants, and the stash
 * (order of unstashAll, overflow, restart keeps stashed messages, stop turns them into dead letters).
 */
class TimersAndStashTest extends ActorTestBase {

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }

    /** Milliseconds since the virtual clock was installed (it shows {@link VirtualClock#DEFAULT_START} then). */
    private static long at() {
        return Duration.between(VirtualClock.DEFAULT_START, Timers.now()).toMillis();
    }

    // ---------------------------------------------------------------- timers

    @Test
    void aSingleTimerFiresOnceExactlyAfterItsDelay() throws Exception {
        inVirtualTime(clock -> {
            Probe<String> p = new Probe<>();
            system.spawn("single", () -> new Actor<String>() {
                @Override protected void preStart() {
                    context().timers().startSingleTimer("k", "ping", ms(250));
                    p.add("active=" + context().timers().isTimerActive("k"));
                }
                @Override protected void receive(String m) {
                    p.add(m + "@" + at() + " active=" + context().timers().isTimerActive("k"));
                }
            });
            assertEquals("active=true", p.next());
            assertEquals("ping@250 active=false", p.next());
            p.expectNothing(Duration.ofSeconds(5));
            assertEquals(0, system.deadLetters().count());
        });
    }

    @Test
    void aFixedRateTimerFiresAtEveryPeriodEvenWhenTheActorIsLate() throws Exception {
        inVirtualTime(clock -> {
            Probe<String> p = new Probe<>();
            ActorRef<String> a = system.spawn("rate", () -> new Actor<String>() {
                @Override protected void preStart() {
                    context().timers().startTimerAtFixedRate("tick", "tick", ms(100));
                }
                @Override protected void receive(String m) throws Exception {
                    if (m.equals("busy")) Timers.sleep(ms(150)); else p.add(m + "@" + at());
                }
            });
            a.tell("busy");                                   // busy from +0 to +150: the +100 tick waits in the mailbox
            assertEquals(List.of("tick@150", "tick@200", "tick@300", "tick@400"),
                    List.of(p.next(), p.next(), p.next(), p.next()));
        });
    }

    @Test
    void aFixedDelayTimerCountsItsDelayFromWhenItsMessageIsProcessed() throws Exception {
        inVirtualTime(clock -> {
            Probe<String> p = new Probe<>();
            ActorRef<String> a = system.spawn("delay", () -> new Actor<String>() {
                @Override protected void preStart() {
                    context().timers().startTimerWithFixedDelay("tick", "tick", ms(100));
                }
                @Override protected void receive(String m) throws Exception {
                    if (m.equals("busy")) Timers.sleep(ms(150)); else p.add(m + "@" + at());
                }
            });
            a.tell("busy");                                   // the +100 tick is processed at +150: the next is due at +250
            assertEquals(List.of("tick@150", "tick@250", "tick@350"), List.of(p.next(), p.next(), p.next()));
        });
    }

    @Test
    void restartingAKeyDropsTheOldTimersMessageAlreadyInTheMailbox() throws Exception {
        inVirtualTime(clock -> {
            Probe<String> p = new Probe<>();
            ActorRef<String> a = system.spawn("replace", () -> new Actor<String>() {
                @Override protected void receive(String m) throws Exception {
                    switch (m) {
                        case "go" -> {
                            context().timers().startSingleTimer("k", "old", ms(10));
                            Timers.sleep(ms(20));             // "old" fires at +10 and waits in the mailbox
                            context().timers().startSingleTimer("k", "new", ms(10));   // replaces it at +20
                        }
                        case "go-cancel" -> {
                            context().timers().startSingleTimer("c", "cancelled", ms(10));
                            Timers.sleep(ms(20));             // "cancelled" is in the mailbox
                            context().timers().cancel("c");
                            p.add("active=" + context().timers().isTimerActive("c"));
                        }
                        default -> p.add(m + "@" + at());
                    }
                }
            });
            a.tell("go");
            assertEquals("new@30", p.next());                 // not "old@20"
            p.expectNothing(ms(500));
            a.tell("go-cancel");                              // at +530
            assertEquals("active=false", p.next());
            p.expectNothing(ms(500));                         // the queued "cancelled" is dropped
            assertEquals(0, system.deadLetters().count(), "a cancelled timer's message is dropped, not a dead letter");
        });
    }

    @Test
    void cancelAndCancelAll() throws Exception {
        inVirtualTime(clock -> {
            Probe<String> p = new Probe<>();
            ActorRef<String> a = system.spawn("cancel", () -> new Actor<String>() {
                @Override protected void preStart() {
                    context().timers().startSingleTimer("a", "a", ms(100));
                    context().timers().startSingleTimer("b", "b", ms(200));
                    context().timers().startTimerAtFixedRate("c", "c", ms(150));
                }
                @Override protected void receive(String m) {
                    switch (m) {
                        case "cancel-a" -> context().timers().cancel("a");
                        case "cancel-all" -> {
                            context().timers().cancelAll();
                            p.add("all cancelled, c active=" + context().timers().isTimerActive("c"));
                        }
                        default -> p.add(m + "@" + at());
                    }
                }
            });
            a.tell("cancel-a");
            assertEquals(List.of("c@150", "b@200", "c@300"), List.of(p.next(), p.next(), p.next()));
            a.tell("cancel-all");
            assertEquals("all cancelled, c active=false", p.next());
            p.expectNothing(Duration.ofSeconds(1));
        });
    }

    @Test
    void stoppingCancelsEveryTimer() throws Exception {
        inVirtualTime(clock -> {
            Probe<String> p = new Probe<>();
            ActorRef<String> a = system.spawn("stopped", () -> new Actor<String>() {
                @Override protected void preStart() {
                    context().timers().startTimerAtFixedRate("tick", "tick", ms(100));
                    context().timers().startSingleTimer("later", "later", Duration.ofHours(1));
                }
                @Override protected void receive(String m) {
                    p.add(m + "@" + at());
                }
            });
            assertEquals("tick@100", p.next());
            assertEquals("tick@200", p.next());
            a.stop();
            awaitTerminated(a);
            assertEquals(0, clock.pendingTimers(), "stop cancelled the ticker and the one-hour timer");
            p.expectNothing(Duration.ofSeconds(1));
        });
    }

    @Test
    void restartingCancelsEveryTimerAndDropsTheirQueuedMessages() throws Exception {
        inVirtualTime(clock -> {
            Probe<String> p = new Probe<>();
            AtomicInteger instances = new AtomicInteger();
            ActorRef<String> a = system.spawn("restarted", () -> new Actor<String>() {
                final int n = instances.incrementAndGet();
                @Override protected void preStart() {
                    p.add("start#" + n + "@" + at());
                    if (n == 1) context().timers().startTimerAtFixedRate("tick", "tick", ms(100));
                }
                @Override protected void receive(String m) throws Exception {
                    if (m.equals("crash")) {
                        Timers.sleep(ms(150));                // the +200 tick waits in the mailbox
                        throw new IllegalStateException("crash");
                    }
                    p.add(m + "#" + n + "@" + at());
                }
            });
            assertEquals("start#1@0", p.next());
            assertEquals("tick#1@100", p.next());
            a.tell("crash");                                  // fails at +250; restarted at once
            assertEquals("start#2@250", p.next());
            p.expectNothing(Duration.ofSeconds(1));           // neither the queued +200 tick nor +300, +400, ...
            assertEquals(0, system.deadLetters().count());
        });
    }

    @Test
    void realTimeSmoke_timersRunOnTheRealSchedulerWithoutAVirtualClock() throws Exception {
        Probe<String> p = new Probe<>();
        ActorRef<String> a = system.spawn("real", () -> new Actor<String>() {
            int ticks;
            @Override protected void preStart() {
                context().timers().startSingleTimer("once", "once", ms(20));
                context().timers().startTimerAtFixedRate("tick", "tick", ms(10));
            }
            @Override protected void receive(String m) {
                if (m.equals("tick") && ++ticks == 3) {
                    context().timers().cancel("tick");
                    p.add("3 ticks");
                } else if (m.equals("once")) {
                    p.add("once");
                }
            }
        });
        List<String> got = List.of(p.next(), p.next());
        assertTrue(got.containsAll(List.of("once", "3 ticks")), got.toString());
        p.expectNothing(ms(100));
        a.stop();
        awaitTerminated(a);
    }

    @Test
    void timersRejectBadInputAndOtherThreads() throws Exception {
        Probe<String> p = new Probe<>();
        AtomicReference<ActorContext<String>> ctx = new AtomicReference<>();
        ActorRef<String> a = system.spawn("bad", () -> new Actor<String>() {
            @Override protected void receive(String m) {
                ctx.set(context());
                for (Runnable r : List.<Runnable>of(
                        () -> context().timers().startTimerAtFixedRate("k", "m", Duration.ZERO),
                        () -> context().timers().startTimerWithFixedDelay("k", "m", ms(-1)),
                        () -> context().timers().startSingleTimer("k", "m", ms(-1)))) {
                    try {
                        r.run();
                        p.add("accepted");
                    } catch (IllegalArgumentException e) {
                        p.add("IAE");
                    }
                }
                p.add("active=" + context().timers().isTimerActive("k"));
            }
        });
        a.tell("go");
        assertEquals(List.of("IAE", "IAE", "IAE", "active=false"), List.of(p.next(), p.next(), p.next(), p.next()));
        assertThrows(IllegalStateException.class, () -> ctx.get().timers());
        assertThrows(IllegalStateException.class, () -> ctx.get().stash(1));
    }

    // ---------------------------------------------------------------- stash

    /** Stashes everything until "ready", then unstashes; records what it processes. Blocks on "hold" until the gate opens. */
    static final class Initialising extends Actor<String> {
        private final Probe<String> p;
        private final Channel<Boolean> gate;
        private final int capacity;
        private boolean ready;

        Initialising(Probe<String> p, Channel<Boolean> gate, int capacity) {
            this.p = p;
            this.gate = gate;
            this.capacity = capacity;
        }

        @Override protected void receive(String m) throws Exception {
            Stash<String> stash = context().stash(capacity);
            if (m.equals("hold")) {
                if (gate.receiver().receive(WAIT) == null) p.add("gate timed out");
            } else if (m.equals("size")) {
                p.add("size=" + stash.size() + " full=" + stash.isFull());
            } else if (ready) {
                p.add(m);
            } else if (m.equals("ready")) {
                ready = true;
                p.add("ready, stashed " + stash.size());
                stash.unstashAll();
                p.add("after unstashAll: empty=" + stash.isEmpty());
            } else {
                try {
                    stash.stash(m);
                } catch (StashOverflowException e) {
                    p.add("overflow on " + m + " full=" + stash.isFull());
                }
            }
        }
    }

    @Test
    void unstashAllProcessesTheStashedMessagesInOrderBeforeNewerOnes() throws Exception {
        Probe<String> p = new Probe<>();
        Channel<Boolean> gate = Channel.bounded(1);
        ActorRef<String> a = system.spawn("init", () -> new Initialising(p, gate, 10));
        for (String m : List.of("hold", "a", "b", "ready", "c", "d")) a.tell(m);   // "c" and "d" are in the mailbox before "ready" is processed
        assertTrue(gate.sender().trySend(true));
        assertEquals(List.of("ready, stashed 2", "after unstashAll: empty=true", "a", "b", "c", "d"),
                List.of(p.next(), p.next(), p.next(), p.next(), p.next(), p.next()));
        a.tell("e");
        assertEquals("e", p.next());
    }

    @Test
    void aFullStashThrowsStashOverflowExceptionAndTheMessageIsACountedDeadLetter() throws Exception {
        Probe<String> p = new Probe<>();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        try (var sub = system.deadLetters().subscribe(dead::add)) {
            ActorRef<String> a = system.spawn("overflow", () -> new Initialising(p, Channel.bounded(1), 2));
            for (String m : List.of("x1", "x2", "x3", "size", "ready")) a.tell(m);
            assertEquals(List.of("overflow on x3 full=true", "size=2 full=true", "ready, stashed 2",
                    "after unstashAll: empty=true", "x1", "x2"), List.of(p.next(), p.next(), p.next(), p.next(), p.next(), p.next()));
            assertEquals(1, system.deadLetters().count(DeadLetter.Reason.STASH_OVERFLOW));
            assertEquals(1, system.deadLetters().count());
            assertEquals(List.of(new DeadLetter("x3", a, DeadLetter.Reason.STASH_OVERFLOW)), dead);
        }
    }

    @Test
    void anUncaughtStashOverflowIsAFailureAndTheRestartKeepsWhatWasStashed() throws Exception {
        Probe<String> p = new Probe<>();
        AtomicInteger instances = new AtomicInteger();
        ActorRef<String> a = system.spawn("uncaught", () -> new Actor<String>() {
            final int n = instances.incrementAndGet();
            @Override protected void receive(String m) {
                if (n == 1) context().stash(2).stash(m); else p.add(m + "#" + n);
            }
        });
        for (String m : List.of("x1", "x2", "x3", "x4")) a.tell(m);
        assertEquals(List.of("x1#2", "x2#2", "x4#2"), List.of(p.next(), p.next(), p.next()));
        assertEquals(1, system.deadLetters().count(DeadLetter.Reason.STASH_OVERFLOW));   // x3
        assertEquals(1, system.deadLetters().count());
    }

    /** Pekko's bug: a restart lost the stash. Here the new instance processes the stashed messages first, in order. */
    @Test
    void aRestartNeverLosesAStashedMessage() throws Exception {
        Probe<String> p = new Probe<>();
        AtomicInteger instances = new AtomicInteger();
        ActorRef<String> a = system.spawn("pekko-bug", () -> new Actor<String>() {
            final int n = instances.incrementAndGet();
            @Override protected void preStart() {
                p.add("start#" + n + " stash size=" + context().stash(10).size());
            }
            @Override protected void receive(String m) {
                if (n > 1) {
                    p.add(m + "#" + n);
                } else if (m.equals("crash")) {
                    throw new IllegalStateException("crash with " + context().stash(10).size() + " stashed");
                } else {
                    context().stash(10).stash(m);
                }
            }
        });
        for (String m : List.of("s1", "s2", "s3", "crash", "after")) a.tell(m);
        assertEquals(List.of("start#1 stash size=0", "start#2 stash size=0", "s1#2", "s2#2", "s3#2", "after#2"),
                List.of(p.next(), p.next(), p.next(), p.next(), p.next(), p.next()));
        assertEquals(0, system.deadLetters().count());
    }

    @Test
    void stoppingTurnsStashedMessagesIntoCountedDeadLetters() throws Exception {
        Probe<String> p = new Probe<>();
        List<DeadLetter> dead = new CopyOnWriteArrayList<>();
        try (var sub = system.deadLetters().subscribe(dead::add)) {
            ActorRef<String> a = system.spawn("stop-stash", () -> new Initialising(p, Channel.bounded(1), 10));
            for (String m : List.of("s1", "s2", "s3", "size")) a.tell(m);
            assertEquals("size=3 full=false", p.next());
            a.stop();
            awaitTerminated(a);
            assertEquals(3, system.deadLetters().count(DeadLetter.Reason.STASHED_AT_STOP));
            assertEquals(List.of("s1", "s2", "s3"), dead.stream().map(DeadLetter::message).toList());
        }
    }

    @Test
    void theStashHasOneCapacity() throws Exception {
        Probe<String> p = new Probe<>();
        ActorRef<String> a = system.spawn("capacity", () -> new Actor<String>() {
            @Override protected void receive(String m) {
                Stash<String> s = context().stash(3);
                p.add("same=" + (s == context().stash(3)) + " capacity=" + s.capacity());
                try {
                    context().stash(4);
                    p.add("accepted 4");
                } catch (IllegalStateException e) {
                    p.add("ISE");
                }
                try {
                    context().stash(0);
                    p.add("accepted 0");
                } catch (IllegalArgumentException e) {
                    p.add("IAE");
                }
            }
        });
        a.tell("go");
        assertEquals(List.of("same=true capacity=3", "ISE", "IAE"), List.of(p.next(), p.next(), p.next()));
        assertInstanceOf(IllegalStateException.class, new StashOverflowException("x"));
    }
}
