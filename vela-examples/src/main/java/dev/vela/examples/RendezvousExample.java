package dev.vela.examples;

import dev.vela.channel.Channel;
import dev.vela.worker.Worker;

/** README: "Rendezvous": a send completes only when a receiver takes the value (Go's unbuffered channel). */
public final class RendezvousExample {
    private RendezvousExample() {}

    public static void main(String[] args) throws Exception {
        Channel<String> ping = Channel.rendezvous();
        Channel<String> pong = Channel.rendezvous();
        Worker<Integer> player = Worker.spawn("pong-player", () -> {
            int hits = 0;
            for (String ball : ping.receiver()) {
                pong.sender().send(ball.replace("ping", "pong"));
                hits++;
            }
            return hits;
        });
        for (int i = 1; i <= 3; i++) {
            ping.sender().send("ping " + i);
            System.out.println(pong.receiver().receive());
        }
        ping.sender().close();
        System.out.println("rallies: " + player.join());
    }
}
