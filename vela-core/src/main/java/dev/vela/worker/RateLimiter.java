package dev.vela.worker;

import dev.vela.channel.Channel;
import dev.vela.channel.Receiver;
import dev.vela.channel.SelectClause;
import dev.vela.channel.Sender;
import dev.vela.channel.Timers;
import dev.vela.time.internal.Clock;
import java.math.BigInteger;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A token-bucket rate limiter whose acquire can block, time out, complete a future, or be one clause
 * of a {@link dev.vela.channel.Select#select select} — Guava's {@code RateLimiter}, Rust's
 * {@code governor}, with select.
 *
 * <pre>{@code
 * RateLimiter api = RateLimiter.create(10, Duration.ofSeconds(1));  // 10 a second, bursts of up to 10
 * api.acquire();                                      // waits for a permit, then call the API
 *
 * if (api.acquire(Duration.ofMillis(50))) { ... }    // false: no permit in time, nothing consumed
 * if (api.tryAcquire()) { ... }                       // never waits
 * CompletableFuture<Void> p = api.acquireAsync();     // no thread waits; cancel() withdraws it
 * String how = Select.select(
 *     api.onAcquire(() -> "go"),                      // consumes a permit when chosen
 *     stop.onReceive(x -> "stopped"));
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>A limiter made with {@code permits} per {@code per} and a burst of {@code b} holds at most
 *       {@code b} permits (it starts with {@code b}) and gains one every {@code per / permits}, exactly
 *       (the fraction is carried, so no rate is lost to rounding), while it holds fewer than {@code b}.
 *       So over any span of time {@code t}, at most {@code b + permits × t / per} acquires succeed.</li>
 *   <li>Permits are consumed, never given back: there is no {@code release}. That is the difference
 *       from a {@link Semaphore}, which bounds how many run at once; a rate limiter bounds how many
 *       start per unit of time.</li>
 *   <li>Nothing is lost: an acquire that is interrupted, times out, or whose future is cancelled
 *       consumes no permit; one that obtained a permit at the same instant returns as having consumed
 *       it.</li>
 *   <li>Waiters are served in the order they started waiting, as receivers of a channel are; like a
 *       buffered channel's receivers (ADR 0005), a waiter woken by a refill may be overtaken by a
 *       {@link #tryAcquire()} or a new acquire that arrives at that instant (barging), so strict FIFO
 *       among all callers is not promised.</li>
 *   <li>One permit per call, as for {@link Semaphore} (ADR 0041, ADR 0044).</li>
 *   <li>An idle limiter holds no timer and no thread: there is nothing to close.</li>
 * </ul>
 * Every method is thread-safe. Time is the runtime's clock: real time, or vela-test's virtual clock
 * while one is installed.
 *
 * <h2>Implementation overview</h2>
 * The bucket is a bounded channel of capacity {@code burst}, created full of identical tokens and used
 * only through the public channel API, as {@link Semaphore} is (ADR 0041). Every acquire is the
 * matching receive (blocking, timed, try, async, select clause), so waiting order, interruption,
 * timeouts, withdrawal of cancelled futures, select commitment and the deadlock watchdog are the
 * channel's. What a semaphore's {@code release} did, a <em>refill</em> does: it {@code trySend}s the
 * tokens that came due; a refused {@code trySend} means the bucket is full.
 *
 * <p><b>A lazy refill timer.</b> Refills run only while the bucket may be below full. The right to
 * refill (the <em>turn</em>) is {@code refillPending}: an acquire that took a token sets it by CAS when
 * it is clear and starts the turn with {@code base} = now; the refill then reschedules itself for the
 * instant the next token is due, and ends the turn the first time a {@code trySend} is refused (the
 * bucket was full at that instant: a full bucket accrues nothing, so the fraction of a token due is
 * dropped, as in any token bucket). Tokens due at {@code now} are
 * {@code floor((now - base) × permits / perNanos) - sinceBase}, computed exactly; {@code base} moves
 * forward by whole periods so the numbers stay small. Ending the turn races with an acquire that took
 * a token just after the refused {@code trySend} and saw the turn still held: the refill clears the
 * flag, then re-reads {@code available} (which every acquire decrements before it reads the flag); if
 * it changed since the refill began, it takes the turn back (Dekker's pattern on two volatile words; a
 * needless extra turn is harmless, it ends at its first refill).
 *
 * <p><b>Why {@code Timers.after} and not a private timer thread.</b> The refill is scheduled with
 * {@link Timers#after} and runs when that receiver's {@code receiveAsync} completes. So it is a pending
 * Vela timer: the {@link dev.vela.diagnostics.DeadlockWatchdog} does not mistake workers waiting for a
 * token for a deadlock, vela-test's virtual clock moves it, and it runs on a virtual thread of the
 * channel runtime, never on the timer thread. A refill never runs user code: an async acquire it
 * serves is completed on a fresh virtual thread ({@code REFILLING} tells the future where it is).
 *
 * <p>Invariants, whenever no operation is in flight: tokens in the buffer + tokens taken ==
 * {@code issued} (the initial {@code burst} plus every token a refill put in; {@code RateLimiterTest}
 * checks it after a stress run); the tokens taken in any span are at most those in the buffer at its
 * start ({@code ≤ burst}) plus those put in during it ({@code ≤ permits × span / per}, the refills
 * following the exact schedule above); and if the buffer holds fewer than {@code burst} tokens, a
 * refill is pending (the turn is held).
 */
public final class RateLimiter {
    /** Bound while a refill runs on the current thread: an async acquire it serves completes elsewhere. */
    private static final ScopedValue<Boolean> REFILLING = ScopedValue.newInstance();

    /** Final; used in messages and {@link #toString()}. */
    private final String name;
    /** Final; the number of permits per {@code perNanos}, ≥ 1 and ≤ {@code perNanos}. */
    private final int permits;
    /** Final; the period {@code permits} are gained in, in nanoseconds, ≥ {@code permits}. */
    private final long perNanos;
    /** Final; {@code per} as given, for messages. */
    private final Duration per;
    /** Final; the bucket's capacity, ≥ 1; the channel's capacity. */
    private final int burst;
    /**
     * Final; the shortest wait between two refills: 1 ms, or less when half the bucket fills faster
     * ({@code burst × per / permits / 2}), at least 1 ns. At high rates a refill then adds the tokens
     * of up to 1 ms at once instead of one timer per token; tokens come no earlier than due, so the
     * rate bound holds, and half a bucket of headroom keeps a refill from finding it full early.
     */
    private final long minRefillNanos;
    /** Final; the tokens; bounded to {@code burst}, filled at construction, never closed. */
    private final Channel<Object> tokens;
    /** Final; {@code tokens}' original sender handle; used by refills only. */
    private final Sender<Object> tx;
    /** Final; {@code tokens}' receiver; used by every acquire. */
    private final Receiver<Object> rx;
    /**
     * Atomic counter; approximately the number of tokens in the buffer. Decremented after a token was
     * taken (before the acquire looks at {@link #refillPending}: the refill's re-check relies on that
     * order), incremented before one is put in and decremented again if the put is refused. Only the
     * refill that holds the turn increments it. Exact when the limiter is quiescent.
     */
    private final AtomicInteger available;
    /**
     * Atomic flag, the turn: true while a refill is scheduled or running. Set by CAS by an acquire
     * that took a token (or by the refill re-taking it); cleared only by the refill that holds it.
     * At most one refill is scheduled or running at any time.
     */
    private final AtomicBoolean refillPending = new AtomicBoolean();
    /**
     * Plain; owned by the turn's holder (the acquire that took the turn, then each refill in order:
     * the CAS on {@link #refillPending} and the timer hand the turn over with happens-before). The
     * instant tokens accrue from; moves forward by whole {@code perNanos}.
     */
    private long base;
    /** Plain; owned with {@link #base}: tokens put in since {@code base}, in {@code [0, permits)} between refills. */
    private long sinceBase;
    /**
     * Volatile, written only by the turn's holder: the tokens ever put in, the initial {@code burst}
     * included. For tests: at quiescence with a full bucket, {@code issued - burst} is exactly the
     * number of acquires that succeeded.
     */
    private volatile long issued;

    private RateLimiter(String name, int permits, Duration per, long perNanos, int burst) {
        this.name = name;
        this.permits = permits;
        this.per = per;
        this.perNanos = perNanos;
        this.burst = burst;
        this.minRefillNanos = Math.max(1, Math.min(1_000_000L, mulDivFloor(burst, perNanos, 2L * permits)));
        this.tokens = Tokens.full("rate limiter '" + name + "'", burst);
        this.tx = tokens.sender();
        this.rx = tokens.receiver();
        this.available = new AtomicInteger(burst);
        this.issued = burst;
    }

    /**
     * Creates a rate limiter that grants {@code permits} per {@code per} on average, with bursts of up
     * to {@code permits} (it starts full), named {@code rate-limiter-<n>}.
     *
     * @param permits how many permits per {@code per}, at least 1; also the burst
     * @param per the period, positive
     * @return the limiter
     * @throws NullPointerException if {@code per} is null
     * @throws IllegalArgumentException if {@code permits} is less than 1, {@code per} is zero or
     *         negative, or the rate would need a permit more often than once a nanosecond (the message
     *         names the value)
     */
    public static RateLimiter create(int permits, Duration per) {
        String name = WorkerSupport.nextName("rate-limiter");
        return new RateLimiter(name, checkPermits(name, permits), per, checkPer(name, permits, per),
                checkBurst(name, permits));
    }

    /**
     * Creates a named rate limiter that grants {@code permits} per {@code per} on average and holds
     * at most {@code burst} permits (it starts full); the name is used in exception messages and
     * {@link #toString()}.
     *
     * @param name the limiter's name
     * @param permits how many permits per {@code per}, at least 1
     * @param per the period, positive
     * @param burst the bucket's capacity: how many permits can be taken at once after a quiet spell, at least 1
     * @return the limiter
     * @throws NullPointerException if {@code name} or {@code per} is null
     * @throws IllegalArgumentException if {@code name} is blank, {@code permits} or {@code burst} less
     *         than 1, {@code per} zero or negative, or the rate would need a permit more often than
     *         once a nanosecond (the message names the value)
     */
    public static RateLimiter create(String name, int permits, Duration per, int burst) {
        WorkerSupport.checkName(name);
        return new RateLimiter(name, checkPermits(name, permits), per, checkPer(name, permits, per),
                checkBurst(name, burst));
    }

    private static int checkPermits(String name, int permits) {
        if (permits < 1) {
            throw new IllegalArgumentException("permits of rate limiter '" + name + "' must be at least 1, was " + permits);
        }
        return permits;
    }

    private static int checkBurst(String name, int burst) {
        if (burst < 1) {
            throw new IllegalArgumentException("burst of rate limiter '" + name + "' must be at least 1, was " + burst);
        }
        return burst;
    }

    /** Validates {@code per} (after {@code permits}) and returns it in nanoseconds. */
    private static long checkPer(String name, int permits, Duration per) {
        java.util.Objects.requireNonNull(per, "per");
        if (per.isZero() || per.isNegative()) {
            throw new IllegalArgumentException("per of rate limiter '" + name + "' must be a positive duration, was " + per);
        }
        long nanos;
        try {
            nanos = per.toNanos();
        } catch (ArithmeticException tooLong) {
            throw new IllegalArgumentException("per of rate limiter '" + name + "' is too long, was " + per
                    + " (at most " + Long.MAX_VALUE + " ns)");
        }
        if (nanos < permits) {
            throw new IllegalArgumentException("rate of rate limiter '" + name + "' is too high: " + permits + " per "
                    + per + " would need a permit every less than 1 ns");
        }
        return nanos;
    }

    /**
     * Takes a permit, waiting until one is available.
     *
     * <p><b>Interruption and timeout.</b> No timeout (see {@link #acquire(Duration)}). If the caller
     * is interrupted while waiting, {@link InterruptedException} is thrown and <b>no permit is
     * consumed</b>. If a permit was handed over at the same instant as the interrupt, this returns
     * normally having consumed it, with the interrupt flag left set. A waiting acquire is reported by
     * the deadlock watchdog like any blocked channel receive, but never while a refill is pending.
     *
     * @throws InterruptedException if interrupted while waiting (no permit is consumed)
     */
    public void acquire() throws InterruptedException {
        rx.receive();
        tokenTaken();
    }

    /**
     * Takes a permit, waiting at most {@code timeout}.
     *
     * <p><b>Interruption and timeout.</b> The time is measured on the monotonic clock (the virtual
     * clock under vela-test) from the call. When it runs out this returns false and no permit is
     * consumed; a zero timeout only tries, as {@link #tryAcquire()}. Interruption is handled as in
     * {@link #acquire()}.
     *
     * @param timeout how long to wait at most, not negative
     * @return true if a permit was taken, false if the time ran out first (nothing consumed)
     * @throws InterruptedException if interrupted while waiting (no permit is consumed)
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
        tokenTaken();
        return true;
    }

    /**
     * Takes a permit if one is available now; never waits. Tokens come due on a timer, so a permit
     * due a moment ago may not be there yet under real time (the timer's lateness, usually well
     * under a millisecond).
     *
     * @return true if a permit was taken
     */
    public boolean tryAcquire() {
        if (rx.tryReceive() == null) {
            return false;
        }
        tokenTaken();
        return true;
    }

    /**
     * Takes a permit without holding a thread: the returned future completes (with {@code null})
     * once a permit was consumed for the caller.
     *
     * <p><b>Interruption and timeout.</b> No thread waits. {@code future.cancel(...)} and
     * {@code future.orTimeout(...)} withdraw the acquire: when they succeed (cancel returns true;
     * the future completes with the cancellation or timeout) <b>no permit is consumed</b>; when a
     * permit was handed over first they have no effect, and the future completes normally (it may
     * still be completing when they return). Completing the future from outside ({@code complete},
     * {@code completeOnTimeout}) is not supported and throws {@link UnsupportedOperationException}:
     * it would lose a permit in flight.
     *
     * <p><b>Which thread runs the dependent stages.</b> If a permit is available at the call, the
     * future is complete when this returns. If the acquire has to wait, the refill that hands it a
     * permit completes the future on a fresh virtual thread, and the non-async stages run there; a
     * refill never runs them itself, so a slow stage does not delay other waiters.
     *
     * @return a future that completes when a permit was consumed
     */
    public CompletableFuture<Void> acquireAsync() {
        return TokenAcquire.follow(rx.receiveAsync(), "rate limiter '" + name + "'", this::tokenTaken, REFILLING::isBound);
    }

    /**
     * A {@link dev.vela.channel.Select#select select} clause that takes a permit and then runs
     * {@code fn} on the selecting thread; chosen only when a permit can be taken, so a select whose
     * other clause wins consumes no permit. The permit is consumed even if {@code fn} throws (permits
     * are never given back). The clause may be kept and given to any number of selects.
     *
     * @param fn the select's result once the permit is consumed
     * @param <R> the select's result type
     * @return the clause
     * @throws NullPointerException if {@code fn} is null
     */
    public <R> SelectClause<R> onAcquire(Supplier<? extends R> fn) {
        if (fn == null) {
            throw new NullPointerException("fn must not be null");
        }
        return rx.onReceive(token -> {
            tokenTaken();
            return fn.get();
        });
    }

    /**
     * Returns about how many permits are available now. The number is a snapshot of a counter kept
     * beside the channel: while other threads acquire and refills run it may be off by the operations
     * in flight (so a {@link #tryAcquire()} right after a positive answer can still fail), and permits
     * that came due a moment ago count only once the refill put them in. Always between 0 and the
     * burst. For diagnostics, never for deciding whether to acquire.
     *
     * @return the approximate number of available permits
     */
    public int availablePermits() {
        int a = available.get();
        return Math.max(0, Math.min(burst, a));
    }

    /** Returns {@code RateLimiter[name, 10 per 1000 ms, burst 10, available a]} (the count is approximate). */
    @Override
    public String toString() {
        return "RateLimiter[" + name + ", " + permits + " per " + Deadlines.format(per) + ", burst " + burst
                + ", available " + availablePermits() + "]";
    }

    // ------------------------------------------------------------------ for tests (package-private)

    /** The tokens ever put in, the initial burst included (see {@link #issued}). */
    long tokensIssued() {
        return issued;
    }

    /** Whether a refill is scheduled or running (the turn is held). */
    boolean refillPending() {
        return refillPending.get();
    }

    // ------------------------------------------------------------------ machinery

    /** Called by every acquire that took a token: counts it and makes sure a refill is pending. */
    private void tokenTaken() {
        available.decrementAndGet();                       // before reading the flag: see refillNow
        if (!refillPending.get() && refillPending.compareAndSet(false, true)) {
            startTurn(Clock.nanoTime());
        }
    }

    /** Starts a turn at {@code now} (the bucket was full until just now); the caller holds it. */
    private void startTurn(long now) {
        base = now;
        sinceBase = 0;
        refillAfter(nextTokenAt() - now);
    }

    /** The instant the next token is due: the ({@code sinceBase + 1})-th since {@code base}, rounded up. */
    private long nextTokenAt() {
        return base + mulDivCeil(sinceBase + 1, perNanos, permits);
    }

    /**
     * Runs {@link #refill()} after {@code delayNanos} on the runtime's clock, as a Vela timer (see the
     * overview). If the timer fired before the callback was registered, the callback would run here,
     * on the caller's thread (an acquirer's, or the refill's own, which would then recurse): it moves
     * to a fresh virtual thread instead.
     */
    private void refillAfter(long delayNanos) {
        Thread registering = Thread.currentThread();
        Timers.after(Duration.ofNanos(Math.max(minRefillNanos, delayNanos))).receiveAsync().whenComplete((firedAt, failure) -> {
            if (Thread.currentThread() == registering) {
                Clock.start(Thread.ofVirtual().name("vela-rate-limiter-refill").unstarted(this::refill));
            } else {
                refill();
            }
        });
    }

    /** Runs {@link #refillNow()} with {@link #REFILLING} bound. */
    private void refill() {
        ScopedValue.where(REFILLING, Boolean.TRUE).run(this::refillNow);
    }

    /** One refill; the caller holds the turn. Puts in the tokens due, then reschedules or ends the turn. */
    private void refillNow() {
        long now = Clock.nanoTime();
        int seen = available.get();
        long accrued = mulDivFloor(Math.max(0, now - base), permits, perNanos);
        long due = Math.max(0, accrued - sinceBase);
        long added = 0;
        boolean full = false;
        while (added < due) {
            available.incrementAndGet();
            if (!tx.trySend(Tokens.TOKEN)) {
                available.decrementAndGet();
                full = true;
                break;
            }
            added++;
        }
        issued = issued + added;
        if (!full) {
            sinceBase += added;
            if (sinceBase >= permits) {                    // move base by whole periods: small numbers
                long periods = sinceBase / permits;
                base += periods * perNanos;
                sinceBase -= periods * permits;
            }
            refillAfter(nextTokenAt() - now);
            return;
        }
        refillPending.set(false);
        // An acquire that took a token after the refused trySend may have seen the turn held: it has
        // decremented `available` before reading the flag, so either it sees the flag clear (and takes
        // the turn) or this sees the change (and takes it back).
        if (available.get() != seen + (int) added && refillPending.compareAndSet(false, true)) {
            startTurn(now);
        }
    }

    /** {@code floor(a × b / c)} for {@code a, b ≥ 0} and {@code c > 0}, exactly (the product may exceed a long). */
    static long mulDivFloor(long a, long b, long c) {
        long lo = a * b;
        if (Math.multiplyHigh(a, b) == 0 && lo >= 0) {
            return lo / c;
        }
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValue();
    }

    /** {@code ceil(a × b / c)} for {@code a, b ≥ 0} and {@code c > 0}, exactly. */
    static long mulDivCeil(long a, long b, long c) {
        long lo = a * b;
        if (Math.multiplyHigh(a, b) == 0 && lo >= 0) {
            return lo / c + (lo % c == 0 ? 0 : 1);
        }
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(c));
        return qr[0].longValue() + (qr[1].signum() == 0 ? 0 : 1);
    }
}
