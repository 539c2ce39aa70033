package dev.vela.channel;

import static dev.vela.channel.TestThreads.assertClosedAndDrained;
import static dev.vela.channel.TestThreads.receiveNow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.TestThreads.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The channel contract, part 3: the prototype's worker/channel integration scenarios (reference §3.9
 * and §3.10, including the two it skipped), with a virtual thread standing for a worker (this suite
 * must not depend on {@code dev.vela.worker}). Exact values replace the prototype's sums where
 * possible; timing claims are replaced by deterministic observations (how many sends completed
 * before a receiver existed). Runs against every {@link Flavor}.
 */
class ChannelIntegrationContractTest extends ChannelTestBase {

    // ---------------------------------------------------------------- §3.9

    /** §3.9 #1: a worker sends, the main thread receives. */
    @AllFlavors
    void workerSendsToChannel(Flavor flavor) throws Exception {
        Channel<String> ch = flavor.create();
        Task<String> worker = threads.start("worker", () -> {
            ch.sender().send("from worker");
            return "done";
        });
        assertEquals("from worker", receiveNow(ch.receiver()));
        assertEquals("done", worker.join());
    }

    /** §3.9 #2: the main thread sends 21, the worker receives it and returns 42. */
    @AllFlavors
    void workerReceivesFromChannel(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Task<Integer> worker = threads.start("worker", () -> ch.receiver().receive() * 2);
        ch.sender().send(21);
        assertEquals(42, worker.join());
    }

    /** §3.9 #3: three workers: 1..5, doubled, summed: exactly 30, and the doubled stream is [2,4,6,8,10]. */
    @AllFlavors
    void threeWorkerPipeline(Flavor flavor) throws Exception {
        Channel<Integer> a = flavor.create();
        Channel<Integer> b = flavor.create();
        threads.run("stage-1", () -> {
            try (Sender<Integer> tx = a.sender()) {
                for (int i = 1; i <= 5; i++) tx.send(i);
            }
        });
        threads.run("stage-2", () -> {
            try (Sender<Integer> tx = b.sender()) {
                for (int v : a.receiver()) tx.send(v * 2);
            }
        });
        Task<List<Integer>> stage3 = threads.start("stage-3", () -> b.receiver().stream().toList());
        List<Integer> doubled = stage3.join();
        assertEquals(List.of(2, 4, 6, 8, 10), doubled);
        assertEquals(30, doubled.stream().mapToInt(Integer::intValue).sum());
    }

