package io.integration.worker.messaging;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original key, value and headers byte-for-byte, plus
 * {@code integration.error.*} headers saying where the record came from and why it failed (the Kafka
 * Connect / Spring Kafka convention).
 */
final class DeadLetters {

    static final String PREFIX = "integration.error.";

    /**
     * Where processing failed: the bytes are no request (DESERIALIZATION), the request breaks an input limit
     * and has no usable requestId to answer (VALIDATION), executing it failed the same way too often
     * (EXECUTION), or neither its answer nor a substitute error result could be published (OUTPUT).
     */
    enum Stage { DESERIALIZATION, VALIDATION, EXECUTION, OUTPUT }

    private DeadLetters() {
    }

    /** The full dead letter. */
    static ProducerRecord<byte[], byte[]> of(String dltTopic, ConsumerRecord<byte[], byte[]> original, Stage stage, Throwable error) {
        return of(dltTopic, original, stage, error, 0);
    }

    /** How many ways a dead letter can shrink when the DLT refuses it as too large: without the stack trace, then without the value. */
    static final int MAX_COMPACTION = 2;

    /**
     * The dead letter; {@code compaction} 1 leaves out the stack trace, 2 also the original value (its size is then in
     * {@code integration.error.value.dropped}): a record that barely fit its input topic still gets a dead letter.
     */
    static ProducerRecord<byte[], byte[]> of(String dltTopic, ConsumerRecord<byte[], byte[]> original, Stage stage, Throwable error,
                                             int compaction) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original.headers()) {
            headers.add(h.key(), h.value());
        }
        add(headers, "topic", original.topic());
        add(headers, "partition", Integer.toString(original.partition()));
        add(headers, "offset", Long.toString(original.offset()));
        add(headers, "stage", stage.name());
        add(headers, "exception.class", error.getClass().getName());
        add(headers, "exception.message", abbreviate(String.valueOf(error.getMessage())));
        if (compaction < 1) {
            add(headers, "exception.stacktrace", stackTrace(error));
        }
        byte[] value = original.value();
        if (compaction >= 2 && value != null) {
            add(headers, "value.dropped", Integer.toString(value.length));
            value = null;
        }
        // A record without a timestamp (-1) gets the time of dead-lettering: the producer refuses negative ones.
        Long timestamp = original.timestamp() >= 0 ? original.timestamp() : null;
        return new ProducerRecord<>(dltTopic, null, timestamp, original.key(), value, headers);
    }

    private static void add(RecordHeaders headers, String name, String value) {
        headers.add(PREFIX + name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String abbreviate(String text) {
        return text.length() > 1000 ? text.substring(0, 1000) + "..." : text;
    }

    private static String stackTrace(Throwable error) {
        StringWriter out = new StringWriter();
        error.printStackTrace(new PrintWriter(out));
        String text = out.toString();
        return text.length() > 4000 ? text.substring(0, 4000) : text;
    }
}
