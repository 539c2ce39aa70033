package dev.vela.kafka;

import dev.vela.pipeline.Pipeline;
import dev.vela.pipeline.PipelineRun;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;

/**
 * Pipeline adapters: a {@link KafkaSource} as a pipeline source, a {@link KafkaSink} as a pipeline sink.
 *
 * <pre>{@code
 * PipelineRun<Long> run = KafkaPipelines.toTopic(
 *         KafkaPipelines.from(source)
 *                 .map(rec -> { var out = KafkaMessage.of(rec.key(), rec.value().toUpperCase()); rec.ackWhen(List.of(out)); return out; }),
 *         sink, 256);
 * }</pre>
 */
public final class KafkaPipelines {
    private KafkaPipelines() { }

    /**
     * The source's records as a pipeline source; it ends when the source is closed. Acknowledge each
     * record ({@link KafkaRecord#ack()} or {@link KafkaRecord#ackWhen}) where its processing completes.
     *
     * @param source the source; one run only (its channel is read once)
     * @param <K>    key type
     * @param <V>    value type
     * @return the source pipeline
     */
    public static <K, V> Pipeline<KafkaRecord<K, V>> from(KafkaSource<K, V> source) {
        return Pipeline.from(Objects.requireNonNull(source, "source must not be null").records());
    }

    /**
     * Runs {@code pipeline} into {@code sink}: each message is sent (blocking while the sink's channel is
     * full), and the run completes only after every message is acknowledged by the broker; its result is
     * the number of messages. At most {@code maxUnacknowledged} messages are sent but unacknowledged at
     * once. A failed send fails the run with a {@link KafkaSinkException} (cause: the producer's error);
     * the sink stays usable only if it did not fail itself.
     *
     * @param pipeline          the messages
     * @param sink              where to send them; not closed by the run
     * @param maxUnacknowledged the acknowledgement window, at least 1
     * @param <K>               key type
     * @param <V>               value type
     * @return the running pipeline
     */
    public static <K, V> PipelineRun<Long> toTopic(Pipeline<KafkaMessage<K, V>> pipeline, KafkaSink<K, V> sink, int maxUnacknowledged) {
        Objects.requireNonNull(pipeline, "pipeline must not be null");
        Objects.requireNonNull(sink, "sink must not be null");
        if (maxUnacknowledged < 1) throw new IllegalArgumentException("maxUnacknowledged must be at least 1: " + maxUnacknowledged);
        return pipeline.map(m -> {
            try {
                sink.send(m);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while sending to Kafka");
            }
            return m;
        }).buffer(maxUnacknowledged).fold(0L, (n, m) -> {
            try {
                m.ackFuture().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancellationException("interrupted while waiting for a Kafka acknowledgement");
            } catch (ExecutionException e) {
                throw new KafkaSinkException("sending " + m + " failed", e.getCause());
            }
            return n + 1;
        });
    }
}
