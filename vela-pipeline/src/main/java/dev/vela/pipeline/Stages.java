package dev.vela.pipeline;

import static dev.vela.pipeline.Edges.nonNull;
import static dev.vela.pipeline.Edges.receive;

import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Receiver;
import dev.vela.channel.Timers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The bodies of single-worker sources and of the timed stages (batch, throttle). Each reads its input
 * with {@link Edges#receive} until the end and writes with {@link Out#emit} (a channel, or the stages
 * fused after it), stopping when downstream wants no more; the worker wrapper ({@link PipelineRun#spawn})
 * closes the stage's channels afterwards. A source checks for interruption between elements, since a
 * fused chain may never block. The synchronous stages and the sinks are in {@link Fused}.
 */
@SuppressWarnings("unchecked")
final class Stages {
    private Stages() {}

    // ------------------------------------------------------------------ sources

    static Node.Body fromIterable(Iterable<?> source) {
        return (ins, outs) -> {
            Iterator<?> it = source.iterator();
            if (!outs[0].wants()) return null;
            while (it.hasNext()) {
                if (!outs[0].emit(nonNull(it.next(), "the source iterator"))) break;
                if (Thread.interrupted()) throw new InterruptedException();   // an iterator may never block
            }
            return null;
        };
    }

    static Node.Body fromReceiver(Receiver<?> source) {
        Receiver<Object> rx = (Receiver<Object>) source;
        return (ins, outs) -> {
            if (!outs[0].wants()) return null;
            while (true) {
                Object v;
                try {
                    v = rx.receive();
                } catch (ChannelClosedException e) {
                    if (e.getCause() == null) return null;       // the source ended normally
                    throw new SourceFailedException(e.getCause());
                }
                if (!outs[0].emit(v)) return null;
                if (Thread.interrupted()) throw new InterruptedException();   // never blocks while elements are ready
            }
        };
    }

    /** The source receiver was failed by its producer: the pipeline fails with the producer's cause. */
    static final class SourceFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        SourceFailedException(Throwable cause) {
            super("the source channel failed: " + cause, cause);
        }
    }

    static Node.Body generate(Supplier<?> supplier) {
        return (ins, outs) -> {
            if (!outs[0].wants()) return null;
            while (true) {
                Object v = supplier.get();
                if (v == null || !outs[0].emit(v)) return null;
                if (Thread.interrupted()) throw new InterruptedException();   // a fused chain may never block
            }
        };
    }

    static Node.Body tick(Duration period) {
        return (ins, outs) -> {
            Receiver<Instant> ticks = Timers.tick(period);
            try {
                while (outs[0].emit(ticks.receive())) {
                    // one tick per period; a slow downstream sees fewer ticks, never a burst
                }
                return null;
            } finally {
                ticks.close();
            }
        };
    }

    // ------------------------------------------------------------------ timed stages (own worker: they wait on time)

    /**
     * Groups up to {@code n} elements; a group is sent when full, or when {@code maxWait} has passed since
     * its first element arrived, or at the end of the stream (if not empty). The input is read in batches
     * ({@link Receiver#receiveMany}, docs/adr/0039-receive-many.md): one wake-up takes every element
     * already waiting, up to the room left in the group; the deadline is read on {@link Timers#nanoTime}
     * and only the wait for a batch's first element is timed.
     */
    static Node.Body batch(int n, Duration maxWait) {
        long waitNanos = maxWait.toNanos();
        return (ins, outs) -> {
            Receiver<Object> in = ins[0];
            List<Object> group = new ArrayList<>(n);
            long deadline = 0;
            while (true) {
                boolean due;
                try {
                    if (group.isEmpty()) {
                        in.receiveMany(group, n);                          // blocks for the first element
                        deadline = Timers.nanoTime() + waitNanos;
                        due = false;
                    } else {
                        long left = deadline - Timers.nanoTime();
                        due = left <= 0 || in.receiveMany(group, n - group.size(), Duration.ofNanos(left)) == 0;
                    }
                } catch (ChannelClosedException e) {
                    if (e.getCause() != null) throw e;
                    if (!group.isEmpty()) outs[0].emit(List.copyOf(group));
                    return null;
                }
                if (due || group.size() == n) {
                    if (!outs[0].emit(List.copyOf(group))) return null;
                    group.clear();
                }
            }
        };
    }

    /** At most {@code n} elements per {@code per}, evenly spaced (per / n apart), no bursts after a pause. */
    static Node.Body throttle(int n, Duration per) {
        long gap = Math.max(1, per.toNanos() / n);
        return (ins, outs) -> {
            Object v;
            long next = Timers.nanoTime();                     // the earliest instant the next element may go
            while ((v = receive(ins[0])) != null) {
                long now = Timers.nanoTime();
                if (next - now > 0) {
                    Timers.sleep(Duration.ofNanos(next - now));
                    now = next;
                }
                if (!outs[0].emit(v)) break;
                next = Math.max(next, now) + gap;               // after a pause: one gap after this one, no burst
            }
            return null;
        };
    }
}
