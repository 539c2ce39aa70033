package dev.vela.worker;

import java.util.concurrent.TimeoutException;

/**
 * Thrown by {@link Worker#join()} when the worker missed its deadline, and by {@link Scope#join()}
 * when the scope missed its deadline.
 *
 * <p>The worker was interrupted at the deadline and completed at that moment as
 * {@link java.util.concurrent.Future.State#FAILED}; whatever its task returns later is discarded.
 * The {@linkplain #getCause() cause} is a {@link TimeoutException} whose message names the worker
 * and the deadline, e.g. {@code worker 'slow' missed its deadline of 100 ms}.
 *
 * <p>Not to be confused with the checked {@link TimeoutException} thrown by
 * {@link Worker#join(java.time.Duration)}: that one means the <em>caller</em> stopped waiting, and
 * the worker keeps running.
 */
public final class WorkerTimeoutException extends WorkerFailedException {
    WorkerTimeoutException(String workerName, TimeoutException cause) {
        super(workerName, cause.getMessage(), cause);
    }

    /**
     * Returns the {@link TimeoutException} recorded when the deadline passed.
     *
     * @return the cause, never null
     */
    @Override
    public TimeoutException getCause() {
        return (TimeoutException) super.getCause();
    }
}
