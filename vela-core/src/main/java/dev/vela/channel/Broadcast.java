package dev.vela.channel;

import dev.vela.channel.internal.BroadcastChannel;

/**
 * A broadcast channel: every subscribed receiver sees every value sent after it subscribed, in the
 * same order, each through its own buffer of {@link #capacity()} values (Tokio's {@code broadcast}).
 *
 * <pre>{@code
 * Broadcast<Tick> ticks = Channel.broadcast(64, Broadcast.Mode.LAG);
 * Receiver<Tick> a = ticks.subscribe(), b = ticks.subscribe();
 * try (BroadcastSender<Tick> tx = ticks.sender()) { tx.send(t); }   // a and b both receive t
 * }</pre>
 *
 * <h2>A slow subscriber</h2>
 * Chosen per broadcast channel ({@link Mode}):
 * <ul>
 *   <li>{@link Mode#BACKPRESSURE}: a send waits until <em>every</em> subscriber has room, and then
 *       delivers to all of them at once (all or nothing: an interrupted or timed-out send reached no
 *       subscriber);</li>
 *   <li>{@link Mode#LAG}: a send never waits; a subscriber whose buffer is full loses its oldest value,
 *       and its next receive throws {@link ChannelLaggedException} saying how many it missed, then
 *       continues with the oldest value still buffered. A lag is never a closure: the subscription
 *       stays open and a select's "or closed" branch is not taken for it.</li>
 * </ul>
 *
 * <h2>Subscriptions</h2>
 * {@link #subscribe()} returns an ordinary {@link Receiver} (usable in {@link Select}, as an
 * iterator, with {@code receiveAsync}). Closing it unsubscribes: senders stop delivering to it. When
 * the broadcast closes (last sender handle closed, {@link #close()}, or {@link BroadcastSender#fail}),
 * every subscription closes the same way and drains what it buffered; subscribing after that returns
 * an already closed receiver. A LAG-mode subscription keeps its lag bookkeeping for one consuming
 * thread at a time.
 *
 * <p>Implementation: {@code dev.vela.channel.internal.BroadcastChannel} (a subscription per
 * receiver, fan-out under one lock; docs/adr/0023-broadcast-channels.md).
 *
 * @param <T> the element type
 */
public sealed interface Broadcast<T> permits BroadcastChannel {

    /** What a send does when a subscriber's buffer is full. */
    enum Mode {
        /** Wait until every subscriber has room (no value is ever lost). */
        BACKPRESSURE,
        /** Never wait; the slow subscriber loses its oldest values and is told how many. */
        LAG
    }

    /**
     * The original sender handle (make more with {@link BroadcastSender#clone()}).
     *
     * @return the original sender handle
     */
    BroadcastSender<T> sender();

    /**
     * Subscribes: the returned receiver sees every value sent from now on (none sent before).
     *
     * @return a new subscription; close it to unsubscribe. Already closed (and empty) if the broadcast is closed.
     */
    Receiver<T> subscribe();

    /**
     * Subscriptions that are still open (a snapshot).
     *
     * @return the number of subscribers
     */
    int subscriberCount();

    /**
     * Each subscriber's buffer size.
     *
     * @return the capacity given at creation
     */
    int capacity();

    /**
     * The slow-subscriber policy.
     *
     * @return BACKPRESSURE or LAG
     */
    Mode mode();

    /**
     * Closes the broadcast whatever sender handles remain: no new sends; every subscription closes and
     * keeps what it buffered. Idempotent.
     */
    void close();

    /**
     * Whether the broadcast is closed.
     *
     * @return {@code true} once no more sends are accepted
     */
    boolean isClosed();
}