    /** §3.9 #4 (skipped in the prototype): tasks on a 2-thread pool send through clones; the channel closes after the last. */
    @AllFlavors
    void poolTasksSendThroughClones(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Task<List<Integer>> collector = threads.start("collector", () -> ch.receiver().stream().toList());
        try (ExecutorService pool = Executors.newFixedThreadPool(2, Thread.ofVirtual().factory())) {
            List<Future<Integer>> futures = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int id = i;
                Sender<Integer> tx = ch.sender().clone();
                futures.add(pool.submit(() -> {
                    try (tx) {
                        tx.send(id);
                        return id;
                    }
                }));
            }
            ch.sender().close();
            for (int i = 0; i < 8; i++) assertEquals(i, futures.get(i).get(10, TimeUnit.SECONDS));
        }
        List<Integer> got = new ArrayList<>(collector.join());
        Collections.sort(got);
        assertEquals(range(0, 8), got);
    }

    /** §3.9 #5: a worker sends, then fails; its message is received and its exception keeps type and message. */
    @AllFlavors
    void workerErrorAfterSend(Flavor flavor) throws Exception {
        Channel<String> ch = flavor.create();
        Task<Void> worker = threads.run("worker", () -> {
            ch.sender().send("before error");
            throw new IllegalArgumentException("Worker error");
        });
        assertEquals("before error", receiveNow(ch.receiver()));
        Throwable e = worker.failure();
        assertInstanceOf(IllegalArgumentException.class, e);
        assertEquals("Worker error", e.getMessage());
        assertNull(ch.receiver().tryReceive());
    }

    // ---------------------------------------------------------------- §3.10

    /** §3.10 #1: SPSC 0..99 then close; the consumer iterates: exactly 0..99, sum 4950. */
    @AllFlavors
    void singleProducerSingleConsumer(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        threads.run("producer", () -> {
            try (Sender<Integer> tx = ch.sender()) {
                for (int i = 0; i < 100; i++) tx.send(i);
            }
        });
        Task<List<Integer>> consumer = threads.start("consumer", () -> {
            List<Integer> got = new ArrayList<>();
            for (int v : ch.receiver()) got.add(v);
            return got;
        });
        List<Integer> got = consumer.join();
        assertEquals(range(0, 100), got);
        assertEquals(4950, got.stream().mapToInt(Integer::intValue).sum());
    }

    /** §3.10 #3: 1..50 squared through three stages and summed: 42925, each stage in order. */
    @AllFlavors
    void threeStagePipelineOfSquares(Flavor flavor) throws Exception {
        Channel<Integer> numbers = flavor.create();
        Channel<Integer> squares = flavor.create();
        threads.run("numbers", () -> {
            try (Sender<Integer> tx = numbers.sender()) {
                for (int i = 1; i <= 50; i++) tx.send(i);
            }
        });
        threads.run("squares", () -> {
            try (Sender<Integer> tx = squares.sender()) {
                for (int v : numbers.receiver()) tx.send(v * v);
            }
        });
        List<Integer> got = threads.start("sum", () -> squares.receiver().stream().toList()).join();
        assertEquals(IntStream.rangeClosed(1, 50).map(i -> i * i).boxed().toList(), got);
        assertEquals(42925, got.stream().mapToInt(Integer::intValue).sum());
    }

    /**
     * §3.10 #4: distributor 0..9 then close; 3 workers poll with tryReceive until it throws
     * ChannelClosedException (no check-then-act on isClosed, W12), each sending v*10 on its own clone;
     * the collector gets exactly [0, 10, ..., 90].
     */
    @AllFlavors
    void fanOutFanIn(Flavor flavor) throws Exception {
        Channel<Integer> work = flavor.create();
        Channel<Integer> results = flavor.create();
        threads.run("distributor", () -> {
            try (Sender<Integer> tx = work.sender()) {
                for (int i = 0; i < 10; i++) tx.send(i);
            }
        });
        List<Task<Integer>> workers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            Sender<Integer> out = results.sender().clone();
            workers.add(threads.start("worker-" + w, () -> {
                int handled = 0;
                try (out) {
                    while (true) {
                        Integer v;
                        try {
                            v = work.receiver().tryReceive();
                        } catch (ChannelClosedException closed) {
                            return handled;
                        }
                        if (v == null) {
                            Thread.sleep(1);
                            continue;
                        }
                        out.send(v * 10);
                        handled++;
                    }
                }
            }));
        }
        results.sender().close();
        List<Integer> got = new ArrayList<>(threads.start("collector", () -> results.receiver().stream().toList()).join());
        Collections.sort(got);
        assertEquals(IntStream.range(0, 10).map(i -> i * 10).boxed().toList(), got);
        assertEquals(10, workers.stream().mapToInt(Task::join).sum(), "every item handled once");
    }

    /**
     * §3.10 #5: backpressure. With no consumer yet, the producer's trySend is first refused exactly at
     * index {@code capacity} (never for capacity ≥ 20); it then blocks in send until the slow consumer
     * takes values. Result is exactly 0..19.
     */
    @AllFlavors
    void boundedChannelAppliesBackpressure(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        CountDownLatch consumerMayStart = new CountDownLatch(1);
        AtomicInteger firstRefusal = new AtomicInteger(-1);
        Task<Void> producer = threads.run("producer", () -> {
            try (Sender<Integer> tx = ch.sender()) {
                for (int i = 0; i < 20; i++) {
                    if (!tx.trySend(i)) {
                        firstRefusal.compareAndSet(-1, i);
                        consumerMayStart.countDown();
                        tx.send(i);
                    }
                }
            }
            consumerMayStart.countDown();
        });
        Task<List<Integer>> consumer = threads.start("consumer", () -> {
            consumerMayStart.await();
            List<Integer> got = new ArrayList<>();
            for (int v : ch.receiver()) {
                Thread.sleep(1);
                got.add(v);
            }
            return got;
        });
        assertEquals(range(0, 20), consumer.join());
        producer.join();
        assertEquals(flavor.capacity < 20 ? flavor.capacity : -1, firstRefusal.get(), "index of the first refused trySend");
    }

    /**
     * §3.10 #6: 1000 sends while no consumer runs. They all complete at once on a channel with room for
     * 1000 (unbounded, bounded 1024); otherwise exactly {@code capacity} complete and the producer parks.
     * Then the consumer counts exactly 1000, in order.
     */
    @AllFlavors
    void sendsCompleteWithoutConsumerUpToCapacity(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        AtomicInteger sent = new AtomicInteger();
        Task<Void> producer = threads.run("producer", () -> {
            try (Sender<Integer> tx = ch.sender()) {
                for (int i = 0; i < 1000; i++) {
                    tx.send(i);
                    sent.incrementAndGet();
                }
            }
        });
        if (flavor.capacity >= 1000) {
            producer.join();
        } else {
            producer.awaitParked();
        }
        assertEquals(flavor.fits(1000), sent.get());
        List<Integer> got = threads.start("consumer", () -> ch.receiver().stream().toList()).join();
        assertEquals(range(0, 1000), got);
        producer.join();
    }

    /** §3.10 #7: a failing producer does not close its sender; the main thread does, and the consumer gets exactly [1, 2]. */
    @AllFlavors
    void failingProducerLeavesTheChannelOpenUntilClosed(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Task<List<Integer>> consumer = threads.start("consumer", () -> ch.receiver().stream().toList());
        Task<Void> producer = threads.run("producer", () -> {
            ch.sender().send(1);
            ch.sender().send(2);
            throw new IllegalStateException("Producer error");
        });
        assertEquals("Producer error", producer.failsWith(IllegalStateException.class).getMessage());
        assertTrue(!ch.isClosed(), "a failing producer does not close the channel by itself");
        ch.sender().close();
        assertEquals(List.of(1, 2), consumer.join());
    }

    /** The W12 fix of §3.10 #7: a producer that reports its failure with fail(e) ends the consumer with e as cause. */
    @AllFlavors
    void producerFailurePropagatesThroughFail(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        Task<List<Integer>> consumer = threads.start("consumer", () -> {
            List<Integer> got = new ArrayList<>();
            ChannelClosedException e = assertThrows(ChannelClosedException.class, () -> {
                for (int v : ch.receiver()) got.add(v);
            });
            assertEquals("Producer error", e.getCause().getMessage());
            return got;
        });
        threads.run("producer", () -> {
            try {
                ch.sender().send(1);
                ch.sender().send(2);
                throw new IllegalStateException("Producer error");
            } catch (IllegalStateException e) {
                ch.sender().fail(e);
            }
        }).join();
        assertEquals(List.of(1, 2), consumer.join());
    }

    /** §3.10 #8: the producer blocks after filling the channel; rx.close() makes it fail after exactly capacity sends. */
    @AllFlavors
    void channelClosedDuringSend(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        AtomicInteger sent = new AtomicInteger();
        Task<String> producer = threads.start("producer", () -> {
            try {
                for (int i = 0; i < 10; i++) {
                    ch.sender().send(i);
                    sent.incrementAndGet();
                }
                return "done";
            } catch (ChannelClosedException e) {
                return "closed";
            }
        });
        if (flavor.capacity >= 10) producer.join();
        else producer.awaitParked();
        ch.receiver().close();
        assertEquals(flavor.capacity >= 10 ? "done" : "closed", producer.join());
        assertEquals(flavor.fits(10), sent.get());
        assertEquals(range(0, flavor.fits(10)), ch.receiver().stream().toList(), "what was sent is still drained");
        assertClosedAndDrained(ch.receiver(), null);
    }

    /** §3.10 #9: 50 workers x 10 messages through clones; the collector (started last) sees 50 ids x 10, each in order. */
    @AllFlavors
    void manyConcurrentWorkers(Flavor flavor) throws Exception {
        Channel<long[]> ch = flavor.create();
        for (int w = 0; w < 50; w++) {
            int id = w;
            Sender<long[]> tx = ch.sender().clone();
            threads.run("worker-" + w, () -> {
                try (tx) {
                    for (int i = 0; i < 10; i++) tx.send(new long[] {id, i});
                }
            });
        }
        ch.sender().close();
        Map<Long, List<Long>> seen = threads.start("collector", () -> {
            Map<Long, List<Long>> m = new TreeMap<>();
            for (long[] msg : ch.receiver()) m.computeIfAbsent(msg[0], k -> new ArrayList<>()).add(msg[1]);
            return m;
        }).join();
        assertEquals(50, seen.size());
        List<Long> expected = List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        seen.forEach((id, seqs) -> assertEquals(expected, seqs, "worker " + id));
    }

    /** §3.10 #10: 100,000 messages SPSC: exact order, and more than 10,000 messages/s end to end. */
    @AllFlavors
    void highThroughput(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        int n = 100_000;
        long t0 = System.nanoTime();
        threads.run("producer", () -> {
            try (Sender<Integer> tx = ch.sender()) {
                for (int i = 0; i < n; i++) tx.send(i);
            }
        });
        long[] stats = threads.start("consumer", () -> {
            long count = 0, expected = 0, outOfOrder = 0;
            for (int v : ch.receiver()) {
                if (v != expected) outOfOrder++;
                expected = v + 1;
                count++;
            }
            return new long[] {count, outOfOrder};
        }).join();
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(n, stats[0]);
        assertEquals(0, stats[1], "out-of-order deliveries");
        assertTrue(n / seconds > 10_000, "throughput " + (long) (n / seconds) + " msg/s");
        assertTrue(Duration.ofNanos(System.nanoTime() - t0).toSeconds() < 30);
    }

    /** Unused-result guard for the pool test: a failed future surfaces as ExecutionException, never silently. */
    @AllFlavors
    void poolTaskFailureIsVisible(Flavor flavor) throws Exception {
        Channel<Integer> ch = flavor.create();
        ch.receiver().close();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> f = pool.submit(() -> {
                ch.sender().send(1);
                return null;
            });
            ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ChannelClosedException.class, e.getCause());
            assertSame(null, e.getCause().getCause());
        }
    }
}
