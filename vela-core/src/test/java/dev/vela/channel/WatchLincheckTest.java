package dev.vela.channel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck 3.7 model checking of {@link Watch} and one {@link WatchReceiver} shared by every thread
 * ({@code send}, {@code sendIfChanged}, {@code update}, {@code close}, {@code value}, and the
 * subscriber's {@code value}, {@code hasChanged} and {@code changed(Duration.ZERO)}) against a
 * sequential specification ({@link Model}: a value, a version, the subscriber's seen version, a closed
 * flag). Results are compared as values, with {@code "CLOSED"} where the real call throws
 * {@link ChannelClosedException}. Blocking waits are covered by {@link WatchContractTest} and
 * {@link WatchStressTest}: they wait on an ordinary rendezvous channel, checked by its own suites.
 *
 * <p>Negative control: the same scenarios over {@link PlantedBugWatch} (version and value in two
 * fields, the version written first) must fail, proving the setup can see the violation.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class WatchLincheckTest {

    static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .iterations(30)
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(2)
                .actorsAfter(2)
                .sequentialSpecification(Model.class);
    }

    /** What the scenarios call: the real watch or the planted bug. */
    interface WatchOps {
        void send(int v);

        boolean sendIfChanged(int v);

        int update();

        void close();

        int value();

        int rxValue();

        boolean rxHasChanged();

        Integer rxChangedNow();
    }

    /** The operations Lincheck calls concurrently; subclasses choose the implementation. */
    @Param(name = "value", gen = IntGen.class, conf = "1:3")
    public abstract static class Ops {
        private final WatchOps w = create();

        abstract WatchOps create();

        @Operation
        public Object send(@Param(name = "value") int v) {
            try {
                w.send(v);
                return "OK";
            } catch (ChannelClosedException e) {
                return "CLOSED";
            }
        }

        @Operation
        public Object sendIfChanged(@Param(name = "value") int v) {
            try {
                return w.sendIfChanged(v);
            } catch (ChannelClosedException e) {
                return "CLOSED";
            }
        }

        @Operation
        public Object update() {
            try {
                return w.update();
            } catch (ChannelClosedException e) {
                return "CLOSED";
            }
        }

        @Operation
        public void close() {
            w.close();
        }

        @Operation
        public int value() {
            return w.value();
        }

        @Operation
        public int rxValue() {
            return w.rxValue();
        }

        @Operation
        public boolean rxHasChanged() {
            return w.rxHasChanged();
        }

        @Operation
        public Object rxChangedNow() {
            try {
                return w.rxChangedNow();
            } catch (ChannelClosedException e) {
                return "CLOSED";
            }
        }
    }

    /** The real watch, with one subscriber made at the start. */
    public static class Real extends Ops {
        @Override
        WatchOps create() {
            Watch<Integer> w = Watch.create(0);
            WatchReceiver<Integer> rx = w.subscribe();
            return new WatchOps() {
                @Override public void send(int v) { w.send(v); }
                @Override public boolean sendIfChanged(int v) { return w.sendIfChanged(v); }
                @Override public int update() { return w.update(x -> x + 1); }
                @Override public void close() { w.close(); }
                @Override public int value() { return w.value(); }
                @Override public int rxValue() { return rx.value(); }
                @Override public boolean rxHasChanged() { return rx.hasChanged(); }

                @Override
                public Integer rxChangedNow() {
                    try {
                        return rx.changed(Duration.ZERO);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
            };
        }
    }

    public static class Planted extends Ops {
        @Override
        WatchOps create() {
            return new PlantedBugWatch();
        }
    }

    /**
     * The sequential specification: a value with a version, the subscriber's seen version, a closed flag.
     */
    public static class Model {
        private int value;
        private long version;
        private long seen;
        private boolean closed;

        public Object send(int v) {
            if (closed) return "CLOSED";
            value = v;
            version++;
            return "OK";
        }

        public Object sendIfChanged(int v) {
            if (closed) return "CLOSED";
            if (value == v) return false;
            value = v;
            version++;
            return true;
        }

        public Object update() {
            if (closed) return "CLOSED";
            value++;
            version++;
            return value;
        }

        public void close() {
            closed = true;
        }

        public int value() {
            return value;
        }

        public int rxValue() {
            seen = version;
            return value;
        }

        public boolean rxHasChanged() {
            return version > seen;
        }

        public Object rxChangedNow() {
            if (version > seen) {
                seen = version;
                return value;
            }
            return closed ? "CLOSED" : null;
        }
    }

    /**
     * A broken watch for the negative control: the version and the value are two fields and a send
     * writes the version first, so a subscriber can mark the new version seen while reading the old
     * value (and then never see the new one). Two racing sends can also lose a version.
     */
    static final class PlantedBugWatch implements WatchOps {
        private volatile int value;
        private volatile long version;
        private volatile boolean closed;
        private final AtomicLong seen = new AtomicLong();

        @Override
        public void send(int v) {
            if (closed) throw new ChannelClosedException("planted-bug watch closed", null);
            version = version + 1;      // planted: published before the value, and not a CAS
            value = v;
        }

        @Override
        public boolean sendIfChanged(int v) {
            if (closed) throw new ChannelClosedException("planted-bug watch closed", null);
            if (value == v) return false;
            send(v);
            return true;
        }

        @Override
        public int update() {
            int v = value + 1;
            send(v);
            return v;
        }

        @Override public void close() { closed = true; }
        @Override public int value() { return value; }

        @Override
        public int rxValue() {
            seen.accumulateAndGet(version, Math::max);
            return value;
        }

        @Override
        public boolean rxHasChanged() {
            return version > seen.get();
        }

        @Override
        public Integer rxChangedNow() {
            for (;;) {
                long cur = seen.get();
                long ver = version;
                if (ver <= cur) {
                    if (closed) throw new ChannelClosedException("planted-bug watch closed", null);
                    return null;
                }
                if (seen.compareAndSet(cur, ver)) return value;
            }
        }
    }

    @Test
    void watchIsLinearizable() {
        options().check(Real.class);
    }

    @Test
    void negativeControlFails() {
        AssertionError e = assertThrows(AssertionError.class,
                () -> options().minimizeFailedScenario(false).check(Planted.class));
        assertTrue(String.valueOf(e.getMessage()).contains("Invalid execution results"),
                "the control must fail for a wrong result, not for the setup: " + e.getMessage());
    }
}
