package dev.vela.test.worker;

import static dev.vela.test.worker.WorkerDeadlineVirtualTimeTest.ms;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.channel.Channel;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Backoff;
import dev.vela.worker.CancellationToken;
import dev.vela.worker.Retry;
import dev.vela.worker.RetryExhaustedException;
import dev.vela.worker.Worker;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Retry}'s timing on the virtual clock: the exact instant of every attempt for each back-off,
 * {@code maxElapsed} exhaustion at an exact instant and at its boundary, jitter from a seeded generator,
 * and a wait ended by a token or an interrupt at the instant it came (vela-core's RetryTest keeps what
 * does not depend on time values).
 */
@Timeout(60)
class RetryVirtualTimeTest {

    /** Fails its first {@code failing} calls with IOException("n") on call n, then returns "ok"; records when each call began. */
    private static final class Script implements Callable<String> {
        final List<Duration> startedAt = new CopyOnWriteArrayList<>();
        final List<Exception> thrown = new CopyOnWriteArrayList<>();
        private final VirtualClock clock;
        private final int failing;

        Script(VirtualClock clock, int failing) {
            this.clock = clock;
            this.failing = failing;
        }

        @Override
        public String call() throws Exception {
            startedAt.add(clock.elapsed());
            int n = startedAt.size();
            if (n <= failing) {
                IOException e = new IOException(String.valueOf(n));
                thrown.add(e);
                throw e;
            }
            return "ok";
        }
    }

    @Test
    void exponentialBackOffStartsTheAttemptsAtExactInstants() throws Exception {
        VirtualClock.run(clock -> {
            Script task = new Script(clock, 3);
            Retry retry = Retry.withBackoff(Backoff.exponential(ms(100), Duration.ofSeconds(2))).maxAttempts(5);
            assertEquals("ok", retry.call(task));
            assertEquals(List.of(ms(0), ms(100), ms(300), ms(700)), task.startedAt);
            assertEquals(ms(700), clock.elapsed());
        });
    }

    @Test
    void exponentialBackOffIsCappedAtItsMaximum() throws Exception {
        VirtualClock.run(clock -> {
            Script task = new Script(clock, 5);
            Retry retry = Retry.withBackoff(Backoff.exponential(ms(100), ms(250))).maxAttempts(10);
            assertEquals("ok", retry.call(task));
            // waits 100, 200, then 250 (capped) each time
            assertEquals(List.of(ms(0), ms(100), ms(300), ms(550), ms(800), ms(1_050)), task.startedAt);
        });
    }

    @Test
    void fixedAndLinearBackOffsWaitExactlyTheirDelays() throws Exception {
        VirtualClock.run(clock -> {
            Script fixed = new Script(clock, 2);
            assertEquals("ok", Retry.withBackoff(Backoff.fixed(ms(250))).call(fixed));
            assertEquals(List.of(ms(0), ms(250), ms(500)), fixed.startedAt);

            Duration t0 = clock.elapsed();
            Script linear = new Script(clock, 3);
            assertEquals("ok", Retry.withBackoff(Backoff.linear(ms(100), Duration.ofSeconds(1))).maxAttempts(4).call(linear));
            List<Duration> relative = linear.startedAt.stream().map(d -> d.minus(t0)).toList();
            List<Duration> expected = new ArrayList<>();
            Duration at = Duration.ZERO;
            expected.add(at);
            for (int n = 1; n <= 3; n++) {
                at = at.plus(Backoff.linear(ms(100), Duration.ofSeconds(1)).delay(n));
                expected.add(at);
            }
            assertEquals(expected, relative);
        });
    }

    @Test
    void exhaustionByAttemptsHappensAtTheSumOfTheWaits() throws Exception {
        VirtualClock.run(clock -> {
            Script task = new Script(clock, Integer.MAX_VALUE);
            RetryExhaustedException e = assertThrows(RetryExhaustedException.class,
                    () -> Retry.withBackoff(Backoff.fixed(ms(2))).maxAttempts(4).call(task));
            assertEquals(List.of(ms(0), ms(2), ms(4), ms(6)), task.startedAt);
            assertEquals(ms(6), e.elapsed());
            assertEquals(ms(6), clock.elapsed());
            assertEquals("gave up after 4 attempts in 6 ms (maxAttempts 4): java.io.IOException: 4", e.getMessage());
        });
    }

