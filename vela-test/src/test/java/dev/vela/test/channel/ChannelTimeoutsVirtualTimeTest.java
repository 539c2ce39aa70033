package dev.vela.test.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.channel.Permit;
import dev.vela.channel.Select;
import dev.vela.channel.SelectClause;
import dev.vela.channel.Timers;
import dev.vela.test.VirtualClock;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Timed send, receive, reserve and select timeouts on the virtual clock, for every channel flavour: a
 * timed operation that cannot complete gives up exactly at its timeout (not a nanosecond before) and
 * had no effect; one that can complete later does so at the instant its peer acts. vela-core's contract
 * suites keep the no-effect checks with short real timeouts and a lower bound only.
 */
@Timeout(60)
class ChannelTimeoutsVirtualTimeTest {

    /** The public flavours (vela-core's test Flavor enum cannot be shared across modules). */
    enum Kind {
        RENDEZVOUS(0, Channel::rendezvous),
        BOUNDED_1(1, () -> Channel.bounded(1)),
        BOUNDED_2(2, () -> Channel.bounded(2)),
        BOUNDED_16(16, () -> Channel.bounded(16)),
        BOUNDED_1024(1024, () -> Channel.bounded(1024)),
        UNBOUNDED(Integer.MAX_VALUE, Channel::unbounded),
        PRIORITY_2(2, () -> Channel.priority(2)),
        PRIORITY_UNBOUNDED(Integer.MAX_VALUE, Channel::priorityUnbounded);

        final int capacity;
        private final Supplier<Channel<?>> factory;

        Kind(int capacity, Supplier<Channel<?>> factory) {
            this.capacity = capacity;
            this.factory = factory;
        }

        @SuppressWarnings("unchecked")
        <T> Channel<T> create() {
            return (Channel<T>) factory.get();
        }

        boolean isFinite() {
            return capacity != Integer.MAX_VALUE;
        }

        /** Bounded buffers with places in line; rendezvous and priority channels have no permits. */
        boolean supportsPermits() {
            return capacity > 0 && !name().startsWith("PRIORITY");
        }
    }

    private static final Duration TIMEOUT = Duration.ofMillis(200);

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void aTimedReceiveOnAnEmptyChannelGivesUpExactlyAtItsTimeoutWithoutEffect(Kind kind) throws Exception {
        VirtualClock.run(clock -> {
            Channel<Integer> ch = kind.create();
            assertNull(ch.receiver().receive(TIMEOUT));
            assertEquals(TIMEOUT, clock.elapsed());
            assertNull(ch.receiver().receive(Duration.ofHours(5)));
            assertEquals(TIMEOUT.plusHours(5), clock.elapsed());
            boolean accepted = ch.sender().trySend(-1);
            assertEquals(kind.capacity > 0, accepted, "a timed-out receiver must not take a rendezvous value");
            if (accepted) assertEquals(-1, ch.receiver().tryReceive());
            assertEquals(TIMEOUT.plusHours(5), clock.elapsed());
        });
    }

