package dev.vela.examples;

import dev.vela.worker.Scope;
import dev.vela.worker.WorkerFailedException;

/** Structured concurrency: the first failure cancels the siblings; nothing outlives the scope. */
public final class ScopeExample {
    private ScopeExample() {}

    /**
     * Runs the example.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        try (var scope = Scope.open()) {
            var user = scope.spawn("load-user", () -> "ada");
            var orders = scope.spawn("load-orders", () -> 3);
            scope.join();
            System.out.println(user.resultNow() + " has " + orders.resultNow() + " orders");
        }

        try (var scope = Scope.open()) {
            var slow = scope.spawn("slow", () -> {
                Thread.sleep(10_000);
                return "never";
            });
            scope.spawn("failing", () -> {
                throw new IllegalStateException("database down");
            });
            try {
                scope.join();
            } catch (WorkerFailedException e) {
                System.out.println("scope failed: " + e.getMessage());
                System.out.println("sibling 'slow' is now " + slow.state());
            }
        }
    }
}
