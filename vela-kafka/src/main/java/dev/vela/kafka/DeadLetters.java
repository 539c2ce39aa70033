package dev.vela.kafka;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The dead-letter format: the poison record's raw key and value, its own headers, and these headers
 * (UTF-8 strings) saying where it came from and why it failed.
 */
public final class DeadLetters {
    /** Header: the topic the record was read from. */
    public static final String TOPIC = "vela.dlt.topic";
    /** Header: its partition (decimal). */
    public static final String PARTITION = "vela.dlt.partition";
    /** Header: its offset (decimal). */
    public static final String OFFSET = "vela.dlt.offset";
    /** Header: the class name of the exception its processing threw. */
    public static final String EXCEPTION = "vela.dlt.exception";
    /** Header: that exception's message (may be empty). */
    public static final String MESSAGE = "vela.dlt.message";
    /** Header: how many times the record was processed before it was given up (decimal, at least 1; 1 for an undeserializable record). */
    public static final String ATTEMPTS = "vela.dlt.attempts";
    /** Header: that exception's stack trace, cut to 8 KiB. */
    public static final String STACKTRACE = "vela.dlt.stacktrace";

    private static final int MAX_TRACE = 8 * 1024;

    private DeadLetters() { }

    /**
     * The dead letter for {@code record} whose processing threw {@code cause}.
     *
     * @param topic  the dead-letter topic
     * @param record the poison record
     * @param cause  why its processing failed (the last attempt's failure)
     * @param attempts how many attempts were made
     * @return a message of the raw bytes with the record's headers and the {@code vela.dlt.*} headers
     */
    static KafkaMessage<byte[], byte[]> of(String topic, KafkaRecord<?, ?> record, Throwable cause, int attempts) {
        KafkaMessage<byte[], byte[]> m = KafkaMessage.to(topic, record.rawKey(), record.rawValue());
        for (Header h : record.headers()) m = m.withHeader(h.key(), h.value());
        var trace = new StringWriter();
        cause.printStackTrace(new PrintWriter(trace));
        String t = trace.toString();
        return m.withHeader(TOPIC, record.topic())
                .withHeader(PARTITION, Integer.toString(record.partition()))
                .withHeader(OFFSET, Long.toString(record.offset()))
                .withHeader(EXCEPTION, cause.getClass().getName())
                .withHeader(MESSAGE, cause.getMessage() == null ? "" : cause.getMessage())
                .withHeader(ATTEMPTS, Integer.toString(Math.max(1, attempts)))
                .withHeader(STACKTRACE, t.length() > MAX_TRACE ? t.substring(0, MAX_TRACE) : t);
    }

    /**
     * Reads one {@code vela.dlt.*} header (or any header) of a dead letter as a string.
     *
     * @param headers the dead letter's headers
     * @param name    the header name, e.g. {@link #EXCEPTION}
     * @return the last value of that header, or null if absent
     */
    public static String header(Headers headers, String name) {
        Header h = headers.lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
