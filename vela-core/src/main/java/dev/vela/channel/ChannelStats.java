package dev.vela.channel;

/**
 * An approximate snapshot of a channel's occupancy, for operators, dashboards and logs
 * ({@link Channel#stats()}, {@link Receiver#stats()}): how much is buffered, how much fits, and how many
 * operations are waiting on each side.
 *
 * <p><b>Approximate, racy, for monitoring only.</b> The four numbers are read one after the other while
 * other threads keep sending and receiving, so they may disagree with each other and are stale as soon
 * as they are returned; they are exact only while the channel is quiescent (no operation in flight).
 * Never use them for control flow: {@code if (stats.buffered() < stats.capacity()) send(v)} races with
 * every other sender, so the send may still block; use {@link Sender#trySend}, a timed send or a
 * {@link Permit} instead (docs/adr/0043-approximate-introspection.md). Taking a snapshot costs nothing on
 * the send and receive paths: it reads positions and scans the queues of waiters on demand
 * (O(waiters)).
 *
 * @param buffered         places taken in the buffer now: values, and places held by send permits;
 *                         always within {@code [0, capacity]}; 0 for a rendezvous channel (a waiting
 *                         sender's value is not buffered: it counts in {@code waitingSenders})
 * @param capacity         what {@link Channel#capacity()} reports: {@code n} for a bounded channel, 0 for
 *                         rendezvous, {@link Integer#MAX_VALUE} for unbounded (see {@link #isUnbounded()})
 * @param waitingSenders   send operations waiting now for room or for a receiver: blocked threads,
 *                         pending {@code sendAsync}/{@code reserve} operations and select send clauses
 *                         (a select counts once per clause on this channel)
 * @param waitingReceivers receive operations waiting now for a value: blocked threads, pending
 *                         {@code receiveAsync} operations and select receive clauses
 */
public record ChannelStats(long buffered, int capacity, int waitingSenders, int waitingReceivers) {

    /**
     * Whether the channel has no bound ({@code capacity() == Integer.MAX_VALUE}): sends never wait for room.
     *
     * @return {@code true} for an unbounded channel
     */
    public boolean isUnbounded() {
        return capacity == Integer.MAX_VALUE;
    }
}
