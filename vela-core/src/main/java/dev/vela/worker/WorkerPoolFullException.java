package dev.vela.worker;

import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown by a {@link WorkerPool} whose queue is full when a task is submitted, if the pool's policy
 * is {@link WorkerPool.WhenFull#REJECT}, or if it is {@link WorkerPool.WhenFull#BLOCK} and the pool
 * stayed full for the pool's {@link WorkerPoolBuilder#maxWait(java.time.Duration) maxWait}.
 *
 * <p>The task was not accepted: it is not queued, will not run, and the pool holds no reference to
 * it. The message names the worker, the pool and what was full, e.g. {@code worker 'fetch-7'
 * rejected: pool 'fetchers' is full (4 running, 1000 queued of 1000; whenFull=REJECT)}.
 *
 * <p>It extends {@link RejectedExecutionException}, so code written against
 * {@link java.util.concurrent.ExecutorService} keeps working; a pool that refuses work because it is
 * shut down throws a plain {@link RejectedExecutionException}, so the two are told apart by type.
 */
public final class WorkerPoolFullException extends RejectedExecutionException {
    /** The name of the worker that was refused. */
    private final String workerName;
    /** The name of the pool that refused it. */
    private final String poolName;
    /** The pool's queue capacity. */
    private final int queueCapacity;

    WorkerPoolFullException(String workerName, String poolName, int queueCapacity, String message) {
        super(message);
        this.workerName = workerName;
        this.poolName = poolName;
        this.queueCapacity = queueCapacity;
    }

    /**
     * Returns the name of the worker that was refused.
     *
     * @return the worker's name, never null
     */
    public String workerName() {
        return workerName;
    }

    /**
     * Returns the name of the pool that refused the worker.
     *
     * @return the pool's name, never null
     */
    public String poolName() {
        return poolName;
    }

    /**
     * Returns the queue capacity of the pool that refused the worker.
     *
     * @return the bound that was reached
     */
    public int queueCapacity() {
        return queueCapacity;
    }
}
