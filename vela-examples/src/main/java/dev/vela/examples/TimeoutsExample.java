package dev.vela.examples;

import dev.vela.channel.Channel;
import dev.vela.channel.ChannelClosedException;
import java.io.IOException;
import java.time.Duration;

/** README: "Timeouts, try-operations and failures": null never means anything but "nothing now". */
public final class TimeoutsExample {
    private TimeoutsExample() {}

    public static void main(String[] args) throws Exception {
        Channel<String> ch = Channel.bounded(1);
        System.out.println("trySend a: " + ch.sender().trySend("a"));
        System.out.println("trySend b (full): " + ch.sender().trySend("b"));
        System.out.println("send c within 20 ms: " + ch.sender().send("c", Duration.ofMillis(20)));
        System.out.println("receive: " + ch.receiver().receive());
        System.out.println("tryReceive on empty: " + ch.receiver().tryReceive());
        System.out.println("receive within 20 ms: " + ch.receiver().receive(Duration.ofMillis(20)));

        ch.sender().send("last words");
        ch.sender().fail(new IOException("disk full"));      // close with a cause
        System.out.println("still buffered: " + ch.receiver().receive());
        try {
            ch.receiver().receive();
        } catch (ChannelClosedException e) {
            System.out.println("then: closed, cause = " + e.getCause().getMessage());
        }
    }
}
