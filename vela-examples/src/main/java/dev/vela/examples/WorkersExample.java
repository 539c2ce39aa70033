package dev.vela.examples;

import dev.vela.worker.Worker;
import dev.vela.worker.WorkerFailedException;
import dev.vela.worker.WorkerTimeoutException;
import java.time.Duration;
import java.util.List;

/** Workers: spawn, join, failures and deadlines told apart by type. */
public final class WorkersExample {
    private WorkersExample() {}

    /**
     * Runs the example.
     *
     * @param args ignored
     * @throws InterruptedException if interrupted
     */
    public static void main(String[] args) throws InterruptedException {
        Worker<Integer> answer = Worker.spawn("answer", () -> 6 * 7);
        System.out.println(answer.name() + " -> " + answer.join());

        Worker<List<Integer>> squares = Worker.spawnAll(List.of(() -> 1, () -> 4, () -> 9));
        System.out.println("spawnAll -> " + squares.join());

        Worker<Integer> broken = Worker.spawn("broken", () -> Integer.parseInt("forty-two"));
        Worker<String> slow = Worker.spawn("slow", () -> {
            Thread.sleep(10_000);
            return "too late";
        }, Duration.ofMillis(100));
        for (Worker<?> w : List.of(broken, slow)) {
            try {
                w.join();
            } catch (WorkerTimeoutException e) {
                System.out.println("timed out: " + e.getMessage());
            } catch (WorkerFailedException e) {
                System.out.println("failed: " + e.getMessage());
            }
        }
    }
}
