package dev.vela.channel;

import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One alternative of a {@link Select#select select}: receive from a channel, send to a channel, a
 * timeout, or a default. Made by {@link Receiver#onReceive}, {@link Receiver#onReceiveOrClosed},
 * {@link Sender#onSend}, {@link Select#onTimeout} and {@link Select#onDefault}; immutable.
 *
 * <p>A clause may carry a guard ({@link #when(boolean)}), as in CSP's guarded alternatives: a clause
 * whose guard is false takes no part in the select.
 *
 * @param <R> what the select returns when this clause is chosen
 */
public final class SelectClause<R> {

    /** What a clause does. */
    enum Kind { RECEIVE, RECEIVE_OR_CLOSED, SEND, TIMEOUT, DEFAULT }

    final Kind kind;
    /** The channel of a RECEIVE/RECEIVE_OR_CLOSED/SEND clause, else null. */
    final ChannelCore<?> channel;
    /** The element of a SEND clause, else null. */
    final Object element;
    /** RECEIVE*: applied to the value received. */
    final Function<Object, ? extends R> onValue;
    /** SEND, TIMEOUT, DEFAULT: the result; RECEIVE_OR_CLOSED: the result when closed. */
    final Supplier<? extends R> onOther;
    /** SEND-only: the sender handle, checked for being released. */
    final Sender<?> sender;
    /** TIMEOUT: nanoseconds. */
    final long timeoutNanos;
    final boolean enabled;

    @SuppressWarnings("unchecked")
    SelectClause(Kind kind, ChannelCore<?> channel, Object element, Function<?, ? extends R> onValue,
                 Supplier<? extends R> onOther, Sender<?> sender, long timeoutNanos, boolean enabled) {
        this.kind = kind;
        this.channel = channel;
        this.element = element;
        this.onValue = (Function<Object, ? extends R>) onValue;
        this.onOther = onOther;
        this.sender = sender;
        this.timeoutNanos = timeoutNanos;
        this.enabled = enabled;
    }

    static <R> SelectClause<R> receive(ChannelCore<?> ch, Function<?, ? extends R> fn) {
        if (fn == null) throw new NullPointerException("onReceive function must not be null");
        return new SelectClause<>(Kind.RECEIVE, ch, null, fn, null, null, 0, true);
    }

    static <R> SelectClause<R> receiveOrClosed(ChannelCore<?> ch, Function<?, ? extends R> fn, Supplier<? extends R> onClosed) {
        if (fn == null) throw new NullPointerException("onReceiveOrClosed value function must not be null");
        if (onClosed == null) throw new NullPointerException("onReceiveOrClosed closed supplier must not be null");
        return new SelectClause<>(Kind.RECEIVE_OR_CLOSED, ch, null, fn, onClosed, null, 0, true);
    }

    static <R> SelectClause<R> send(ChannelCore<?> ch, Sender<?> sender, Object value, Supplier<? extends R> fn) {
        if (fn == null) throw new NullPointerException("onSend supplier must not be null");
        return new SelectClause<>(Kind.SEND, ch, value, null, fn, sender, 0, true);
    }

    static <R> SelectClause<R> timeout(Duration d, Supplier<? extends R> fn) {
        long nanos = ChannelCore.toNanos(d);
        if (fn == null) throw new NullPointerException("onTimeout supplier must not be null");
        return new SelectClause<>(Kind.TIMEOUT, null, null, null, fn, null, nanos, true);
    }

    static <R> SelectClause<R> otherwise(Supplier<? extends R> fn) {
        if (fn == null) throw new NullPointerException("onDefault supplier must not be null");
        return new SelectClause<>(Kind.DEFAULT, null, null, null, fn, null, 0, true);
    }

    /**
     * This clause with a guard: when {@code guard} is false, the clause takes no part in the select
     * (its channel is not touched).
     *
     * @param guard whether the clause is enabled
     * @return a clause equal to this one but guarded
     */
    public SelectClause<R> when(boolean guard) {
        if (guard == enabled) return this;
        return new SelectClause<>(kind, channel, element, onValue, onOther, sender, timeoutNanos, guard);
    }

    /**
     * Whether this clause takes part in a select (its guard).
     *
     * @return {@code false} if disabled by {@link #when(boolean)}
     */
    public boolean isEnabled() {
        return enabled;
    }

    @Override
    public String toString() {
        String what = switch (kind) {
            case RECEIVE -> "onReceive(" + channel + ")";
            case RECEIVE_OR_CLOSED -> "onReceiveOrClosed(" + channel + ")";
            case SEND -> "onSend(" + channel + ")";
            case TIMEOUT -> "onTimeout(" + timeoutNanos + " ns)";
            case DEFAULT -> "onDefault";
        };
        return enabled ? what : what + ".when(false)";
    }
}
