package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;

/**
 * Stress tests that count every message (DESIGN.md §6.3). Producers send {@code (producer, seq)}
 * pairs (one fresh seq per attempt) with a random mix of {@code send}, timed {@code send},
 * {@code trySend} and, on buffered channels, timed {@code reserve} followed by {@code Permit.send} or
 * {@code Permit.close}; consumers use {@code receive}, timed {@code receive} and {@code tryReceive} (in the batch runs also
 * {@code receiveMany}, timed {@code receiveMany} and {@code tryReceiveMany} with a random {@code max},
 * docs/adr/0039-receive-many.md); an
 * interrupter interrupts random producers and consumers; a closer closes the channel in the middle
 * (by {@link Channel#close()}, {@link Receiver#close()} or {@link Sender#fail}) or the last sender
 * closes it at the end. Then:
 * <ul>
 *   <li>every send that returned normally (or {@code true}) was received exactly once: 0 lost;</li>
 *   <li>no send that returned {@code false}, threw InterruptedException or ChannelClosedException was
 *       received, and nothing was received twice: 0 phantom, 0 duplicated;</li>
 *   <li>each consumer saw each producer's values in increasing seq order (with one consumer that is
 *       the whole per-producer FIFO order);</li>
 *   <li>every consumer ended with ChannelClosedException carrying exactly the close's cause.</li>
 * </ul>
 * Runs for every flavour: a quick size in every build, ≥ 10⁸ messages in all under {@code -Pstress}.
 */
class ChannelStressTest {

    private static final int SEQ_BITS = 40;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;

    /** Where the channel gets closed. */
    enum Closer { CHANNEL_CLOSE_MIDWAY, RECEIVER_CLOSE_MIDWAY, FAIL_MIDWAY, LAST_SENDER_AT_END }

    record Config(int producers, int consumers, int attemptsPerProducer, Closer closer, boolean interrupts, long seed,
                  Duration patience, boolean batch) {
        Config(int producers, int consumers, int attemptsPerProducer, Closer closer, boolean interrupts, long seed,
               Duration patience) {
            this(producers, consumers, attemptsPerProducer, closer, interrupts, seed, patience, false);
        }
    }

    record Outcome(long acked, long received, long notSent, long interrupts, long interruptedCalls) {}

    /** Quick size: 6 rounds of 600,000 attempts, about 0.5-5 s per flavour on 2 cores (≈ 15 s for all). */
    @AllFlavors
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void quickStress(Flavor flavor) throws Exception {
        long seed = System.nanoTime();
        Closer[] closers = Closer.values();
        long acked = 0, interruptedCalls = 0, interrupts = 0;
        for (int round = 0; round < 6; round++) {
            int consumers = round % 2 == 0 ? 1 : 3;
            Config c = new Config(4, consumers, 150_000, closers[round % closers.length], true, seed + round,
                    Duration.ofSeconds(50));
            Outcome o = run(flavor, c);
            acked += o.acked;
            interruptedCalls += o.interruptedCalls;
            interrupts += o.interrupts;
        }
        assertTrue(acked > 100_000, "the quick stress must move real traffic, moved " + acked);
        assertTrue(interrupts > 0, "the interrupter must have interrupted someone");
        // On an unbounded flavour only a consumer on an empty channel blocks; with four fast producers that
        // can be rare enough that no interrupt lands on a blocked call in a quick run (seen once on a busy
        // machine, PRIORITY_UNBOUNDED). Where sends block too, six rounds always hit some.
        if (flavor.isFinite()) assertTrue(interruptedCalls > 0, "some blocking calls must have been interrupted");
    }

    /** Large size: ≥ 1.5·10⁷ acknowledged messages per flavour, ≥ 10⁸ over the seven flavours. */
    @AllFlavors
    @Tag("stress")
    @Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void largeStress(Flavor flavor) throws Exception {
        long target = 15_000_000;
        long acked = 0;
        long seed = System.nanoTime();
        Closer[] closers = Closer.values();
        for (int round = 0; acked < target; round++) {
            int consumers = round % 3 == 0 ? 1 : 4;
            Config c = new Config(8, consumers, 1_000_000, closers[round % closers.length], round % 4 != 3, seed + round,
                    Duration.ofMinutes(10));
            acked += run(flavor, c).acked;
        }
        assertTrue(acked >= target);
    }

