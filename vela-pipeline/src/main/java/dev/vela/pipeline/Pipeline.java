package dev.vela.pipeline;

import dev.vela.channel.Receiver;
import dev.vela.channel.Sender;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Flow;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;

/**
 * An immutable description of a stream of elements: a source followed by stages, run by a sink.
 *
 * <pre>{@code
 * long sum = Pipeline.range(1, 51)                 // 1..50
 *         .map(x -> (long) x * x)                  // fused: one worker runs range, map, filter, fold
 *         .filter(x -> x % 2 == 1)
 *         .fold(0L, Long::sum)                     // a sink starts the run
 *         .await(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p><b>Model.</b> Stages run on {@link dev.vela.worker.Worker}s (virtual threads) joined by bounded
 * {@link dev.vela.channel.Channel}s. Synchronous stages ({@link #map}, {@link #filter}, {@link #flatMap},
 * {@link #tap}, {@link #take}, {@link #drop}, {@link #takeWhile}) and the sinks are <em>fused</em>: they
 * run on the worker of the stage before them, with no channel in between. A channel (of
 * {@link #DEFAULT_CAPACITY}, or of the capacity set by {@link #buffer(int)}, the explicit asynchronous
 * boundary) joins the workers: after a {@code buffer(n)}, around {@code mapPar(n)} ({@code n} workers,
 * plus a dispatcher and a collector when ordered), {@code batch} and {@code throttle} (own worker each),
 * and at fan-in and fan-out. A slow stage therefore slows everything upstream of it: memory is bounded
 * by the channels' capacities plus one element in each worker's hands (plus a group for {@code batch}
 * and {@code n} in flight for {@code mapPar}). Building a pipeline starts nothing; a sink ({@link #fold}, {@link #toList()},
 * {@link #forEach}, {@link #count()}, {@link #to}...) wires fresh channels and workers and returns the
 * running {@link PipelineRun}. A description can be run several times if its source can be read
 * several times (an {@code Iterable} can, a {@code Receiver} cannot).
 *
 * <p><b>Ends, failures, cancellation.</b> A stage that wants no more (a {@link #take}) closes its input,
 * and upstream stages stop in turn. The first exception thrown anywhere (a user function, a source)
 * fails the run: every channel is closed with it as cause, every worker is interrupted, and
 * {@link PipelineRun#await()} rethrows it as the cause of a {@link PipelineFailedException}.
 *
 * <p><b>Fan-out and fan-in.</b> {@link #broadcast}, {@link #partition} and {@link #roundRobin} return
 * one pipeline per branch; continue each branch, then bring them together with {@link #merge} or
 * {@link #zip}. Every branch must reach the sink that runs; each pipeline value feeds at most one
 * consumer per run.
 *
 * <p><b>Null</b> is never an element: a user function that returns null fails the run with a
 * {@link NullPointerException} naming the stage.
 *
 * @param <T> the element type
 */
public final class Pipeline<T> {
    /** Capacity of the channel between two stages unless {@link #buffer(int)} says otherwise. */
    public static final int DEFAULT_CAPACITY = 64;

    /** Final; the stage that produces this stream. */
    final Node node;
    /** Final; which of the node's output ports ({@code 0 <= port < node.outputs}). */
    final int port;
    /** Final; capacity of the channel that will carry this stream to its consumer, at least 1. */
    final int capacity;
    /** Final; true if {@link #buffer} made this edge an asynchronous boundary (a channel, never fused). */
    final boolean boundary;

    private Pipeline(Node node, int port, int capacity, boolean boundary) {
        this.node = node;
        this.port = port;
        this.capacity = capacity;
        this.boundary = boundary;
    }

    static <T> Pipeline<T> source(String name, Node.Body body) {
        return new Pipeline<>(Node.single(name, List.of(), 1, body), 0, DEFAULT_CAPACITY, false);
    }

    /** A stage on its own worker (it waits on time, so it is an asynchronous boundary on its input). */
    private <R> Pipeline<R> then(String name, Node.Body body) {
        return new Pipeline<>(Node.single(name, List.of(this), 1, body), 0, DEFAULT_CAPACITY, false);
    }

    /** A synchronous stage, fused onto the worker of the stage before it when the edge allows (ADR 0020). */
    private <R> Pipeline<R> fuse(String name, Fused.Op op) {
        return new Pipeline<>(new Node(name, this, 1, op), 0, DEFAULT_CAPACITY, false);
    }

    private <R> PipelineRun<R> sink(String name, Fused.Op op) {
        return PipelineRun.start(new Node(name, this, 0, op));
    }

