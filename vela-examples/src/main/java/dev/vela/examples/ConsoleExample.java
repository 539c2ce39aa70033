package dev.vela.examples;

import dev.vela.actor.Actor;
import dev.vela.actor.ActorRef;
import dev.vela.actor.ActorSystem;
import dev.vela.channel.Channel;
import dev.vela.channel.Timers;
import dev.vela.console.VelaConsole;
import dev.vela.worker.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * README: "Live console": a small program to look at in the console. A producer fills a bounded
 * channel that three slow consumers drain, one worker waits on a channel nobody sends to, an actor
 * counts what the consumers tell it. Prints the console's address, runs for {@code args[0]} seconds
 * (default 120; {@code ./vela example console 600} for longer), then stops everything.
 */
public final class ConsoleExample {
    private ConsoleExample() {}

    /** Counts the jobs the consumers report. */
    static final class Tally extends Actor<Integer> {
        private long total;

        @Override
        protected void receive(Integer job) {
            total += job;
        }
    }

    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : Long.getLong("vela.example.seconds", 120);
        try (VelaConsole console = VelaConsole.start();           // 127.0.0.1, a free port, every second
             ActorSystem system = ActorSystem.create("example")) {
            System.out.println("console: " + console.url() + "  (open it in a browser; running " + seconds + " s)");
            ActorRef<Integer> tally = system.spawn("tally", Tally::new);
            Channel<Integer> jobs = Channel.<Integer>builder().capacity(16).metrics(true).build();
            Channel<String> silence = Channel.rendezvous();       // nobody ever sends: a long park
            List<Worker<?>> workers = new ArrayList<>();
            workers.add(Worker.spawn("producer", () -> {
                for (int i = 0; ; i++) jobs.sender().send(i);
            }));
            for (int c = 0; c < 3; c++) {
                int pace = 40 + 30 * c;
                workers.add(Worker.spawn("consumer-" + c, () -> {
                    while (true) {
                        int job = jobs.receiver().receive();
                        Timers.sleep(Duration.ofMillis(pace));     // "work"
                        tally.tell(job);
                    }
                }));
            }
            workers.add(Worker.spawn("listener", () -> silence.receiver().receive()));
            Thread.sleep(Duration.ofSeconds(seconds));
            jobs.close();
            silence.close();
            for (Worker<?> w : workers) {
                try {
                    w.join(Duration.ofSeconds(5));
                } catch (Exception e) {   // ended by the close (ChannelClosedException), or cancelled if stuck
                    w.cancel();
                }
            }
        }
        System.out.println("console stopped");
    }
}
