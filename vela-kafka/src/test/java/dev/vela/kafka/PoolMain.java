package dev.vela.kafka;

import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A consumer process for {@link KillTakeoverTest}: a {@link KafkaWorkerPool} in group {@code args[2]}
 * that copies each value of {@code args[3]} to {@code args[4]} after {@code args[5]} ms of "work", in
 * ordering {@code args[6]} with parallelism {@code args[7]}, at most {@code args[8]} records in flight
 * and a records channel of {@value #CAPACITY}; exactly-once if {@code args[9]} is {@code eos}. Prints {@code processed=<n>} every 100 ms. Runs until
 * killed. {@code args[0]} is the parent pid.
 */
public final class PoolMain {
    /** The records channel's capacity. */
    static final int CAPACITY = 32;

    private PoolMain() { }

    public static void main(String[] args) throws Exception {
        ChildJvm.watchParent(args[0]);
        String bootstrap = args[1];
        long workMs = Long.parseLong(args[5]);
        var b = KafkaWorkerPool.builder(bootstrap, args[2], args[3], new StringDeserializer(), new StringDeserializer(),
                        new StringSerializer(), new StringSerializer())
                .outputTopic(args[4]).ordering(Ordering.valueOf(args[6])).parallelism(Integer.parseInt(args[7]))
                .maxInFlight(Integer.parseInt(args[8])).capacity(CAPACITY);
        KafkaTestSupport.fastGroup().forEach(b::consumerProperty);
        if (args.length > 9 && args[9].equals("eos")) b.exactlyOnce().producerProperty("transaction.timeout.ms", 10_000);
        var pool = b.start(r -> {
            Thread.sleep(workMs);
            return List.of(KafkaMessage.of(r.key(), r.value()));
        });
        System.out.println("assigned=" + pool.awaitAssignment(Duration.ofSeconds(60)));
        while (true) {
            System.out.println("processed=" + pool.processed() + " assignment=" + pool.assignment().size());
            Thread.sleep(100);
        }
    }
}