    @SuppressWarnings("unchecked")
    private static <A> Function<Object, ?> erase(Function<? super A, ?> fn) {
        return (Function<Object, ?>) (Function<?, ?>) Objects.requireNonNull(fn, "function must not be null");
    }

    private static int positive(int n, String what) {
        if (n < 1) throw new IllegalArgumentException(what + " must be at least 1: " + n);
        return n;
    }

    private static Duration positive(Duration d, String what) {
        if (Objects.requireNonNull(d, what + " must not be null").isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be positive: " + d);
        }
        return d;
    }

    // ------------------------------------------------------------------ sources

    /**
     * A source of the elements of {@code source}, in iteration order; it calls {@code iterator()} once per run.
     *
     * @param source the elements, none null
     * @param <T>    the element type
     * @return the source pipeline
     */
    public static <T> Pipeline<T> from(Iterable<? extends T> source) {
        Objects.requireNonNull(source, "source must not be null");
        return source("from(iterable)", Stages.fromIterable(source));
    }

    /**
     * A source of the given values.
     *
     * @param values the elements, none null
     * @param <T>    the element type
     * @return the source pipeline
     */
    @SafeVarargs
    public static <T> Pipeline<T> of(T... values) {
        for (T v : values) Objects.requireNonNull(v, "null is never a pipeline element");
        return from(List.of(values));
    }

    /**
     * A source that receives from {@code source} until it is closed and drained. If the channel was
     * closed with {@link Sender#fail}, the pipeline fails with that cause. The receiver is not closed by
     * the pipeline (it belongs to its producer); a run that stops early simply stops receiving.
     *
     * @param source the receiver to drain; one run only
     * @param <T>    the element type
     * @return the source pipeline
     */
    public static <T> Pipeline<T> from(Receiver<? extends T> source) {
        Objects.requireNonNull(source, "source must not be null");
        return source("from(receiver)", Stages.fromReceiver(source));
    }

    /**
     * A source that calls {@code supplier} for each element and ends when it returns {@code null}
     * (use {@link #take} to cut an endless one).
     *
     * @param supplier the element supplier, called on the source's worker only
     * @param <T>      the element type
     * @return the source pipeline
     */
    public static <T> Pipeline<T> generate(Supplier<? extends T> supplier) {
        Objects.requireNonNull(supplier, "supplier must not be null");
        return source("generate", Stages.generate(supplier));
    }

    /**
     * The integers {@code from, from + 1, ..., toExclusive - 1}.
     *
     * @param from        the first element
     * @param toExclusive one past the last element; an empty source if {@code toExclusive <= from}
     * @return the source pipeline
     */
    public static Pipeline<Integer> range(int from, int toExclusive) {
        return source("range", Stages.fromIterable((Iterable<Integer>) () -> IntStream.range(from, toExclusive).iterator()));
    }

    /**
     * An endless source of the current instant every {@code period} ({@link dev.vela.channel.Timers#tick});
     * like Go's ticker it drops ticks a slow downstream could not take. End it with {@link #take},
     * {@link #takeWhile} or {@link PipelineRun#cancel()}.
     *
     * @param period time between ticks, positive
     * @return the source pipeline
     * @throws IllegalArgumentException if {@code period} is not positive
     */
    public static Pipeline<Instant> tick(Duration period) {
        return source("tick", Stages.tick(positive(period, "period")));
    }

    /**
     * A source that subscribes to {@code publisher} when the run starts (one subscription per run) and
     * requests as the pipeline consumes ({@link ChannelSubscriber}); a publisher's {@code onError}
     * fails the run with that error; the subscription is cancelled if the run ends first.
     *
     * @param publisher the publisher
     * @param <T>       the element type
     * @return the source pipeline
     */
    public static <T> Pipeline<T> fromPublisher(Flow.Publisher<? extends T> publisher) {
        Objects.requireNonNull(publisher, "publisher must not be null");
        return source("fromPublisher", (ins, outs) -> {
            ChannelSubscriber<T> s = ChannelSubscriber.create(DEFAULT_CAPACITY);
            publisher.subscribe(s);
            return s.drain(ins, outs);
        });
    }

    // ------------------------------------------------------------------ fan-in

    /**
     * Merges several streams into one: each input's order is kept, inputs interleave as elements
     * arrive, the result ends when every input has ended. One worker per input.
     *
     * @param inputs the streams, at least one
     * @param <T>    the element type
     * @return the merged pipeline
     */
    @SafeVarargs
    public static <T> Pipeline<T> merge(Pipeline<? extends T>... inputs) {
        return merge(Arrays.asList(inputs));
    }

