package dev.vela.worker;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicInteger;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Validate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lincheck 3.7 model checking of {@link Semaphore}'s non-blocking operations ({@code tryAcquire},
 * {@code release}) against a sequential specification ({@link Model}: a count of available
 * permits bounded by {@code permits}); an over-release is compared as the value {@code "ISE"}.
 * {@link Semaphore#availablePermits()} is documented as approximate while operations run, so it is
 * not an operation here: a {@link Validate} function checks, after each scenario, that it is exact
 * once quiescent (it equals the number of permits {@code tryAcquire} can then take) and that no
 * more than {@code permits} exist.
 *
 * <p>Negative control: the same operations over {@link RacySemaphore}, a counter whose acquire
 * and release check then act without a CAS (so two acquirers can share one permit, and a release
 * can pass the bound), must fail, proving the setup can see a violation.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public class SemaphoreLincheckTest {

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

    /** The operations under test, over whatever {@link #create()} makes. */
    public abstract static class Ops {
        /** The operations both the real semaphore and the planted bug offer. */
        interface Sem {
            boolean tryAcquire();

            void release();

            int availablePermits();

            int permits();
        }

        private final Sem sem = create();

        abstract Sem create();

        @Operation
        public boolean tryAcquire() {
            return sem.tryAcquire();
        }

        @Operation
        public Object release() {
            try {
                sem.release();
                return "OK";
            } catch (IllegalStateException e) {
                return "ISE";
            }
        }

        /** Quiescent: availablePermits is exact, in [0, permits], and that many permits can be taken. */
        @Validate
        public void availablePermitsIsExactWhenQuiet() {
            int a = sem.availablePermits();
            if (a < 0 || a > sem.permits()) {
                throw new IllegalStateException("availablePermits " + a + " outside [0, " + sem.permits() + "]");
            }
            int taken = 0;
            while (taken <= sem.permits() && sem.tryAcquire()) {
                taken++;
            }
            if (taken != a) {
                throw new IllegalStateException("availablePermits said " + a + " but " + taken + " could be taken");
            }
            for (int i = 0; i < taken; i++) {
                sem.release();
            }
        }

        static Sem of(Semaphore s) {
            return new Sem() {
                @Override public boolean tryAcquire() { return s.tryAcquire(); }
                @Override public void release() { s.release(); }
                @Override public int availablePermits() { return s.availablePermits(); }
                @Override public int permits() { return s.permits(); }
            };
        }
    }

    /** Starts with one permit held, so that both a release and an over-release are reachable. */
    static Ops.Sem oneHeld(Ops.Sem s) {
        if (!s.tryAcquire()) {
            throw new AssertionError("fresh semaphore without a permit");
        }
        return s;
    }

    public static class Real1 extends Ops {
        @Override Sem create() { return oneHeld(of(Semaphore.create(1))); }
    }

    public static class Real2 extends Ops {
        @Override Sem create() { return oneHeld(of(Semaphore.create(2))); }
    }

    public static class Racy2 extends Ops {
        @Override Sem create() { return oneHeld(new RacySemaphore(2)); }
    }

    /** The sequential specification: {@code available} permits of {@code permits}; one held at the start. */
    public abstract static class Model {
        final int permits;
        int available;

        Model(int permits) {
            this.permits = permits;
            this.available = permits - 1;
        }

        public boolean tryAcquire() {
            if (available == 0) {
                return false;
            }
            available--;
            return true;
        }

        public Object release() {
            if (available == permits) {
                return "ISE";
            }
            available++;
            return "OK";
        }
    }

    public static class Model1 extends Model {
        public Model1() { super(1); }
    }

    public static class Model2 extends Model {
        public Model2() { super(2); }
    }

    /**
     * The planted bug: a counter semaphore whose operations read, check, then write back (no CAS),
     * so two acquirers can both take the last permit and a release can pass the bound.
     */
    static final class RacySemaphore implements Ops.Sem {
        private final int permits;
        private final AtomicInteger available;

        RacySemaphore(int permits) {
            this.permits = permits;
            this.available = new AtomicInteger(permits);
        }

        @Override
        public boolean tryAcquire() {
            int a = available.get();
            if (a == 0) {
                return false;
            }
            available.set(a - 1);    // planted: not a CAS
            return true;
        }

        @Override
        public void release() {
            int a = available.get();
            if (a == permits) {
                throw new IllegalStateException("released more permits than were acquired");
            }
            available.set(a + 1);    // planted: not a CAS
        }

        @Override
        public int availablePermits() {
            return available.get();
        }

        @Override
        public int permits() {
            return permits;
        }
    }

    @Test
    void oneTokenIsLinearizable() {
        options(Model1.class).check(Real1.class);
    }

    @Test
    void twoTokensAreLinearizable() {
        options(Model2.class).check(Real2.class);
    }

    @Test
    void negativeControlFails() {
        assertThrows(AssertionError.class,
                () -> options(Model2.class).minimizeFailedScenario(false).check(Racy2.class));
    }
}
