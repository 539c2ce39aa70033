package dev.vela.test.worker;

import static dev.vela.test.worker.WorkerDeadlineVirtualTimeTest.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.Select;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.CancellationToken;
import dev.vela.worker.Scope;
import dev.vela.worker.Worker;
import dev.vela.worker.WorkerFailedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link CancellationToken#await(Duration)} and the token's select clause on the virtual clock: a timed
 * await gives up exactly at its timeout, and returns exactly when another worker cancels (vela-core's
 * CancellationTokenTest keeps the rest and one real-clock smoke test of a timed await).
 */
@Timeout(60)
class CancellationTokenVirtualTimeTest {

    @Test
    void aTimedAwaitGivesUpExactlyAtItsTimeoutAndLeavesNothingRegistered() throws Exception {
        VirtualClock.run(clock -> {
            var token = CancellationToken.create();
            assertFalse(token.await(ms(100)));
            assertEquals(ms(100), clock.elapsed());
            assertFalse(token.await(Duration.ZERO));
            assertEquals(ms(100), clock.elapsed(), "a zero timeout does not wait");
            assertFalse(token.await(Duration.ofDays(3)));
            assertEquals(Duration.ofDays(3).plus(ms(100)), clock.elapsed());
            assertFalse(token.isCancelled());
        });
    }

    @Test
    void timedAndUntimedAwaitsReturnExactlyWhenAnotherWorkerCancels() throws Exception {
        VirtualClock.run(clock -> {
            var token = CancellationToken.create();
            Worker<Duration> timed = Worker.spawn(() -> {
                assertTrue(token.await(Duration.ofSeconds(30)));
                return clock.elapsed();
            });
            Worker<Duration> untimed = Worker.spawn(() -> {
                token.await();
                return clock.elapsed();
            });
            Worker<Void> canceller = Worker.run(() -> {
                try {
                    Timers.sleep(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                token.cancel();
            });
            assertEquals(Duration.ofSeconds(2), timed.join());
            assertEquals(Duration.ofSeconds(2), untimed.join());
            assertNull(canceller.join());
            assertTrue(token.await(Duration.ZERO));
            assertEquals(Duration.ofSeconds(2), clock.elapsed());
        });
    }

    @Test
    void aCancelDuringASelectWithATimeoutWinsAtItsInstantAndTheTimeoutAtItsOwn() throws Exception {
        VirtualClock.run(clock -> {
            var token = CancellationToken.create();
            Channel<String> idle = Channel.rendezvous();
            Worker.run(() -> {
                try {
                    Timers.sleep(ms(750));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                token.cancel();
            });
            assertEquals("cancelled", Select.select(idle.receiver().onReceive(v -> "value"),
                    token.onCancelled(() -> "cancelled"), Select.onTimeout(Duration.ofSeconds(30), () -> "timeout")));
            assertEquals(ms(750), clock.elapsed());

            var untouched = CancellationToken.create();
            assertEquals("timeout", Select.select(idle.receiver().onReceive(v -> "value"),
                    untouched.onCancelled(() -> "cancelled"), Select.onTimeout(Duration.ofSeconds(30), () -> "timeout")));
            assertEquals(ms(750).plusSeconds(30), clock.elapsed());
        });
    }

    @Test
    void aScopeTokenAwaitEndsWhenTheScopeFailsNotAtItsTimeout() throws Exception {
        VirtualClock.run(clock -> {
            Channel<String> seen = Channel.bounded(1);
            try (var scope = Scope.open()) {
                var t = scope.token();
                scope.spawn("cooperative", () -> {
                    // the scope cancels its token before it interrupts the children: await returns true
                    boolean cancelled = t.await(Duration.ofSeconds(20));
                    seen.sender().trySend(cancelled + " at +" + clock.elapsed().toMillis() + " ms");
                    return null;
                });
                scope.spawn("bad", () -> {
                    Timers.sleep(ms(40));
                    throw new IllegalStateException("boom");
                });
                var e = assertThrows(WorkerFailedException.class, scope::join);
                assertEquals("bad", e.workerName());
                assertEquals(ms(40), clock.elapsed());
            }
            assertEquals("true at +40 ms", seen.receiver().tryReceive());
            assertEquals(ms(40), clock.elapsed());
        });
    }
}
