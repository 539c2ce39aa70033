package dev.vela.pipeline;

import dev.vela.channel.Receiver;
import java.util.List;

/**
 * One vertex of a pipeline's description: a stage with {@code inputs.size()} input edges and
 * {@code outputs} output ports. A {@link Pipeline} value names one output port of one node. Nodes are
 * immutable and hold no channel: every run wires fresh channels and workers ({@link PipelineRun}).
 *
 * <p>A node is either <b>fusable</b> ({@code op != null}: a synchronous one-input stage or a sink, run
 * inside the worker of the stage before it when the edge allows, ADR 0020) or <b>started</b>
 * ({@code starter != null}: it spawns its own worker(s)).
 *
 * <p>Invariants: exactly one of {@code op} and {@code starter} is non-null; {@code outputs >= 0} (0 only
 * for a sink), {@code outputs <= 1} when {@code op != null}; a node's inputs were built before it, so the
 * description is acyclic.
 */
final class Node {
    /** Final; the stage's name as shown in worker names and failure messages ("map", "mapPar(4)"...). */
    final String name;
    /** Final, immutable; the upstream ports this stage reads, in order. */
    final List<Pipeline<?>> inputs;
    /** Final; how many output ports (1 for a linear stage, n for a fan-out, 0 for a sink). */
    final int outputs;
    /** Final; starts the stage's worker(s) for one run; null for a fusable node. */
    final Starter starter;
    /** Final; the fusable operator; null for a started node. */
    final Fused.Op op;
    /**
     * Final; true if one thread writes output port 0, in order, so fused stages may run on that thread
     * (sources, linear stages, zip, batch, throttle, ordered mapPar's collector); false for merge and
     * unordered mapPar, whose output is written by several workers, and for fan-outs.
     */
    final boolean hostsTail;

    Node(String name, List<Pipeline<?>> inputs, int outputs, Starter starter, boolean hostsTail) {
        this.name = name;
        this.inputs = List.copyOf(inputs);
        this.outputs = outputs;
        this.starter = starter;
        this.op = null;
        this.hostsTail = hostsTail && outputs == 1;
    }

    /** A fusable stage (one input; {@code outputs} 1, or 0 for a sink). */
    Node(String name, Pipeline<?> input, int outputs, Fused.Op op) {
        this.name = name;
        this.inputs = List.of(input);
        this.outputs = outputs;
        this.starter = null;
        this.op = op;
        this.hostsTail = outputs == 1;
    }

    /** Starts one node in one run: it spawns its workers through {@link PipelineRun#spawn}. */
    @FunctionalInterface
    interface Starter {
        /**
         * @param run  the run, to spawn workers, make internal channels and set the sink's result
         * @param name the stage's name in this run (index and kind); the worker that writes output 0
         *             appends {@link PipelineRun#fusedSuffix()} to its name
         * @param ins  one receiver per input, in order
         * @param outs one output per port: a channel edge, or the stages fused after this one
         */
        void start(PipelineRun<?> run, String name, Receiver<Object>[] ins, Out[] outs);
    }

    /** The body of a single-worker stage: reads {@code ins}, writes {@code outs}; returns the sink result or null. */
    @FunctionalInterface
    interface Body {
        Object run(Receiver<Object>[] ins, Out[] outs) throws Exception;
    }

    /**
     * A node served by one worker that owns (and closes when it ends) all of the node's channels. A sink's
     * ({@code outputs == 0}) body result is the run's result. It hosts fused stages on its output.
     */
    static Node single(String name, List<Pipeline<?>> inputs, int outputs, Body body) {
        return new Node(name, inputs, outputs, (run, n, ins, outs) -> run.spawn(n + run.fusedSuffix(), () -> {
            Object r = body.run(ins, outs);
            if (outputs == 0) run.setResult(r);
        }, ins, outs), true);
    }
}
