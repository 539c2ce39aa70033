package dev.vela.channel;

import dev.vela.channel.internal.ChannelCore;
import dev.vela.channel.internal.TimerScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
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
                tx.trySend(Instant.now());
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
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        Runnable tick = () -> {
            if (ch.isClosed()) {
                ScheduledFuture<?> t = task.get();
                if (t != null) t.cancel(false);
                return;
            }
            try {
                tx.trySend(Instant.now());
            } catch (ChannelClosedException closedMeanwhile) {
                // the receiver closed it between our check and the send: stop on the next tick
            }
        };
        task.set(TimerScheduler.scheduleAtFixedRate(tick, nanos));
        return ch.receiver();
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
