package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vela.channel.Channel;
import dev.vela.test.VirtualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/** One fresh system per test, shut down (with a bounded wait) after it. */
@Timeout(60)
abstract class ActorTestBase {
    static final Duration WAIT = Duration.ofSeconds(10);

    ActorSystem system;

    @BeforeEach
    void startSystem() {
        system = ActorSystem.create(getClass().getSimpleName());
    }

    @AfterEach
    void stopSystem() throws InterruptedException {
        system.shutdown();
        assertTrue(system.awaitTermination(Duration.ofSeconds(20)), "system did not terminate");
    }

    /**
     * Runs {@code body} under an auto-advancing virtual clock ({@link VirtualClock#run}), with
     * {@link #system} replaced by a fresh system created inside it, so that every actor runner, the
     * guardian's included, is watched by the clock. The system is shut down before the clock is closed.
     */
    void inVirtualTime(VirtualClock.Action body) throws Exception {
        system.shutdown();                                   // the real-time one of @BeforeEach: unused
        assertTrue(system.awaitTermination(Duration.ofSeconds(20)), "system did not terminate");
        VirtualClock.run(clock -> {
            system = ActorSystem.create(getClass().getSimpleName() + "-virtual");
            try {
                body.run(clock);
            } finally {
                system.shutdown();
                assertTrue(system.awaitTermination(Duration.ofSeconds(20)), "system did not terminate");
            }
        });
    }

    /**
     * The future's value, waiting up to 10 s through a Vela timed receive (so under a virtual clock
     * too: {@code CompletableFuture.get(timeout)} follows the real clock only).
     *
     * @throws ExecutionException if it failed
     * @throws TimeoutException   if it is not done within 10 s
     */
    static <T> T await(CompletableFuture<T> f) throws Exception {
        return await(f, WAIT);
    }

    static <T> T await(CompletableFuture<T> f, Duration max) throws Exception {
        Channel<Boolean> done = Channel.bounded(1);
        f.whenComplete((v, e) -> done.sender().trySend(true));
        if (done.receiver().receive(max) == null) throw new TimeoutException("not done within " + max + ": " + f);
        return f.get();                                      // done: returns at once
    }

    static Terminated awaitTerminated(ActorRef<?> ref) throws Exception {
        return await(ref.whenTerminated());
    }

    /** Polls {@code condition} until true, failing after 10 s. */
    static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        eventuallyWithin(WAIT, what, condition);
    }

    /** Polls {@code condition} until true, failing after {@code limit} (real time: not for virtual-time tests). */
    static void eventuallyWithin(Duration limit, String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + limit + ": " + what);
            Thread.sleep(2);
        }
    }
}
