package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What only a priority channel does (the rest of its contract runs in the suite through
 * {@link Flavor#PRIORITY_2} and {@link Flavor#PRIORITY_UNBOUNDED}): priority order, FIFO among equal
 * priorities, blocking at capacity with priorities, and a counted stress with random priorities.
 */
class PriorityChannelTest extends ChannelTestBase {

    /** Highest priority first; equal priorities in the order sent; negative priorities allowed. */
    @Test
    void highestFirstFifoAmongEquals() throws Exception {
        PriorityChannel<String> ch = Channel.priorityUnbounded();
        PrioritySender<String> tx = ch.sender();
        tx.send("low-1", -5);
        tx.send("mid-1");
        tx.send("high-1", 7);
        assertTrue(tx.trySend("mid-2", 0));
        assertTrue(tx.send("high-2", 7, Duration.ofSeconds(1)));
        tx.send("low-2", -5);
        List<String> got = new ArrayList<>();
        for (String s; (s = ch.receiver().tryReceive()) != null; ) got.add(s);
        assertEquals(List.of("high-1", "high-2", "mid-1", "mid-2", "low-1", "low-2"), got);
        assertEquals("priorityUnbounded()", ch.toString().substring("Channel.".length(), ch.toString().indexOf('@')));
    }

    /** A full bounded priority channel blocks senders of any priority; a receive lets the next one in. */
    @Test
    void boundedBlocksAtCapacityWhateverThePriority() throws Exception {
        PriorityChannel<Integer> ch = Channel.priority(2);
        ch.sender().send(1, 1);
        ch.sender().send(2, 2);
        assertFalse(ch.sender().trySend(3, 100), "full is full, even for a high priority");
        assertFalse(ch.sender().send(3, 100, Duration.ofMillis(20)));
        Task<Void> tx = threads.run("tx", () -> ch.sender().send(9, 9));
        tx.awaitParked();
        assertEquals(2, ch.receiver().receive());
        tx.join();
        assertEquals(9, ch.receiver().receive());
        assertEquals(1, ch.receiver().receive());
        assertEquals(2, ch.capacity());
    }

    /** Clones are priority senders too; the channel closes with the last; bad input is named. */
    @Test
    void clonesCloseAndBadInput() throws Exception {
        PriorityChannel<Integer> ch = Channel.priority(4);
        PrioritySender<Integer> clone = ch.sender().clone();
        ch.sender().close();
        clone.send(5, 3);
        assertFalse(ch.isClosed());
        NullPointerException npe = assertThrows(NullPointerException.class, () -> clone.send(null, 1));
        assertTrue(npe.getMessage().contains(ch.toString()));
        clone.close();
        assertTrue(ch.isClosed());
        assertThrows(ChannelClosedException.class, () -> clone.trySend(1, 1));
        assertEquals(5, ch.receiver().receive());
        assertThrows(ChannelClosedException.class, () -> ch.receiver().receive());
        assertThrows(IllegalArgumentException.class, () -> Channel.priority(0));
        assertSame(ch.sender(), ch.sender());
    }

    @Test
    void countedStressQuick() throws Exception {
        stress(4, 20_000);
    }

    @Test
    @Tag("stress")
    void countedStressLong() throws Exception {
        stress(8, 500_000);
    }

    /**
     * Producers send (producer, seq) with random priorities; consumers receive until closed. Every
     * message is received exactly once, and per producer and priority in the order sent (priority
     * order itself is checked against the sequential model in OverflowLincheckTest).
     */
    private void stress(int producers, int each) throws Exception {
        PriorityChannel<long[]> ch = Channel.<long[]>builder().capacity(64).metrics(true).buildPriority();
        for (int p = 0; p < producers; p++) {
            int id = p;
            PrioritySender<long[]> mine = ch.sender().clone();
            threads.run("producer-" + p, () -> {
                try (mine) {
                    ThreadLocalRandom r = ThreadLocalRandom.current();
                    for (int i = 0; i < each; i++) {
                        int prio = r.nextInt(4);
                        if (r.nextBoolean()) mine.send(new long[] {id, i, prio}, prio);
                        else while (!mine.trySend(new long[] {id, i, prio}, prio)) Thread.onSpinWait();
                    }
                }
            });
        }
        ch.sender().close();
        List<Task<List<long[]>>> consumers = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            consumers.add(threads.start("consumer-" + c, () -> {
                List<long[]> got = new ArrayList<>();
                for (long[] v : ch.receiver()) got.add(v);
                return got;
            }));
        }
        boolean[][] seen = new boolean[producers][each];
        for (Task<List<long[]>> c : consumers) {
            long[][] last = new long[producers][4];
            for (long[] row : last) java.util.Arrays.fill(row, -1);
            for (long[] v : c.join()) {
                int p = (int) v[0], i = (int) v[1], prio = (int) v[2];
                assertFalse(seen[p][i], "duplicate");
                seen[p][i] = true;
                assertTrue(last[p][prio] < i, "order per producer and priority");
                last[p][prio] = i;
            }
        }
        for (boolean[] row : seen) for (boolean b : row) assertTrue(b, "lost");
        assertEquals((long) producers * each, ch.metrics().received());
    }
}
