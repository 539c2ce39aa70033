package dev.vela.worker;

/**
 * Context that lives in thread-local state — an SLF4J {@code MDC} map, a tracing span made current
 * with a {@code ThreadLocal}, a security principal — and that Vela should carry from the code that
 * spawns or sends to the thread that runs the work, as it carries
 * {@linkplain WorkContext#propagate(ScopedValue) registered scoped values}. Register one with
 * {@link WorkContext#register(ContextCarrier)}.
 *
 * <pre>{@code
 * final class MdcCarrier implements ContextCarrier {
 *     public Object capture() {                        // on the spawning / telling thread
 *         return MDC.getCopyOfContextMap();            // may be null: "no MDC"
 *     }
 *     public Restorer attach(Object captured) {        // on the thread that runs the work, before it
 *         Map<String, String> previous = MDC.getCopyOfContextMap();
 *         set(captured);
 *         return () -> set(previous);                  // after the work: what the thread had before
 *     }
 *     private static void set(Object map) {
 *         if (map == null) MDC.clear(); else MDC.setContextMap((Map<String, String>) map);
 *     }
 * }
 * try (var reg = WorkContext.register(new MdcCarrier())) { ... }
 * }</pre>
 *
 * <p><b>Contract.</b> {@link #capture()} runs on the thread that spawns, forks, submits or tells, inside
 * that call, once per unit of work (a worker, a pool task, an actor message); it must be cheap and must
 * not block, and what it returns must not change afterwards (copy mutable state: the work may run
 * later, on another thread, while the caller goes on changing its own). What it throws propagates to
 * that caller, and nothing is started or sent. {@link #attach(Object)} runs on the thread that runs the
 * work, just before the work, always with what {@code capture} returned — also {@code null}, so that
 * the carrier can clear state the target thread may have — and the returned {@link Restorer} is closed
 * on the same thread just after the work, however it ended. If {@code attach} throws, the work does not
 * run and fails with that exception (carriers attached before it are restored first). Carriers are
 * attached in registration order and restored in the reverse order; registered scoped values are bound
 * innermost, after every carrier is attached.
 *
 * <p>Implementations must be thread-safe: one carrier serves every thread at once.
 */
public interface ContextCarrier {

    /**
     * Takes what the calling thread has now, to be carried to the work it starts or sends.
     *
     * @return an immutable capture of the context, or {@code null} for "none" (it is still passed to
     *         {@link #attach(Object)})
     */
    Object capture();

    /**
     * Makes {@code captured} current on the calling thread (the one about to run the work) and returns
     * what undoes that.
     *
     * @param captured what {@link #capture()} returned on the spawning or sending thread (may be null)
     * @return closed on this thread right after the work, to restore what this thread had before;
     *         {@code null} means there is nothing to restore
     */
    Restorer attach(Object captured);

    /**
     * Undoes one {@link ContextCarrier#attach(Object)}: puts back what the thread had before it. Closed
     * exactly once, on the thread that attached, after the work; {@link #close()} throws no checked
     * exception, so it reads well in try-with-resources. An exception it throws is attached as
     * suppressed to the work's own exception, or, if the work succeeded, thrown in its place (as
     * try-with-resources does).
     */
    @FunctionalInterface
    interface Restorer extends AutoCloseable {
        /** Restores the thread's previous context. */
        @Override
        void close();
    }
}
