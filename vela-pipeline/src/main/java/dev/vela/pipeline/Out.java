package dev.vela.pipeline;

import dev.vela.channel.Sender;

/**
 * Where a stage puts its elements: the sender of a channel edge to another worker ({@link ToChannel}),
 * or the first operator of the stages fused after it on the same worker ({@link Fused}, ADR 0020).
 * A stage writes with {@link #emit} and never needs to know which.
 *
 * <p>Thread confinement: an {@code Out} chain is used by one worker only (the one that hosts the fused
 * stages); {@link #close()} is called once, by that worker's wrapper, when it ends.
 */
abstract class Out {
    /**
     * Hands {@code v} on: through the fused operators, then into a channel or a sink.
     *
     * @return false once downstream wants no more elements (a {@code take} is done, a consumer stopped):
     *         the caller stops producing
     * @throws InterruptedException if interrupted while a channel at the end of the chain is full
     */
    abstract boolean emit(Object v) throws InterruptedException;

    /** False when downstream already wants nothing (a {@code take(0)}); a source checks it before its first element. */
    boolean wants() {
        return true;
    }

    /**
     * The end of the stream through this output, on every path (success, failure, cancel): closes the
     * channel at the end of the chain (a no-op if the run already failed it), or publishes a sink's result.
     */
    abstract void close();

    /** The output that sends into {@code tx}. */
    static ToChannel of(Sender<Object> tx) {
        return new ToChannel(tx);
    }

    /** An output into a channel edge: the boundary between two workers. */
    static final class ToChannel extends Out {
        /** Final; the channel's sender handle (owned: closed by {@link #close()}). */
        final Sender<Object> tx;

        ToChannel(Sender<Object> tx) {
            this.tx = tx;
        }

        @Override
        boolean emit(Object v) throws InterruptedException {
            return Edges.emit(tx, v);
        }

        @Override
        void close() {
            tx.close();
        }
    }
}
