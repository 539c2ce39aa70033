package dev.vela.worker;

import dev.vela.worker.WorkerPool.WhenFull;
import java.time.Duration;
import java.util.Objects;

/**
 * Configures a bounded (or explicitly unbounded) {@link WorkerPool}; see {@link WorkerPool#builder()}.
 * Each setter checks its argument at once; {@link #build()} checks that the choices fit together.
 * A builder may be reused: every {@code build()} makes a new pool.
 */
public final class WorkerPoolBuilder {
    /** 0 until set. */
    private int parallelism;
    /** -1 until set; Integer.MAX_VALUE for unbounded. */
    private int queueCapacity = -1;
    /** Null until set (BLOCK at build time). */
    private WhenFull whenFull;
    /** Null until set (no limit). */
    private Duration maxWait;
    /** Null until set (pool-n). */
    private String name;

    WorkerPoolBuilder() {
    }

    /**
     * Sets how many tasks may run at once. Required.
     *
     * @param parallelism the maximum number of tasks running at once
     * @return this builder
     * @throws IllegalArgumentException if {@code parallelism < 1}
     */
    public WorkerPoolBuilder parallelism(int parallelism) {
        this.parallelism = WorkerPool.checkParallelism(parallelism);
        return this;
    }

    /**
     * Bounds the queue: at most {@code capacity} accepted tasks wait for a slot; a submission
     * beyond that is handled by the {@link #whenFull(WhenFull)} policy. Zero means no waiting
     * room: a task is accepted only if a slot is free (or, with {@link WhenFull#BLOCK}, once one
     * is). {@link Integer#MAX_VALUE} is the same as {@link #unboundedQueue()}. This or
     * {@code unboundedQueue()} is required.
     *
     * @param capacity how many tasks may wait, ≥ 0
     * @return this builder
     * @throws IllegalArgumentException if {@code capacity < 0}
     */
    public WorkerPoolBuilder queueCapacity(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("queueCapacity must be >= 0, was " + capacity);
        }
        this.queueCapacity = capacity;
        return this;
    }

    /**
     * Lets the queue grow without bound, as {@link WorkerPool#create(int)} does: no submission ever
     * waits or is rejected for room, and a producer faster than the pool grows the heap.
     *
     * @return this builder
     */
    public WorkerPoolBuilder unboundedQueue() {
        this.queueCapacity = Integer.MAX_VALUE;
        return this;
    }

    /**
     * Sets what a submission does when the queue is full. Default {@link WhenFull#BLOCK}.
     * Needs a bounded queue ({@link #build()} checks).
     *
     * @param policy the policy
     * @return this builder
     * @throws NullPointerException if {@code policy} is null
     */
    public WorkerPoolBuilder whenFull(WhenFull policy) {
        this.whenFull = Objects.requireNonNull(policy, "whenFull policy must not be null");
        return this;
    }

    /**
     * Bounds how long a {@link WhenFull#BLOCK} submitter waits for room; after that the
     * submission throws {@link WorkerPoolFullException}. Zero means "do not wait" (as
     * {@link WhenFull#REJECT}). Default: no limit. Needs {@code BLOCK} and a bounded queue
     * ({@link #build()} checks).
     *
     * @param maxWait the longest wait for room, ≥ 0
     * @return this builder
     * @throws NullPointerException if {@code maxWait} is null
     * @throws IllegalArgumentException if {@code maxWait} is negative
     */
    public WorkerPoolBuilder maxWait(Duration maxWait) {
        this.maxWait = Deadlines.check(maxWait, "maxWait");
        return this;
    }

    /**
     * Names the pool (used in exception messages, {@code toString} and {@link WorkerPool#name()}).
     * Default {@code pool-<n>}.
     *
     * @param name the pool's name
     * @return this builder
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public WorkerPoolBuilder name(String name) {
        this.name = WorkerSupport.checkName(name);
        return this;
    }

    /**
     * Creates the pool.
     *
     * @return a new, running pool
     * @throws IllegalStateException if {@code parallelism} or the queue (bounded or unbounded) was
     *         not chosen, or if {@code whenFull} or {@code maxWait} was set for an unbounded queue,
     *         or {@code maxWait} for a policy other than {@link WhenFull#BLOCK}
     */
    public WorkerPool build() {
        if (parallelism == 0) {
            throw new IllegalStateException("choose parallelism(n) before build()");
        }
        if (queueCapacity < 0) {
            throw new IllegalStateException("choose queueCapacity(n) or unboundedQueue() before build()");
        }
        boolean unbounded = queueCapacity == Integer.MAX_VALUE;
        if (unbounded && whenFull != null) {
            throw new IllegalStateException("whenFull(" + whenFull + ") needs a bounded queue: "
                    + "an unbounded queue is never full; call queueCapacity(n)");
        }
        if (maxWait != null && (unbounded || (whenFull != null && whenFull != WhenFull.BLOCK))) {
            throw new IllegalStateException("maxWait applies only to whenFull(BLOCK) with a bounded queue, not to "
                    + (unbounded ? "an unbounded queue" : "whenFull(" + whenFull + ")"));
        }
        return new WorkerPool(parallelism, queueCapacity, whenFull == null ? WhenFull.BLOCK : whenFull,
                maxWait, name == null ? "pool-" + WorkerPool.POOL_IDS.incrementAndGet() : name);
    }
}
