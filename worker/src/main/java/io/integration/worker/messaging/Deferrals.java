package io.integration.worker.messaging;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Writes and reads the records of the retry topic: a deferred request with its not-before time and attempt count. */
final class Deferrals {

    private Deferrals() {
    }

    static final String NOT_BEFORE = "integration.not-before";
    static final String ATTEMPTS = "integration.attempts";

    /** The not-before time and the attempts carried by a record of the retry topic. */
    record Deferral(java.time.Instant notBefore, int attempts) {
    }

    /**
     * The record that defers a request: original key, value and headers, plus {@value #NOT_BEFORE} (epoch
     * millis) and {@value #ATTEMPTS} (calls made so far), replacing those of an earlier deferral.
     */
    static ProducerRecord<byte[], byte[]> deferred(String retryTopic, ConsumerRecord<byte[], byte[]> original,
                                                   java.time.Instant notBefore, int attempts) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : original.headers()) {
            if (!h.key().equals(NOT_BEFORE) && !h.key().equals(ATTEMPTS)) {
                headers.add(h.key(), h.value());
            }
        }
        headers.add(NOT_BEFORE, Long.toString(notBefore.toEpochMilli()).getBytes(StandardCharsets.UTF_8));
        headers.add(ATTEMPTS, Integer.toString(attempts).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(retryTopic, null, original.key(), original.value(), headers);
    }

    /** The deferral a retry-topic record carries, or null when it has none (or an unreadable one). */
    static Deferral deferral(ConsumerRecord<byte[], byte[]> record) {
        Header notBefore = record.headers().lastHeader(NOT_BEFORE);
        if (notBefore == null) {
            return null;
        }
        try {
            Header attempts = record.headers().lastHeader(ATTEMPTS);
            return new Deferral(java.time.Instant.ofEpochMilli(Long.parseLong(new String(notBefore.value(), StandardCharsets.UTF_8))),
                    attempts == null ? 0 : Integer.parseInt(new String(attempts.value(), StandardCharsets.UTF_8)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

}
