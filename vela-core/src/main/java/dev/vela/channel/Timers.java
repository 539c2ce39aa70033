package dev.vela.channel;

import dev.vela.channel.internal.ChannelCore;
import dev.vela.channel.internal.TimerScheduler;
import dev.vela.time.internal.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Timer sources as ordinary {@link Receiver}s, usable alone or as {@link Select} clauses (Go's
 * {@code time.After}, {@code time.Tick} and a nil channel).
 *
 * <pre>{@code
 * var ticks = Timers.tick(Duration.ofMillis(100));
 * var stop  = Timers.after(Duration.ofSeconds(1));
 * while (Select.select(ticks.onReceive(t -> true), stop.onReceive(t -> false))) { work(); }
 * ticks.close();                          // stops the ticker
 * }</pre>
 *
 * All timers share one daemon scheduler thread ({@code internal.TimerScheduler}); a timer costs a small channel and a scheduled task.
 *
 * <h2>Real or virtual time</h2>
 * Timers, {@link #sleep}, {@link #nanoTime()} and {@link #now()} follow the runtime's clock: real time,
 * unless a test installed a virtual clock ({@code dev.vela.test.VirtualClock}), as every timed operation
 * of Vela does (timed send and receive, select timeouts, worker and scope deadlines, actor restarts and
 * asks, pipeline throttles). Code that should run under a virtual clock sleeps with {@link #sleep} and
 * reads the time with {@link #nanoTime()} or {@link #now()}, not with {@link Thread#sleep} or
 * {@link System#nanoTime()}, which always follow the real clock.
 */
public final class Timers {
    private Timers() {}

    /**
     * A receiver that yields one value, the instant it fired, once {@code delay} has passed, and is
     * closed after it (so a second receive throws {@link ChannelClosedException}, and
     * {@code onReceiveOrClosed} sees the end).
     *
     * @param delay how long until it fires, not negative
     * @return the timer's receiver; once it is closed the timer never delivers (its scheduled task
     *         stays queued, doing nothing, until the delay would have passed)
     */
    public static Receiver<Instant> after(Duration delay) {
        long nanos = ChannelCore.toNanos(delay);
        Channel<Instant> ch = Channel.bounded(1);
        Sender<Instant> tx = ch.sender();
        TimerScheduler.schedule(() -> {
            if (!ch.isClosed()) {
                tx.trySend(now());
                tx.close();
            }
        }, nanos);
        return ch.receiver();
    }

    /**
     * A receiver that yields the current instant every {@code period}. Like Go's ticker it buffers
     * one tick: ticks that come while one is still unreceived are dropped, so a slow receiver sees
     * fewer ticks, never a burst. Closing the receiver stops the ticker.
     *
     * @param period time between ticks, positive
     * @return the ticker's receiver
     * @throws IllegalArgumentException if {@code period} is zero or negative
     */
    public static Receiver<Instant> tick(Duration period) {
        long nanos = ChannelCore.toNanos(period);
        if (nanos == 0) throw new IllegalArgumentException("tick period must be positive: " + period);
        Channel<Instant> ch = Channel.bounded(1);
        Sender<Instant> tx = ch.sender();
        AtomicReference<Clock.Timer> task = new AtomicReference<>();
        Runnable tick = () -> {
            if (ch.isClosed()) {
                Clock.Timer t = task.get();
                if (t != null) t.cancel();
                return;
            }
            try {
                tx.trySend(now());
            } catch (ChannelClosedException closedMeanwhile) {
                // the receiver closed it between our check and the send: stop on the next tick
            }
        };
        task.set(TimerScheduler.scheduleAtFixedRate(tick, nanos));
        return ch.receiver();
    }

    /**
     * Sleeps for {@code duration} on the runtime's clock: real time, or virtual time while a test's
     * virtual clock is installed (then the sleep ends when that clock has moved past it). Use it
     * instead of {@link Thread#sleep} in code that tests run under a virtual clock.
     *
     * <p><b>Interruption and timeout.</b> Interruption ends the sleep with
     * {@link InterruptedException} (flag cleared), as {@link Thread#sleep} does; a zero duration returns
     * at once (after checking the interrupt flag).
     *
     * @param duration how long, not negative
     * @throws InterruptedException     if the thread is interrupted before or while sleeping
     * @throws NullPointerException     if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     */
    public static void sleep(Duration duration) throws InterruptedException {
        if (duration == null) throw new NullPointerException("duration must not be null");
        if (duration.isNegative()) throw new IllegalArgumentException("sleep duration must not be negative: " + duration);
        Clock.sleep(ChannelCore.toNanos(duration));
    }

    /**
     * The runtime's monotonic clock, like {@link System#nanoTime()}: for measuring elapsed time, with
     * the same scale and origin as {@code System.nanoTime()}, but virtual while a test's virtual clock
     * is installed.
     *
     * @return the current value in nanoseconds (only differences are meaningful)
     */
    public static long nanoTime() {
        return Clock.nanoTime();
    }

    /**
     * The current instant: {@link Instant#now()}, or the virtual clock's instant while a test's
     * virtual clock is installed. The values timers deliver come from here.
     *
     * @return the current instant
     */
    public static Instant now() {
        return Clock.instant();
    }

    /**
     * A receiver that never yields a value and never closes (unless closed by its user): a select
     * clause on it is never chosen, like a nil channel in Go.
     *
     * @param <T> any element type
     * @return a receiver on which every receive blocks until interrupted or timed out
     */
    public static <T> Receiver<T> never() {
        return Channel.<T>rendezvous().receiver();
    }
}
