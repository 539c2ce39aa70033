package dev.vela.actor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;

/** One fresh system per test, shut down (with a bounded wait) after it. */
@Timeout(60)
abstract class ActorTestBase {
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

    static <T> T await(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    static Terminated awaitTerminated(ActorRef<?> ref) throws Exception {
        return ref.whenTerminated().get(10, TimeUnit.SECONDS);
    }

    /** Polls {@code condition} until true, failing after 10 s. */
    static void eventually(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        eventuallyWithin(Duration.ofSeconds(10), what, condition);
    }

    /** Polls {@code condition} until true, failing after {@code limit}. */
    static void eventuallyWithin(Duration limit, String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + limit + ": " + what);
            Thread.sleep(2);
        }
    }
}
