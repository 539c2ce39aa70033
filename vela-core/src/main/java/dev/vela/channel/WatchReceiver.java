package dev.vela.channel;

import dev.vela.channel.internal.WatchSubscription;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A subscriber of a {@link Watch}: it remembers the version of the last value it has seen, and can
 * read the newest value or wait for a newer one (Tokio's {@code watch::Receiver}).
 *
 * <pre>{@code
 * WatchReceiver<Config> rx = watch.subscribe();
 * apply(rx.value());                       // the latest, now marked seen
 * while (true) apply(rx.changed());        // each newer value; skips what came while apply ran;
 *                                          // ends with ChannelClosedException once the watch is
 * }                                        // closed and its last value was seen
 * </pre>
 *
 * <h2>One consumer</h2>
 * A subscriber stands for one consumer, like a Tokio receiver that needs {@code &mut}: give each
 * consuming thread its own {@link Watch#subscribe()}. Its operations stay atomic if several threads
 * share it (each change is then "seen" by whichever of them gets it first), but a thread blocked in
 * {@link #changed()} is not woken by another thread's {@link #close()} of the same subscriber.
 *
 * @param <T> the value type
 */
public sealed interface WatchReceiver<T> permits WatchSubscription {

    /**
     * The latest value, marked as seen (Tokio's {@code borrow_and_update}).
     *
     * @return the latest value, never null (also after the watch or this subscriber closed)
     */
    T value();

    /**
     * The version of the last value this subscriber has seen (see {@link Watch#version()}).
     *
     * @return the seen version
     */
    long seenVersion();

    /**
     * Whether the watch holds a value newer than the last one this subscriber has seen. Marks nothing.
     *
     * @return {@code true} if {@link #changed()} would return at once with a value
     */
    boolean hasChanged();

    /**
     * Waits until the watch holds a value newer than the last one seen, marks it seen and returns it;
     * returns at once if there is one already. Values sent in between are skipped: only the newest counts.
     *
     * <p><b>Interruption and timeout.</b> No timeout (see {@link #changed(Duration)}). If the caller is
     * interrupted while waiting, {@link InterruptedException} is thrown with the flag cleared and
     * nothing was marked seen (the change, if one comes, is still there for the next call). If a newer
     * value is already there, it is returned even when the flag is set (the flag stays set); if the
     * change and the interrupt come at the same instant, the value is returned and the flag left set.
     *
     * @return the newest value, never null
     * @throws ChannelClosedException if the watch is closed (or this subscriber closed) and the last
     *                                value was already seen
     * @throws InterruptedException   if interrupted while waiting
     */
    T changed() throws InterruptedException;

    /**
     * Like {@link #changed()}, waiting at most {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> Returns {@code null} when the time runs out first (measured
     * on the runtime's monotonic clock from the call; {@link Duration#ZERO} only checks); then nothing
     * was marked seen. Interruption is handled as in {@link #changed()}.
     *
     * @param timeout how long to wait at most, not negative
     * @return the newest value, or {@code null} on timeout
     * @throws NullPointerException     if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws ChannelClosedException   if closed and the last value was already seen
     * @throws InterruptedException     if interrupted while waiting
     */
    T changed(Duration timeout) throws InterruptedException;

    /**
     * Waits until the value satisfies {@code predicate} (Tokio's {@code wait_for}): tests the latest
     * value first (marking it seen), then each newer value as it is seen.
     *
     * <p><b>Interruption and timeout.</b> No timeout. Interruption is handled as in {@link #changed()};
     * values already tested stay marked seen.
     *
     * @param predicate what the value must satisfy; runs in the calling thread
     * @return the first value seen that satisfies it
     * @throws ChannelClosedException if the watch closed and its last value did not satisfy it
     * @throws InterruptedException   if interrupted while waiting
     */
    T waitFor(Predicate<? super T> predicate) throws InterruptedException;

    /**
     * Like {@link #waitFor(Predicate)}, waiting at most {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> Returns {@code null} when the time (on the runtime's monotonic
     * clock, from the call) runs out first; values already tested stay marked seen. Interruption as in
     * {@link #changed()}.
     *
     * @param predicate what the value must satisfy
     * @param timeout   how long to wait at most, not negative
     * @return the first value seen that satisfies it, or {@code null} on timeout
     * @throws ChannelClosedException if the watch closed and its last value did not satisfy it
     * @throws InterruptedException   if interrupted while waiting
     */
    T waitFor(Predicate<? super T> predicate, Duration timeout) throws InterruptedException;

    /**
     * {@link #changed()} without holding a thread: the future completes with the newest value once
     * it is newer than the last seen (marking it seen), or exceptionally with
     * {@link ChannelClosedException}.
     *
     * <p><b>Interruption and timeout.</b> No thread waits. {@code cancel(...)}, {@code orTimeout(...)}
     * or any other exceptional completion of the future withdraws the wait: nothing stays registered
     * and nothing was marked seen. The sender whose {@code send} or {@code close} completes the future
     * runs its non-async dependent stages in its own thread (as for channels' async operations, ADR 0013).
     *
     * @return a future of the newest value
     */
    CompletableFuture<T> changedAsync();

    /**
     * A {@link Select#select select} clause chosen when the watch holds a value newer than the one this
     * subscriber had seen <em>when the clause was made</em>; the chosen clause marks the newest value
     * seen and applies {@code fn} to it. If the watch is closed and the last value was seen, the chosen
     * clause throws {@link ChannelClosedException} (see {@link #onChangedOrClosed}). Make a fresh
     * clause for each select: a kept clause remembers the version of its making.
     *
     * @param fn  maps the new value to the select's result
     * @param <R> the select's result type
     * @return the clause
     */
    <R> SelectClause<R> onChanged(Function<? super T, ? extends R> fn);

    /**
     * Like {@link #onChanged}, but chosen with {@code onClosed} once the watch is closed and its last
     * value was seen, so that a select loop can end cleanly.
     *
     * @param fn       maps the new value to the select's result
     * @param onClosed the select's result when closed
     * @param <R>      the select's result type
     * @return the clause
     */
    <R> SelectClause<R> onChangedOrClosed(Function<? super T, ? extends R> fn, Supplier<? extends R> onClosed);

    /**
     * Unsubscribes: later waits on this subscriber throw {@link ChannelClosedException}
     * ({@link #value()} still reads). Does not wake a wait already in progress. Idempotent.
     */
    void close();

    /**
     * Whether this subscriber or its watch is closed (after the watch closed, {@link #changed()} may
     * still return its last value once, if this subscriber had not seen it).
     *
     * @return {@code true} once no value will be sent that this subscriber has not been offered
     */
    boolean isClosed();
}