    /**
     * Merges several streams into one (see {@link #merge(Pipeline[])}).
     *
     * @param inputs the streams, at least one
     * @param <T>    the element type
     * @return the merged pipeline
     */
    public static <T> Pipeline<T> merge(List<? extends Pipeline<? extends T>> inputs) {
        if (inputs.isEmpty()) throw new IllegalArgumentException("merge needs at least one input");
        List<Pipeline<?>> ins = new ArrayList<>();
        for (Pipeline<? extends T> p : inputs) ins.add(Objects.requireNonNull(p, "merge input must not be null"));
        return new Pipeline<>(new Node("merge(" + ins.size() + ")", ins, 1, FanStages.merge(), false), 0, DEFAULT_CAPACITY, false);
    }

    /**
     * Merges this stream with {@code other} (see {@link #merge(Pipeline[])}).
     *
     * @param other the other stream
     * @return the merged pipeline
     */
    public Pipeline<T> mergeWith(Pipeline<? extends T> other) {
        return merge(List.of(this, other));
    }

    /**
     * Pairs the i-th element of {@code a} with the i-th of {@code b}; ends when either ends (the other
     * is then told to stop).
     *
     * @param a   the first stream
     * @param b   the second stream
     * @param fn  combines a pair; must not return null
     * @param <A> first element type
     * @param <B> second element type
     * @param <R> result type
     * @return the zipped pipeline
     */
    @SuppressWarnings("unchecked")
    public static <A, B, R> Pipeline<R> zip(Pipeline<A> a, Pipeline<B> b, BiFunction<? super A, ? super B, ? extends R> fn) {
        Objects.requireNonNull(fn, "function must not be null");
        List<Pipeline<?>> ins = List.of(Objects.requireNonNull(a, "a"), Objects.requireNonNull(b, "b"));
        BiFunction<Object, Object, ?> f = (BiFunction<Object, Object, ?>) (BiFunction<?, ?, ?>) fn;
        return new Pipeline<>(Node.single("zip", ins, 1, FanStages.zip(f)), 0, DEFAULT_CAPACITY, false);
    }

    // ------------------------------------------------------------------ fan-out

    private List<Pipeline<T>> fanOut(String name, int n, Node.Body body) {
        Node fan = Node.single(name + "(" + positive(n, "number of branches") + ")", List.of(this), n, body);
        List<Pipeline<T>> branches = new ArrayList<>(n);
        for (int i = 0; i < n; i++) branches.add(new Pipeline<>(fan, i, DEFAULT_CAPACITY, false));
        return List.copyOf(branches);
    }

    /**
     * Sends every element to each of {@code n} branches. The slowest branch paces the source; a
     * branch that stops (a {@code take}) is skipped from then on.
     *
     * @param n how many branches, at least 1
     * @return the branches, each to be continued and brought to the running sink (merge or zip)
     */
    public List<Pipeline<T>> broadcast(int n) {
        return fanOut("broadcast", n, FanStages.broadcast());
    }

    /**
     * Sends each element to one of {@code n} branches chosen by its key:
     * {@code floorMod(key.apply(e).hashCode(), n)}; equal keys always go to the same branch, in order.
     * Nothing is dropped: an element for a branch that has stopped (a {@code take} on that branch) fails
     * the run with an {@link IllegalStateException} naming the branch, unless the stream as a whole is
     * wanted no more (a stage that every branch flows into stopped, such as a {@code take} after the
     * merge), in which case the partition ends.
     *
     * @param n   how many branches, at least 1
     * @param key the key of an element; must not return null
     * @return the branches
     */
    public List<Pipeline<T>> partition(int n, Function<? super T, ?> key) {
        Function<Object, ?> k = erase(key);
        Node fan = new Node("partition(" + positive(n, "number of branches") + ")", List.of(this), n, FanStages.partition(k), false);
        List<Pipeline<T>> branches = new ArrayList<>(n);
        for (int i = 0; i < n; i++) branches.add(new Pipeline<>(fan, i, DEFAULT_CAPACITY, false));
        return List.copyOf(branches);
    }

    /**
     * Deals elements to {@code n} branches in turn (element k to branch k mod n), e.g. to give each of
     * n workers its share; the branches are usually continued and merged again.
     *
     * @param n how many branches, at least 1
     * @return the branches
     */
    public List<Pipeline<T>> roundRobin(int n) {
        return fanOut("roundRobin", n, FanStages.roundRobin());
    }

