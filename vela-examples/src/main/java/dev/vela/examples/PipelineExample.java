package dev.vela.examples;

import dev.vela.channel.Channel;
import dev.vela.channel.Sender;
import dev.vela.worker.Worker;

/** README: "A pipeline by hand". The prototype's three-stage test: 1..50 squared and summed is 42925. */
public final class PipelineExample {
    private PipelineExample() {}

    public static void main(String[] args) throws Exception {
        Channel<Integer> numbers = Channel.bounded(16);
        Channel<Integer> squares = Channel.bounded(16);

        Worker.spawn("generate", () -> {
            try (Sender<Integer> out = numbers.sender()) {
                for (int i = 1; i <= 50; i++) out.send(i);
            }
            return null;
        });
        Worker.spawn("square", () -> {
            try (Sender<Integer> out = squares.sender()) {
                for (int n : numbers.receiver()) out.send(n * n);
            }
            return null;
        });
        Worker<Integer> sum = Worker.spawn("sum", () -> {
            int total = 0;
            for (int sq : squares.receiver()) total += sq;
            return total;
        });
        System.out.println("sum of squares 1..50 = " + sum.join());
    }
}
