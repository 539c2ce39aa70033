package dev.vela.pipeline;

import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;

/**
 * How a stage reads and writes its edges. The two "normal end" signals are told apart from failure
 * by the closed exception's cause: a channel closed <em>without</em> a cause means "the stream ended"
 * (upstream) or "no more wanted" (downstream, a {@code take} or a stopped consumer); a channel closed
 * <em>with</em> a cause means the run failed or was cancelled, and the exception propagates so the stage
 * ends at once (the run ignores it: it was already decided).
 */
final class Edges {
    private Edges() {}

    /** Next element, or {@code null} once the input is closed and drained without a failure. */
    static Object receive(Receiver<Object> in) throws InterruptedException {
        try {
            return in.receive();
        } catch (ChannelClosedException e) {
            if (e.getCause() != null) throw e;
            return null;
        }
    }

    /** Sends {@code v}; {@code false} if downstream closed the edge (wants no more). */
    static boolean emit(Sender<Object> out, Object v) throws InterruptedException {
        try {
            out.send(v);
            return true;
        } catch (ChannelClosedException e) {
            if (e.getCause() != null) throw e;
            return false;
        }
    }

    /** Rejects a null produced by user code (null is never an element) with a message naming the stage. */
    static Object nonNull(Object v, String what) {
        if (v == null) throw new NullPointerException(what + " returned null; null is never a pipeline element");
        return v;
    }
}
