package dev.vela.actor;

import java.util.Comparator;
import java.util.Objects;

/**
 * Which mailbox an actor gets: unbounded, bounded with an {@link Overflow} policy, or priority.
 * A mailbox spec is immutable and may be shared; each spawned actor gets its own mailbox from it.
 *
 * <pre>{@code
 * ctx.spawn("logger", Logger::new, Mailbox.bounded(1024, Mailbox.Overflow.DROP_OLDEST));
 * ctx.spawn("jobs", Jobs::new, Mailbox.priority(Comparator.comparingInt(Job::urgency)));
 * }</pre>
 *
 * <p>Unbounded and bounded mailboxes are Vela channels ({@code Channel.unbounded()},
 * {@code Channel.bounded(n)}): messages from one sender arrive in the order sent. A priority mailbox
 * delivers the smallest message first by its comparator, and messages that compare equal in the order
 * they were enqueued (so per-sender FIFO holds among equal priorities).
 *
 * <p>Every message a mailbox does not accept, or that is still in it when the actor stops, is counted
 * by {@link ActorSystem#deadLetters()}.
 *
 * @param <M> the message type
 */
public final class Mailbox<M> {

    /** What a {@linkplain #bounded bounded} mailbox does with a tell when it is full. */
    public enum Overflow {
        /** The sender blocks until there is room (backpressure). Never block an actor on its own mailbox. */
        BLOCK,
        /** The new message is dropped and counted as a dead letter; the tell returns normally. */
        DROP_NEWEST,
        /** The oldest message in the mailbox is dropped (counted as a dead letter) to make room. */
        DROP_OLDEST,
        /** The tell throws {@link MailboxFullException}; the message is also counted as a dead letter. */
        FAIL
    }

    private static final Mailbox<Object> UNBOUNDED = new Mailbox<>(0, null, null);

    // capacity 0 with overflow null: unbounded; capacity > 0: bounded; comparator != null: priority.
    private final int capacity;
    private final Overflow overflow;
    private final Comparator<? super M> priority;

    private Mailbox(int capacity, Overflow overflow, Comparator<? super M> priority) {
        this.capacity = capacity;
        this.overflow = overflow;
        this.priority = priority;
    }

    /**
     * A mailbox whose tells never block nor drop (the default).
     *
     * @param <M> the message type
     * @return the unbounded mailbox spec
     */
    @SuppressWarnings("unchecked")
    public static <M> Mailbox<M> unbounded() {
        return (Mailbox<M>) UNBOUNDED;
    }

    /**
     * A mailbox of at most {@code capacity} messages, with a policy for tells when it is full.
     *
     * @param capacity the capacity, at least 1
     * @param overflow what a tell does when the mailbox is full
     * @param <M>      the message type
     * @return the bounded mailbox spec
     * @throws IllegalArgumentException if {@code capacity < 1}
     */
    public static <M> Mailbox<M> bounded(int capacity, Overflow overflow) {
        if (capacity < 1) throw new IllegalArgumentException("mailbox capacity must be >= 1, got " + capacity);
        Objects.requireNonNull(overflow, "overflow");
        return new Mailbox<>(capacity, overflow, null);
    }

    /**
     * An unbounded mailbox that delivers the smallest message first ({@code comparator}), FIFO among
     * equal ones. {@link ActorContext#onMessage} is not available on a priority mailbox.
     *
     * @param comparator orders messages, smallest first
     * @param <M>        the message type
     * @return the priority mailbox spec
     */
    public static <M> Mailbox<M> priority(Comparator<? super M> comparator) {
        Objects.requireNonNull(comparator, "comparator");
        return new Mailbox<>(0, null, comparator);
    }

    MailboxQueue<M> create() {
        if (priority != null) return new PriorityMailbox<>(priority);
        return ChannelMailbox.create(capacity, overflow);
    }

    @Override
    public String toString() {
        if (priority != null) return "Mailbox.priority(" + priority + ")";
        return overflow == null ? "Mailbox.unbounded()" : "Mailbox.bounded(" + capacity + ", " + overflow + ")";
    }
}
