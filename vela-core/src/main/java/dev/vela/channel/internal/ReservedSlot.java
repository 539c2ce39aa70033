package dev.vela.channel.internal;

import dev.vela.channel.Permit;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The {@link Permit} of a buffered channel: a placeholder that a reservation puts in the buffer
 * like any element (so blocking, timed and non-blocking reservations are the ordinary send drivers),
 * and that the permit later fills with the value or marks as skipped.
 *
 * <h2>States ({@link #content}, volatile, set once by CAS)</h2>
 * <ul>
 *   <li>{@code null} — pending: receivers that reach this place treat the channel as empty (values
 *       behind it wait, preserving order) and never take it;</li>
 *   <li>an element — set by {@link #send}: the next receiver at this place takes the element;</li>
 *   <li>{@link #SKIP} — set by {@link #close}: receivers pass over this place.</li>
 * </ul>
 * After either transition the permit wakes receivers (all of them if the channel is closed, since
 * they may be waiting for the drain that this permit held back). See docs/adr/0014-send-permits.md.
 */
final class ReservedSlot<T> implements Permit<T> {
    /** The content of a permit closed unused. */
    static final Object SKIP = new Object() {
        @Override
        public String toString() {
            return "SKIP";
        }
    };

    private static final VarHandle CONTENT;

    static {
        try {
            CONTENT = MethodHandles.lookup().findVarHandle(ReservedSlot.class, "content", Object.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final BufferChannel<T> channel;
    /** null (pending), then the element or SKIP; changes once, by CAS (volatile). */
    private volatile Object content;
    /**
     * The buffer position this slot occupies, for the bounded ring ({@code -1} elsewhere). Written by
     * the reserving thread inside {@code offer} before the slot is published; read only by a thread
     * that got this permit from the reservation (plain field: ordered by that publication).
     */
    long position = -1;

    ReservedSlot(BufferChannel<T> channel) {
        this.channel = channel;
    }

    /** null while pending, then the element or {@link #SKIP}. */
    Object content() {
        return content;
    }

    @Override
    public void send(T value) {
        channel.checkElement(value);
        if (!CONTENT.compareAndSet(this, (Object) null, value)) {
            throw new IllegalStateException("permit of " + channel + " already "
                    + (content == SKIP ? "closed" : "used") + ": a permit sends at most once");
        }
        channel.permitResolved(this, false);
    }

    @Override
    public void close() {
        if (CONTENT.compareAndSet(this, (Object) null, SKIP)) {
            channel.permitResolved(this, true);
        }
    }

    @Override
    public String toString() {
        Object c = content;
        return "Permit[" + channel + ", " + (c == null ? "unused" : c == SKIP ? "closed" : "sent") + "]";
    }
}
