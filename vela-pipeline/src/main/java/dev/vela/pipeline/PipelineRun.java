package dev.vela.pipeline;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import dev.vela.time.internal.Clock;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running pipeline: await its result, cancel it, read its failure.
 *
 * <pre>{@code
 * PipelineRun<Long> run = Pipeline.range(1, 51).map(x -> (long) x * x).fold(0L, Long::sum);
 * long sum = run.await(Duration.ofSeconds(5));   // 42925
 * }</pre>
 *
 * <p>A run ends in exactly one of three ways, decided once: <b>success</b> (every stage ended
 * normally; {@link #await()} returns the sink's result), <b>failure</b> (the first exception thrown
 * by any stage; {@link #await()} throws {@link PipelineFailedException} with that exception as its
 * cause, and {@link #failure()} returns it) or <b>cancellation</b> ({@link #cancel()}; {@link #await()}
 * throws {@link PipelineCancelledException}). Whatever the outcome, the run is {@linkplain #isDone()
 * done} only once every stage's worker has left its stage code, so a run that {@code await} saw end
 * leaves no stage running.
 *
 * <h2>Implementation overview</h2>
 * {@link #start} wires the description: a depth-first walk from the sink lists the nodes (consumers
 * before producers) and rejects a port used twice or left unconnected. Then every edge is either
 * <em>fused</em> (a synchronous stage after a single-threaded producer, with no {@link Pipeline#buffer}
 * boundary: the consumer's {@link Fused} operator becomes the producer's output and runs on its worker,
 * ADR 0020) or gets one bounded {@link Channel} whose capacity the upstream {@link Pipeline} value
 * carries. Only then are the nodes that head a fused run started, sources first. Each stage task runs on a
 * {@link Worker}; its wrapper registers the worker's thread, runs the task unless the run is already
 * decided, and in {@code finally} closes the channels the task owns and counts itself out. The
 * outcome is one {@link AtomicReference} set once by CAS from {@code null} to a failure, to
 * {@link #CANCELLED} or (by the last worker out) to {@link #SUCCEEDED}. The failure and cancel paths
 * then fail every channel of the run with the cause ({@link Sender#fail}) and interrupt every
 * registered thread; a stage that sees a failed channel or an interrupt after the decision just ends.
 * A thread is registered before it checks the outcome and the outcome is set before the registry is
 * read, so every stage either is interrupted or never starts its task (a Dekker pair on volatiles).
 *
 * @param <R> the sink's result type
 */
public final class PipelineRun<R> {
    private static final AtomicLong IDS = new AtomicLong();
    /** Outcome marker: every worker ended and nothing failed. */
    private static final Object SUCCEEDED = new Object();
    /** Outcome marker: {@link #cancel()} won. */
    private static final Object CANCELLED = new Object();

    /** Final; "pipeline-n", the prefix of every worker name. */
    private final String name;
    /** null while running, then SUCCEEDED, CANCELLED or the first {@link Failure}; set once by CAS. */
    private final AtomicReference<Object> outcome = new AtomicReference<>();
    /** Outcome of a failed run: the stage that failed first and its exception. */
    private record Failure(String stage, Throwable cause) {}
    /** Stage workers whose wrapper has not finished, plus 1 while {@link #start} is still spawning. */
    private final AtomicInteger live = new AtomicInteger(1);
    /** True until {@link #start} has spawned every stage (volatile; only for {@link #activeWorkers()}). */
    private volatile boolean spawning = true;
    /** Threads currently inside a stage wrapper; a thread is added before it checks the outcome. */
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    /** Every worker spawned, for tests and {@link #toString()}; only grows. */
    private final List<Worker<Void>> workers = new CopyOnWriteArrayList<>();
    /** Original sender handles of every channel of the run (and a sink's target): failed on failure or cancel. */
    private final List<Sender<?>> channels = new CopyOnWriteArrayList<>();
    /**
     * While {@link #start} starts one node: the stages that node's workers run (it and the stages fused
     * after it); workers spawned then mark them {@link Wiring#stoppedEarly}. Only read and written by
     * the thread in {@link #start}.
     */
    private List<Wiring> starting = List.of();
    /** The sink's result, written by the sink's worker before it counts itself out (volatile). */
    private volatile Object result;
    /** Completed once, by the last worker out, after the outcome is decided. */
    private final CompletableFuture<R> done = new CompletableFuture<>();

    private PipelineRun() {
        this.name = "pipeline-" + IDS.incrementAndGet();
    }

    // ------------------------------------------------------------------ wiring

    /** Wires and starts the graph that ends in {@code sink} (a node without outputs). */
    static <R> PipelineRun<R> start(Node sink) {
        return start(sink, r -> { });
    }

    /** As {@link #start(Node)}; {@code created} sees the run before any stage starts. */
    static <R> PipelineRun<R> start(Node sink, java.util.function.Consumer<PipelineRun<R>> created) {
        PipelineRun<R> run = new PipelineRun<>();
        created.accept(run);
        Map<Node, Wiring> wired = new IdentityHashMap<>();
        List<Wiring> order = new ArrayList<>();                 // consumers before their producers
        Wiring s = new Wiring(sink);
        wired.put(sink, s);
        order.add(s);
        walkInputs(s, wired, order);
        for (Wiring w : order) {
            for (int p = 0; p < w.outs.length; p++) {
                if (w.consumers[p] == null) {
                    throw new IllegalStateException("output " + p + " of stage '" + w.node.name
                            + "' flows nowhere: every branch of a fan-out must reach the sink that runs"
                            + " (merge or zip the branches)");
                }
            }
        }
        for (int i = 0; i < order.size(); i++) order.get(i).stage = (order.size() - 1 - i) + ":" + order.get(i).node.name;
        // edges: a fused edge (see fuses) gets no channel; the consumer's operator becomes the producer's output
        for (Wiring w : order) {
            for (int i = 0; i < w.ins.length; i++) {
                Pipeline<?> up = w.node.inputs.get(i);
                Wiring u = wired.get(up.node);
                if (fuses(up, w.node)) {
                    w.fusedInto = u;
                    u.fusedTail = w;
                } else {
                    Channel<Object> ch = Channel.bounded(up.capacity);
                    u.outs[up.port] = Out.of(ch.sender());
                    w.ins[i] = ch.receiver();
                    run.channels.add(ch.sender());   // no stage runs yet: nothing can have failed
                }
            }
        }
        for (Wiring w : order) {   // a consumer comes before its producer, so w.outs is complete here
            if (w.fusedInto != null) {
                w.fusedInto.outs[0] = w.node.op.open(run, w.stage, w.outs.length == 0 ? null : w.outs[0]);
            }
        }
        for (int i = order.size() - 1; i >= 0; i--) {    // sources first
            Wiring w = order.get(i);   // started even after a failure: its workers then skip their task
            if (w.fusedInto != null) continue;           // runs on the worker of the stage before it
            String worker = w.stage;
            List<Wiring> segment = new ArrayList<>(List.of(w));
            for (Wiring f = w.fusedTail; f != null; f = f.fusedTail) {
                worker += "+" + f.stage;
                segment.add(f);
            }
            run.starting = segment;
            try {
                if (w.node.op != null) {
                    Out chain = w.node.op.open(run, w.stage, w.outs.length == 0 ? null : w.outs[0]);
                    Receiver<Object> in = w.ins[0];
                    run.spawn(worker, () -> Fused.pump(in, chain), w.ins, new Out[] {chain});
                } else {
                    w.node.starter.start(run, w.stage, w.ins, w.outs);
                }
            } catch (RuntimeException | Error e) {
                run.fail(w.stage, e);
            }
        }
        run.starting = List.of();
        run.spawning = false;
        run.exited();                                      // drop the "still spawning" count
        return run;
    }

    /**
     * Whether the edge that carries {@code up} to {@code consumer} is fused, i.e. the consumer runs
     * on the producer's worker with no channel between (ADR 0020): the consumer is a fusable operator,
     * the producer writes its only output from one thread, and no {@link Pipeline#buffer} asked for an
     * asynchronous boundary there.
     */
    private static boolean fuses(Pipeline<?> up, Node consumer) {
        return consumer.op != null && up.node.hostsTail && !up.boundary;
    }

    /** One node's channels in one run. */
    private static final class Wiring {
        final Node node;
        final Receiver<Object>[] ins;
        final Out[] outs;
        /** Which pipeline value consumes each output port (set once; a second consumer is an error). */
        final Pipeline<?>[] consumers;
        /** "index:name", the stage's name in this run. */
        String stage;
        /** The producer this fusable stage runs on (its input edge is fused), or null. */
        Wiring fusedInto;
        /** The consumer fused onto this stage's output, or null. */
        Wiring fusedTail;
        /** The stage consuming each output port (set with {@link #consumers}). */
        final Wiring[] consumerNodes;
        /**
         * Set (volatile, once) when a worker running this stage ended normally while one of its inputs had
         * not reached its end: the stage stopped taking input (a take, a zip that ended, a merge whose
         * output is unwanted). Set before the worker closes its inputs, so a fan-out that sees the close
         * sees the flag ({@link #stoppedDownstreamOfAll}).
         */
        volatile boolean stoppedEarly;

        @SuppressWarnings("unchecked")
        Wiring(Node node) {
            this.node = node;
            this.ins = new Receiver[node.inputs.size()];
            this.outs = new Out[node.outputs];
            this.consumers = new Pipeline<?>[node.outputs];
            this.consumerNodes = new Wiring[node.outputs];
        }
    }

    private static void walkInputs(Wiring w, Map<Node, Wiring> wired, List<Wiring> order) {
        for (int i = 0; i < w.ins.length; i++) {
            Pipeline<?> up = w.node.inputs.get(i);
            Wiring u = wired.get(up.node);
            boolean fresh = u == null;
            if (fresh) {
                u = new Wiring(up.node);
                wired.put(up.node, u);
                order.add(u);
            }
            if (u.consumers[up.port] != null) {
                throw new IllegalStateException("stage '" + up.node.name + "' feeds two consumers in one run;"
                        + " use broadcast(n) to send every element to several stages");
            }
            u.consumers[up.port] = up;
            u.consumerNodes[up.port] = w;
            if (fresh) walkInputs(u, wired, order);
        }
    }

    /** A stage-internal channel (mapPar's queues), failed with the run like the edges. */
    Channel<Object> channel(int capacity) {
        Channel<Object> ch = Channel.bounded(capacity);
        track(ch.sender());
        return ch;
    }

    /**
     * Registers a sender (an internal channel, a sink's target) to be failed with the run; if the run
     * already failed or was cancelled, fails it now (added before the outcome is read, so either this
     * or {@link #stopAll} fails it).
     */
    void track(Sender<?> target) {
        channels.add(target);
        Object o = outcome.get();
        if (o instanceof Failure f) target.fail(f.cause);
        else if (o == CANCELLED) target.fail(new CancellationException(name + " cancelled"));
    }

    /** The work of one stage worker. */
    @FunctionalInterface
    interface Task {
        void run() throws Exception;
    }

    /**
     * Spawns one stage worker running {@code task}; when it ends, for whatever reason, it closes
     * {@code closeIns} (telling upstream to stop) and {@code closeOuts} (telling downstream the stream
     * ended) — after a failure the channels are already failed, so these closes change nothing.
     */
    void spawn(String stage, Task task, Receiver<?>[] closeIns, Out[] closeOuts) {
        spawn(stage, task, closeIns, closeOuts, false);
    }

    /**
     * As {@link #spawn(String, Task, Receiver[], Out[])}; with {@code mustRun} the task runs even if
     * the run was decided before it started (interrupted at once), for a sink that must report the end
     * to someone (the publisher's subscriber).
     */
    void spawn(String stage, Task task, Receiver<?>[] closeIns, Out[] closeOuts, boolean mustRun) {
        live.incrementAndGet();
        List<Wiring> segment = starting;
        Worker<Void> w = Worker.spawn(name + "/" + stage, () -> {
            Thread me = Thread.currentThread();
            threads.add(me);
            try {
                if (outcome.get() == null) {
                    task.run();
                    if (stoppedBeforeTheEnd(closeIns)) {
                        for (Wiring s : segment) s.stoppedEarly = true;
                    }
                } else if (mustRun) {
                    me.interrupt();
                    task.run();
                }
            } catch (Fused.StageFailure t) {
                fail(t.stage, t.getCause());   // user code of a (fused) stage threw: named after that stage
            } catch (Stages.SourceFailedException t) {
                fail(stage, t.getCause());   // the source's own producer failed: that is the pipeline's failure
            } catch (Throwable t) {
                fail(stage, t);
            } finally {
                threads.remove(me);
                for (Out o : closeOuts) o.close();
                for (Receiver<?> r : closeIns) r.close();
                exited();
            }
            return null;
        });
        workers.add(w);
    }

    /**
     * While a node is being started: "+k:name" for each stage fused after it, for the name of the worker
     * that runs them (the node's only worker, or ordered mapPar's collector).
     */
    String fusedSuffix() {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < starting.size(); i++) b.append('+').append(starting.get(i).stage);
        return b.toString();
    }

    /** True if one of {@code ins} is still open or holds elements: the stage ended without reading it to its end. */
    private static boolean stoppedBeforeTheEnd(Receiver<?>[] ins) {
        for (Receiver<?> in : ins) {
            if (!in.isClosed() || !in.isEmpty()) return true;
        }
        return false;
    }

    /**
     * Returns a check, for the fan-out node being started, of whether its stream is wanted no more as a
     * whole: a stage that every one of its branches flows into (directly or through other stages) has
     * stopped taking input ({@link Wiring#stoppedEarly}). Computed when called (only on a rare path).
     */
    java.util.function.BooleanSupplier stoppedDownstreamOfAll() {
        Wiring fan = starting.getFirst();
        return () -> {
            java.util.Set<Wiring> common = null;
            for (Wiring branch : fan.consumerNodes) {
                java.util.Set<Wiring> reach = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
                List<Wiring> todo = new ArrayList<>(List.of(branch));
                while (!todo.isEmpty()) {
                    Wiring x = todo.removeLast();
                    if (reach.add(x)) for (Wiring c : x.consumerNodes) todo.add(c);
                }
                if (common == null) common = reach;
                else common.retainAll(reach);
            }
            for (Wiring d : common) {
                if (d.stoppedEarly) return true;
            }
            return false;
        };
    }

    void setResult(Object value) {
        result = value;
    }

    private void exited() {
        if (live.decrementAndGet() != 0) return;
        Object o = outcome.compareAndExchange(null, SUCCEEDED);
        if (o == null) {
            @SuppressWarnings("unchecked") R r = (R) result;
            done.complete(r);
        } else {
            done.completeExceptionally(o instanceof Failure f ? f.cause : new CancellationException(name + " cancelled"));
        }
    }

    /**
     * Fails the run with {@code cause} if it is still undecided; otherwise (a consequence of an earlier
     * failure or of cancellation) does nothing.
     */
    void fail(String stage, Throwable cause) {
        if (outcome.compareAndSet(null, new Failure(stage, cause))) {
            stopAll(cause);
        }
    }

    /** True once the run is decided (failed or cancelled; or succeeded). */
    boolean decided() {
        return outcome.get() != null;
    }

    private void stopAll(Throwable cause) {
        for (Sender<?> s : channels) s.fail(cause);
        Thread me = Thread.currentThread();
        for (Thread t : threads) {
            if (t != me) t.interrupt();
        }
    }

    // ------------------------------------------------------------------ public handle

    /**
     * Waits until the run is done and returns the sink's result.
     *
     * <p><b>Interruption and timeout.</b> No timeout (see {@link #await(Duration)}). If the caller is
     * interrupted while waiting, {@link InterruptedException} is thrown and the pipeline keeps running
     * (call {@link #cancel()} to stop it).
     *
     * @return the sink's result ({@code null} for sinks without one)
     * @throws PipelineFailedException    if a stage failed (cause = the first failure, type and message intact)
     * @throws PipelineCancelledException if the run was cancelled
     * @throws InterruptedException       if interrupted while waiting
     */
    public R await() throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException | CancellationException e) {
            throw outcomeException();
        }
    }

    /**
     * Waits at most {@code timeout} for the run to be done and returns the sink's result.
     *
     * <p><b>Interruption and timeout.</b> Measured on a monotonic clock from the call. When it runs out,
     * {@link TimeoutException} is thrown and the pipeline keeps running (nothing is cancelled).
     * Interruption is handled as in {@link #await()}.
     *
     * @param timeout how long to wait at most, not negative
     * @return the sink's result
     * @throws TimeoutException           if the run is not done in time
     * @throws PipelineFailedException    if a stage failed
     * @throws PipelineCancelledException if the run was cancelled
     * @throws InterruptedException       if interrupted while waiting
     * @throws IllegalArgumentException   if {@code timeout} is negative
     */
    public R await(Duration timeout) throws InterruptedException, TimeoutException {
        if (timeout.isNegative()) throw new IllegalArgumentException("timeout must not be negative: " + timeout);
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException tooLong) {
            nanos = Long.MAX_VALUE / 4;
        }
        if (!Clock.await(done, nanos)) {                   // the runtime's clock: a test's virtual clock too
            throw new TimeoutException(name + " not done after " + timeout + "; it keeps running");
        }
        try {
            return done.get();
        } catch (ExecutionException | CancellationException e) {
            throw outcomeException();
        }
    }

    private RuntimeException outcomeException() {
        Object o = outcome.get();
        if (o instanceof Failure f) {
            return new PipelineFailedException(name + " failed in stage '" + f.stage + "': " + f.cause, f.cause);
        }
        return new PipelineCancelledException(name + " was cancelled");
    }

    /**
     * Cancels the run: every channel is closed with a {@link CancellationException} as cause and every
     * stage worker is interrupted. Does not wait; {@link #await()} returns (by throwing
     * {@link PipelineCancelledException}) once every stage has ended. Idempotent.
     *
     * @return true if this call cancelled the run; false if it was already decided
     */
    public boolean cancel() {
        if (outcome.compareAndSet(null, CANCELLED)) {
            stopAll(new CancellationException(name + " cancelled"));
            return true;
        }
        return false;
    }

    /**
     * The first failure, once the run has failed.
     *
     * @return the exception that failed the run, or {@code null} if it has not failed (yet)
     */
    public Throwable failure() {
        return outcome.get() instanceof Failure f ? f.cause : null;
    }

    /**
     * Tells whether the run is done: decided and every stage worker ended.
     *
     * @return true once {@link #await()} would not block
     */
    public boolean isDone() {
        return done.isDone();
    }

    /**
     * The run's state, as {@link Future.State}: RUNNING until {@link #isDone()}.
     *
     * @return SUCCESS, FAILED, CANCELLED or RUNNING
     */
    public Future.State state() {
        if (!done.isDone()) return Future.State.RUNNING;
        Object o = outcome.get();
        return o == SUCCEEDED ? Future.State.SUCCESS : o == CANCELLED ? Future.State.CANCELLED : Future.State.FAILED;
    }

    /**
     * How many stage workers are still inside their stage code (0 once {@link #isDone()}).
     *
     * @return the number of live stage workers
     */
    public int activeWorkers() {
        return Math.max(0, live.get() - (spawning ? 1 : 0));
    }

    /**
     * A future completed when the run is done: with the result, or exceptionally with the first failure
     * (itself, not wrapped) or a {@link CancellationException}. Cancelling the future does not cancel the run.
     *
     * @return a new dependent future
     */
    public CompletableFuture<R> toCompletableFuture() {
        return done.copy();
    }

    /** The workers of this run (tests check that they all ended). */
    List<Worker<Void>> workers() {
        return List.copyOf(workers);
    }

    /** Returns {@code pipeline-n[state, workers, live]}. */
    @Override
    public String toString() {
        return name + "[" + state() + ", " + workers.size() + " workers, " + live.get() + " live]";
    }
}
