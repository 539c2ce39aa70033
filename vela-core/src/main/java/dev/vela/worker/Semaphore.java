package dev.vela.worker;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.SelectClause;
import dev.vela.channel.Sender;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A counting semaphore whose acquire can block, time out, complete a future, or be one clause of a
 * {@link dev.vela.channel.Select#select select} — kotlinx.coroutines' {@code Semaphore}, Tokio's
 * {@code Semaphore}, with select.
 *
 * <pre>{@code
 * Semaphore db = Semaphore.create(8);                 // at most 8 queries at once
 * Rows r = db.withPermit(() -> query(sql));           // acquire, run, always release
 *
 * db.acquire();                                       // or by hand
 * try { query(sql); } finally { db.release(); }
 *
 * if (db.acquire(Duration.ofMillis(50))) { ... }     // false: no permit in time, nothing held
 * CompletableFuture<Void> p = db.acquireAsync();      // no thread waits; cancel() withdraws it
 * String how = Select.select(
 *     db.onAcquire(() -> "got a permit"),             // holds a permit when chosen
 *     stop.onReceive(x -> "stopped"));
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>A semaphore made with {@code n} permits never has more than {@code n} holders: every
 *       successful acquire (blocking, timed, try, async, select) takes one permit, every
 *       {@link #release()} gives one back, and a release that would make more than {@code n}
 *       permits available throws {@link IllegalStateException} and changes nothing (as kotlinx's
 *       semaphore does). Permits are not owned by threads: any thread may release a permit another
 *       acquired.</li>
 *   <li>Nothing is lost: an acquire that is interrupted, times out, or whose future is cancelled
 *       holds no permit; one that obtained a permit at the same instant returns it as obtained.</li>
 *   <li>Waiters are served in the order they started waiting, as receivers of a channel are; like a
 *       buffered channel's receivers (ADR 0005), a waiter woken by a release may be overtaken by a
 *       {@link #tryAcquire()} or a new acquire that arrives at that instant (barging), so strict FIFO
 *       among all callers is not promised.</li>
 *   <li>One permit per call. There is no {@code acquire(k)}: taking {@code k} tokens FIFO from a
 *       channel would need a reservation of {@code k} places at once, and a waiter holding some of
 *       them while waiting for the rest could starve or deadlock others (ADR 0041).</li>
 * </ul>
 * Every method is thread-safe.
 *
 * <h2>Implementation overview</h2>
 * The semaphore is a bounded channel of capacity {@code n}, created full with {@code n} identical
 * tokens, used only through the public channel API (as {@link CancellationToken} and
 * {@link WorkerSet} are). Acquire is a receive of a token, release a {@code trySend} of one. So the
 * blocking, timed, async and select variants, interruption, the virtual clock of vela-test and the
 * deadlock watchdog all come from the channel and behave exactly as its receives do; a full buffer
 * is what detects an over-release ({@code trySend} returns false). The channel is never closed.
 * The only state of the semaphore itself is {@code available}, a counter that mirrors the number of
 * tokens in the buffer for {@link #availablePermits()}: it is decremented after a token was taken
 * and incremented before one is put back, so it lags the channel by the operations in flight.
 *
 * <p>Invariant: tokens in the buffer + permits held (tokens taken and not yet put back) ==
 * {@code permits}, at every instant the channel is between two operations; hence the holders never
 * number more than {@code permits}.
 */
public final class Semaphore {
    /** Final; used in messages and {@link #toString()}. */
    private final String name;
    /** Final; the number of permits, ≥ 1; the channel's capacity. */
    private final int permits;
    /** Final; the tokens; bounded to {@code permits}, filled at construction, never closed. */
    private final Channel<Object> tokens;
    /** Final; {@code tokens}' original sender handle; used by release only. */
    private final Sender<Object> tx;
    /** Final; {@code tokens}' receiver; used by every acquire. */
    private final Receiver<Object> rx;
    /**
     * Atomic counter; approximately the number of tokens in the buffer. Decremented after a token
     * was taken, incremented before one is put back (and decremented again if the put is refused),
     * so it may be off by the operations in flight; exact when the semaphore is quiescent.
     */
    private final AtomicInteger available;

    private Semaphore(String name, int permits) {
        this.name = name;
        this.permits = permits;
        this.tokens = Tokens.full("semaphore '" + name + "'", permits);
        this.tx = tokens.sender();
        this.rx = tokens.receiver();
        this.available = new AtomicInteger(permits);
    }

    /**
     * Creates a semaphore with {@code permits} permits, all available, named {@code semaphore-<n>}.
     *
     * @param permits the number of permits, at least 1
     * @return the semaphore
     * @throws IllegalArgumentException if {@code permits} is less than 1 (the message names the value)
     */
    public static Semaphore create(int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits must be at least 1, was " + permits);
        }
        return new Semaphore(WorkerSupport.nextName("semaphore"), permits);
    }

    /**
     * Creates a named semaphore with {@code permits} permits, all available; the name is used in
     * exception messages and {@link #toString()}.
     *
     * @param name the semaphore's name
     * @param permits the number of permits, at least 1
     * @return the semaphore
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank or {@code permits} less than 1
     */
    public static Semaphore create(String name, int permits) {
        WorkerSupport.checkName(name);
        if (permits < 1) {
            throw new IllegalArgumentException("permits of semaphore '" + name + "' must be at least 1, was " + permits);
        }
        return new Semaphore(name, permits);
    }

    /**
     * Takes a permit, waiting while none is available.
     *
     * <p><b>Interruption and timeout.</b> No timeout (see {@link #acquire(Duration)}). If the caller
     * is interrupted while waiting, {@link InterruptedException} is thrown and <b>no permit is
     * held</b>. If a permit was handed over at the same instant as the interrupt, this returns
     * normally holding it, with the interrupt flag left set. A waiting acquire is reported by the
     * deadlock watchdog like any blocked channel receive.
     *
     * @throws InterruptedException if interrupted while waiting (no permit is held)
     */
    public void acquire() throws InterruptedException {
        rx.receive();
        available.decrementAndGet();
    }

    /**
     * Takes a permit, waiting at most {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> The time is measured on the monotonic clock (the virtual
     * clock under vela-test) from the call. When it runs out this returns false and no permit is
     * held; a zero timeout only tries, as {@link #tryAcquire()}. Interruption is handled as in
     * {@link #acquire()}.
     *
     * @param timeout how long to wait at most, not negative
     * @return true if a permit was taken, false if the time ran out first (nothing held)
     * @throws InterruptedException if interrupted while waiting (no permit is held)
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     */
    public boolean acquire(Duration timeout) throws InterruptedException {
        Deadlines.check(timeout, "timeout");
        if (timeout.isZero()) {
            return tryAcquire();
        }
        if (rx.receive(timeout) == null) {
            return false;
        }
        available.decrementAndGet();
        return true;
    }

    /**
     * Takes a permit if one is available now; never waits.
     *
     * @return true if a permit was taken
     */
    public boolean tryAcquire() {
        if (rx.tryReceive() == null) {
            return false;
        }
        available.decrementAndGet();
        return true;
    }

    /**
     * Takes a permit without holding a thread: the returned future completes (with {@code null})
     * once a permit is held by the caller, who must then {@link #release()} it.
     *
     * <p><b>Interruption and timeout.</b> No thread waits. {@code future.cancel(...)} and
     * {@code future.orTimeout(...)} withdraw the acquire: when they succeed (cancel returns true;
     * the future completes with the cancellation or timeout) <b>no permit is held</b>; when a permit
     * was handed over first they have no effect, the future completes normally and the permit is
     * held. Completing the future from outside ({@code complete}, {@code completeOnTimeout}) is not
     * supported and throws {@link UnsupportedOperationException}: it would lose a permit in flight.
     *
     * <p><b>Which thread runs the dependent stages.</b> If the acquire has to wait, the
     * {@link #release()} that hands it a permit completes the future in the releasing thread, and
     * the future's non-async stages run there before that {@code release()} returns, as for the
     * channel's {@link Receiver#receiveAsync()}. Use the {@code …Async} stage variants for work that
     * blocks or takes long.
     *
     * @return a future that completes when a permit is held
     */
    public CompletableFuture<Void> acquireAsync() {
        return TokenAcquire.follow(rx.receiveAsync(), "semaphore '" + name + "'", available::decrementAndGet, () -> false);
    }

    /**
     * A {@link dev.vela.channel.Select#select select} clause that takes a permit and then runs
     * {@code fn} on the selecting thread; chosen only when a permit can be taken, so a select whose
     * other clause wins holds no permit. When the clause is chosen, the caller holds a permit and
     * must {@link #release()} it; if {@code fn} throws, the permit is released before the exception
     * leaves the select, so nothing is held. The clause may be kept and given to any number of
     * selects.
     *
     * @param fn the select's result once the permit is held
     * @param <R> the select's result type
     * @return the clause
     * @throws NullPointerException if {@code fn} is null
     */
    public <R> SelectClause<R> onAcquire(Supplier<? extends R> fn) {
        if (fn == null) {
            throw new NullPointerException("fn must not be null");
        }
        return rx.onReceive(token -> {
            available.decrementAndGet();
            try {
                return fn.get();
            } catch (Throwable t) {
                release();
                throw t;
            }
        });
    }

    /**
     * Gives a permit back; if acquirers wait, the first of them gets it. Never blocks. An async
     * acquire handed the permit runs its non-async dependent stages in this thread before this
     * returns (see {@link #acquireAsync()}).
     *
     * @throws IllegalStateException if every permit is already available ("released more permits
     *         than were acquired"); nothing changes then
     */
    public void release() {
        available.incrementAndGet();
        if (!tx.trySend(Tokens.TOKEN)) {
            available.decrementAndGet();
            throw new IllegalStateException("semaphore '" + name + "': released more permits than were acquired ("
                    + permits + " permits, all available)");
        }
    }

    /**
     * Runs {@code task} holding a permit: acquires one (waiting as {@link #acquire()}), runs the task
     * and releases the permit whatever the task did, returning its result or rethrowing its exception
     * as is.
     *
     * <p><b>Interruption and timeout.</b> No timeout. Interrupted while waiting for the permit, this
     * throws {@link InterruptedException}, the task does not run and no permit is held. Once the task
     * runs, interruption is the task's business; the permit is released when it ends.
     *
     * @param task what to run while holding a permit
     * @param <T> the task's result type
     * @return what the task returned
     * @throws InterruptedException if interrupted while waiting for the permit (or thrown by the task)
     * @throws Exception what the task threw, unchanged; the permit was released
     * @throws NullPointerException if {@code task} is null (before anything is acquired)
     */
    public <T> T withPermit(Callable<? extends T> task) throws Exception {
        WorkerSupport.checkTask(task);
        acquire();
        try {
            return task.call();
        } finally {
            release();
        }
    }

    /**
     * Returns about how many permits are available now. The number is a snapshot of a counter kept
     * beside the channel: while other threads acquire and release it may be off by the operations in
     * flight (so a {@link #tryAcquire()} right after a positive answer can still fail), and it is
     * exact only when no operation runs. Always between 0 and {@link #permits()}. For diagnostics,
     * never for deciding whether to acquire.
     *
     * @return the approximate number of available permits
     */
    public int availablePermits() {
        int a = available.get();
        return Math.max(0, Math.min(permits, a));
    }

    /**
     * Returns the number of permits this semaphore was created with: the most that can be held at once.
     *
     * @return the number of permits, at least 1
     */
    public int permits() {
        return permits;
    }

    /** Returns {@code Semaphore[name, available a of n]} (the count is approximate, see {@link #availablePermits()}). */
    @Override
    public String toString() {
        return "Semaphore[" + name + ", available " + availablePermits() + " of " + permits + "]";
    }
}
