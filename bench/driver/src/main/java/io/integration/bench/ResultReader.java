package io.integration.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads an arm's results topic from the start: distinct request ids answered (with when the reader first
 * saw each and the result record's timestamp), duplicate results and ERROR results. Single-threaded.
 */
final class ResultReader implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Long> resultTimestamps = new HashMap<>();
    private long duplicates;
    private long errors;

    ResultReader(String bootstrap, String topic) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
    }

    /** Reads what arrived within {@code timeout}. */
    void poll(Duration timeout) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(timeout)) {
            record(r);
        }
    }

    private void record(ConsumerRecord<byte[], byte[]> r) {
        JsonNode result;
        try {
            result = JSON.readTree(r.value());
        } catch (IOException e) {
            throw new UncheckedIOException("a result that is not JSON on " + r.topic() + "@" + r.offset(), e);
        }
        String id = result.get("requestId").asText();
        if (resultTimestamps.putIfAbsent(id, r.timestamp()) != null) {
            duplicates++;
            return;
        }

        if (!"SUCCESS".equals(result.path("status").asText())) {
            errors++;
        }
    }

    long answered() {
        return resultTimestamps.size();
    }

    /** The timestamp of the first result of {@code requestId} (the arm's producer time), or null. */
    Long resultTimestamp(String requestId) {
        return resultTimestamps.get(requestId);
    }

    long duplicates() {
        return duplicates;
    }

    long errors() {
        return errors;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
