package dev.vela.bench;

import dev.vela.channel.Channel;
import dev.vela.channel.Sender;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.function.Supplier;

/**
 * Issue 3 goal "channel memory per buffered message ≤ 8 bytes beyond the element itself": the
 * retained heap of a channel holding N buffered values, minus the same channel empty, divided by N;
 * for Vela and its peers in the same JVM, one implementation after the other.
 *
 * <p>Why the numbers are honest:
 * <ul>
 *   <li>every one of the N values is the <em>same</em> Integer, so the element itself is never counted,
 *       only what the channel spends to hold a reference to it (slot, node, segment, array growth);</li>
 *   <li>"retained heap" is read right after {@code System.gc()} (a full, compacting collection), with
 *       nothing allocated between the collection and the read (a fresh TLAB would count as used), and
 *       repeated until two reads agree; the lowest read is kept;</li>
 *   <li>the channels stay strongly reachable until after the last read ({@link Reference#reachabilityFence});</li>
 *   <li>small scenarios are measured over {@code copies} identical channels at once (about
 *       {@link #TARGET_MESSAGES} values in all), so that a few hundred bytes of measurement noise do
 *       not show up as bytes per message; the result is still divided by the number of values buffered;</li>
 *   <li>each measurement is repeated {@link #REPEATS} times and the median is reported, with the range.</li>
 * </ul>
 * A bounded channel that preallocates its buffer (Vela bounded, ArrayBlockingQueue) is expected to
 * show ~0 bytes per message: its cost is in the empty size, reported alongside (the empty size is the
 * retained heap of many empty channels ÷ their number, so it includes a preallocated ring).
 */
final class MemoryBench {
    static final int REPEATS = 5;
    /** Scenarios with fewer values are measured over several channels, up to this many values in all. */
    static final int TARGET_MESSAGES = 100_000;
    /** Empty channels allocated to measure the empty size (fewer for very large preallocated buffers). */
    static final int EMPTY_COPIES = 10_000;
    /** The one element sent N times: a constant, so it is not part of any measurement. */
    private static final Integer ELEMENT = 42;

    /** The progress-line "benchmark" that runs every scenario below. */
    static final BenchMain.Case CASE = new BenchMain.Case(MemoryBench.class, "perMessage", new java.util.LinkedHashMap<>());

    /** A channel flavour with N values to buffer; capacity {@link Pipe#UNBOUNDED} for unbounded. */
    record Scenario(String title, int capacity, int messages) {}

    /** One implementation in one scenario: medians (and ranges) over {@code repeats} runs. */
    record Row(Scenario scenario, String impl, String name, double bytesPerMessage, double minPerMessage,
               double maxPerMessage, double emptyBytes, int repeats, String error) {
        boolean ok() { return error == null; }

        /** The whole full channel ÷ N: what a preallocated buffer costs per value once it is full. */
        double fullPerMessage() { return emptyBytes / scenario.messages() + bytesPerMessage; }
    }

    /** Seconds the whole run takes on 2 cores (for the progress estimate). */
    static double estimateSeconds(BenchMain.Effort effort) {
        return switch (effort) { case TINY -> 2; case QUICK -> 8; default -> 25; };
    }

    /** Repetitions per scenario and implementation: {@link #REPEATS}, or 1 in the self-test's tiny run. */
    static int repeats(BenchMain.Effort effort) { return effort == BenchMain.Effort.TINY ? 1 : REPEATS; }

    /** How one implementation is created and filled without blocking. */
    private record Subject(String impl, String name, Supplier<Object> create, Offer offer) {}

    private interface Offer { boolean offer(Object channel, Integer value) throws InterruptedException; }

    /**
     * The three scenarios of issue 3 (the first and last are the seed's two memory rows); a quick run
     * divides N by 10 (the bounded-100 one stays 100); the self-test's tiny run keeps bounded 100 and
     * an unbounded channel with N = 10,000.
     */
    static List<Scenario> scenarios(BenchMain.Effort effort) {
        if (effort == BenchMain.Effort.TINY)
            return List.of(new Scenario("bounded, capacity 100", 100, 100), new Scenario("unbounded", Pipe.UNBOUNDED, 10_000));
        boolean quick = effort == BenchMain.Effort.QUICK;
        int big = quick ? 10_000 : 100_000, unbounded = quick ? 100_000 : 1_000_000;
        return List.of(new Scenario("bounded, capacity 100", 100, 100),
                new Scenario(String.format(java.util.Locale.ROOT, "bounded, capacity %,d", big), big, big),
                new Scenario("unbounded", Pipe.UNBOUNDED, unbounded));
    }

