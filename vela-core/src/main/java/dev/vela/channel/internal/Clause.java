package dev.vela.channel.internal;

import dev.vela.channel.SelectClause;
import dev.vela.channel.Sender;
import java.time.Duration;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A {@link SelectClause} (internal): what the select engine ({@link SelectInstance}) reads of one
 * alternative. Immutable; made by the clause factories of the receivers and senders, and by
 * {@code Select.onTimeout}/{@code onDefault}.
 *
 * @param <R> what the select returns when this clause is chosen
 */
public final class Clause<R> implements SelectClause<R> {

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
    Clause(Kind kind, ChannelCore<?> channel, Object element, Function<?, ? extends R> onValue,
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

    static <R> Clause<R> receive(ChannelCore<?> ch, Function<?, ? extends R> fn) {
        if (fn == null) throw new NullPointerException("onReceive function must not be null");
        return new Clause<>(Kind.RECEIVE, ch, null, fn, null, null, 0, true);
    }

    static <R> Clause<R> receiveOrClosed(ChannelCore<?> ch, Function<?, ? extends R> fn, Supplier<? extends R> onClosed) {
        if (fn == null) throw new NullPointerException("onReceiveOrClosed value function must not be null");
        if (onClosed == null) throw new NullPointerException("onReceiveOrClosed closed supplier must not be null");
        return new Clause<>(Kind.RECEIVE_OR_CLOSED, ch, null, fn, onClosed, null, 0, true);
    }

    static <R> Clause<R> send(ChannelCore<?> ch, Sender<?> sender, Object value, Supplier<? extends R> fn) {
        if (fn == null) throw new NullPointerException("onSend supplier must not be null");
        return new Clause<>(Kind.SEND, ch, value, null, fn, sender, 0, true);
    }

    /** A timeout clause ({@code Select.onTimeout}). */
    public static <R> Clause<R> timeout(Duration d, Supplier<? extends R> fn) {
        long nanos = ChannelCore.toNanos(d);
        if (fn == null) throw new NullPointerException("onTimeout supplier must not be null");
        return new Clause<>(Kind.TIMEOUT, null, null, null, fn, null, nanos, true);
    }

    /** A default clause ({@code Select.onDefault}). */
    public static <R> Clause<R> otherwise(Supplier<? extends R> fn) {
        if (fn == null) throw new NullPointerException("onDefault supplier must not be null");
        return new Clause<>(Kind.DEFAULT, null, null, null, fn, null, 0, true);
    }

    @Override
    public Clause<R> when(boolean guard) {
        if (guard == enabled) return this;
        return new Clause<>(kind, channel, element, onValue, onOther, sender, timeoutNanos, guard);
    }

    @Override
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
