package dev.vela.pipeline;

import static dev.vela.pipeline.Edges.emit;
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
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The bodies of single-worker sources, linear stages and sinks. Each reads its input with
 * {@link Edges#receive} until the end and writes with {@link Edges#emit}, stopping when downstream
 * wants no more; the worker wrapper ({@link PipelineRun#spawn}) closes the stage's channels afterwards.
 * User functions are called only on the stage's own worker, one element at a time.
 */
@SuppressWarnings("unchecked")
final class Stages {
    private Stages() {}

    // ------------------------------------------------------------------ sources

    static Node.Body fromIterable(Iterable<?> source) {
        return (ins, outs) -> {
            Iterator<?> it = source.iterator();
            while (it.hasNext()) {
                if (!emit(outs[0], nonNull(it.next(), "the source iterator"))) break;
                if (Thread.interrupted()) throw new InterruptedException();   // an iterator may never block
            }
            return null;
        };
    }

    static Node.Body fromReceiver(Receiver<?> source) {
        Receiver<Object> rx = (Receiver<Object>) source;
        return (ins, outs) -> {
            while (true) {
                Object v;
                try {
                    v = rx.receive();
                } catch (ChannelClosedException e) {
                    if (e.getCause() == null) return null;       // the source ended normally
                    throw new SourceFailedException(e.getCause());
                }
                if (!emit(outs[0], v)) return null;
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
            while (true) {
                Object v = supplier.get();
                if (v == null || !emit(outs[0], v)) return null;
            }
        };
    }

    static Node.Body tick(Duration period) {
        return (ins, outs) -> {
            Receiver<Instant> ticks = Timers.tick(period);
            try {
                while (emit(outs[0], ticks.receive())) {
                    // one tick per period; a slow downstream sees fewer ticks, never a burst
                }
                return null;
            } finally {
                ticks.close();
            }
        };
    }

    // ------------------------------------------------------------------ linear stages

    static Node.Body map(Function<Object, ?> fn) {
        return (ins, outs) -> {
            Object v;
            while ((v = receive(ins[0])) != null) {
                if (!emit(outs[0], nonNull(fn.apply(v), "map's function"))) break;
            }
            return null;
        };
    }

    static Node.Body filter(Predicate<Object> keep) {
        return (ins, outs) -> {
            Object v;
            while ((v = receive(ins[0])) != null) {
                if (keep.test(v) && !emit(outs[0], v)) break;
            }
            return null;
        };
    }

    static Node.Body flatMap(Function<Object, ? extends Iterable<?>> fn) {
        return (ins, outs) -> {
            Object v;
            while ((v = receive(ins[0])) != null) {
                Iterable<?> rs = (Iterable<?>) nonNull(fn.apply(v), "flatMap's function");
                for (Object r : rs) {
                    if (!emit(outs[0], nonNull(r, "flatMap's iterable"))) return null;
                }
            }
            return null;
        };
    }

    static Node.Body tap(Consumer<Object> action) {
        return (ins, outs) -> {
            Object v;
            while ((v = receive(ins[0])) != null) {
                action.accept(v);
                if (!emit(outs[0], v)) break;
            }
            return null;
        };
    }

    static Node.Body take(long n) {
        return (ins, outs) -> {
            Object v;
            for (long i = 0; i < n && (v = receive(ins[0])) != null; i++) {
                if (!emit(outs[0], v)) break;
            }
            return null;   // closing the input (by the wrapper) tells upstream to stop
        };
    }

    static Node.Body drop(long n) {
        return (ins, outs) -> {
            Object v;
            long seen = 0;
            while ((v = receive(ins[0])) != null) {
                if (seen++ >= n && !emit(outs[0], v)) break;
            }
            return null;
        };
    }

    static Node.Body takeWhile(Predicate<Object> p) {
        return (ins, outs) -> {
            Object v;
            while ((v = receive(ins[0])) != null && p.test(v)) {
                if (!emit(outs[0], v)) break;
            }
            return null;
        };
    }

    /**
     * Groups up to {@code n} elements; a group is sent when full, or when {@code maxWait} has passed since
     * its first element arrived, or at the end of the stream (if not empty).
     */
    static Node.Body batch(int n, Duration maxWait) {
        long waitNanos = maxWait.toNanos();
        return (ins, outs) -> {
            List<Object> group = new ArrayList<>(n);
            long deadline = 0;
            while (true) {
                Object v;
                if (group.isEmpty()) {
                    if ((v = receive(ins[0])) == null) return null;
                    deadline = System.nanoTime() + waitNanos;
                } else {
                    long left = deadline - System.nanoTime();
                    try {
                        v = left <= 0 ? null : ins[0].receive(Duration.ofNanos(left));
                    } catch (ChannelClosedException e) {
                        if (e.getCause() != null) throw e;
                        emit(outs[0], List.copyOf(group));
                        return null;
                    }
                }
                if (v != null) group.add(v);
                if (group.size() == n || v == null) {
                    if (!emit(outs[0], List.copyOf(group))) return null;
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
            long next = System.nanoTime();
            while ((v = receive(ins[0])) != null) {
                long wait = next - System.nanoTime();
                if (wait > 0) Thread.sleep(Duration.ofNanos(wait));
                if (!emit(outs[0], v)) break;
                next = Math.max(next, System.nanoTime() - gap) + gap;
            }
            return null;
        };
    }

    // ------------------------------------------------------------------ sinks

    static Node.Body fold(Object init, BiFunction<Object, Object, ?> fn) {
        return (ins, outs) -> {
            Object acc = init;
            Object v;
            while ((v = receive(ins[0])) != null) acc = fn.apply(acc, v);
            return acc;
        };
    }

    static Node.Body count() {
        return (ins, outs) -> {
            long n = 0;
            while (receive(ins[0]) != null) n++;
            return n;
        };
    }

    static Node.Body forEach(Consumer<Object> action) {
        return (ins, outs) -> {
            Object v;
            while ((v = receive(ins[0])) != null) action.accept(v);
            return null;
        };
    }

    static Node.Body toList() {
        return (ins, outs) -> {
            List<Object> all = new ArrayList<>();
            Object v;
            while ((v = receive(ins[0])) != null) all.add(v);
            return all;
        };
    }
}
