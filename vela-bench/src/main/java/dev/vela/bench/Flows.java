package dev.vela.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The message flows the channel benchmarks time, written once over {@link Pipe}.
 *
 * <p>Every flow is measured end to end: the timed call returns only after the consumer(s) took
 * every message, and the consumer's checksum is compared with what the producers sent, so a lost,
 * duplicated or not-yet-delivered message fails the benchmark instead of flattering it. Producers,
 * relays and consumers are virtual threads started by the flow; the JMH thread only waits. Values
 * are the JDK's cached boxed Integers (0..127), so no implementation pays for allocating them.
 */
final class Flows {
    /** A flow that has not finished after this long is reported as hung, not waited for forever. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    private Flows() {}

    static Integer value(int i) { return i & 127; }

    /** Sum of value(0..n-1). */
    static long expectedSum(int n) {
        long full = n / 128, rest = n % 128;
        return full * (127 * 128 / 2) + rest * (rest - 1) / 2;
    }

    /** {@code producers} virtual threads each send {@code messages / producers} values; one consumer takes them all. */
    static long mpsc(Pipe pipe, int producers, int messages) throws InterruptedException {
        int each = messages / producers;
        long[] sum = new long[1];
        List<Task> tasks = new ArrayList<>(producers + 1);
        Pipe.Take rx = pipe.receiver();
        tasks.add(() -> sum[0] = consume(rx, each * producers));
        for (int p = 0; p < producers; p++) tasks.add(() -> produce(pipe, each));
        runAll(tasks);
        return check(sum[0], expectedSum(each) * producers);
    }

    /** producer → pipes[0] → relay → pipes[1] → … → pipes[n-1] → consumer. */
    static long chain(Pipe[] pipes, int messages) throws InterruptedException {
        long[] sum = new long[1];
        List<Task> tasks = new ArrayList<>(pipes.length + 1);
        Pipe.Take last = pipes[pipes.length - 1].receiver();
        tasks.add(() -> sum[0] = consume(last, messages));
        for (int i = 1; i < pipes.length; i++) {
            Pipe.Take from = pipes[i - 1].receiver();
            Pipe to = pipes[i];
            tasks.add(() -> {
                try (Pipe.Put tx = to.sender()) {
                    for (int k = 0; k < messages; k++) tx.put(from.take());
                }
            });
        }
        tasks.add(() -> produce(pipes[0], messages));
        runAll(tasks);
        return check(sum[0], expectedSum(messages));
    }

    /** Independent pairs: pipe i has one producer and one consumer moving {@code each} messages. */
    static long pairs(Pipe[] pipes, int each) throws InterruptedException {
        long[] sums = new long[pipes.length];
        List<Task> tasks = new ArrayList<>(2 * pipes.length);
        for (int i = 0; i < pipes.length; i++) {
            int idx = i;
            Pipe.Take rx = pipes[i].receiver();
            tasks.add(() -> sums[idx] = consume(rx, each));
            tasks.add(() -> produce(pipes[idx], each));
        }
        runAll(tasks);
        long total = 0;
        for (long s : sums) total += s;
        return check(total, expectedSum(each) * pipes.length);
    }

    /**
     * One producer per channel of {@code sel} sends {@code messages / channels} values into its own
     * channel; one consumer takes them all, each with one {@link SelectBench.Selector#select()}.
     * Nothing is closed: the consumer stops when it has counted every message.
     */
    static long select(SelectBench.Selector sel, int messages) throws InterruptedException {
        int n = sel.channels(), each = messages / n;
        long[] sum = new long[1];
        List<Task> tasks = new ArrayList<>(n + 1);
        tasks.add(() -> {
            long s = 0;
            for (int i = 0, total = each * n; i < total; i++) s += sel.select();
            sum[0] = s;
        });
        for (int c = 0; c < n; c++) {
            Pipe.Put tx = sel.sender(c);
            tasks.add(() -> {
                for (int i = 0; i < each; i++) tx.put(value(i));
            });
        }
        runAll(tasks);
        return check(sum[0], expectedSum(each) * n);
    }

    private static void produce(Pipe pipe, int n) throws InterruptedException {
        try (Pipe.Put tx = pipe.sender()) {
            for (int i = 0; i < n; i++) tx.put(value(i));
        }
    }

    private static long consume(Pipe.Take rx, int n) throws InterruptedException {
        long sum = 0;
        for (int i = 0; i < n; i++) sum += rx.take();
        return sum;
    }

    static long check(long got, long expected) {
        if (got != expected) throw new IllegalStateException("checksum " + got + " != expected " + expected
                + ": messages lost, duplicated or corrupted");
        return got;
    }

    /** A unit of work for one virtual thread. */
    interface Task {
        void run() throws Exception;
    }

    /**
     * Runs each task in its own virtual thread and waits for all of them. The first failure is
     * rethrown; a run that outlives {@link #DEADLINE} interrupts its threads and fails as hung.
     */
    static void runAll(List<Task> tasks) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] threads = new Thread[tasks.size()];
        for (int i = 0; i < threads.length; i++) {
            Task t = tasks.get(i);
            threads[i] = Thread.ofVirtual().start(() -> {
                try {
                    t.run();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            });
        }
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        for (Thread t : threads) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                for (Thread x : threads) x.interrupt();
                throw new IllegalStateException("flow did not finish within " + DEADLINE.toSeconds()
                        + " s (hung?); first failure: " + failure.get(), failure.get());
            }
        }
        Throwable e = failure.get();
        if (e != null) throw new IllegalStateException("a flow thread failed: " + e, e);
    }

}
