package dev.vela.worker;

import java.util.concurrent.CancellationException;

/**
 * Thrown by {@link Worker#join()}, {@link Worker#get()} and {@link Worker#resultNow()}-style calls
 * when the worker was cancelled (by {@link Worker#cancel()}, by a {@link Scope} whose sibling failed
 * or was closed, by a {@link Worker#spawnAll group} whose member failed, or by
 * {@link WorkerPool#shutdownNow()}).
 *
 * <p>It extends {@link CancellationException}, so code written against
 * {@link java.util.concurrent.Future} keeps working. The message names the worker, and the reason
 * when one is known, e.g. {@code worker 'w-3' was cancelled: pool shut down before it started}.
 */
public final class WorkerCancelledException extends CancellationException {
    /** The name of the worker (or scope) this exception is about. */
    private final String workerName;

    WorkerCancelledException(String workerName, String message) {
        super(message);
        this.workerName = workerName;
    }

    /**
     * Returns the name of the cancelled worker.
     *
     * @return the worker's name, never null
     */
    public String workerName() {
        return workerName;
    }
}
