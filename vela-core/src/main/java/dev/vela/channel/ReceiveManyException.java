package dev.vela.channel;

import java.util.Collection;

/**
 * Thrown by {@link Receiver#receiveMany receiveMany} and {@link Receiver#tryReceiveMany tryReceiveMany}
 * when the target collection's {@code add} threw. A batch receive moves one value at a time: it takes
 * the value from the channel, then adds it, then takes the next one. So when an {@code add} throws,
 * exactly one value has left the channel without reaching the collection; it travels here, in
 * {@link #value()}, so that nothing is lost (docs/adr/0039-receive-many.md). The values moved before it
 * are in the collection ({@link #moved()} of them), nothing after it was taken, and the exception
 * {@code add} threw is the {@linkplain #getCause() cause}.
 */
public final class ReceiveManyException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The value taken from the channel that the collection refused (never null; not serialized). */
    private final transient Object value;
    /** How many values were added to the collection before it refused {@link #value}. */
    private final int moved;

    /**
     * Creates the exception for a value the collection refused.
     *
     * @param value the value taken from the channel and not added
     * @param moved how many values were added before it
     * @param into  the collection, for the message
     * @param cause what {@link Collection#add} threw
     */
    public ReceiveManyException(Object value, int moved, Collection<?> into, RuntimeException cause) {
        super("the target collection " + into.getClass().getName() + " refused a received value after "
                + moved + " value" + (moved == 1 ? "" : "s") + " were added (the value is in value()): " + cause, cause);
        this.value = value;
        this.moved = moved;
    }

    /**
     * The value that was received from the channel but not added to the collection. Cast it to the
     * channel's element type.
     *
     * @return the value, never null
     */
    public Object value() {
        return value;
    }

    /**
     * How many values this call added to the collection before the failing {@code add}.
     *
     * @return at least 0, less than the call's {@code max}
     */
    public int moved() {
        return moved;
    }
}
