package dev.vela.channel;

/**
 * What a bounded channel does with a send that finds its buffer full (Kotlin's {@code BufferOverflow},
 * Tokio's choice between {@code mpsc} and {@code broadcast}/{@code watch}).
 *
 * <p>Every value a policy discards goes to the channel's {@code onUndelivered} callback, if one was
 * set ({@link ChannelBuilder#onUndelivered}), so that resources can be released and nothing
 * disappears unseen. See docs/adr/0021-overflow-policies-and-channel-builder.md.
 */
public enum Overflow {
    /** The default: a send blocks while the buffer is full ({@code trySend} returns {@code false}). */
    SUSPEND,
    /**
     * A send to a full buffer succeeds at once and its own value is discarded: the buffer keeps the
     * oldest values. {@code send}/{@code trySend} never block and never return {@code false}.
     */
    DROP_NEWEST,
    /**
     * A send to a full buffer succeeds at once and the oldest buffered value is discarded to make
     * room: the buffer keeps the newest values. With capacity 1 this is a conflated channel
     * ({@link Channel#conflated()}): a receiver sees only the latest value.
     */
    DROP_OLDEST
}
