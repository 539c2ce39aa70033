package dev.vela.examples;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import dev.vela.channel.Watch;
import dev.vela.channel.WatchReceiver;
import dev.vela.worker.Worker;
import dev.vela.worker.WorkerSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * README: "Watch channels, batch receive, completion order": four workers drain a job channel in
 * batches ({@code receiveMany}), publish their progress on a watch channel that the main thread waits
 * on, and hand their sums back in the order they finish ({@code WorkerSet}).
 */
public final class PrimitivesExample {
    private PrimitivesExample() {}

    public static void main(String[] args) throws Exception {
        Channel<Integer> jobs = Channel.bounded(1000);
        for (int i = 1; i <= 100; i++) jobs.sender().send(i);
        jobs.sender().close();                                    // buffered jobs stay receivable

        Watch<Integer> progress = Watch.create(0);                // jobs taken so far: one latest value
        WatchReceiver<Integer> status = progress.subscribe();

        try (WorkerSet<Integer> workers = WorkerSet.open("summers")) {
            for (int w = 0; w < 4; w++) {
                workers.spawn(() -> {
                    List<Integer> batch = new ArrayList<>();
                    int sum = 0;
                    try {
                        while (true) {
                            batch.clear();
                            int n = jobs.receiver().receiveMany(batch, 16);   // up to 16 in one call
                            for (int x : batch) sum += x;
                            progress.update(taken -> taken + n);
                        }
                    } catch (ChannelClosedException drained) {
                        return sum;
                    }
                });
            }
            Integer seen = status.waitFor(taken -> taken == 100, Duration.ofSeconds(10));   // null on timeout
            System.out.println("progress watched up to " + seen + " jobs");
            int total = 0;
            int finished = 0;
            for (Worker<Integer> w; (w = workers.next()) != null; ) {   // in the order they finish
                total += w.join();
                finished++;
            }
            System.out.println(finished + " workers finished; sum of all jobs = " + total);
        }
    }
}
