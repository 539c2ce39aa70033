package dev.vela.channel;

import static dev.vela.channel.TestThreads.receiveNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The contract of bounded channels with a dropping overflow policy (ADR 0021), run against every
 * {@link OverflowFlavor}: sends never block and never fail for capacity; exactly the values
 * {@link OverflowFlavor#retained} says survive, in order; every other value goes to
 * {@code onUndelivered} exactly once; close, fail, select, async and metrics behave as documented.
 */
class OverflowContractTest extends ChannelTestBase {

    private static List<Integer> drain(Channel<Integer> ch) {
        List<Integer> got = new ArrayList<>();
        for (Integer v; (v = ch.receiver().tryReceive()) != null; ) got.add(v);
        return got;
    }

    /** send, timed send and trySend all succeed at once on a full channel; survivors and discards are exact. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(OverflowFlavor.class)
    void sendsNeverBlockAndKeepExactlyTheRetainedValues(OverflowFlavor f) throws Exception {
        Channel<Integer> ch = f.create();
        List<Integer> sent = range(0, f.capacity + 7);
        long t0 = System.nanoTime();
        for (int v : sent) {
            switch (v % 3) {
                case 0 -> ch.sender().send(v);
                case 1 -> assertTrue(ch.sender().trySend(v), "trySend never fails for capacity");
                default -> assertTrue(ch.sender().send(v, Duration.ofSeconds(10)));
            }
        }
        assertTrue(TestThreads.millisSince(t0) < 5_000, "no send waited");
        assertFalse(ch.receiver().isEmpty());
        assertEquals(Math.min(sent.size(), f.capacity), ch.metrics().buffered());
        assertEquals(f.retained(sent), drain(ch));
        assertEquals(f.discarded(sent), OverflowFlavor.dropped(ch), "every discarded value reached onUndelivered, in order");
        ChannelMetrics m = ch.metrics();
        assertEquals(sent.size(), m.sent());
        assertEquals(f.retained(sent).size(), m.received());
        assertEquals(f.discarded(sent).size(), m.dropped());
        assertEquals(0, m.sendsWaited(), "a dropping channel's sends never wait");
        assertEquals(0, m.buffered());
    }

    /** Below capacity nothing is dropped: a dropping channel is an ordinary FIFO until it is full. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(OverflowFlavor.class)
    void belowCapacityNothingIsDropped(OverflowFlavor f) throws Exception {
        Channel<Integer> ch = f.create();
        for (int round = 0; round < 50; round++) {
            List<Integer> batch = range(round * 100, round * 100 + f.capacity);
            for (int v : batch) ch.sender().send(v);
            assertEquals(batch, drain(ch));
        }
        assertEquals(List.of(), OverflowFlavor.dropped(ch));
    }

    /** A receiver parked on an empty dropping channel gets the next value (receive blocks as usual). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(OverflowFlavor.class)
    void receiveBlocksUntilSend(OverflowFlavor f) throws Exception {
        Channel<Integer> ch = f.create();
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive());
        rx.awaitParked();
        ch.sender().send(42);
        assertEquals(42, rx.join());
        assertEquals(1, ch.metrics().receivesWaited());
        assertNull(ch.receiver().receive(Duration.ofMillis(20)));
    }

    /** The conflated channel hands a late receiver only the latest value. */
    @Test
    void conflatedKeepsOnlyTheLatest() throws Exception {
        Channel<Integer> ch = Channel.conflated();
        assertEquals("conflated()", ch.toString().substring("Channel.".length(), ch.toString().indexOf('@')));
        for (int i = 0; i < 1000; i++) ch.sender().send(i);
        assertEquals(999, receiveNow(ch.receiver()));
        assertNull(ch.receiver().tryReceive());
        assertEquals(1, ch.capacity());
    }

    /** Every kind of close keeps the survivors receivable, then ends (with the cause for fail); later sends throw and drop nothing. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(OverflowFlavor.class)
    void closeKeepsTheSurvivorsAndDropsNothingMore(OverflowFlavor f) throws Exception {
        for (CloseKind kind : CloseKind.values()) {
            Channel<Integer> ch = f.create();
            List<Integer> sent = range(0, f.capacity + 3);
            for (int v : sent) ch.sender().send(v);
            Throwable cause = kind.close(ch, ch.sender());
            assertThrows(ChannelClosedException.class, () -> ch.sender().send(99));
            Sender<Integer> clone = kind == CloseKind.LAST_SENDER_CLOSE || kind == CloseKind.FAIL ? null : ch.sender();
            if (clone != null) assertThrows(ChannelClosedException.class, () -> clone.trySend(98));
            assertEquals(f.retained(sent), drain2(ch), kind.name());
            ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> ch.receiver().receive());
            assertSame(cause, e.getCause(), kind.name());
            assertEquals(f.discarded(sent), OverflowFlavor.dropped(ch), "a refused send after close is not a drop");
        }
    }

    private static List<Integer> drain2(Channel<Integer> ch) throws InterruptedException {
        List<Integer> got = new ArrayList<>();
        while (true) {
            try {
                got.add(ch.receiver().receive(Duration.ofSeconds(5)));
            } catch (ChannelClosedException end) {
                return got;
            }
        }
    }

    /** select onSend and sendAsync commit at once on a full channel, with the same drop semantics. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(OverflowFlavor.class)
    void selectAndAsyncSendsNeverWait(OverflowFlavor f) throws Exception {
        Channel<Integer> ch = f.create();
        List<Integer> sent = range(0, f.capacity + 4);
        for (int v : sent) {
            if (v % 2 == 0) {
                assertEquals("sent", Select.select(ch.sender().onSend(v, () -> "sent"), Select.onDefault(() -> "default")));
            } else {
                CompletableFuture<Void> done = ch.sender().sendAsync(v);
                assertTrue(done.isDone(), "an async send to a dropping channel completes at once");
                done.get(1, TimeUnit.SECONDS);
            }
        }
        assertEquals(f.retained(sent), drain(ch));
        assertEquals(f.discarded(sent), OverflowFlavor.dropped(ch));
    }

    /** Producers racing a consumer: per-producer order kept; received + dropped = sent, exactly; metrics agree. */
    @ParameterizedTest(name = "{0}")
    @EnumSource(OverflowFlavor.class)
    void racingProducersLoseNothingUnseen(OverflowFlavor f) throws Exception {
        countedRace(f, 4, 5_000);
    }

    /** The counted race at 4 × 500,000 values per flavour ({@code -Pstress}). */
    @ParameterizedTest(name = "{0}")
    @EnumSource(OverflowFlavor.class)
    @org.junit.jupiter.api.Tag("stress")
    void racingProducersLoseNothingUnseenLong(OverflowFlavor f) throws Exception {
        countedRace(f, 4, 500_000);
    }

    private void countedRace(OverflowFlavor f, int producers, int each) throws Exception {
        Channel<Integer> ch = f.create();
        for (int p = 0; p < producers; p++) {
            int base = p * each;
            Sender<Integer> mine = ch.sender().clone();
            threads.run("producer-" + p, () -> {
                try (mine) {
                    for (int i = 0; i < each; i++) mine.send(base + i);
                }
            });
        }
        ch.sender().close();
        Task<List<Integer>> consumer = threads.start("consumer", () -> {
            List<Integer> got = new ArrayList<>();
            for (Integer v : ch.receiver()) got.add(v);
            return got;
        });
        List<Integer> got = consumer.join();
        Map<Integer, Integer> last = new HashMap<>();
        for (int v : got) {
            Integer prev = last.put(v / each, v);
            assertTrue(prev == null || prev < v, "producer order kept: " + prev + " then " + v);
        }
        List<Object> dropped = OverflowFlavor.dropped(ch);
        boolean[] seen = new boolean[producers * each];
        for (Object o : got) assertFalse(seen[(Integer) o], "duplicate " + o);
        for (Object o : got) seen[(Integer) o] = true;
        for (Object o : dropped) {
            assertFalse(seen[(Integer) o], "received and dropped, or dropped twice: " + o);
            seen[(Integer) o] = true;
        }
        for (int i = 0; i < seen.length; i++) assertTrue(seen[i], "lost unseen: " + i);
        ChannelMetrics m = ch.metrics();
        assertEquals(producers * each, m.sent());
        assertEquals(got.size(), m.received());
        assertEquals(dropped.size(), m.dropped());
        assertEquals(0, m.buffered());
    }

    /** What onUndelivered throws reaches the caller of the send that dropped, which still took effect. */
    @Test
    void throwingCallbackPropagatesAfterTheSend() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Channel<Integer> ch = Channel.<Integer>builder().capacity(1).overflow(Overflow.DROP_OLDEST)
                .onUndelivered(v -> {
                    calls.incrementAndGet();
                    throw new IllegalStateException("release failed for " + v);
                }).build();
        ch.sender().send(1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ch.sender().send(2));
        assertTrue(e.getMessage().contains("1"), e.getMessage());
        assertEquals(2, receiveNow(ch.receiver()), "the send took effect");
        assertEquals(1, calls.get());
    }

    /** Factories and builder reject combinations that cannot overflow, and name the policy. */
    @Test
    void badConfigurationsAreRejectedClearly() {
        assertThrows(IllegalArgumentException.class, () -> Channel.bounded(0, Overflow.DROP_OLDEST));
        assertThrows(NullPointerException.class, () -> Channel.bounded(4, null));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Channel.builder().unbounded().overflow(Overflow.DROP_NEWEST).build());
        assertTrue(e.getMessage().contains("never overflows"), e.getMessage());
        e = assertThrows(IllegalStateException.class, () -> Channel.builder().capacity(0).overflow(Overflow.DROP_OLDEST).build());
        assertTrue(e.getMessage().contains("rendezvous"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Channel.builder().build());
        assertThrows(IllegalStateException.class, () -> Channel.builder().capacity(2).overflow(Overflow.DROP_OLDEST).buildPriority());
        assertThrows(NullPointerException.class, () -> Channel.builder().onUndelivered(null));
        assertTrue(Channel.bounded(4, Overflow.DROP_NEWEST).toString().contains("bounded(4, DROP_NEWEST)"));
        assertEquals(4, Channel.bounded(4, Overflow.DROP_OLDEST).capacity());
        assertFalse(Channel.bounded(4, Overflow.SUSPEND).hasMetrics());
        IllegalStateException off = assertThrows(IllegalStateException.class, () -> Channel.bounded(4).metrics());
        assertTrue(off.getMessage().contains("metrics(true)"), off.getMessage());
    }
}
