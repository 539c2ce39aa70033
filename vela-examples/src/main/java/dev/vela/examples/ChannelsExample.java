package dev.vela.examples;

import dev.vela.channel.Channel;
import dev.vela.channel.Sender;
import dev.vela.worker.Worker;

/** README: "Channels". Three producers share a bounded channel; the channel closes when the last one is done. */
public final class ChannelsExample {
    private ChannelsExample() {}

    public static void main(String[] args) throws Exception {
        Channel<String> ch = Channel.bounded(4);
        try (Sender<String> tx = ch.sender()) {            // the original handle is released at the end
            for (int p = 1; p <= 3; p++) {
                Sender<String> mine = tx.clone();           // one counted handle per producer
                int id = p;
                Worker.spawn("producer-" + p, () -> {
                    try (mine) {                            // auto-close: the channel closes with the last handle
                        for (int i = 1; i <= 2; i++) mine.send("p" + id + "-" + i);
                    }
                    return null;
                });
            }
        }
        int count = 0;
        for (String msg : ch.receiver()) count++;           // ends once every producer closed its handle
        System.out.println("received " + count + " messages; channel closed: " + ch.isClosed());
    }
}
