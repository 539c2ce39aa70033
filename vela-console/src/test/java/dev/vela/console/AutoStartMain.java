package dev.vela.console;

import dev.vela.channel.Channel;
import dev.vela.worker.Worker;
import java.time.Duration;

/**
 * A program that knows nothing of the console, for {@link AutoStartTest}: run with
 * {@code -Dvela.console=127.0.0.1:0}, it gets one anyway. One worker waits on a channel for
 * {@code args[0]} ms, then the program ends: the console must not keep the JVM alive.
 */
public final class AutoStartMain {
    private AutoStartMain() {}

    public static void main(String[] args) throws Exception {
        Channel<String> never = Channel.rendezvous();
        Worker<String> w = Worker.spawn("auto-started", () -> never.receiver().receive(Duration.ofMillis(Long.parseLong(args[0]))));
        w.join(Duration.ofSeconds(60));
        System.out.println("main ends");
    }
}
