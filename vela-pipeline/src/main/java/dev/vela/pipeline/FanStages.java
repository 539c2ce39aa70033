package dev.vela.pipeline;

import static dev.vela.pipeline.Edges.emit;
import static dev.vela.pipeline.Edges.receive;

import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Fan-in (merge, zip) and fan-out (broadcast, partition, round-robin) stages.
 *
 * <p>Merge uses one worker per input, each sending through its own clone of the output sender, so the
 * output closes by itself when the last input ends (the channels' counted handles). The fan-outs use one
 * worker that sends each element to one output (partition, round-robin) or to every output in turn
 * (broadcast): the slowest wanted branch paces the source, which is what bounded memory requires. A
 * branch whose consumer stopped (closed its edge) is skipped from then on; the fan-out stops, and
 * tells its upstream to stop, once every branch has stopped.
 */
final class FanStages {
    private FanStages() {}

    /** Merge: element order is kept per input; inputs interleave as they arrive. */
    static Node.Starter merge() {
        return (run, name, ins, outs) -> {
            Sender<Object> out = outs[0];
            for (int i = 0; i < ins.length; i++) {
                Receiver<Object> in = ins[i];
                Sender<Object> mine = out.clone();
                run.spawn(name + "#" + i, () -> {
                    Object v;
                    while ((v = receive(in)) != null) {
                        if (!emit(mine, v)) break;
                    }
                }, new Receiver<?>[] {in}, new Sender<?>[] {mine});
            }
            out.close();   // the clones keep the output open until every input has ended
        };
    }

    /** Pairs the i-th elements of two inputs; ends with the shorter input. */
    static Node.Body zip(BiFunction<Object, Object, ?> fn) {
        return (ins, outs) -> {
            while (true) {
                Object a = receive(ins[0]);
                Object b = a == null ? null : receive(ins[1]);
                if (b == null) return null;
                if (!emit(outs[0], Edges.nonNull(fn.apply(a, b), "zip's function"))) return null;
            }
        };
    }

    /** Every element to every output that still wants elements. */
    static Node.Body broadcast() {
        return (ins, outs) -> {
            boolean[] stopped = new boolean[outs.length];
            int open = outs.length;
            Object v;
            while (open > 0 && (v = receive(ins[0])) != null) {
                for (int i = 0; i < outs.length; i++) {
                    if (!stopped[i] && !emit(outs[i], v)) {
                        stopped[i] = true;
                        open--;
                    }
                }
            }
            return null;
        };
    }

    /** Each element to output {@code floorMod(key.hashCode(), n)}; elements for a stopped branch are dropped. */
    static Node.Body partition(Function<Object, ?> key) {
        return (ins, outs) -> {
            boolean[] stopped = new boolean[outs.length];
            int open = outs.length;
            Object v;
            while (open > 0 && (v = receive(ins[0])) != null) {
                int i = Math.floorMod(Edges.nonNull(key.apply(v), "partition's key function").hashCode(), outs.length);
                if (!stopped[i] && !emit(outs[i], v)) {
                    stopped[i] = true;
                    open--;
                }
            }
            return null;
        };
    }

    /** Element k to output k mod n, skipping stopped branches (the element goes to the next open one). */
    static Node.Body roundRobin() {
        return (ins, outs) -> {
            boolean[] stopped = new boolean[outs.length];
            int open = outs.length;
            int next = 0;
            Object v;
            while (open > 0 && (v = receive(ins[0])) != null) {
                while (true) {
                    int i = next;
                    next = (next + 1) % outs.length;
                    if (stopped[i]) continue;
                    if (emit(outs[i], v)) break;
                    stopped[i] = true;
                    if (--open == 0) break;
                }
            }
            return null;
        };
    }
}