    @Test
    void maxElapsedStopsBeforeAWaitThatWouldEndTooLateWithoutWaiting() throws Exception {
        VirtualClock.run(clock -> {
            Script task = new Script(clock, Integer.MAX_VALUE);
            RetryExhaustedException e = assertThrows(RetryExhaustedException.class, () -> Retry
                    .withBackoff(Backoff.fixed(ms(50))).maxAttempts(10).maxElapsed(ms(20)).call(task));
            assertEquals(Duration.ZERO, clock.elapsed(), "no wait began");
            assertEquals(Duration.ZERO, e.elapsed());
            assertEquals("gave up after 1 attempt in 0 ms (the next attempt, after a 50 ms delay, would start past"
                    + " maxElapsed 20 ms): java.io.IOException: 1", e.getMessage());
        });
    }

    @Test
    void maxElapsedExhaustsAtAnExactInstant() throws Exception {
        VirtualClock.run(clock -> {
            // waits of 10, 20, 40 ms end at +70 ms <= 120 ms; the next (80 ms) would end at +150 ms > 120 ms
            Script task = new Script(clock, Integer.MAX_VALUE);
            RetryExhaustedException e = assertThrows(RetryExhaustedException.class, () -> Retry
                    .withBackoff(Backoff.exponential(ms(10), Duration.ofSeconds(1))).maxAttempts(100).maxElapsed(ms(120))
                    .call(task));
            assertEquals(List.of(ms(0), ms(10), ms(30), ms(70)), task.startedAt);
            assertEquals(ms(70), e.elapsed());
            assertEquals(ms(70), clock.elapsed());
            assertEquals("gave up after 4 attempts in 70 ms (the next attempt, after a 80 ms delay, would start past"
                    + " maxElapsed 120 ms): java.io.IOException: 4", e.getMessage());
            assertEquals(3, e.getSuppressed().length);
        });
    }

    @Test
    void anAttemptThatWouldStartExactlyAtMaxElapsedIsMadeOneNanosecondLessIsNot() throws Exception {
        VirtualClock.run(clock -> {
            Backoff backoff = Backoff.exponential(ms(10), Duration.ofSeconds(1));
            Script atLimit = new Script(clock, Integer.MAX_VALUE);
            RetryExhaustedException e1 = assertThrows(RetryExhaustedException.class,
                    () -> Retry.withBackoff(backoff).maxAttempts(100).maxElapsed(ms(70)).call(atLimit));
            assertEquals(List.of(ms(0), ms(10), ms(30), ms(70)), atLimit.startedAt, "+70 ms is within maxElapsed 70 ms");
            assertEquals(4, e1.attempts());

            Duration t0 = clock.elapsed();
            Script pastLimit = new Script(clock, Integer.MAX_VALUE);
            RetryExhaustedException e2 = assertThrows(RetryExhaustedException.class,
                    () -> Retry.withBackoff(backoff).maxAttempts(100).maxElapsed(ms(70).minusNanos(1)).call(pastLimit));
            assertEquals(List.of(ms(0), ms(10), ms(30)), pastLimit.startedAt.stream().map(d -> d.minus(t0)).toList());
            assertEquals(3, e2.attempts());
            assertEquals(ms(30), e2.elapsed());
        });
    }

    @Test
    void noAttemptStartsAfterAWaitThatOverranMaxElapsed() throws Exception {
        VirtualClock.run(clock -> {
            // the listener runs between the check and the wait, so it can make the wait end too late
            Script task = new Script(clock, Integer.MAX_VALUE);
            RetryExhaustedException e = assertThrows(RetryExhaustedException.class, () -> Retry
                    .withBackoff(Backoff.fixed(ms(5))).maxAttempts(10).maxElapsed(ms(30))
                    .onRetry((attempt, failure, delay) -> {
                        try {
                            Timers.sleep(ms(60));
                        } catch (InterruptedException ie) {
                            throw new AssertionError(ie);
                        }
                    })
                    .call(task));
            assertEquals(List.of(ms(0)), task.startedAt);
            assertEquals(ms(65), e.elapsed(), "the listener's 60 ms and the 5 ms wait");
            assertEquals(ms(65), clock.elapsed());
            assertEquals("gave up after 1 attempt in 65 ms (the next attempt would start past maxElapsed 30 ms):"
                    + " java.io.IOException: 1", e.getMessage());
        });
    }

