package dev.vela.pipeline;

import static dev.vela.pipeline.Edges.receive;

import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * Fan-in (merge, zip) and fan-out (broadcast, partition, round-robin) stages.
 *
 * <p>Merge uses one worker per input, each sending through its own clone of the output sender, so the
 * output closes by itself when the last input ends (the channels' counted handles). The fan-outs use one
 * worker that sends each element to one output (partition, round-robin) or to every output in turn
 * (broadcast): the slowest wanted branch paces the source, which is what bounded memory requires. For
 * broadcast and round-robin a branch whose consumer stopped (closed its edge) is skipped from then on
 * (no element is lost: broadcast's others still get it, round-robin gives it to the next branch); the
 * fan-out stops, and tells its upstream to stop, once every branch has stopped. Partition cannot
 * re-route an element, so it fails the run instead of dropping it (see {@link #partition}). Fan-out
 * outputs are always channels: branches run on their own workers.
 */
final class FanStages {
    private FanStages() {}

    /** Merge: element order is kept per input; inputs interleave as they arrive. */
    static Node.Starter merge() {
        return (run, name, ins, outs) -> {
            Sender<Object> out = ((Out.ToChannel) outs[0]).tx;   // merge hosts no fused stage: always a channel
            for (int i = 0; i < ins.length; i++) {
                Receiver<Object> in = ins[i];
                Sender<Object> mine = out.clone();
                run.spawn(name + "#" + i, () -> {
                    Object v;
                    while ((v = receive(in)) != null) {
                        if (!Edges.emit(mine, v)) break;
                    }
                }, new Receiver<?>[] {in}, new Out[] {Out.of(mine)});
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
                if (!outs[0].emit(Edges.nonNull(fn.apply(a, b), "zip's function"))) return null;
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
                    if (!stopped[i] && !outs[i].emit(v)) {
                        stopped[i] = true;
                        open--;
                    }
                }
            }
            return null;
        };
    }

    /**
     * Each element to output {@code floorMod(key.hashCode(), n)}. Nothing is dropped: an element whose
     * branch has stopped (its consumer closed the edge, e.g. a {@code take} on that branch) fails the run
     * with a {@link BranchStoppedException} naming the branch, unless the whole stream is wanted no more
     * (a stage that every branch flows into stopped taking input, as a {@code take} after the merge does:
     * {@link PipelineRun#stoppedDownstreamOfAll}); then the partition ends, like a {@code take}.
     */
    static Node.Starter partition(Function<Object, ?> key) {
        return (run, name, ins, outs) -> {
            BooleanSupplier wantedNoMore = run.stoppedDownstreamOfAll();
            run.spawn(name, () -> {
                Object v;
                while ((v = receive(ins[0])) != null) {
                    int i = Math.floorMod(Edges.nonNull(key.apply(v), "partition's key function").hashCode(), outs.length);
                    if (!outs[i].emit(v)) {
                        if (wantedNoMore.getAsBoolean()) return;
                        throw new BranchStoppedException(name, i, outs.length);
                    }
                }
            }, ins, outs);
        };
    }

    /** An element was meant for a partition branch whose consumer had stopped: it would have been lost. */
    static final class BranchStoppedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        BranchStoppedException(String stage, int branch, int n) {
            super("stage '" + stage + "': an element for branch " + branch + " of " + n + " arrived after that"
                    + " branch stopped taking elements (e.g. a take on it); partition drops nothing, so the run"
                    + " fails. Cut the stream before the partition or after merging the branches");
        }
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
                    if (outs[i].emit(v)) break;
                    stopped[i] = true;
                    if (--open == 0) break;
                }
            }
            return null;
        };
    }
}
