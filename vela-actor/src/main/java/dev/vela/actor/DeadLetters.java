package dev.vela.actor;

import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The dead-letter office of an {@link ActorSystem}: counts every message that was dropped by a
 * mailbox policy, told to a stopped actor, left unprocessed at a stop, or sent as a late reply, and
 * shows each one to the subscribed listeners.
 *
 * <pre>{@code
 * try (var sub = system.deadLetters().subscribe(d -> log.warn("dead letter {}", d))) { ... }
 * long lost = system.deadLetters().count();
 * }</pre>
 *
 * Listeners run on the thread that dropped the message (a sender, or the stopping actor): keep them
 * short and non-blocking. What a listener throws is ignored.
 */
public final class DeadLetters {
    // Invariant: total == sum of byReason; both only grow. LongAdder: contended increments stay cheap.
    private final LongAdder total = new LongAdder();
    private final LongAdder[] byReason = new LongAdder[DeadLetter.Reason.values().length];
    private final CopyOnWriteArrayList<Consumer<? super DeadLetter>> listeners = new CopyOnWriteArrayList<>();

    DeadLetters() {
        for (int i = 0; i < byReason.length; i++) byReason[i] = new LongAdder();
    }

    /**
     * How many dead letters there have been since the system started.
     *
     * @return the total count
     */
    public long count() {
        return total.sum();
    }

    /**
     * How many dead letters there have been for one reason.
     *
     * @param reason the reason
     * @return the count for that reason
     */
    public long count(DeadLetter.Reason reason) {
        return byReason[reason.ordinal()].sum();
    }

    /**
     * Subscribes a listener to every later dead letter.
     *
     * @param listener called once per dead letter, on the dropping thread
     * @return closing it unsubscribes (idempotent)
     */
    public AutoCloseable subscribe(Consumer<? super DeadLetter> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    void publish(Object message, ActorRef<?> recipient, DeadLetter.Reason reason) {
        byReason[reason.ordinal()].increment();
        total.increment();
        if (listeners.isEmpty()) return;
        DeadLetter d = new DeadLetter(message, recipient, reason);
        for (Consumer<? super DeadLetter> l : listeners) {
            try {
                l.accept(d);
            } catch (RuntimeException ignored) {
                // a failing listener must not fail the tell or the stop that dropped the message
            }
        }
    }

    @Override
    public String toString() {
        return "DeadLetters[" + count() + "]";
    }
}
