package dev.vela.channel.internal;

import java.lang.management.ManagementFactory;
import jdk.management.VirtualThreadSchedulerMXBean;

/**
 * Whether the virtual-thread scheduler has work queued, the one fact the spin policy needs before a
 * virtual thread spins on the CPU (docs/adr/0033-rendezvous-slot-and-cpu-spin.md).
 *
 * <p>A virtual thread that spins holds its carrier. That is cheap while no other virtual thread is
 * waiting for a carrier (the peer it waits for runs on another one), and harmful when one is (the
 * peer may be the one queued). {@code SynchronousQueue} asks the same question of its carrier's own
 * queue through a JDK-internal method; the public way is {@link VirtualThreadSchedulerMXBean}, whose
 * queued count scans the scheduler's queues (about 25 ns here with 2 carriers), so the spin loop asks
 * it once before spinning and every few dozen pauses while spinning.
 *
 * <p>Where the bean is not available (a custom runtime image without {@code jdk.management}, an
 * application on the module path that does not resolve it — {@code dev.vela.core} requires it
 * {@code static}, so that the core needs only {@code java.base} and {@code jdk.jfr} at run time; add
 * {@code --add-modules jdk.management} to get the spin there — or a JVM whose virtual threads are not
 * scheduled by a {@code ForkJoinPool}), {@link #idle()} says false: virtual threads then never spin on
 * the CPU, the behaviour of ADR 0007. On the class path every system module is resolved.
 */
final class CarrierLoad {
    /** The scheduler's bean, or null where it cannot answer (immutable). */
    private static final VirtualThreadSchedulerMXBean SCHEDULER = scheduler();

    private CarrierLoad() {}

    private static VirtualThreadSchedulerMXBean scheduler() {
        try {
            VirtualThreadSchedulerMXBean bean = ManagementFactory.getPlatformMXBean(VirtualThreadSchedulerMXBean.class);
            return bean != null && bean.getQueuedVirtualThreadCount() >= 0 ? bean : null;
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** True if no virtual thread is known to be queued for a carrier (a snapshot; false when unknown). */
    static boolean idle() {
        VirtualThreadSchedulerMXBean s = SCHEDULER;
        return s != null && s.getQueuedVirtualThreadCount() == 0;
    }
}
