package dev.vela.channel;

/**
 * A snapshot of a channel's counters ({@link Channel#metrics()}), taken without stopping the channel:
 * counters read at slightly different instants while other threads run may disagree by the
 * operations in flight. Once the channel is quiescent, {@code sent == received + dropped + buffered}.
 *
 * @param sent           send operations that took effect (including values later discarded by an
 *                       overflow policy, and permits sent)
 * @param received       values received
 * @param dropped        values discarded by the overflow policy (each one was given to {@code onUndelivered})
 * @param sendsWaited    send operations (blocking, timed, async, reserve) that found no room and had
 *                       to wait in the channel's queue, whatever their outcome
 * @param receivesWaited receive operations (blocking, timed, async) that found nothing and had to wait
 * @param buffered       places taken in the buffer now: values, and places reserved by send permits
 *                       (outstanding, or closed but not yet passed by a receiver); exact for a
 *                       quiescent channel, a snapshot otherwise; 0 for a rendezvous channel
 */
public record ChannelMetrics(long sent, long received, long dropped, long sendsWaited, long receivesWaited,
                             long buffered) {
}