    /** Batch receive (ADR 0039): its one timed wait is receive's, so the same exact instants. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void aTimedReceiveManyGivesUpExactlyAtItsTimeoutThenTakesWhatArrivesAtThatInstant(Kind kind) throws Exception {
        VirtualClock.run(clock -> {
            Channel<Integer> ch = kind.create();
            List<Integer> into = new ArrayList<>();
            assertEquals(0, ch.receiver().receiveMany(into, 8, TIMEOUT));
            assertEquals(TIMEOUT, clock.elapsed());
            assertTrue(into.isEmpty(), "a timed-out batch added nothing");
            Worker.spawn("late-producer", () -> {
                Timers.sleep(Duration.ofMillis(100));
                ch.sender().send(7);
                return null;
            });
            assertEquals(1, ch.receiver().receiveMany(into, 8, Duration.ofSeconds(5)));
            assertEquals(List.of(7), into);
            assertEquals(TIMEOUT.plusMillis(100), clock.elapsed());
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void aTimedSendOnAFullChannelGivesUpExactlyAtItsTimeoutAndSendsNothing(Kind kind) throws Exception {
        VirtualClock.run(clock -> {
            Channel<Integer> ch = kind.create();
            int buffered = kind.isFinite() ? kind.capacity : 3;
            for (int i = 0; i < buffered; i++) ch.sender().send(i);
            if (kind.isFinite()) {
                assertFalse(ch.sender().send(-1, TIMEOUT));
                assertEquals(TIMEOUT, clock.elapsed());
            } else {
                assertTrue(ch.sender().send(buffered++, TIMEOUT), "an unbounded send never times out");
                assertEquals(Duration.ZERO, clock.elapsed(), "and never waits");
            }
            List<Integer> got = new ArrayList<>();
            for (Integer v; (v = ch.receiver().tryReceive()) != null; ) got.add(v);
            assertEquals(range(buffered), got, "the timed-out value never appears");
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void aTimedReceiveGetsAValueSentLaterAtTheInstantItIsSent(Kind kind) throws Exception {
        VirtualClock.run(clock -> {
            Channel<String> ch = kind.create();
            Worker.spawn("late-producer", () -> {
                Timers.sleep(Duration.ofMillis(100));
                ch.sender().send("delayed");
                return null;
            });
            assertEquals("delayed", ch.receiver().receive(Duration.ofSeconds(5)));
            assertEquals(Duration.ofMillis(100), clock.elapsed());
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void aTimedSendOnAFullChannelSucceedsAtTheInstantRoomIsMade(Kind kind) throws Exception {
        if (!kind.isFinite()) return;      // an unbounded channel is never full
        VirtualClock.run(clock -> {
            Channel<Integer> ch = kind.create();
            for (int i = 0; i < kind.capacity; i++) ch.sender().send(i);
            Worker<Integer> late = Worker.spawn("late-consumer", () -> {
                Timers.sleep(Duration.ofMillis(300));
                return ch.receiver().receive();
            });
            assertTrue(ch.sender().send(-1, Duration.ofSeconds(5)));
            assertEquals(Duration.ofMillis(300), clock.elapsed());
            assertEquals(kind.capacity == 0 ? -1 : 0, late.join());
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void aSelectTimeoutFiresExactlyAtItsInstantAndNothingMoves(Kind kind) throws Exception {
        VirtualClock.run(clock -> {
            Channel<Integer> a = kind.create();
            Channel<Integer> b = kind.create();
            List<Integer> full = new ArrayList<>();
            if (kind.isFinite()) {
                for (int i = 0; i < kind.capacity; i++) {
                    b.sender().send(i);
                    full.add(i);
                }
            }
            List<SelectClause<String>> cs = new ArrayList<>();
            cs.add(a.receiver().onReceive(x -> "recv"));
            if (kind.isFinite()) cs.add(b.sender().onSend(99, () -> "sent"));
            cs.add(Select.onTimeout(Duration.ofMillis(150), () -> "timeout"));
            assertEquals("timeout", Select.select(cs));
            assertEquals(Duration.ofMillis(150), clock.elapsed());
            assertNull(a.receiver().tryReceive());
            List<Integer> drained = new ArrayList<>();
            for (Integer v; (v = b.receiver().tryReceive()) != null; ) drained.add(v);
            assertEquals(full, drained);
            // a zero timeout behaves like a default clause: no time passes
            assertEquals("t0", Select.select(a.receiver().onReceive(x -> "recv"), Select.onTimeout(Duration.ZERO, () -> "t0")));
            assertEquals(Duration.ofMillis(150), clock.elapsed());
        });
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(Kind.class)
    void aTimedReserveOnAFullChannelGivesUpExactlyAtItsTimeout(Kind kind) throws Exception {
        if (!kind.supportsPermits()) return;   // PermitContractTest checks the UnsupportedOperationException
        VirtualClock.run(clock -> {
            Channel<Integer> ch = kind.create();
            int buffered = kind.isFinite() ? kind.capacity : 0;
            for (int i = 0; i < buffered; i++) ch.sender().send(i);
            if (kind.isFinite()) {
                assertNull(ch.sender().reserve(Duration.ofMillis(20)), "timed out: nothing reserved");
                assertEquals(Duration.ofMillis(20), clock.elapsed());
                assertEquals(0, ch.receiver().receive(Duration.ofSeconds(1)));
                Permit<Integer> p = ch.sender().reserve(Duration.ofMillis(20));
                assertEquals(Duration.ofMillis(20), clock.elapsed(), "room now: reserved at once");
                p.send(42);
            } else {
                Permit<Integer> p = ch.sender().reserve(Duration.ofMillis(20));
                p.send(42);
                assertEquals(Duration.ZERO, clock.elapsed());
            }
        });
    }

    @Test
    void onlyATimeoutClauseSleepsExactlyItsTimeout() throws Exception {
        VirtualClock.run(clock -> {
            assertEquals("t", Select.select(Select.onTimeout(Duration.ofMillis(50), () -> "t")));
            assertEquals(Duration.ofMillis(50), clock.elapsed());
        });
    }

    private static List<Integer> range(int n) {
        List<Integer> r = new ArrayList<>();
        for (int i = 0; i < n; i++) r.add(i);
        return r;
    }
}