    // ------------------------------------------------------------------ stages

    /**
     * Applies {@code fn} to each element.
     *
     * @param fn  the mapping; must not return null
     * @param <R> the result type
     * @return the mapped pipeline
     */
    public <R> Pipeline<R> map(Function<? super T, ? extends R> fn) {
        return fuse("map", Fused.map(erase(fn)));
    }

    /**
     * Keeps the elements that satisfy {@code keep}.
     *
     * @param keep the predicate
     * @return the filtered pipeline
     */
    @SuppressWarnings("unchecked")
    public Pipeline<T> filter(Predicate<? super T> keep) {
        Objects.requireNonNull(keep, "predicate must not be null");
        return fuse("filter", Fused.filter((Predicate<Object>) keep));
    }

    /**
     * Replaces each element by the elements of {@code fn(element)}, in order.
     *
     * @param fn  the expansion; must not return null
     * @param <R> the result type
     * @return the flattened pipeline
     */
    @SuppressWarnings("unchecked")
    public <R> Pipeline<R> flatMap(Function<? super T, ? extends Iterable<? extends R>> fn) {
        Objects.requireNonNull(fn, "function must not be null");
        return fuse("flatMap", Fused.flatMap((Function<Object, ? extends Iterable<?>>) (Function<?, ?>) fn));
    }

    /**
     * Applies {@code fn} on {@code n} workers at once and emits the results in input order; a slow
     * element holds back the ones behind it (at most about {@code 2n} elements in flight).
     *
     * @param n   how many workers, at least 1
     * @param fn  the mapping; must not return null
     * @param <R> the result type
     * @return the mapped pipeline
     */
    public <R> Pipeline<R> mapPar(int n, Function<? super T, ? extends R> fn) {
        String name = "mapPar(" + positive(n, "parallelism") + ")";
        return new Pipeline<>(new Node(name, List.of(this), 1, MapPar.ordered(n, erase(fn)), true), 0, DEFAULT_CAPACITY, false);
    }

    /**
     * Applies {@code fn} on {@code n} workers at once and emits results as they complete (order not kept).
     *
     * @param n   how many workers, at least 1
     * @param fn  the mapping; must not return null
     * @param <R> the result type
     * @return the mapped pipeline
     */
    public <R> Pipeline<R> mapParUnordered(int n, Function<? super T, ? extends R> fn) {
        String name = "mapParUnordered(" + positive(n, "parallelism") + ")";
        return new Pipeline<>(new Node(name, List.of(this), 1, MapPar.unordered(n, erase(fn)), false), 0, DEFAULT_CAPACITY, false);
    }

    /**
     * Groups elements into lists of up to {@code n}: a list is emitted when full, when {@code maxWait}
     * has passed since its first element arrived, or at the end of the stream. Never emits an empty list.
     *
     * @param n       the largest group, at least 1
     * @param maxWait how long a started group waits for more, positive
     * @return the batched pipeline
     */
    public Pipeline<List<T>> batch(int n, Duration maxWait) {
        return then("batch(" + positive(n, "batch size") + ")", Stages.batch(n, positive(maxWait, "maxWait")));
    }

    /**
     * Lets at most {@code elements} elements through per {@code per}, evenly spaced; a slower
     * stream passes unchanged, a faster one is slowed (and, through backpressure, its source).
     *
     * @param elements how many per period, at least 1
     * @param per      the period, positive
     * @return the throttled pipeline
     */
    public Pipeline<T> throttle(int elements, Duration per) {
        return then("throttle", Stages.throttle(positive(elements, "elements per period"), positive(per, "period")));
    }

    /**
     * The first {@code n} elements; then upstream is told to stop.
     *
     * @param n how many, not negative
     * @return the cut pipeline
     */
    public Pipeline<T> take(long n) {
        if (n < 0) throw new IllegalArgumentException("take count must not be negative: " + n);
        return fuse("take(" + n + ")", Fused.take(n));
    }

    /**
     * All but the first {@code n} elements.
     *
     * @param n how many to skip, not negative
     * @return the pipeline
     */
    public Pipeline<T> drop(long n) {
        if (n < 0) throw new IllegalArgumentException("drop count must not be negative: " + n);
        return fuse("drop(" + n + ")", Fused.drop(n));
    }

    /**
     * The elements up to (not including) the first one that fails {@code p}; then upstream is told to stop.
     *
     * @param p the predicate
     * @return the cut pipeline
     */
    @SuppressWarnings("unchecked")
    public Pipeline<T> takeWhile(Predicate<? super T> p) {
        Objects.requireNonNull(p, "predicate must not be null");
        return fuse("takeWhile", Fused.takeWhile((Predicate<Object>) p));
    }