    private static List<Subject> subjects(int capacity) {
        List<Subject> s = new ArrayList<>();
        if (capacity == Pipe.UNBOUNDED) {
            s.add(new Subject("vela", "Vela", Channel::unbounded, MemoryBench::velaOffer));
            s.add(new Subject("jox", "Jox 1.0.1", com.softwaremill.jox.Channel::newUnlimitedChannel, MemoryBench::joxOffer));
            s.add(queue("lbq", "LinkedBlockingQueue", LinkedBlockingQueue::new));
            s.add(queue("ltq", "LinkedTransferQueue", LinkedTransferQueue::new));
            s.add(queue("clq", "ConcurrentLinkedQueue (reference)", ConcurrentLinkedQueue::new));
        } else {
            s.add(new Subject("vela", "Vela", () -> Channel.bounded(capacity), MemoryBench::velaOffer));
            s.add(new Subject("jox", "Jox 1.0.1", () -> com.softwaremill.jox.Channel.newBufferedChannel(capacity),
                    MemoryBench::joxOffer));
            s.add(queue("abq", "ArrayBlockingQueue", () -> new ArrayBlockingQueue<>(capacity)));
            s.add(queue("lbq", "LinkedBlockingQueue", () -> new LinkedBlockingQueue<>(capacity)));
        }
        return s;
    }

    private static Subject queue(String impl, String name, Supplier<Queue<Object>> create) {
        return new Subject(impl, name, create::get, (q, v) -> ((Queue<Object>) q).offer(v));
    }

    @SuppressWarnings("unchecked")
    private static boolean velaOffer(Object ch, Integer v) {
        return ((Channel<Integer>) ch).sender().trySend(v);
    }

    /** Jox 1.0.1 has no trySend; send does not block here because the buffer has room for all N. */
    @SuppressWarnings("unchecked")
    private static boolean joxOffer(Object ch, Integer v) throws InterruptedException {
        ((com.softwaremill.jox.Channel<Integer>) ch).send(v);
        return true;
    }

    /** Every scenario × implementation. */
    static List<Row> run(BenchMain.Effort effort) {
        List<Row> rows = new ArrayList<>();
        for (Scenario sc : scenarios(effort)) rows.addAll(run(sc, repeats(effort)));
        return rows;
    }

    static List<Row> run(Scenario sc, int repeats) {
        List<Row> rows = new ArrayList<>();
        for (Subject s : subjects(sc.capacity())) {
            try {
                rows.add(measure(sc, s, repeats));
            } catch (Exception | OutOfMemoryError e) {
                rows.add(new Row(sc, s.impl(), s.name(), Double.NaN, Double.NaN, Double.NaN, Double.NaN, repeats, String.valueOf(e)));
            }
        }
        return rows;
    }

    private static Row measure(Scenario sc, Subject s, int repeats) throws InterruptedException {
        int copies = Math.max(1, TARGET_MESSAGES / sc.messages());
        int emptyCopies = sc.capacity() == Pipe.UNBOUNDED ? EMPTY_COPIES
                : Math.clamp(10_000_000L / sc.capacity(), 1, EMPTY_COPIES);  // ≤ ~40 MB of preallocated rings
        double[] perMessage = new double[repeats], empty = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            // the empty size: many empty channels at once
            long base = retainedHeap();
            Object[] empties = new Object[emptyCopies];
            for (int i = 0; i < emptyCopies; i++) empties[i] = s.create().get();
            long withEmpties = retainedHeap();
            Reference.reachabilityFence(empties);
            empty[r] = (double) (withEmpties - base) / emptyCopies;
            empties = null;

            // per message: the same channels, empty then holding N values each
            Object[] channels = new Object[copies];
            for (int i = 0; i < copies; i++) channels[i] = s.create().get();
            long before = retainedHeap();
            for (Object ch : channels)
                for (int i = 0; i < sc.messages(); i++)
                    if (!s.offer().offer(ch, ELEMENT)) throw new IllegalStateException(s.impl() + " refused value " + i);
            long after = retainedHeap();
            Reference.reachabilityFence(channels);
            perMessage[r] = (double) (after - before) / ((long) copies * sc.messages());
        }
        double[] sorted = perMessage.clone();
        Arrays.sort(sorted);
        return new Row(sc, s.impl(), s.name(), median(perMessage), sorted[0], sorted[repeats - 1], median(empty), repeats, null);
    }

    /**
     * Used heap after full collections, read with nothing allocated between the collection and the
     * read; repeated (with short sleeps, for reference processing) until two reads agree, lowest kept.
     */
    static long retainedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long min = Long.MAX_VALUE, previous = -1;
        for (int i = 0; i < 12; i++) {
            System.gc();
            long used = rt.totalMemory() - rt.freeMemory();
            min = Math.min(min, used);
            if (i >= 2 && used == previous) break;
            previous = used;
            Thread.sleep(10);
        }
        return min;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
