package dev.vela.actor;

import dev.vela.worker.WorkContext;
import java.util.function.Function;

/**
 * A message together with the context of the {@code tell} or {@code ask} that sent it, so that the
 * actor's handler runs with that context (docs/adr/0036).
 *
 * <p>A mailbox holds <em>items</em>: the message itself when the sender's context was empty (always
 * the case when nothing is registered with {@link WorkContext}: the tell path then allocates nothing
 * more), or an {@code Envelope} around it. Users never see an envelope: the handler, dead letters and
 * {@link ActorContext#onMessage} get the message. The type is package-private, so no user message can
 * be an envelope.
 *
 * @param message the message as told (never null)
 * @param context the sender's context (never empty)
 */
record Envelope(Object message, WorkContext.Snapshot context) {

    /** What to put in the mailbox for {@code message} told with the calling thread's context. */
    static Object wrap(Object message) {
        WorkContext.Snapshot c = WorkContext.capture();
        return c.isEmpty() ? message : new Envelope(message, c);
    }

    /** The message in a mailbox item (an envelope's, or a timer's: {@link ActorTimersImpl.Fired}). */
    static Object message(Object item) {
        if (item instanceof Envelope e) return e.message;
        return item instanceof ActorTimersImpl.Fired f ? f.message : item;
    }

    /** Applies {@code fn} to the message of {@code item}, with its sender's context if it has one. */
    @SuppressWarnings("unchecked")
    static <M, R> R apply(Object item, Function<? super M, ? extends R> fn) {
        if (item instanceof ActorTimersImpl.Fired f) {   // taken by a handler's own select: no staleness check
            f.accept();                                  // (bookkeeping only: single timers end, fixed-delay re-arms)
            return fn.apply((M) f.message);
        }
        if (!(item instanceof Envelope e)) {
            return fn.apply((M) item);
        }
        try {
            return e.context.call(() -> fn.apply((M) e.message));
        } catch (RuntimeException | Error x) {
            throw x;
        } catch (Exception checked) {   // only a carrier could: fn throws no checked exception
            throw new IllegalStateException("a context carrier threw " + checked, checked);
        }
    }
}
