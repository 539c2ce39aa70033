package dev.vela.pipeline;

import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.util.List;

/**
 * One vertex of a pipeline's description: a stage with {@code inputs.size()} input edges and
 * {@code outputs} output ports. A {@link Pipeline} value names one output port of one node. Nodes are
 * immutable and hold no channel: every run wires fresh channels and workers ({@link PipelineRun}).
 *
 * <p>Invariants: {@code outputs >= 0} (0 only for a sink); a node's inputs were built before it, so the
 * description is acyclic.
 */
final class Node {
    /** Final; the stage's name as shown in worker names and failure messages ("map", "mapPar(4)"...). */
    final String name;
    /** Final, immutable; the upstream ports this stage reads, in order. */
    final List<Pipeline<?>> inputs;
    /** Final; how many output ports (1 for a linear stage, n for a fan-out, 0 for a sink). */
    final int outputs;
    /** Final; starts the stage's worker(s) for one run. */
    final Starter starter;

    Node(String name, List<Pipeline<?>> inputs, int outputs, Starter starter) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.outputs = outputs;
        this.starter = starter;
    }

    /** Starts one node in one run: it spawns its workers through {@link PipelineRun#spawn}. */
    @FunctionalInterface
    interface Starter {
        /**
         * @param run  the run, to spawn workers, make internal channels and set the sink's result
         * @param name the stage's name in this run (index and kind)
         * @param ins  one receiver per input, in order
         * @param outs one sender per output port (the channels' original handles)
         */
        void start(PipelineRun<?> run, String name, Receiver<Object>[] ins, Sender<Object>[] outs);
    }

    /** The body of a single-worker stage: reads {@code ins}, writes {@code outs}; returns the sink result or null. */
    @FunctionalInterface
    interface Body {
        Object run(Receiver<Object>[] ins, Sender<Object>[] outs) throws Exception;
    }

    /**
     * A node served by one worker that owns (and closes when it ends) all of the node's channels. A sink's
     * ({@code outputs == 0}) body result is the run's result.
     */
    static Node single(String name, List<Pipeline<?>> inputs, int outputs, Body body) {
        return new Node(name, inputs, outputs, (run, n, ins, outs) -> run.spawn(n, () -> {
            Object r = body.run(ins, outs);
            if (outputs == 0) run.setResult(r);
        }, ins, outs));
    }
}
