package dev.vela.examples;

import dev.vela.channel.Channel;
import dev.vela.channel.Permit;
import dev.vela.channel.Select;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** README: "Select, async operations and permits". */
public final class SelectExample {
    private SelectExample() {}

    public static void main(String[] args) throws Exception {
        Channel<String> news = Channel.bounded(4), alerts = Channel.bounded(4);
        news.sender().send("rain tomorrow");
        alerts.sender().send("storm warning");

        List<String> got = new ArrayList<>();                 // both ready: each select takes exactly one,
        for (int i = 0; i < 2; i++) {                         // chosen uniformly at random
            got.add(Select.select(
                    news.receiver().onReceive(n -> "news: " + n),
                    alerts.receiver().onReceive(a -> "alert: " + a)));
        }
        got.sort(null);
        System.out.println("selected " + got);
        System.out.println(Select.select(
                news.receiver().onReceive(n -> "news: " + n),
                Select.onTimeout(Duration.ofMillis(20), () -> "nothing within 20 ms")));

        CompletableFuture<String> next = news.receiver().receiveAsync();   // no thread waits
        news.sender().send("sunny");
        System.out.println("async got: " + next.get(1, TimeUnit.SECONDS));

        try (Permit<String> p = alerts.sender().reserve()) {  // room first, then build the value
            p.send("built after the reservation");
        }
        System.out.println("permit delivered: " + alerts.receiver().receive());
    }
}