    /**
     * Batch receive, quick size: consumers mix {@code receiveMany} (blocking and timed) and
     * {@code tryReceiveMany} with a random {@code max} into the single-value receives; 2 rounds of
     * 160,000 attempts per flavour, the close kinds spread over the flavours.
     */
    @AllFlavors
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void quickBatchStress(Flavor flavor) throws Exception {
        long seed = System.nanoTime();
        Closer[] closers = Closer.values();
        long acked = 0;
        for (int round = 0; round < 2; round++) {
            Config c = new Config(4, round == 0 ? 1 : 3, 40_000, closers[(flavor.ordinal() + round) % closers.length], true,
                    seed + round, Duration.ofSeconds(50), true);
            acked += run(flavor, c).acked;
        }
        assertTrue(acked > 10_000, "the quick batch stress must move real traffic, moved " + acked);
    }

    /** Batch receive, large size: ≥ 5·10⁶ acknowledged messages per flavour. */
    @AllFlavors
    @Tag("stress")
    @Timeout(value = 30, unit = java.util.concurrent.TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void largeBatchStress(Flavor flavor) throws Exception {
        long target = 5_000_000;
        long acked = 0;
        long seed = System.nanoTime();
        Closer[] closers = Closer.values();
        for (int round = 0; acked < target; round++) {
            Config c = new Config(8, round % 3 == 0 ? 1 : 4, 1_000_000, closers[round % closers.length], round % 4 != 3,
                    seed + round, Duration.ofMinutes(10), true);
            acked += run(flavor, c).acked;
        }
        assertTrue(acked >= target);
    }

    // ---------------------------------------------------------------- the run

    static Outcome run(Flavor flavor, Config cfg) throws Exception {
        String where = flavor + " " + cfg;
        Channel<Long> ch = flavor.create();
        int p = cfg.producers();
        long[][] acked = new long[p][(cfg.attemptsPerProducer() >> 6) + 1];
        AtomicLongArray[] received = new AtomicLongArray[p];
        for (int i = 0; i < p; i++) received[i] = new AtomicLongArray(acked[i].length);
        LongAdder ackedCount = new LongAdder(), receivedCount = new LongAdder(), notSent = new LongAdder();
        LongAdder duplicates = new LongAdder(), orderViolations = new LongAdder(), interruptsDone = new LongAdder();
        LongAdder interruptedCalls = new LongAdder();
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<Throwable> endCauses = new ConcurrentLinkedQueue<>();
        Throwable failure = new java.io.IOException("stress failure " + cfg.seed());
        java.util.concurrent.atomic.AtomicBoolean producersDone = new java.util.concurrent.atomic.AtomicBoolean();

        boolean permits = flavor.supportsPermits();                  // rendezvous and priority channels have no places to reserve
        List<Thread> producers = new ArrayList<>();
        for (int id = 0; id < p; id++) {
            int pid = id;
            Sender<Long> tx = ch.sender().clone();
            producers.add(Thread.ofVirtual().name("producer-" + pid).unstarted(() -> {
                SplittableRandom rnd = new SplittableRandom(cfg.seed() * 31 + pid);
                try (tx) {
                    for (long seq = 0; seq < cfg.attemptsPerProducer(); seq++) {
                        long msg = ((long) pid << SEQ_BITS) | seq;
                        boolean ok;
                        try {
                            int op = rnd.nextInt(10);
                            if (op < 6) {
                                tx.send(msg);
                                ok = true;
                            } else if (op < 8) {
                                ok = tx.send(msg, Duration.ofNanos(rnd.nextLong(1, 200_000)));
                            } else if (op == 8 && permits) {                 // ADR 0014: reserve, then send or give back
                                Permit<Long> permit = tx.reserve(Duration.ofNanos(rnd.nextLong(1, 200_000)));
                                ok = permit != null && rnd.nextInt(4) != 0;
                                if (ok) permit.send(msg); else if (permit != null) permit.close();
                            } else {
                                ok = tx.trySend(msg);
                                if (!ok) Thread.yield();
                            }
                        } catch (InterruptedException e) {
                            interruptedCalls.increment();
                            ok = false;
                        } catch (ChannelClosedException e) {
                            notSent.increment();
                            return;
                        }
                        if ((seq & 63) == 0) Thread.yield(); // virtual threads are not preempted: let others run
                        if (ok) {
                            acked[pid][(int) (seq >>> 6)] |= 1L << seq;
                            ackedCount.increment();
                        } else {
                            notSent.increment();
                        }
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            }));
        }

        List<Thread> consumers = new ArrayList<>();
        for (int id = 0; id < cfg.consumers(); id++) {
            int cid = id;
            consumers.add(Thread.ofVirtual().name("consumer-" + cid).unstarted(() -> {
                SplittableRandom rnd = new SplittableRandom(cfg.seed() * 17 + cid);
                long[] lastSeq = new long[p];
                java.util.Arrays.fill(lastSeq, -1);
                List<Long> batch = new ArrayList<>(64);
                try {
                    while (true) {
                        batch.clear();
                        try {
                            int op = rnd.nextInt(cfg.batch() ? 16 : 10);
                            Long v = null;
                            if (op < 6) v = ch.receiver().receive();
                            else if (op < 9) v = ch.receiver().receive(Duration.ofNanos(rnd.nextLong(1, 200_000)));
                            else if (op == 9) {
                                v = ch.receiver().tryReceive();
                                if (v == null) Thread.yield();
                            } else if (op < 13) {
                                ch.receiver().receiveMany(batch, rnd.nextInt(1, 65));
                            } else if (op < 15) {
                                ch.receiver().receiveMany(batch, rnd.nextInt(1, 65), Duration.ofNanos(rnd.nextLong(1, 200_000)));
                            } else if (ch.receiver().tryReceiveMany(batch, rnd.nextInt(1, 65)) == 0) {
                                Thread.yield();
                            }
                            if (v != null) batch.add(v);
                        } catch (InterruptedException e) {
                            interruptedCalls.increment();
                            continue;
                        } catch (ChannelClosedException e) {
                            endCauses.add(e.getCause() == null ? new NoCause() : e.getCause());
                            return;
                        }
                        for (Long v : batch) count(v, lastSeq, received, orderViolations, duplicates, receivedCount);
                    }
                } catch (Throwable e) {
                    unexpected.add(e);
                }
            }));
        }

        List<Thread> participants = new ArrayList<>(producers);
        participants.addAll(consumers);
        // Platform threads: they must run even while every carrier is busy with producers and consumers.
        Thread interrupter = Thread.ofPlatform().daemon().name("interrupter").unstarted(() -> {
            SplittableRandom rnd = new SplittableRandom(cfg.seed() * 7);
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(rnd.nextLong(20_000, 300_000));
                if (!cfg.interrupts()) continue;
                Thread t = participants.get(rnd.nextInt(participants.size()));
                if (t.isAlive()) {
                    t.interrupt();
                    interruptsDone.increment();
                }
            }
        });
        long expectedTotalAttempts = (long) p * cfg.attemptsPerProducer();
        Thread closer = Thread.ofPlatform().daemon().name("closer").unstarted(() -> {
            if (cfg.closer() == Closer.LAST_SENDER_AT_END) return;
            long threshold = expectedTotalAttempts / 4 + new SplittableRandom(cfg.seed()).nextLong(expectedTotalAttempts / 4 + 1);
            while (ackedCount.sum() + notSent.sum() < threshold && !producersDone.get()) LockSupport.parkNanos(200_000);
            switch (cfg.closer()) {
                case CHANNEL_CLOSE_MIDWAY -> ch.close();
                case RECEIVER_CLOSE_MIDWAY -> ch.receiver().close();
                case FAIL_MIDWAY -> ch.sender().fail(failure);
                case LAST_SENDER_AT_END -> { }
            }
        });

        participants.forEach(Thread::start);
        interrupter.start();
        closer.start();
        Duration patience = cfg.patience();
        try {
            for (Thread t : producers) joinOrFail(t, patience, where);
            producersDone.set(true);
            joinOrFail(closer, patience, where);
            ch.sender().close(); // release the original handle: the channel closes now if it was not yet
            for (Thread t : consumers) joinOrFail(t, patience, where);
        } finally {
            interrupter.interrupt();
            if (participants.stream().anyMatch(Thread::isAlive)) { // a failed join: stop everything
                ch.close();
                participants.forEach(Thread::interrupt);
            }
        }
        joinOrFail(interrupter, patience, where);

        if (!unexpected.isEmpty()) {
            AssertionError e = new AssertionError(where + ": unexpected exceptions, first: " + unexpected.peek(), unexpected.peek());
            throw e;
        }
        assertEquals(0, duplicates.sum(), where + ": duplicated messages");
        assertEquals(0, orderViolations.sum(), where + ": per-producer order violations at a consumer");
        long lost = 0, phantom = 0;
        for (int pid = 0; pid < p; pid++) {
            for (int w = 0; w < acked[pid].length; w++) {
                long a = acked[pid][w], r = received[pid].get(w);
                lost += Long.bitCount(a & ~r);
                phantom += Long.bitCount(r & ~a);
            }
        }
        assertEquals(0, lost, where + ": acknowledged sends never received");
        assertEquals(0, phantom, where + ": received values whose send reported failure");
        assertEquals(ackedCount.sum(), receivedCount.sum(), where);
        assertEquals(cfg.consumers(), endCauses.size(), where + ": every consumer ends with ChannelClosedException");
        Throwable expectedCause = cfg.closer() == Closer.FAIL_MIDWAY ? failure : null;
        for (Throwable c : endCauses) {
            assertSame(expectedCause, c instanceof NoCause ? null : c, where + ": cause seen by a consumer");
        }
        if (cfg.closer() == Closer.LAST_SENDER_AT_END) {
            assertEquals(expectedTotalAttempts, ackedCount.sum() + notSent.sum(), where + ": without a midway close every attempt ran");
        }
        Outcome outcome = new Outcome(ackedCount.sum(), receivedCount.sum(), notSent.sum(), interruptsDone.sum(), interruptedCalls.sum());
        System.out.println(where + " -> " + outcome);
        return outcome;
    }

    /** Checks and records one received message: per-producer order at this consumer, exactly once overall. */
    private static void count(long v, long[] lastSeq, AtomicLongArray[] received, LongAdder orderViolations,
                              LongAdder duplicates, LongAdder receivedCount) {
        int pid = (int) (v >>> SEQ_BITS);
        long seq = v & SEQ_MASK;
        if (seq <= lastSeq[pid]) orderViolations.increment();
        lastSeq[pid] = seq;
        long bit = 1L << seq;
        if ((received[pid].getAndAccumulate((int) (seq >>> 6), bit, (a, b) -> a | b) & bit) != 0) duplicates.increment();
        receivedCount.increment();
    }

    /** Marker for "ended without a cause" in the concurrent queue (which rejects null). */
    private static final class NoCause extends Throwable {
        NoCause() {
            super(null, null, false, false);
        }
    }

    private static void joinOrFail(Thread t, Duration patience, String where) throws InterruptedException {
        if (!t.join(patience)) {
            throw new AssertionError(where + ": " + t.getName() + " did not finish; state " + t.getState()
                    + "\n" + stack(t));
        }
    }

    private static String stack(Thread t) {
        StringBuilder sb = new StringBuilder();
        for (StackTraceElement e : t.getStackTrace()) sb.append("    at ").append(e).append('\n');
        return sb.toString();
    }
}
