package dev.vela.actor;

import dev.vela.time.internal.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The reply reference of one ask, and at the same time the ask's future (one object per ask).
 *
 * <p>Implementation overview. The first value told completes the future; later ones (and any reply
 * after a timeout or a cancel) are dead letters. The timeout is a task on one shared daemon
 * scheduler thread; a reply cancels it, and the scheduler removes cancelled tasks, so completed asks
 * leave nothing behind. A periodic no-op task keeps the timer thread from being woken by every new
 * timeout (see {@link Timer}).
 *
 * @param <R> the reply type
 */
final class PromiseRef<R> extends CompletableFuture<R> implements ActorRef<R> {

    /** One daemon thread for every ask timeout of every system. */
    private static final class Timer {
        static final ScheduledThreadPoolExecutor EXECUTOR = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "vela-actor-ask-timer");
            t.setDaemon(true);
            return t;
        });

        static {
            EXECUTOR.setRemoveOnCancelPolicy(true);
            // A no-op task always due within 50 ms stays at the head of the timer queue, so scheduling an
            // ask's (longer) timeout does not become the new head and does not wake the timer thread:
            // that wake-up was a platform-thread unpark on every ask.
            EXECUTOR.scheduleAtFixedRate(() -> { }, 50, 50, TimeUnit.MILLISECONDS);
        }
    }

    private final ActorSystem system;
    private final ActorRef<?> target;   // for names in messages only
    private volatile Clock.Timer timer;        // set once, right after construction

    private PromiseRef(ActorSystem system, ActorRef<?> target) {
        this.system = system;
        this.target = target;
    }

    /** The ask pattern for any target; {@code deliver} tells the request and says whether it was accepted. */
    static <M, R> CompletableFuture<R> ask(ActorSystem system, ActorRef<M> target, Function<? super ActorRef<R>, ? extends M> request,
                                           Duration timeout, Predicate<M> deliver) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("ask timeout must be positive, got " + timeout);
        }
        PromiseRef<R> reply = new PromiseRef<>(system, target);
        M message = Objects.requireNonNull(request.apply(reply), "the ask's request builder returned null");
        if (!deliver.test(message)) {
            reply.completeExceptionally(new ActorStoppedException("ask to " + target.path() + ": the actor is stopped"));
            return reply;
        }
        long nanos = saturatedNanos(timeout);
        Runnable expire = () -> reply.completeExceptionally(new AskTimeoutException(
                "ask to " + target.path() + " got no reply within " + timeout));
        reply.timer = Clock.schedule(Timer.EXECUTOR, expire, nanos, 0);   // a test's virtual clock, if installed, times the ask
        if (reply.isDone()) reply.timer.cancel();      // replied before the timer was set
        return reply;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 4;                 // far enough, and no overflow on a virtual clock's scale
        }
    }

    @Override
    public String name() {
        return "ask-reply";
    }

    @Override
    public String path() {
        return target.path() + "#ask-reply";
    }

    @Override
    public void tell(R message) {
        Objects.requireNonNull(message, "message");
        if (complete(message)) {
            Clock.Timer t = timer;
            if (t != null) t.cancel();
        } else {
            system.deadLetters().publish(message, this, DeadLetter.Reason.LATE_REPLY);
        }
    }

    @Override
    public <Q> CompletableFuture<Q> ask(Function<? super ActorRef<Q>, ? extends R> request, Duration timeout) {
        return ask(system, this, request, timeout, m -> {
            tell(m);
            return true;
        });
    }

    /** Gives up waiting: the ask's future is cancelled; a later reply is a dead letter. */
    @Override
    public void stop() {
        cancel(false);
    }

    @Override
    public CompletableFuture<Terminated> whenTerminated() {
        return handle((r, e) -> new Terminated(this, null));
    }

    @Override
    public String toString() {
        return "AskReply[" + target.path() + ", " + (isDone() ? "done" : "pending") + "]";
    }
}
