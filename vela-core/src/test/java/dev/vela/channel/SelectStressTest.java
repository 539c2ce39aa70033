package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Counted stress of select: virtual-thread consumers select over all shared channels (a mix of
 * flavours, {@code onReceiveOrClosed}); virtual-thread producers send {@code (producer, seq)} by
 * {@code send}, by a select of {@code onSend} clauses over several channels, or by {@code sendAsync}
 * (some with {@code orTimeout}); a platform interrupter interrupts random participants; every channel
 * is closed midway. Checks per producer: the acknowledged set equals the received set (0 lost,
 * 0 phantom) and nothing is received twice.
 */
class SelectStressTest {

    private static final Flavor[] MIX = {Flavor.RENDEZVOUS, Flavor.BOUNDED_1, Flavor.BOUNDED_16, Flavor.UNBOUNDED_BLOCK_2};

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void quick() throws Exception {
        for (int round = 0; round < 3; round++) run(6, 6, Duration.ofMillis(1_500));
    }

    @Test
    @Tag("stress")
    @Timeout(value = 30, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void large() throws Exception {
        for (int round = 0; round < 40; round++) run(32, 32, Duration.ofSeconds(10));
    }

    static void run(int producers, int consumers, Duration runFor) throws Exception {
        List<Channel<Long>> chs = new ArrayList<>();
        for (Flavor f : MIX) chs.add(f.create());
        BitSet[] acked = new BitSet[producers];
        BitSet[] received = new BitSet[producers];
        for (int p = 0; p < producers; p++) {
            acked[p] = new BitSet();
            received[p] = new BitSet();
        }
        AtomicLong duplicates = new AtomicLong();
        AtomicLong interruptsSeen = new AtomicLong();
        List<Thread> all = new ArrayList<>();

        for (int c = 0; c < consumers; c++) {
            all.add(Thread.ofVirtual().name("consumer-" + c).unstarted(() -> {
                boolean[] closed = new boolean[chs.size()];
                int open = chs.size();
                while (open > 0) {
                    List<SelectClause<Long>> cs = new ArrayList<>();
                    for (int i = 0; i < chs.size(); i++) {
                        cs.add(chs.get(i).receiver().onReceiveOrClosed(v -> v, () -> -1L).when(!closed[i]));
                    }
                    // which closed? a closed clause returns -1; find out by probing after
                    long v;
                    try {
                        v = Select.select(cs);
                    } catch (InterruptedException e) {
                        interruptsSeen.incrementAndGet();
                        continue;
                    }
                    if (v >= 0) {
                        int p = (int) (v >>> 32), seq = (int) v;
                        synchronized (received[p]) {
                            if (received[p].get(seq)) duplicates.incrementAndGet();
                            received[p].set(seq);
                        }
                    } else {
                        for (int i = 0; i < chs.size(); i++) {
                            if (!closed[i] && chs.get(i).isClosed() && chs.get(i).receiver().isEmpty()) {
                                closed[i] = true;
                                open--;
                            }
                        }
                    }
                }
            }));
        }
        for (int p = 0; p < producers; p++) {
            int pid = p;
            all.add(Thread.ofVirtual().name("producer-" + p).unstarted(() -> {
                ThreadLocalRandom rnd = ThreadLocalRandom.current();
                List<CompletableFuture<Void>> pending = new ArrayList<>();
                List<Integer> pendingSeq = new ArrayList<>();
                for (int seq = 0; ; seq++) {
                    long v = ((long) pid << 32) | seq;
                    int kind = rnd.nextInt(3);
                    try {
                        if (kind == 0) {
                            chs.get(rnd.nextInt(chs.size())).sender().send(v);
                            set(acked[pid], seq);
                        } else if (kind == 1) {
                            int a = rnd.nextInt(chs.size()), b = rnd.nextInt(chs.size());
                            Select.select(chs.get(a).sender().onSend(v, () -> 0), chs.get(b).sender().onSend(v, () -> 1));
                            set(acked[pid], seq);
                        } else {
                            CompletableFuture<Void> fu = chs.get(rnd.nextInt(chs.size())).sender().sendAsync(v);
                            if (rnd.nextBoolean()) fu.orTimeout(rnd.nextInt(1, 3), TimeUnit.MILLISECONDS);
                            pending.add(fu);
                            pendingSeq.add(seq);
                            if (pending.size() > 8) settle(pending, pendingSeq, acked[pid]);
                        }
                    } catch (InterruptedException e) {
                        // not sent
                    } catch (ChannelClosedException e) {
                        break;
                    }
                }
                Thread.interrupted();
                settle(pending, pendingSeq, acked[pid]);
            }));
        }
        for (Thread t : all) t.start();
        AtomicBoolean stop = new AtomicBoolean();
        Thread interrupter = Thread.ofPlatform().name("interrupter").start(() -> {
            ThreadLocalRandom rnd = ThreadLocalRandom.current();
            while (!stop.get()) {
                all.get(rnd.nextInt(all.size())).interrupt();
                try {
                    Thread.sleep(0, 200_000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        Thread.sleep(runFor.toMillis());
        for (Channel<Long> ch : chs) ch.close();
        for (Thread t : all) {
            if (!t.join(Duration.ofSeconds(20))) {
                stop.set(true);
                throw new AssertionError(t + " did not finish; channels " + chs);
            }
        }
        stop.set(true);
        interrupter.join();
        assertEquals(0, duplicates.get(), "duplicated messages");
        long total = 0;
        for (int p = 0; p < producers; p++) {
            BitSet lost = (BitSet) acked[p].clone();
            lost.andNot(received[p]);
            BitSet phantom = (BitSet) received[p].clone();
            phantom.andNot(acked[p]);
            assertTrue(lost.isEmpty(), "producer " + p + " lost " + lost.cardinality() + ": " + lost);
            assertTrue(phantom.isEmpty(), "producer " + p + " unacknowledged but received " + phantom.cardinality() + ": " + phantom);
            total += acked[p].cardinality();
        }
        assertTrue(total > 1_000, "too little traffic to mean anything: " + total);
        assertTrue(interruptsSeen.get() > 0, "no interrupted select was exercised");
        for (Channel<Long> ch : chs) SelectContractTest.assertNoWaiters(ch);
    }

    private static void set(BitSet b, int seq) {
        synchronized (b) {
            b.set(seq);
        }
    }

    /** Waits for pending async sends: normal completion = acknowledged; exceptional (closed, timeout, withdrawn) = not sent. */
    private static void settle(List<CompletableFuture<Void>> pending, List<Integer> seqs, BitSet acked) {
        for (int i = 0; i < pending.size(); i++) {
            try {
                pending.get(i).get(20, TimeUnit.SECONDS);
                set(acked, seqs.get(i));
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                // withdrawn or closed: not sent
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("sendAsync never settled", e);
            } catch (InterruptedException e) {
                i--;                                         // retry the wait; the interrupt was for a select
            }
        }
        pending.clear();
        seqs.clear();
    }
}