    /**
     * An asynchronous boundary: this stream reaches the next stage through a channel of capacity
     * {@code n}, and that stage runs on its own worker (it is not fused onto this one). Use it to let a
     * slow stage overlap with its upstream; {@code buffer(DEFAULT_CAPACITY)} gives the default edge.
     *
     * @param n the capacity, at least 1
     * @return the same stream, through a channel of {@code n}
     */
    public Pipeline<T> buffer(int n) {
        return new Pipeline<>(node, port, positive(n, "buffer capacity"), true);
    }

    /**
     * Calls {@code action} on each element as it passes (logging, metrics), on the worker that runs this (fused) stage.
     *
     * @param action the action
     * @return the same elements
     */
    @SuppressWarnings("unchecked")
    public Pipeline<T> tap(Consumer<? super T> action) {
        Objects.requireNonNull(action, "action must not be null");
        return fuse("tap", Fused.tap((Consumer<Object>) action));
    }

    // ------------------------------------------------------------------ sinks

    /**
     * Runs the pipeline into {@code target}: each element is sent (blocking while it is full). The
     * pipeline owns the handle: it closes it at the end of the stream and fails it with the cause if the
     * run fails or is cancelled — pass a {@link Sender#clone()} to keep the channel open for others. A
     * target closed by its receiver ends the run normally.
     *
     * @param target where to send
     * @return the running pipeline
     */
    @SuppressWarnings("unchecked")
    public PipelineRun<Void> to(Sender<? super T> target) {
        Sender<Object> tx = (Sender<Object>) Objects.requireNonNull(target, "target must not be null");
        return sink("to(sender)", Fused.to(tx));
    }

    /**
     * Runs the pipeline, calling {@code action} on each element on the sink's worker.
     *
     * @param action the action
     * @return the running pipeline
     */
    @SuppressWarnings("unchecked")
    public PipelineRun<Void> forEach(Consumer<? super T> action) {
        Objects.requireNonNull(action, "action must not be null");
        return sink("forEach", Fused.forEach((Consumer<Object>) action));
    }

    /**
     * Runs the pipeline and collects every element, in arrival order.
     *
     * @return the running pipeline; its result is a mutable list
     */
    public PipelineRun<List<T>> toList() {
        return sink("toList", Fused.toList());
    }

    /**
     * Runs the pipeline and folds its elements: {@code acc = fn(acc, e)} from {@code init}.
     *
     * @param init the initial value
     * @param fn   the folding function
     * @param <R>  the result type
     * @return the running pipeline
     */
    @SuppressWarnings("unchecked")
    public <R> PipelineRun<R> fold(R init, BiFunction<R, ? super T, R> fn) {
        Objects.requireNonNull(fn, "function must not be null");
        return sink("fold", Fused.fold(init, (BiFunction<Object, Object, ?>) (BiFunction<?, ?, ?>) fn, acc -> acc));
    }

    /**
     * Runs the pipeline and combines its elements with {@code op}.
     *
     * @param op an associative combination
     * @return the running pipeline; its result is empty for an empty stream
     */
    @SuppressWarnings("unchecked")
    public PipelineRun<Optional<T>> reduce(BinaryOperator<T> op) {
        Objects.requireNonNull(op, "operator must not be null");
        BiFunction<Object, Object, ?> f = (acc, v) -> acc == null ? v
                : Edges.nonNull(op.apply((T) acc, (T) v), "reduce's operator");
        return sink("reduce", Fused.fold(null, f, acc -> Optional.ofNullable(acc)));
    }

    /**
     * Runs the pipeline and counts its elements.
     *
     * @return the running pipeline
     */
    public PipelineRun<Long> count() {
        return sink("count", Fused.count());
    }

    /**
     * This pipeline as a cold {@link Flow.Publisher}: each subscriber gets its own run, paced by its
     * requests; the run's failure is signalled as {@code onError}; cancelling the subscription cancels
     * the run. Passes the Reactive Streams TCK.
     *
     * @return a publisher of this pipeline's elements
     */
    public Flow.Publisher<T> toPublisher() {
        return new PipelinePublisher<>(this);
    }

    /** Returns {@code Pipeline[stage name]}. */
    @Override
    public String toString() {
        return "Pipeline[" + node.name + (node.outputs > 1 ? " #" + port : "") + "]";
    }
}