    @Test
    void aSeededGeneratorGivesJitteredAttemptsAtExactReproducibleInstants() throws Exception {
        Backoff backoff = Backoff.exponential(ms(100), Duration.ofSeconds(2)).withJitter(0.5);
        List<Duration> expected = new ArrayList<>();
        Random same = new Random(11);
        Duration at = Duration.ZERO;
        expected.add(at);
        for (int n = 1; n <= 4; n++) {
            at = at.plus(backoff.delay(n, same));
            expected.add(at);
        }
        for (int run = 0; run < 2; run++) {
            VirtualClock.run(clock -> {
                Script task = new Script(clock, Integer.MAX_VALUE);
                List<Duration> delays = new ArrayList<>();
                assertThrows(RetryExhaustedException.class, () -> Retry.withBackoff(backoff).maxAttempts(5)
                        .random(new Random(11)).onRetry((a, f, d) -> delays.add(d)).call(task));
                assertEquals(expected, task.startedAt);
                assertEquals(expected.getLast(), clock.elapsed());
                Duration sum = Duration.ZERO;
                for (Duration d : delays) sum = sum.plus(d);
                assertEquals(expected.getLast(), sum, "the listener is told the delays that were waited");
            });
        }
    }

    @Test
    void cancellingTheTokenEndsTheWaitAtTheInstantOfTheCancel() throws Exception {
        VirtualClock.run(clock -> {
            CancellationToken token = CancellationToken.create();
            Script task = new Script(clock, Integer.MAX_VALUE);
            Retry retry = Retry.withBackoff(Backoff.fixed(Duration.ofMinutes(5))).maxAttempts(10).cancelledBy(token);
            Worker.run(() -> {
                try {
                    Timers.sleep(Duration.ofSeconds(2));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                token.cancel();
            });
            CancellationException e = assertThrows(CancellationException.class, () -> retry.call(task));
            assertEquals(Duration.ofSeconds(2), clock.elapsed(), "the 5-minute wait ended at the cancel");
            assertSame(task.thrown.get(0), e.getCause());
            String name = token.toString().replaceAll("^CancellationToken\\[([^,]+),.*$", "$1");
            assertEquals("retry cancelled by token '" + name + "' after 1 attempt in 2000 ms", e.getMessage());
            assertEquals(List.of(ms(0)), task.startedAt);
        });
    }

    @Test
    void anInterruptEndsTheWaitAtItsInstantWithNoFurtherAttempt() throws Exception {
        VirtualClock.run(clock -> {
            Script task = new Script(clock, Integer.MAX_VALUE);
            Retry retry = Retry.withBackoff(Backoff.fixed(Duration.ofMinutes(5))).maxAttempts(10);
            Channel<Thread> retryingThread = Channel.bounded(1);
            Worker<Throwable> retrying = Worker.spawn(() -> {
                retryingThread.sender().send(Thread.currentThread());
                try {
                    retry.call(task);
                    return null;
                } catch (InterruptedException e) {
                    return e;
                }
            });
            Timers.sleep(ms(1_500));                  // the retry is in its wait: the clock moved only because it waits
            retryingThread.receiver().receive(Duration.ofSeconds(1)).interrupt();
            InterruptedException ie = assertInstanceOf(InterruptedException.class, retrying.join());
            assertEquals(ms(1_500), clock.elapsed());
            assertSame(task.thrown.get(0), ie.getSuppressed()[0], "the last failure is attached");
            assertEquals(List.of(ms(0)), task.startedAt, "no attempt after the interrupt");
        });
    }
}
