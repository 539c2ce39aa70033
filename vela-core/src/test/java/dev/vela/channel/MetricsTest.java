package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Channel metrics (ADR 0024): counts of sent, received, dropped, waited sends and receives, and the
 * buffered count, on every kind of channel built by the builder; off by default.
 */
class MetricsTest extends ChannelTestBase {

    private static Channel<Integer> withMetrics(int capacity) {
        ChannelBuilder<Integer> b = Channel.<Integer>builder().metrics(true);
        return (capacity < 0 ? b.unbounded() : b.capacity(capacity)).build();
    }

    /** Counts after plain sends and receives, with the buffered count exact when quiescent. */
    @ParameterizedTest(name = "capacity {0}")
    @ValueSource(ints = {1, 2, 16, -1})
    void countsSendsReceivesAndBuffered(int capacity) throws Exception {
        Channel<Integer> ch = withMetrics(capacity);
        assertTrue(ch.hasMetrics());
        int n = capacity < 0 ? 300 : capacity;
        for (int i = 0; i < n; i++) assertTrue(ch.sender().trySend(i));
        assertEquals(new ChannelMetrics(n, 0, 0, 0, 0, n), ch.metrics());
        for (int i = 0; i < n; i++) assertEquals(i, ch.receiver().tryReceive());
        assertEquals(new ChannelMetrics(n, n, 0, 0, 0, 0), ch.metrics());
        if (capacity > 0) {
            for (int i = 0; i < capacity; i++) ch.sender().send(i);
            assertFalse(ch.sender().trySend(-1), "a refused trySend is not counted");
            assertFalse(ch.sender().send(-1, Duration.ofMillis(20)), "a timed-out send is not sent, but it waited");
            assertEquals(n + capacity, ch.metrics().sent());
            assertEquals(1, ch.metrics().sendsWaited());
        }
    }

    /** A receive that parks is counted once, whatever its outcome; so is an async receive that waits. */
    @Test
    void waitedOperationsAreCounted() throws Exception {
        Channel<Integer> ch = withMetrics(4);
        Task<Integer> rx = threads.start("rx", () -> ch.receiver().receive());
        rx.awaitParked();
        CompletableFuture<Integer> async = ch.receiver().receiveAsync();
        assertEquals(2, ch.metrics().receivesWaited());
        ch.sender().send(1);
        ch.sender().send(2);
        assertEquals(3, rx.join() + async.get(5, TimeUnit.SECONDS));
        Channel<Integer> one = withMetrics(1);
        one.sender().send(3);
        Task<Void> tx = threads.run("tx", () -> one.sender().send(4));
        tx.awaitParked();
        assertEquals(1, one.metrics().sendsWaited());
        assertEquals(3, one.receiver().receive());
        tx.join();
        assertEquals(4, one.receiver().receive());
        assertEquals(new ChannelMetrics(2, 2, 0, 0, 2, 0), ch.metrics());
        assertEquals(new ChannelMetrics(2, 2, 0, 1, 0, 0), one.metrics());
    }

    /** Rendezvous: each hand-over counts one send and one receive, whoever completed it. */
    @Test
    void rendezvousCountsHandOvers() throws Exception {
        Channel<Integer> ch = withMetrics(0);
        Task<Void> tx = threads.run("tx", () -> {
            for (int i = 0; i < 100; i++) ch.sender().send(i);
        });
        for (int i = 0; i < 100; i++) assertEquals(i, ch.receiver().receive(Duration.ofSeconds(10)));
        tx.join();
        ChannelMetrics m = ch.metrics();
        assertEquals(100, m.sent());
        assertEquals(100, m.received());
        assertEquals(0, m.buffered());
        assertTrue(m.sendsWaited() + m.receivesWaited() > 0, "someone waited at least once: " + m);
    }

    /** Permits count when sent, not when reserved; select and async sends count too. */
    @Test
    void permitsSelectAndAsyncAreCounted() throws Exception {
        Channel<Integer> ch = withMetrics(8);
        try (Permit<Integer> p = ch.sender().reserve()) {
            assertEquals(0, ch.metrics().sent());
            p.send(1);
        }
        try (Permit<Integer> unused = ch.sender().tryReserve()) {
            assertTrue(unused != null);
        }
        Select.select(ch.sender().onSend(2, () -> null));
        ch.sender().sendAsync(3).get(5, TimeUnit.SECONDS);
        assertEquals(3, ch.metrics().sent());
        assertEquals(4, ch.metrics().buffered(), "3 values and the place of the closed permit, until receivers pass it");
        assertEquals(1, (int) Select.select(ch.receiver().onReceive(v -> v)));
        assertEquals(1, ch.metrics().received());
    }

    /** Off by default, everywhere. */
    @Test
    void offByDefault() {
        for (Channel<?> ch : new Channel<?>[] {Channel.bounded(2), Channel.unbounded(), Channel.rendezvous(),
                Channel.conflated(), Channel.priority(2)}) {
            assertFalse(ch.hasMetrics());
            assertThrows(IllegalStateException.class, ch::metrics);
        }
    }
}
