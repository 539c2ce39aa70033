package dev.vela.channel;

import dev.vela.channel.internal.Clause;
import dev.vela.channel.internal.SelectInstance;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * Waits on several channel operations at once and performs exactly one of them, like Go's
 * {@code select} and CSP's alternative.
 *
 * <pre>{@code
 * String which = Select.select(
 *     rx1.onReceive(x -> "one:" + x),
 *     rx2.onReceiveOrClosed(x -> "two:" + x, () -> "two closed"),
 *     tx.onSend("ping", () -> "sent"),
 *     Select.onTimeout(Duration.ofMillis(50), () -> "timeout"));
 * }</pre>
 *
 * <h2>Guarantees</h2>
 * <ul>
 *   <li>Exactly one clause commits; clauses not chosen leave their channels untouched (no value
 *       taken, none sent).</li>
 *   <li>{@link #select} chooses uniformly at random among the clauses ready at the same time,
 *       wherever they stand among clauses that are not ready or guarded off (it tries the clauses in
 *       a fresh random order each time, as Go does); {@link #selectBiased} prefers the first ready
 *       clause in argument order.</li>
 *   <li>A clause may be disabled by a guard: {@code clause.when(condition)}.</li>
 *   <li>{@link #onDefault} makes the select non-blocking; {@link #onTimeout} bounds its wait.</li>
 *   <li>A chosen clause on a closed channel throws {@link ChannelClosedException}, except
 *       {@link Receiver#onReceiveOrClosed}, which is chosen with its closed result.</li>
 *   <li>The same channel may appear in several clauses; any mix of flavours is allowed. Clauses of one
 *       select never meet each other: {@code onSend} and {@code onReceive} on one rendezvous channel
 *       that nobody else uses block (parked, as in Go) until another thread sends or receives.</li>
 * </ul>
 * The clause's function runs on the selecting thread after the commit; what it throws propagates.
 */
public final class Select {
    private Select() {}

    /**
     * Performs exactly one of the clauses, blocking until one can complete.
     *
     * <p><b>Interruption and timeout.</b> If interrupted while waiting, no clause committed, the
     * interrupt status is cleared and {@link InterruptedException} is thrown (if a peer completed a
     * clause at the same instant, that clause's result is returned and the interrupt status stays
     * set). With an {@link #onTimeout} clause the select returns that clause's result once the timeout
     * (measured on a monotonic clock from the call) passes with no other clause ready; then no other
     * clause had any effect.
     *
     * @param clauses the alternatives; at least one enabled
     * @param <R>     the result type
     * @return the chosen clause's result
     * @throws IllegalArgumentException if no clause is enabled, or there are two defaults or two timeouts
     * @throws ChannelClosedException   if the chosen clause's channel is closed (not for "or closed" clauses)
     * @throws InterruptedException     if interrupted while waiting
     */
    @SafeVarargs
    public static <R> R select(SelectClause<? extends R>... clauses) throws InterruptedException {
        return SelectInstance.run(clauses, false);
    }

    /**
     * {@link #select(SelectClause[])} over a list of clauses.
     *
     * @param clauses the alternatives
     * @param <R>     the result type
     * @return the chosen clause's result
     * @throws InterruptedException if interrupted while waiting (see {@link #select(SelectClause[])})
     */
    public static <R> R select(List<? extends SelectClause<? extends R>> clauses) throws InterruptedException {
        @SuppressWarnings("unchecked")
        SelectClause<? extends R>[] array = clauses.toArray(new SelectClause[0]);   // a snapshot of the list
        return SelectInstance.run(array, false);
    }

    /**
     * Like {@link #select(SelectClause[])}, but among clauses ready at the same time the first in
     * argument order wins (Jox's and Kotlin's behaviour), for users who want priorities.
     *
     * <p><b>Interruption and timeout.</b> As {@link #select(SelectClause[])}.
     *
     * @param clauses the alternatives, in priority order
     * @param <R>     the result type
     * @return the chosen clause's result
     * @throws InterruptedException if interrupted while waiting
     */
    @SafeVarargs
    public static <R> R selectBiased(SelectClause<? extends R>... clauses) throws InterruptedException {
        return SelectInstance.run(clauses, true);
    }

    /**
     * A clause chosen when {@code timeout} has passed and no other clause could complete.
     *
     * @param timeout how long the select may wait, not negative
     * @param result  the select's result on timeout
     * @param <R>     the result type
     * @return the clause
     */
    public static <R> SelectClause<R> onTimeout(Duration timeout, Supplier<? extends R> result) {
        return Clause.timeout(timeout, result);
    }

    /**
     * A clause chosen at once when no other clause can complete right now: makes the select
     * non-blocking (Go's {@code default}).
     *
     * @param result the select's result when nothing is ready
     * @param <R>    the result type
     * @return the clause
     */
    public static <R> SelectClause<R> onDefault(Supplier<? extends R> result) {
        return Clause.otherwise(result);
    }
}
