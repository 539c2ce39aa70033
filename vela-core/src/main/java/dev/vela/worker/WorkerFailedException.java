package dev.vela.worker;

/**
 * Thrown by {@link Worker#join()} (and {@link Scope#join()}) when a worker's task threw.
 *
 * <p>The {@linkplain #getCause() cause} is the task's own exception, with its type and message
 * intact; the message names the worker, for example
 * {@code worker 'fetch-user' failed: java.io.IOException: connection reset}. The exception is
 * created by the joining thread, so its stack trace shows where the result was awaited while the
 * cause's stack trace shows where the task failed.
 *
 * <p>A missed deadline is also a failure ({@link java.util.concurrent.Future.State#FAILED}); it is
 * reported by the subclass {@link WorkerTimeoutException}, so {@code catch (WorkerFailedException e)}
 * sees both while {@code catch (WorkerTimeoutException e)} placed first tells them apart.
 */
public sealed class WorkerFailedException extends RuntimeException permits WorkerTimeoutException {
    /** The name of the worker (or scope) this exception is about. */
    private final String workerName;

    WorkerFailedException(String workerName, String message, Throwable cause) {
        super(message, cause);
        this.workerName = workerName;
    }

    /**
     * Returns the name of the worker (or scope) that failed.
     *
     * @return the worker's name, never null
     */
    public String workerName() {
        return workerName;
    }
}
