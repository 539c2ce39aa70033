package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many senders increment one watch ({@code update(v -> v + 1)}, so value == version) while subscribers
 * wait for changes in every way there is — blocking, timed, async, select — some of them interrupted
 * at random. Counted: each subscriber sees strictly increasing versions, the value it is handed is the
 * one of the version it marked seen, every subscriber observes the final value before the close ends
 * it, and nothing hangs.
 */
class WatchStressTest {

    /** How a subscriber waits. */
    enum Mode { BLOCKING, TIMED, ASYNC, SELECT, INTERRUPTED }

    private static final AtomicLong INTERRUPTS = new AtomicLong();

    private final TestThreads threads = new TestThreads();

    @AfterEach
    void stopThreads() throws InterruptedException {
        threads.close();
    }

    /** Quick size: 4 rounds of 4 senders × 100,000 increments, one subscriber per mode; a few seconds. */
    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void quickStress() throws Exception {
        long seen = 0;
        for (int round = 0; round < 4; round++) seen += run(4, 100_000, 1);
        System.out.println("WatchStressTest.quickStress: changes seen " + seen + ", interrupts " + INTERRUPTS.get());
        assertTrue(seen > 1_000, "the subscribers must see real traffic, saw " + seen);
    }

    /** Large size: 100 rounds of 8 senders × 100,000 increments (8·10⁷ in all), three subscribers per mode; about 10 s on 2 cores. */
    @Test
    @Tag("stress")
    @Timeout(value = 30, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void largeStress() throws Exception {
        for (int round = 0; round < 100; round++) run(8, 100_000, 3);
    }

    /** One round; returns the number of changes the subscribers saw in total. */
    private long run(int senders, int increments, int perMode) throws Exception {
        Watch<Long> w = Watch.create(0L);
        long last = (long) senders * increments;
        List<Task<Long>> subscribers = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        for (Mode mode : Mode.values()) {
            for (int i = 0; i < perMode; i++) {
                WatchReceiver<Long> rx = w.subscribe();
                subscribers.add(threads.start(mode + "-" + i, () -> consume(rx, mode, last)));
            }
        }
        List<Task<Void>> producers = new ArrayList<>();
        for (int p = 0; p < senders; p++) {
            producers.add(threads.run("sender-" + p, () -> {
                for (int k = 0; k < increments; k++) {
                    w.update(v -> v + 1);
                    if ((k & 63) == 0) Thread.yield();
                }
            }));
        }
        Task<Void> interrupter = threads.run("interrupter", () -> {
            while (!stop.get()) {
                for (Task<Long> t : subscribers) {
                    if (t.thread().getName().startsWith("INTERRUPTED") && ThreadLocalRandom.current().nextInt(4) == 0) {
                        t.thread().interrupt();
                        INTERRUPTS.incrementAndGet();
                    }
                }
                Thread.sleep(1);
            }
        });
        for (Task<Void> p : producers) p.join();
        assertEquals(last, w.value());
        assertEquals(last, w.version());
        w.close();
        long changes = 0;
        try {
            for (Task<Long> t : subscribers) changes += t.join();
        } finally {
            stop.set(true);
            interrupter.join();
        }
        assertEquals(0, ((dev.vela.channel.internal.WatchChannel<?>) w).waiterCount());
        return changes;
    }

    /**
     * Waits for changes until the close; checks the versions and the final value; returns how many
     * changes it saw.
     */
    private static long consume(WatchReceiver<Long> rx, Mode mode, long last) throws Exception {
        long prev = rx.seenVersion();
        long count = 0;
        long finalSeen = -1;
        while (true) {
            Long v;
            try {
                v = switch (mode) {
                    case BLOCKING -> rx.changed();
                    case TIMED -> rx.changed(Duration.ofNanos(ThreadLocalRandom.current().nextLong(200_000)));
                    case ASYNC -> {
                        CompletableFuture<Long> f = rx.changedAsync();
                        if (ThreadLocalRandom.current().nextInt(8) == 0 && f.cancel(false)) yield null;
                        try {
                            yield f.get(10, TimeUnit.SECONDS);
                        } catch (ExecutionException e) {
                            if (e.getCause() instanceof ChannelClosedException c) throw c;
                            throw e;
                        }
                    }
                    case SELECT -> Select.select(rx.onChanged(x -> x),
                            Select.onTimeout(Duration.ofMillis(1), () -> null));
                    case INTERRUPTED -> rx.changed();
                };
            } catch (ChannelClosedException closed) {
                break;
            } catch (InterruptedException interrupted) {
                assertEquals(prev, rx.seenVersion(), "an interrupted wait marked a version seen");
                continue;
            }
            if (v == null) {
                assertEquals(prev, rx.seenVersion(), "a wait that gave up marked a version seen");
                continue;
            }
            long version = rx.seenVersion();
            assertEquals(version, v.longValue(), mode + ": the value handed over is the version marked seen");
            assertTrue(version > prev, mode + ": versions must strictly increase, " + prev + " then " + version);
            prev = version;
            finalSeen = v;
            count++;
        }
        Thread.interrupted();                                   // a late interrupt from the interrupter
        assertEquals(last, finalSeen, mode + ": the final value must be observed before the close");
        return count;
    }
}
