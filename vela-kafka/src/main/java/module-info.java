/**
 * Vela over Kafka: a topic as a {@link dev.vela.channel.Receiver} or a {@link dev.vela.channel.Sender},
 * pipeline source and sink adapters, and a distributed worker pool sharing a topic through a consumer
 * group ({@link dev.vela.kafka}).
 *
 * <p>{@code kafka.clients} is the automatic module name the JDK derives from the file name
 * {@code kafka-clients-<version>.jar} (the jar declares none); see docs/adr for why that is acceptable.
 */
@SuppressWarnings({"requires-transitive-automatic", "requires-automatic"})
module dev.vela.kafka {
    requires transitive dev.vela.core;
    requires transitive dev.vela.pipeline;
    requires transitive kafka.clients;
    exports dev.vela.kafka;
}
