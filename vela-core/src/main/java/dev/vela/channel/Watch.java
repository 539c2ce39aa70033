package dev.vela.channel;

import dev.vela.channel.internal.WatchChannel;
import java.util.function.UnaryOperator;

/**
 * A watch (state) channel: it holds one latest value, and every {@link #subscribe() subscriber} sees
 * the newest value and can wait until it changes (Tokio's {@code watch}, Kotlin's {@code StateFlow}).
 *
 * <pre>{@code
 * Watch<Config> config = Watch.create(Config.defaults());
 * WatchReceiver<Config> rx = config.subscribe();     // has seen the current value
 * config.send(reloaded);                             // never blocks; replaces the value
 * Config now = rx.changed();                         // the newest value, once it is newer than the last seen
 * config.close();                                    // rx.changed() throws ChannelClosedException
 *                                                    // once rx has seen the last value
 * }</pre>
 *
 * <h2>Versions, not a queue</h2>
 * Every value the watch takes gets the next version (a {@code long}, starting at 0 for the initial
 * value). Each subscriber remembers the version it has seen; a subscriber that was away while several
 * values were sent sees only the newest one. Nothing is buffered, so a send never waits and a slow
 * subscriber never slows a sender down. Values from one sending thread take versions in the order
 * sent; a subscriber sees versions only ever increase.
 *
 * <h2>Closing</h2>
 * {@link #close()} (the sender side; idempotent) refuses further sends with
 * {@link ChannelClosedException}. A subscriber still gets the last value if it has not seen it yet;
 * after that its waits throw {@link ChannelClosedException}. {@link #value()} keeps returning the last
 * value. Subscribing to a closed watch gives a subscriber that has seen that last value.
 *
 * <h2>Values</h2>
 * {@code null} is never a value ({@link NullPointerException}). Values should be immutable (or never
 * changed after they are sent): every subscriber is handed the same object.
 *
 * <p>Implementation: {@code dev.vela.channel.internal.WatchChannel} (one immutable state snapshot
 * replaced by CAS; waits on a per-version signal channel; docs/adr/0038-watch-channel.md).
 *
 * @param <T> the value type
 */
public sealed interface Watch<T> permits WatchChannel {

    /**
     * Creates an open watch holding {@code initial} (version 0).
     *
     * @param initial the first value, not null
     * @param <T>     the value type
     * @return a new watch with no subscriber
     * @throws NullPointerException if {@code initial} is null
     */
    static <T> Watch<T> create(T initial) {
        return new WatchChannel<>(initial);
    }

    /**
     * Replaces the value (a new version, even if equal to the old value) and wakes every subscriber
     * waiting for a change. Never blocks.
     *
     * @param value the new value, not null
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the watch is closed (the value was not taken)
     */
    void send(T value);

    /**
     * Replaces the value only if it differs ({@link Object#equals}) from the current one, as a Kotlin
     * {@code StateFlow} conflates equal values. The comparison and the replacement are one atomic step.
     *
     * @param value the new value, not null
     * @return {@code true} if a new version was published, {@code false} if the current value was equal
     * @throws NullPointerException   if {@code value} is null
     * @throws ChannelClosedException if the watch is closed
     */
    boolean sendIfChanged(T value);

    /**
     * Atomically replaces the value with {@code fn} applied to the current one (Kotlin's
     * {@code MutableStateFlow.update}); if the result equals the current value, no new version is
     * published. {@code fn} may run more than once when other threads send at the same time, so it
     * should have no side effects.
     *
     * @param fn computes the new value from the current one; must not return null
     * @return the value the watch holds after this update: the one {@code fn} returned, or the current
     *         value when that was equal to it
     * @throws NullPointerException   if {@code fn} is null or returns null (nothing changed then)
     * @throws ChannelClosedException if the watch is closed (nothing changed)
     */
    T update(UnaryOperator<T> fn);

    /**
     * The latest value (also after close). Marks nothing as seen: subscribers keep their own versions.
     *
     * @return the latest value, never null
     */
    T value();

    /**
     * The version of the latest value: 0 for the initial value, one more for every value taken since.
     *
     * @return the current version
     */
    long version();

    /**
     * A new subscriber that has seen the current value: its {@link WatchReceiver#changed()} waits for the
     * next one. On a closed watch, the subscriber's waits throw {@link ChannelClosedException} at once.
     *
     * @return the new subscriber; close it when done
     */
    WatchReceiver<T> subscribe();

    /**
     * Subscribers not closed yet (a snapshot).
     *
     * @return the number of open subscribers
     */
    int receiverCount();

    /**
     * Closes the watch: no more sends; subscribers see the last value if they have not yet, then their
     * waits throw {@link ChannelClosedException}. Idempotent.
     */
    void close();

    /**
     * Whether the watch is closed.
     *
     * @return {@code true} once no more sends are accepted
     */
    boolean isClosed();
}
