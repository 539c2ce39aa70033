package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vela.channel.internal.BoundedChannel;
import dev.vela.channel.internal.UnboundedChannel;
import java.util.ArrayDeque;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck 3.7 model checking of the non-blocking operations ({@code trySend}, {@code tryReceive},
 * {@code close}, {@code fail}, {@code isEmpty}) of each buffered flavour against a sequential
 * specification ({@link Model}: an ArrayDeque with a closed flag). Results are compared as values:
 * {@code true/false}, the received value or {@code null}, and {@code "CLOSED"} /
 * {@code "CLOSED:boom"} where the real call throws {@link ChannelClosedException}.
 *
 * <p>Every check has a negative control: the same scenario class over {@link PlantedBugChannel} must
 * fail, proving the setup can see a linearizability violation (reference verification-tools.md §1).
 * Rendezvous is checked with blocking scenarios in {@link ChannelBlockingLincheckTest}: its
 * non-blocking operations alone never transfer a value.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class ChannelLincheckTest {

    static final String CAUSE_MESSAGE = "boom";
    static final Throwable CAUSE = new IllegalStateException(CAUSE_MESSAGE);

    static ModelCheckingOptions options(Class<?> spec) {
        return new ModelCheckingOptions()
                .iterations(30)
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(2)
                .actorsAfter(2)
                .sequentialSpecification(spec);
    }

    /** Negative controls only need to fail: skip the (slow) minimisation of the failing scenario. */
    static ModelCheckingOptions negativeOptions(Class<?> spec) {
        return options(spec).minimizeFailedScenario(false);
    }

    // ---------------------------------------------------------------- operations under test

    /** The operations Lincheck calls concurrently; subclasses choose the channel. */
    @Param(name = "value", gen = IntGen.class, conf = "1:9")
    public abstract static class Ops {
        private final ChannelOps ch = create();

        abstract ChannelOps create();

        @Operation
        public Object trySend(@Param(name = "value") int v) {
            try {
                return ch.trySend(v);
            } catch (ChannelClosedException e) {
                return "CLOSED";
            }
        }

        @Operation
        public Object tryReceive() {
            try {
                return ch.tryReceive();
            } catch (ChannelClosedException e) {
                return e.getCause() == null ? "CLOSED" : "CLOSED:" + e.getCause().getMessage();
            }
        }

        @Operation
        public void close() {
            ch.close();
        }

        @Operation
        public void fail() {
            ch.fail(CAUSE);
        }

        @Operation
        public boolean isEmpty() {
            return ch.isEmpty();
        }
    }

    public static class Bounded1 extends Ops {
        @Override ChannelOps create() { return ChannelOps.of(new BoundedChannel<>(1)); }
    }

    public static class Bounded2 extends Ops {
        @Override ChannelOps create() { return ChannelOps.of(new BoundedChannel<>(2)); }
    }

    public static class UnboundedBlock2 extends Ops {
        @Override ChannelOps create() { return ChannelOps.of(new UnboundedChannel<>(2)); }
    }

    public static class Bounded1CheckThenAct extends Ops {
        @Override ChannelOps create() { return new PlantedBugChannel(1, PlantedBugChannel.Bug.CHECK_THEN_ACT); }
    }

    public static class Bounded2CheckThenAct extends Ops {
        @Override ChannelOps create() { return new PlantedBugChannel(2, PlantedBugChannel.Bug.CHECK_THEN_ACT); }
    }

    /** An "unbounded" buffer that cannot refuse in these short scenarios, whose receive is a check-then-act. */
    public static class UnboundedCheckThenAct extends Ops {
        @Override ChannelOps create() { return new RacyUnboundedChannel(); }
    }

    // ---------------------------------------------------------------- sequential specification

    /** The sequential specification: a FIFO buffer of {@code capacity} values with a closed flag and cause. */
    public abstract static class Model {
        final int capacity;
        final ArrayDeque<Integer> buffer = new ArrayDeque<>();
        boolean closed;
        private String cause;

        Model(int capacity) {
            this.capacity = capacity;
        }

        public Object trySend(int v) {
            if (closed) return "CLOSED";
            if (buffer.size() >= capacity) return false;
            buffer.add(v);
            return true;
        }

        public Object tryReceive() {
            Integer v = buffer.poll();
            if (v != null) return v;
            if (!closed) return null;
            return cause == null ? "CLOSED" : "CLOSED:" + cause;
        }

        public void close() {
            closed = true;
        }

        public void fail() {
            if (!closed) {
                closed = true;
                cause = CAUSE_MESSAGE;
            }
        }

        public boolean isEmpty() {
            return buffer.isEmpty();
        }
    }

    public static class Model1 extends Model {
        public Model1() { super(1); }
    }

    public static class Model2 extends Model {
        public Model2() { super(2); }
    }

    public static class ModelUnbounded extends Model {
        public ModelUnbounded() { super(Integer.MAX_VALUE); }
    }

    // ---------------------------------------------------------------- checks and negative controls

    @Test
    void bounded1IsLinearizable() {
        options(Model1.class).check(Bounded1.class);
    }

    @Test
    void bounded1NegativeControlFails() {
        assertThrows(AssertionError.class, () -> negativeOptions(Model1.class).check(Bounded1CheckThenAct.class));
    }

    @Test
    void bounded2IsLinearizable() {
        options(Model2.class).check(Bounded2.class);
    }

    @Test
    void bounded2NegativeControlFails() {
        assertThrows(AssertionError.class, () -> negativeOptions(Model2.class).check(Bounded2CheckThenAct.class));
    }

    @Test
    void unboundedBlock2IsLinearizable() {
        options(ModelUnbounded.class).check(UnboundedBlock2.class);
    }

    @Test
    void unboundedNegativeControlFails() {
        assertThrows(AssertionError.class, () -> negativeOptions(ModelUnbounded.class).check(UnboundedCheckThenAct.class));
    }

    /**
     * The planted unbounded bug: an array queue whose receive reads the head index, then writes it back
     * incremented (no CAS), so two receivers can take the same value.
     */
    static final class RacyUnboundedChannel implements ChannelOps {
        private final java.util.concurrent.atomic.AtomicReferenceArray<Integer> items =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(64);
        private final java.util.concurrent.atomic.AtomicInteger tail = new java.util.concurrent.atomic.AtomicInteger();
        private volatile int head;
        private volatile boolean closed;
        private volatile Throwable cause;

        @Override
        public synchronized boolean trySend(int v) {
            if (closed) throw new ChannelClosedException("closed", cause);
            items.set(tail.getAndIncrement(), v);
            return true;
        }

        @Override
        public Integer tryReceive() {
            int h = head;
            if (h >= tail.get()) {
                if (closed && h >= tail.get()) throw new ChannelClosedException("closed", cause);
                return null;
            }
            Integer v = items.get(h);
            head = h + 1; // planted: not a CAS
            return v;
        }

        @Override public void send(int v) { trySend(v); }
        @Override public int receive() { throw new UnsupportedOperationException(); }
        @Override public synchronized void close() { closed = true; }

        @Override
        public synchronized void fail(Throwable failure) {
            if (!closed) {
                cause = failure;
                closed = true;
            }
        }

        @Override public boolean isEmpty() { return head >= tail.get(); }
    }
}
