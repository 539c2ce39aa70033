package dev.vela.channel;

/**
 * Thrown by a receive on a {@link Broadcast} subscription in {@link Broadcast.Mode#LAG} mode when the
 * subscriber fell behind and the oldest values in its buffer were overwritten (Tokio's
 * {@code RecvError::Lagged}). Nothing was lost silently: {@link #missed()} says how many values this
 * subscriber will never see; the next receive returns the oldest value still buffered.
 *
 * <p>A lag is a value, never an end: this is deliberately <em>not</em> a {@link ChannelClosedException}
 * (catching that one does not catch this), the subscription stays open ({@link Receiver#isClosed()} is
 * {@code false}), and a select's {@link Receiver#onReceiveOrClosed onReceiveOrClosed} clause never takes
 * its closed branch for it: the select throws this exception instead. Catch it and keep receiving.
 */
public final class ChannelLaggedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** How many values this subscriber missed, at least 1. */
    private final long missed;

    /**
     * Creates the exception for a subscriber that missed {@code missed} values.
     *
     * @param missed how many values the subscriber missed, at least 1
     * @param what   the subscription, for the message
     */
    public ChannelLaggedException(long missed, String what) {
        super(what + " lagged behind: " + missed + " value" + (missed == 1 ? " was" : "s were")
                + " overwritten before it received " + (missed == 1 ? "it" : "them"));
        this.missed = missed;
    }

    /**
     * How many values were skipped.
     *
     * @return at least 1
     */
    public long missed() {
        return missed;
    }
}
