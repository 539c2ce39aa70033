package dev.vela.test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Select;
import dev.vela.channel.Timers;
import dev.vela.worker.CancellationToken;
import dev.vela.worker.Scope;
import dev.vela.worker.Worker;
import dev.vela.worker.WorkerTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Every timed operation of the core follows the virtual clock, at exact instants, in no real time. */
@Timeout(60)
class VirtualClockTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void aTimedReceiveTimesOutAtTheExactVirtualInstantInNoRealTime() throws Exception {
        long realStart = System.nanoTime();
        VirtualClock.run(clock -> {
            Receiver<String> rx = Channel.<String>rendezvous().receiver();
            assertNull(rx.receive(HOUR));
            assertEquals(HOUR, clock.elapsed());
            assertEquals(VirtualClock.DEFAULT_START.plus(HOUR), Timers.now());
        });
        // an hour of virtual waiting took far less than an hour: the wait was virtual
        assertTrue(Duration.ofNanos(System.nanoTime() - realStart).compareTo(Duration.ofSeconds(30)) < 0);
    }

    @Test
    void sleepsInAWorkerAddUpExactly() throws Exception {
        VirtualClock.run(clock -> {
            List<Duration> at = Collections.synchronizedList(new ArrayList<>());
            Worker<Void> w = Worker.spawn(() -> {
                for (int i = 0; i < 5; i++) {
                    Timers.sleep(Duration.ofMillis(100));
                    at.add(clock.elapsed());
                }
                return null;
            });
            w.join();
            assertEquals(List.of(ms(100), ms(200), ms(300), ms(400), ms(500)), at);
        });
    }

    @Test
    void manualAdvanceFiresATimerExactlyAtItsDelay() {
        try (VirtualClock clock = VirtualClock.install()) {
            Receiver<Instant> after = Timers.after(Duration.ofSeconds(1));
            clock.advance(ms(999));
            assertNull(after.tryReceive(), "not yet at 999 ms");
            clock.advance(ms(1));
            assertEquals(VirtualClock.DEFAULT_START.plusSeconds(1), after.tryReceive());
        }
    }

    @Test
    void aTickerTicksOncePerPeriodAndAWorkerSeesEachTickAtItsInstant() {
        try (VirtualClock clock = VirtualClock.install()) {
            Receiver<Instant> ticks = Timers.tick(Duration.ofSeconds(1));
            List<Duration> seen = Collections.synchronizedList(new ArrayList<>());
            Worker<Void> w = Worker.spawn(() -> {
                while (seen.size() < 3) {
                    ticks.receive();
                    seen.add(clock.elapsed());
                }
                return null;
            });
            clock.advance(ms(3500));
            assertEquals(List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3)), seen);
            assertEquals(ms(3500), clock.elapsed());
            assertTrue(w.isDone());
            ticks.close();
        }
    }

    @Test
    void aWorkerDeadlineExpiresAtItsInstant() throws Exception {
        VirtualClock.run(clock -> {
            Receiver<String> never = Timers.never();
            Worker<String> w = Worker.spawn(never::receive, Duration.ofSeconds(2));
            assertThrows(WorkerTimeoutException.class, w::join);
            assertEquals(Duration.ofSeconds(2), clock.elapsed());
        });
    }

    @Test
    void aScopeDeadlineCancelsItsChildrenAtItsInstant() throws Exception {
        VirtualClock.run(clock -> {
            try (Scope scope = Scope.open(Duration.ofMinutes(5))) {
                scope.spawn(() -> Timers.<String>never().receive());
                assertThrows(WorkerTimeoutException.class, scope::join);
            }
            assertEquals(Duration.ofMinutes(5), clock.elapsed());
        });
    }

    @Test
    void aTimedJoinGivesUpAtItsInstant() throws Exception {
        VirtualClock.run(clock -> {
            Worker<Object> w = Worker.spawn(() -> Timers.never().receive());
            assertThrows(TimeoutException.class, () -> w.join(Duration.ofSeconds(7)));
            assertEquals(Duration.ofSeconds(7), clock.elapsed());
            w.cancel(true);
        });
    }

    @Test
    void aSelectTimeoutAndATokenWaitFollowTheClock() throws Exception {
        VirtualClock.run(clock -> {
            Receiver<Integer> rx = Channel.<Integer>bounded(1).receiver();
            String r = Select.select(rx.onReceive(v -> "value"), Select.onTimeout(ms(250), () -> "timeout"));
            assertEquals("timeout", r);
            assertEquals(ms(250), clock.elapsed());
            assertFalse(CancellationToken.create().await(ms(750)));
            assertEquals(Duration.ofSeconds(1), clock.elapsed());
        });
    }

    @Test
    void whenEverythingWaitsWithNothingPendingRunReportsEachWaiter() {
        Channel<String> ch = Channel.rendezvous();
        AllBlockedException e = assertThrows(AllBlockedException.class, () -> VirtualClock.run(clock -> {
            Worker.spawn("stuck-sender", () -> { ch.sender().send("x"); ch.sender().send("y"); return null; });
            ch.receiver().receive();
            ch.receiver().receive(Duration.ofSeconds(1));     // the sender's second send waits for this: fine
            ch.receiver().receive();                           // nobody sends a third: deadlock
        }));
        assertTrue(e.report().contains("\"vela-virtual-time-body\" [receive on"), e.report());
        assertTrue(e.report().contains("no timer is pending"), e.report());
    }

    @Test
    void advanceUntilIdleRunsEveryPendingTimerThenStops() {
        try (VirtualClock clock = VirtualClock.install()) {
            Receiver<Instant> a = Timers.after(Duration.ofSeconds(3));
            Receiver<Instant> b = Timers.after(Duration.ofSeconds(10));
            clock.advanceUntilIdle();
            assertEquals(Duration.ofSeconds(10), clock.elapsed());
            assertEquals(VirtualClock.DEFAULT_START.plusSeconds(3), a.tryReceive());
            assertEquals(VirtualClock.DEFAULT_START.plusSeconds(10), b.tryReceive());
            assertEquals(0, clock.pendingTimers());
        }
    }

    @Test
    void advanceUntilIdleRefusesToChaseATickerForever() {
        try (VirtualClock clock = VirtualClock.install()) {
            Receiver<Instant> ticks = Timers.tick(ms(1));
            IllegalStateException e = assertThrows(IllegalStateException.class, clock::advanceUntilIdle);
            assertTrue(e.getMessage().contains("never ends"), e.getMessage());
            ticks.close();
        }
    }

    @Test
    void badInputGetsNamedExceptions() {
        VirtualClock clock = VirtualClock.install();
        try {
            IllegalArgumentException neg = assertThrows(IllegalArgumentException.class, () -> clock.advance(ms(-1)));
            assertTrue(neg.getMessage().contains("negative"), neg.getMessage());
            assertThrows(NullPointerException.class, () -> clock.advance(null));
            IllegalStateException nested = assertThrows(IllegalStateException.class, VirtualClock::install);
            assertTrue(nested.getMessage().contains("already installed"), nested.getMessage());
            IllegalStateException inRun = assertThrows(IllegalStateException.class, () -> VirtualClock.run(c -> { }));
            assertTrue(inRun.getMessage().contains("do not nest"), inRun.getMessage());
        } finally {
            clock.close();
        }
        clock.close();                                     // idempotent
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> clock.advance(ms(1)));
        assertTrue(closed.getMessage().contains("no longer installed"), closed.getMessage());
        assertThrows(IllegalStateException.class, clock::advanceUntilIdle);
        assertThrows(NullPointerException.class, () -> VirtualClock.run(null));
        assertThrows(IllegalArgumentException.class, () -> Timers.sleep(ms(-5)));
    }

    @Test
    void afterCloseTimeIsRealAgain() throws Exception {
        try (VirtualClock clock = VirtualClock.install()) {
            clock.advance(HOUR);
        }
        long t0 = System.nanoTime();
        assertNull(Channel.<String>rendezvous().receiver().receive(ms(30)));
        assertTrue(System.nanoTime() - t0 >= ms(30).toNanos(), "a real 30 ms wait");
        long before = System.nanoTime();
        long vela = Timers.nanoTime();
        assertTrue(vela - before >= 0 && vela - before < Duration.ofSeconds(5).toNanos(), "Timers.nanoTime is real time again");
    }

    @Test
    void closingTheClockHandsItsPendingTimersToTheRealClock() throws Exception {
        Receiver<Instant> after;
        Receiver<Instant> cancelledLater;
        try (VirtualClock clock = VirtualClock.install()) {
            after = Timers.after(ms(30));
            cancelledLater = Timers.after(ms(30));
            clock.advance(ms(10));                              // 20 ms left on each
        }
        cancelledLater.close();                                 // a handed-over timer still stops when closed
        long t0 = System.nanoTime();
        assertTrue(after.receive(Duration.ofSeconds(10)) != null, "the timer fired on the real clock");
        assertTrue(System.nanoTime() - t0 >= ms(15).toNanos(), "after about the 20 ms it had left");
        Thread.sleep(50);
        assertThrows(dev.vela.channel.ChannelClosedException.class, cancelledLater::tryReceive);
    }

    @Test
    void theBodysFailureIsRethrownAndTheClockUninstalled() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> VirtualClock.run(clock -> { throw new IllegalStateException("boom"); }));
        assertEquals("boom", e.getMessage());
        try (VirtualClock again = VirtualClock.install()) {   // the first one is gone
            assertEquals(Duration.ZERO, again.elapsed());
        }
    }

    private static Duration ms(long n) {
        return Duration.ofMillis(n);
    }
}
