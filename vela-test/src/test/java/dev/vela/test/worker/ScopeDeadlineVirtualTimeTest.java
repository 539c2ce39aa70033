package dev.vela.test.worker;

import static dev.vela.test.worker.WorkerDeadlineVirtualTimeTest.ms;
import static dev.vela.test.worker.WorkerDeadlineVirtualTimeTest.sleepIgnoringInterruptsUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.CancellationToken;
import dev.vela.worker.Scope;
import dev.vela.worker.Worker;
import dev.vela.worker.WorkerCancelledException;
import dev.vela.worker.WorkerFailedException;
import dev.vela.worker.WorkerTimeoutException;
import java.time.Duration;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Scope deadlines on the virtual clock, at exact instants: the deadline cancels the children and
 * {@code join} throws at the deadline, the scope's token is cancelled then, a token and a deadline race,
 * and {@code close} waits for a child that ignores its interrupt (vela-core's ScopeTest keeps one
 * real-clock smoke test of a scope deadline).
 */
@Timeout(60)
class ScopeDeadlineVirtualTimeTest {

    @Test
    void theDeadlineCancelsTheChildrenAndJoinThrowsAtTheDeadline() throws Exception {
        VirtualClock.run(clock -> {
            Channel<Duration> slowInterruptedAt = Channel.bounded(1);
            try (var scope = Scope.open(ms(100))) {
                var slow = scope.spawn("slow", () -> {
                    try {
                        Timers.sleep(Duration.ofSeconds(30));
                    } catch (InterruptedException e) {
                        slowInterruptedAt.sender().send(clock.elapsed());
                        throw e;
                    }
                    return 1;
                });
                var quick = scope.spawn("quick", () -> 2);
                WorkerTimeoutException e = assertThrows(WorkerTimeoutException.class, scope::join);
                assertEquals(ms(100), clock.elapsed());
                assertTrue(e.getMessage().contains("deadline"), e.getMessage());
                assertTrue(e.getMessage().contains("scope"), e.getMessage());
                assertTrue(e.getCause().getMessage().endsWith("missed its deadline of 100 ms"), e.getCause().getMessage());
                assertEquals(ms(100), slowInterruptedAt.receiver().receive(Duration.ofSeconds(1)));
                assertEquals(Future.State.CANCELLED, slow.state());
                assertEquals(Future.State.SUCCESS, quick.state());
                assertEquals(Future.State.CANCELLED, scope.spawn(() -> 3).state(), "late child cancelled at once");
            }
            assertEquals(ms(100), clock.elapsed(), "close had nothing left to wait for");
        });
    }

    @Test
    void aScopeWhoseChildrenEndInTimeDisarmsItsDeadline() throws Exception {
        VirtualClock.run(clock -> {
            try (var scope = Scope.open(Duration.ofSeconds(1))) {
                var a = scope.spawn(() -> {
                    Timers.sleep(ms(999));
                    return "a";
                });
                scope.join();
                assertEquals(ms(999), clock.elapsed());
                assertEquals("a", a.resultNow());
            }
            assertEquals(0, clock.pendingTimers(), "close cancelled the deadline timer");
            Timers.sleep(Duration.ofSeconds(5));
            assertEquals(Duration.ofMillis(5_999), clock.elapsed());
        });
    }

    @Test
    void theScopeTokenIsCancelledExactlyAtTheDeadline() throws Exception {
        VirtualClock.run(clock -> {
            try (var scope = Scope.open(ms(50))) {
                var t = scope.token();
                scope.spawn(() -> Timers.never().receive());
                assertTrue(t.await(Duration.ofSeconds(10)));
                assertEquals(ms(50), clock.elapsed());
                assertThrows(WorkerTimeoutException.class, scope::join);
                assertEquals(ms(50), clock.elapsed());
            }
        });
    }

    @Test
    void theDeadlineStillWorksWithATokenAndTheFirstReasonStands() throws Exception {
        VirtualClock.run(clock -> {
            var token = CancellationToken.create();
            try (var scope = Scope.open(ms(50), token)) {
                scope.spawn(() -> Timers.never().receive());
                assertThrows(WorkerTimeoutException.class, scope::join);
                assertEquals(ms(50), clock.elapsed());
                token.cancel();
                assertThrows(WorkerTimeoutException.class, scope::join, "the first reason stands");
            }
        });
    }

    @Test
    void aTokenCancelledBeforeTheDeadlineWinsAtItsOwnInstant() throws Exception {
        VirtualClock.run(clock -> {
            var token = CancellationToken.create();
            Worker<Void> canceller = Worker.run(() -> {
                try {
                    Timers.sleep(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                token.cancel();
            });
            try (var scope = Scope.open(Duration.ofSeconds(30), token)) {
                scope.spawn(() -> Timers.never().receive());
                assertThrows(WorkerCancelledException.class, scope::join);
                assertEquals(Duration.ofSeconds(2), clock.elapsed());
            }
            canceller.join();
            assertEquals(0, clock.pendingTimers(), "the 30 s deadline was disarmed by close");
        });
    }

    @Test
    void aDeadlineThatPassesAfterAFailureDoesNotHideTheFailure() throws Exception {
        VirtualClock.run(clock -> {
            try (var scope = Scope.open(ms(100))) {
                scope.spawn("bad", () -> {
                    throw new IllegalStateException("boom");
                });
                Timers.sleep(ms(300));        // the deadline passes after the failure, before join
                var e = assertThrows(WorkerFailedException.class, scope::join);
                assertFalse(e instanceof WorkerTimeoutException, "the failure came first: " + e);
                assertEquals("bad", e.workerName());
                assertEquals(ms(300), clock.elapsed());
            }
        });
    }

    @Test
    void closeWaitsForAChildThatIgnoresItsInterruptUntilItEnds() throws Exception {
        VirtualClock.run(clock -> {
            var scope = Scope.open();
            Channel<Thread> started = Channel.bounded(1);
            var child = scope.spawn("stubborn", () -> {
                started.sender().send(Thread.currentThread());
                boolean interrupted = sleepIgnoringInterruptsUntil(clock, ms(300));
                return interrupted;
            });
            Thread childThread = started.receiver().receive(Duration.ofSeconds(1));
            assertEquals(Duration.ZERO, clock.elapsed());
            Thread.currentThread().interrupt();
            scope.close();
            assertTrue(Thread.interrupted(), "close re-asserts the interrupt flag");
            assertEquals(ms(300), clock.elapsed(), "close returned when the child ended, not before");
            assertFalse(childThread.isAlive(), "close returned while the child's thread still ran");
            assertEquals(Future.State.CANCELLED, child.state());
            scope.close();   // idempotent
        });
    }
}
