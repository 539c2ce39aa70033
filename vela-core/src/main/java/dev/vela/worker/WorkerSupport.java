package dev.vela.worker;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/** Argument checks, default names and small adapters shared by {@link Worker}, {@link WorkerPool} and {@link Scope}. */
final class WorkerSupport {
    private WorkerSupport() {}

    /** Source of default names; incremented once per unnamed worker or group. */
    private static final AtomicLong IDS = new AtomicLong();

    static String nextName(String prefix) {
        return prefix + "-" + IDS.incrementAndGet();
    }

    static String checkName(String name) {
        if (name == null) {
            throw new NullPointerException("name must not be null");
        }
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        return name;
    }

    static <X> X checkTask(X task) {
        if (task == null) {
            throw new NullPointerException("task must not be null");
        }
        return task;
    }

    /**
     * Waits until the thread of every worker has ended (not just its outcome), even if interrupted
     * meanwhile: after it returns no code of those workers runs ({@link Scope#close}, {@link Worker#race}).
     *
     * @return whether the caller was interrupted while waiting (the flag is then clear)
     */
    static boolean joinThreads(Iterable<? extends Worker<?>> workers) {
        boolean interrupted = false;
        for (Worker<?> w : workers) {
            Thread t = w.thread();
            while (t != null) {
                try {
                    t.join();
                    t = null;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        return interrupted;
    }

    /** Adapts a Runnable and remembers it, so shutdownNow can return the user's own object. */
    record RunnableTask(Runnable runnable) implements Callable<Void> {
        @Override
        public Void call() {
            runnable.run();
            return null;
        }
    }

    static String describe(int s) {
        return switch (s) {
            case WorkerCore.NEW -> "NOT_STARTED";
            case WorkerCore.RUNNING, WorkerCore.COMPLETING -> "RUNNING";
            case WorkerCore.SUCCESS -> "SUCCESS";
            case WorkerCore.FAILED -> "FAILED";
            case WorkerCore.TIMED_OUT -> "FAILED (missed deadline)";
            default -> "CANCELLED";
        };
    }
}
