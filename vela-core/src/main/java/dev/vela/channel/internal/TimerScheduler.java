package dev.vela.channel.internal;

import dev.vela.time.internal.Clock;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;

/**
 * The one daemon platform thread behind every {@code Timers} timer (internal): created on first use,
 * cancelled tasks removed at once. While a test's virtual clock is installed, timers are that clock's
 * tasks instead, run by whoever moves it (still never running an async receiver's stages inline). Its thread never runs an async receiver's stages
 * ({@link AsyncOp#resumeElsewhere()}, ADR 0013).
 */
public final class TimerScheduler {
    private TimerScheduler() {}

    /** Set once the scheduler exists (volatile), so that {@link #pending()} never creates it. */
    private static volatile boolean started;

    /** Created on first use (holder idiom). */
    private static final class Scheduler {
        static final ScheduledThreadPoolExecutor INSTANCE = create();

        private static ScheduledThreadPoolExecutor create() {
            started = true;
            ThreadFactory platform = Thread.ofPlatform().daemon().name("vela-timers").factory();
            ScheduledThreadPoolExecutor s = new ScheduledThreadPoolExecutor(1, r -> platform.newThread(() -> {
                AsyncOp.resumeElsewhere();         // async receivers' stages never run on the timer thread
                r.run();
            }));
            s.setRemoveOnCancelPolicy(true);
            return s;
        }
    }

    /**
     * Whether some timer may still fire (for the deadlock watchdog: a pending timer can wake a worker).
     *
     * @return {@code true} if a timer task is queued
     */
    public static boolean pending() {
        return started && !Scheduler.INSTANCE.getQueue().isEmpty() || Clock.virtualTimersPending();
    }

    /**
     * Runs {@code task} once after {@code nanos}.
     *
     * @param task  what to run on the timer thread (short, never blocking)
     * @param nanos the delay in nanoseconds
     * @return the scheduled task's handle
     */
    public static Clock.Timer schedule(Runnable task, long nanos) {
        return Clock.schedule(Scheduler.INSTANCE, () -> AsyncOp.resumingElsewhere(task), nanos, 0);
    }

    /**
     * Runs {@code task} every {@code nanos}, the first time after {@code nanos}.
     *
     * @param task  what to run on the timer thread (short, never blocking)
     * @param nanos the period in nanoseconds, positive
     * @return the scheduled task; cancel it to stop
     */
    public static Clock.Timer scheduleAtFixedRate(Runnable task, long nanos) {
        return Clock.schedule(Scheduler.INSTANCE, () -> AsyncOp.resumingElsewhere(task), nanos, nanos);
    }
}
