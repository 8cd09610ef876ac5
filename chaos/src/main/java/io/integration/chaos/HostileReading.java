package io.integration.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.avro.IntegrationResult;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What a {@link Scenario#HOSTILE} run left in Kafka, by request label (see {@link Hostile}): where and when each
 * request was produced, its results (JSON or Avro, on the results or reply topic — or on the events topic, where
 * a result does not belong), its dead letters with their stage header, its {@code integration.method.*} events,
 * and every record of the events topic that is not an event. Reads everything from the beginning.
 */
final class HostileReading {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where and when a request was produced. */
    record Sent(int partition, long offset, long timestamp) {
    }

    /** A result (or dead letter) as read. */
    record Outcome(String topic, long timestamp, String status, String code, String message, Long retryAfterMs,
                   boolean retryable, String stage, String payload) {
        String describe() {
            return topic.equals(Cluster.DLT) ? "dead letter (stage " + stage + ")"
                    : (code == null ? status : code) + " on " + topic;
        }
    }

    final Map<String, Sent> sent = new HashMap<>();
    final Map<String, List<Outcome>> answers = new HashMap<>();
    final Map<String, List<Outcome>> deadLetters = new HashMap<>();
    final Map<String, List<String>> events = new HashMap<>();
    final List<String> nonEvents = new ArrayList<>();
    final List<String> unrecognised = new ArrayList<>();

    private final Cluster cluster;
    private final Hostile hostile;
    private final AvroWireCodec<IntegrationResult> results;

    HostileReading(Cluster cluster, Hostile hostile) {
        this.cluster = cluster;
        this.hostile = hostile;
        this.results = AvroWireCodec.of(IntegrationResult.class, SchemaRegistryClient.forUrl(cluster.registryUrl()));
    }

    /** Reads until {@code complete} holds (then 3 s more, for late repeats) or until {@code deadline} (epoch millis). */
    void readUntil(Predicate<HostileReading> complete, long deadline) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "chaos-hostile-verifier-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Cluster.input(), Cluster.RESULTS, Cluster.REPLIES, Cluster.EVENTS, Cluster.DLT));
            long quietSince = System.nanoTime();
            while (true) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    take(r);
                }
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                if (complete.test(this) && System.nanoTime() - quietSince > TimeUnit.SECONDS.toNanos(3)
                        || System.currentTimeMillis() > deadline) {
                    return;
                }
            }
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        String where = r.topic() + "-" + r.partition() + "@" + r.offset();
        if (r.topic().equals(Cluster.input())) {
            String label = hostile.labelOf(r.value());
            if (label == null) {
                unrecognised.add(where);
            } else {
                sent.putIfAbsent(label, new Sent(r.partition(), r.offset(), r.timestamp()));
            }
            return;
        }
        switch (r.topic()) {
            case Cluster.RESULTS, Cluster.REPLIES -> {
                String label = hostile.labelOfRequestId(requestIdOf(r));
                answers.computeIfAbsent(label, k -> new ArrayList<>()).add(result(r));
            }
            case Cluster.EVENTS -> {
                try {
                    JsonNode event = JSON.readTree(r.value());
                    String type = event == null ? "" : event.path("type").asText();
                    if (!type.startsWith("integration.")) {
                        nonEvents.add(where);
                        if (event != null && event.hasNonNull("requestId") && event.has("status")) {
                            // a result published to the events topic (a replyTo naming it): an answer in the wrong place
                            answers.computeIfAbsent(hostile.labelOfRequestId(event.get("requestId").asText()), k -> new ArrayList<>()).add(result(r));
                        }
                    } else if (type.startsWith("integration.method.")) {
                        events.computeIfAbsent(hostile.labelOfRequestId(event.path("requestId").asText()), k -> new ArrayList<>()).add(type);
                    }
                } catch (IOException notJson) {
                    nonEvents.add(where);
                }
            }
            default -> {
                String label = hostile.labelOf(r.value());
                Header stage = r.headers().lastHeader("integration.error.stage");
                Outcome letter = new Outcome(r.topic(), r.timestamp(), "DEAD_LETTER", null, null, null, false,
                        stage == null ? null : new String(stage.value(), StandardCharsets.UTF_8), null);
                if (label == null) {
                    unrecognised.add(where);
                } else {
                    deadLetters.computeIfAbsent(label, k -> new ArrayList<>()).add(letter);
                }
            }
        }
    }

    private String requestIdOf(ConsumerRecord<byte[], byte[]> r) {
        return r.value().length > 0 && r.value()[0] == AvroWireCodec.MAGIC_BYTE ? results.decode(r.value()).getRequestId()
                : json(r.value()).path("requestId").asText();
    }

    /** A result in either encoding the worker writes (JSON, or Avro mirroring an Avro request). */
    private Outcome result(ConsumerRecord<byte[], byte[]> r) {
        String payload = new String(r.value(), StandardCharsets.ISO_8859_1);
        if (r.value().length > 0 && r.value()[0] == AvroWireCodec.MAGIC_BYTE) {
            IntegrationResult avro = results.decode(r.value());
            var error = avro.getError();
            return new Outcome(r.topic(), r.timestamp(), avro.getStatus().name(), error == null ? null : error.getCode(),
                    error == null ? null : error.getMessage(), error == null ? null : error.getRetryAfterMs(),
                    error != null && error.getRetryable(), null, payload);
        }
        JsonNode json = json(r.value());
        JsonNode error = json.path("error");
        return new Outcome(r.topic(), r.timestamp(), json.path("status").asText(), error.hasNonNull("code") ? error.get("code").asText() : null,
                error.path("message").asText(null), error.hasNonNull("retryAfterMs") ? error.get("retryAfterMs").asLong() : null,
                error.path("retryable").asBoolean(false), null, payload);
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new IllegalStateException("not JSON: " + new String(value, 0, Math.min(value.length, 80), StandardCharsets.UTF_8), e);
        }
    }
}
