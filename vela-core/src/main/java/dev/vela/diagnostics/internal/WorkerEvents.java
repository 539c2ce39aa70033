package dev.vela.diagnostics.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * Java Flight Recorder event of a worker that failed: its task threw, or it missed its deadline
 * (docs/adr/0024-observability-metrics-jfr-deadlocks.md). Emitted once, by the thread that decided
 * the outcome, after the outcome is published; cancellation is not a failure and emits nothing.
 */
@Name("dev.vela.WorkerFailed")
@Label("Worker Failed")
@Category({"Vela", "Workers"})
@Description("A Vela worker's task threw, or the worker missed its deadline")
public final class WorkerEvents extends Event {
    @Label("Worker")
    String worker;
    @Label("Exception Class")
    String exceptionClass;
    @Label("Exception Message")
    String exceptionMessage;
    @Label("Deadline Missed")
    boolean deadlineMissed;

    public static void failed(String worker, Throwable t, boolean deadlineMissed) {
        WorkerEvents e = new WorkerEvents();
        if (e.shouldCommit()) {
            e.worker = worker;
            e.exceptionClass = t == null ? null : t.getClass().getName();
            e.exceptionMessage = t == null ? null : t.getMessage();
            e.deadlineMissed = deadlineMissed;
            e.commit();
        }
    }
}
