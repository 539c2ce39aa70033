/**
 * Workers on virtual threads: {@link dev.vela.worker.Worker} (one task, one virtual thread, one
 * outcome), {@link dev.vela.worker.WorkerPool} (at most {@code n} at once, FIFO, an
 * {@link java.util.concurrent.ExecutorService}), {@link dev.vela.worker.Scope} (structured
 * concurrency: children never outlive their scope) and {@link dev.vela.worker.WorkerSet} (outcomes
 * taken in completion order; closing it cancels the rest).
 *
 * <p>Outcomes are told apart by exception type: {@link dev.vela.worker.WorkerFailedException}
 * (the task threw; cause = its exception), {@link dev.vela.worker.WorkerTimeoutException} (missed
 * deadline), {@link dev.vela.worker.WorkerCancelledException} (cancelled), and the checked
 * {@link java.util.concurrent.TimeoutException} from {@code join(Duration)} (the caller stopped
 * waiting; the worker runs on). See {@code docs/workers.md}.
 *
 * <p>Limits: {@link dev.vela.worker.Semaphore} (at most {@code n} holders) and
 * {@link dev.vela.worker.RateLimiter} (at most {@code n} permits per period, with bursts), both with
 * blocking, timed, async and select-clause acquires; {@link dev.vela.worker.Retry} with
 * {@link dev.vela.worker.Backoff} for work that may fail.
 *
 * <p>{@link dev.vela.worker.WorkContext} carries registered {@link java.lang.ScopedValue} bindings and
 * {@link dev.vela.worker.ContextCarrier} contexts (an MDC, a tracing span) from the code that spawns,
 * submits or tells to the thread that runs the work.
 */
package dev.vela.worker;
