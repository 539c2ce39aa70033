package dev.vela.worker;

/**
 * A snapshot of a {@link WorkerPool}'s counts ({@link WorkerPool#metrics()}), all read at one instant
 * under the pool's lock, so they agree with each other.
 *
 * <p>Every call to {@code spawn}, {@code submit} or {@code execute} that gets past argument checks is
 * counted exactly once, in {@code accepted} or in {@code rejected}. Every accepted task is, at any
 * instant, either finished ({@code completed}) or unfinished; {@code running + queued +
 * runningInCaller} never exceeds the unfinished ones ({@code accepted - completed}) and equals them
 * once the pool is quiescent (a task that has just returned has released its slot a moment before
 * it is counted as completed).
 *
 * @param running           tasks holding one of the pool's slots now (started on their own thread,
 *                          code not yet returned); at most {@link WorkerPool#parallelism()}
 * @param queued            accepted tasks waiting for a slot now; at most
 *                          {@link WorkerPool#queueCapacity()}
 * @param runningInCaller   tasks running now on the thread that submitted them
 *                          ({@link WorkerPool.WhenFull#CALLER_RUNS}); they hold no slot
 * @param blockedSubmitters threads waiting now in {@code spawn}/{@code submit}/{@code execute} for room
 *                          in the queue ({@link WorkerPool.WhenFull#BLOCK})
 * @param accepted          tasks accepted since the pool was created: started, queued or run in the caller
 * @param rejected          submissions refused since the pool was created, for any reason: the queue was
 *                          full ({@link WorkerPoolFullException}), the submitter was interrupted while
 *                          waiting for room, or the pool was shut down
 * @param ranInCaller       of {@code accepted}, the tasks that ran on their submitter's thread
 * @param submitsBlocked    submissions that found the queue full and waited for room, whatever came of it
 * @param completed         accepted tasks that are finished: their code returned, or they were cancelled
 *                          or handed back by {@link WorkerPool#shutdownNow()} before they started
 * @param peakQueued        the largest {@code queued} seen since the pool was created
 */
public record WorkerPoolMetrics(int running, int queued, int runningInCaller, int blockedSubmitters,
                                long accepted, long rejected, long ranInCaller, long submitsBlocked,
                                long completed, int peakQueued) {
}
