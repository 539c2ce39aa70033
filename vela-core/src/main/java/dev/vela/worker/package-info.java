/**
 * Workers on virtual threads: {@link dev.vela.worker.Worker} (one task, one virtual thread, one
 * outcome), {@link dev.vela.worker.WorkerPool} (at most {@code n} at once, FIFO, an
 * {@link java.util.concurrent.ExecutorService}) and {@link dev.vela.worker.Scope} (structured
 * concurrency: children never outlive their scope).
 *
 * <p>Outcomes are told apart by exception type: {@link dev.vela.worker.WorkerFailedException}
 * (the task threw; cause = its exception), {@link dev.vela.worker.WorkerTimeoutException} (missed
 * deadline), {@link dev.vela.worker.WorkerCancelledException} (cancelled), and the checked
 * {@link java.util.concurrent.TimeoutException} from {@code join(Duration)} (the caller stopped
 * waiting; the worker runs on). See {@code docs/workers.md}.
 */
package dev.vela.worker;
