package dev.vela.channel;

import dev.vela.channel.internal.Clause;

/**
 * One alternative of a {@link Select#select select}: receive from a channel, send to a channel, a
 * timeout, or a default. Made by {@link Receiver#onReceive}, {@link Receiver#onReceiveOrClosed},
 * {@link Sender#onSend}, {@link Select#onTimeout} and {@link Select#onDefault}; immutable, so a clause
 * may be kept and used in any number of selects, from any thread.
 *
 * <p>A clause may carry a guard ({@link #when(boolean)}), as in CSP's guarded alternatives: a clause
 * whose guard is false takes no part in the select.
 *
 * <p>Implementation: {@code dev.vela.channel.internal.Clause}, run by the select engine
 * ({@code dev.vela.channel.internal.SelectInstance}).
 *
 * @param <R> what the select returns when this clause is chosen
 */
public sealed interface SelectClause<R> permits Clause {

    /**
     * This clause with a guard: when {@code guard} is false, the clause takes no part in the select
     * (its channel is not touched).
     *
     * @param guard whether the clause is enabled
     * @return a clause equal to this one but guarded
     */
    SelectClause<R> when(boolean guard);

    /**
     * Whether this clause takes part in a select (its guard).
     *
     * @return {@code false} if disabled by {@link #when(boolean)}
     */
    boolean isEnabled();
}
