package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.PriorityQueue;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck model checking of the new flavours' non-blocking operations against a sequential
 * specification per policy (the same harness as {@link ChannelLincheckTest}): DROP_NEWEST and
 * DROP_OLDEST at capacities 1 and 2, and the priority channel with random priorities against a
 * priority queue ordered by (priority, arrival). Negative controls: the naive DROP_OLDEST that
 * receives one value to make room and then sends (a receiver can see the buffer shrink: the reason
 * for the add-then-trim algorithm of ADR 0021), and a priority channel that ignores priorities.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class OverflowLincheckTest {

    /** The harness of ChannelLincheckTest with fewer iterations (seven checks share the default build's budget). */
    static org.jetbrains.lincheck.datastructures.ModelCheckingOptions opts(Class<?> spec) {
        return ChannelLincheckTest.options(spec).iterations(15);
    }

    static org.jetbrains.lincheck.datastructures.ModelCheckingOptions negOpts(Class<?> spec) {
        return opts(spec).minimizeFailedScenario(false);
    }

    // ---------------------------------------------------------------- overflow policies

    public static class DropNewest1 extends ChannelLincheckTest.Ops {
        @Override ChannelOps create() { return ChannelOps.of(Channel.bounded(1, Overflow.DROP_NEWEST)); }
    }

    public static class DropOldest1 extends ChannelLincheckTest.Ops {
        @Override ChannelOps create() { return ChannelOps.of(Channel.conflated()); }
    }

    public static class DropOldest2 extends ChannelLincheckTest.Ops {
        @Override ChannelOps create() { return ChannelOps.of(Channel.bounded(2, Overflow.DROP_OLDEST)); }
    }

    /** Planted: drop-oldest as "receive one, then send" on a SUSPEND ring (not atomic). */
    public static class NaiveDropOldest1 extends ChannelLincheckTest.Ops {
        @Override ChannelOps create() {
            Channel<Integer> ring = Channel.bounded(1);
            ChannelOps plain = ChannelOps.of(ring);
            return new ChannelOps() {
                @Override public boolean trySend(int v) {
                    while (!plain.trySend(v)) plain.tryReceive();
                    return true;
                }
                @Override public Integer tryReceive() { return plain.tryReceive(); }
                @Override public void send(int v) { trySend(v); }
                @Override public int receive() throws InterruptedException { return plain.receive(); }
                @Override public void close() { plain.close(); }
                @Override public void fail(Throwable cause) { plain.fail(cause); }
                @Override public boolean isEmpty() { return plain.isEmpty(); }
            };
        }
    }

    /** Sequential specification of a dropping bounded buffer: the plain model, with a send that never fails for room. */
    public abstract static class DropModel extends ChannelLincheckTest.Model {
        private final boolean oldest;

        DropModel(int capacity, boolean oldest) {
            super(capacity);
            this.oldest = oldest;
        }

        @Override
        public Object trySend(int v) {
            if (closed) return "CLOSED";
            if (buffer.size() >= capacity) {
                if (!oldest) return true;                       // DROP_NEWEST: accepted and discarded
                buffer.poll();                                  // DROP_OLDEST: the oldest makes room
            }
            buffer.add(v);
            return true;
        }
    }

    public static class DropNewestModel1 extends DropModel {
        public DropNewestModel1() { super(1, false); }
    }

    public static class DropOldestModel1 extends DropModel {
        public DropOldestModel1() { super(1, true); }
    }

    public static class DropOldestModel2 extends DropModel {
        public DropOldestModel2() { super(2, true); }
    }

    @Test
    void dropNewest1IsLinearizable() {
        opts(DropNewestModel1.class).check(DropNewest1.class);
    }

    @Test
    void conflatedIsLinearizable() {
        opts(DropOldestModel1.class).check(DropOldest1.class);
    }

    @Test
    void dropOldest2IsLinearizable() {
        opts(DropOldestModel2.class).check(DropOldest2.class);
    }

    @Test
    void naiveDropOldestNegativeControlFails() {
        assertThrows(AssertionError.class,
                () -> negOpts(DropOldestModel1.class).check(NaiveDropOldest1.class));
    }

    // ---------------------------------------------------------------- priority

    /** The operations on a priority channel of capacity 2; values 1..4, priorities 0..2. */
    @Param(name = "value", gen = IntGen.class, conf = "1:4")
    @Param(name = "priority", gen = IntGen.class, conf = "0:2")
    public abstract static class PriorityOps {
        final PriorityChannel<Integer> ch = Channel.priority(2);

        abstract boolean send(int v, int p);

        @Operation
        public Object trySend(@Param(name = "value") int v, @Param(name = "priority") int p) {
            try {
                return send(v, p);
            } catch (ChannelClosedException e) {
                return "CLOSED";
            }
        }

        @Operation
        public Object tryReceive() {
            try {
                Integer v = ch.receiver().tryReceive();
                return v == null ? null : v;
            } catch (ChannelClosedException e) {
                return "CLOSED";
            }
        }

        @Operation
        public void close() {
            ch.close();
        }

        @Operation
        public boolean isEmpty() {
            return ch.receiver().isEmpty();
        }
    }

    public static class Priority2 extends PriorityOps {
        @Override boolean send(int v, int p) { return ch.sender().trySend(v, p); }
    }

    /** Planted: ignores the priority (FIFO). */
    public static class PriorityIgnored extends PriorityOps {
        @Override boolean send(int v, int p) { return ch.sender().trySend(v); }
    }

    /** Sequential specification: highest priority first, FIFO among equals, capacity 2. */
    public static class PriorityModel {
        private long seq;
        private final PriorityQueue<long[]> heap = new PriorityQueue<>((a, b) ->
                a[0] != b[0] ? Long.compare(b[0], a[0]) : Long.compare(a[1], b[1]));
        private boolean closed;

        public Object trySend(int v, int p) {
            if (closed) return "CLOSED";
            if (heap.size() >= 2) return false;
            heap.add(new long[] {p, seq++, v});
            return true;
        }

        public Object tryReceive() {
            long[] e = heap.poll();
            if (e != null) return (int) e[2];
            return closed ? "CLOSED" : null;
        }

        public void close() {
            closed = true;
        }

        public boolean isEmpty() {
            return heap.isEmpty();
        }
    }

    @Test
    void priorityIsLinearizable() {
        opts(PriorityModel.class).check(Priority2.class);
    }

    @Test
    void priorityNegativeControlFails() {
        assertThrows(AssertionError.class,
                () -> negOpts(PriorityModel.class).check(PriorityIgnored.class));
    }
}
