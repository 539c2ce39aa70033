/**
 * Kafka topics as Vela channels.
 *
 * <ul>
 *   <li>{@link dev.vela.kafka.KafkaSource}: a consumer-group member whose records flow into a bounded
 *       channel; offsets are committed only for records {@linkplain dev.vela.kafka.KafkaRecord#ack() acknowledged}
 *       as processed, in order per partition (at-least-once).</li>
 *   <li>{@link dev.vela.kafka.KafkaSink}: a bounded channel drained into a Kafka producer; every
 *       {@link dev.vela.kafka.KafkaMessage} learns its broker acknowledgement; a failed send fails the channel.</li>
 *   <li>{@link dev.vela.kafka.KafkaPipelines}: pipeline source and sink adapters.</li>
 *   <li>{@link dev.vela.kafka.KafkaWorkerPool}: processes of one consumer group sharing a topic's work,
 *       each on a {@link dev.vela.worker.WorkerPool}, results to an output topic, poison records to a
 *       dead-letter topic.</li>
 * </ul>
 * The non-thread-safe {@code KafkaConsumer} is confined to one worker per source; user code never sees it.
 */
package dev.vela.kafka;
