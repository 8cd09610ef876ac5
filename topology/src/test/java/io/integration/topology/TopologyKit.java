package io.integration.topology;

import io.integration.topology.codec.JsonSerde;
import io.integration.topology.codec.Output;
import com.fasterxml.jackson.databind.JsonNode;
import io.integration.topology.health.HealthOutputs;
import io.integration.topology.health.HealthPolicy;
import io.integration.topology.input.SkipUnreadable;
import io.integration.topology.input.WireInputs;
import io.integration.wire.InMemorySchemaRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;

/** The topology in a {@code TopologyTestDriver}, with JSON inputs and outputs and a 10 s health window. */
final class TopologyKit implements AutoCloseable {

    static final TopologySettings.Topics TOPICS = TopologySettings.Topics.DEFAULTS;
    static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    static final HealthPolicy POLICY = new HealthPolicy(Duration.ofSeconds(10), 10, 0.1, 0.5, Duration.ofSeconds(2), Duration.ofSeconds(5));
    static final Duration REQUEST_RETENTION = Duration.ofHours(1);

    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> events;
    final TestInputTopic<String, byte[]> results;
    final TestInputTopic<byte[], byte[]> requests;
    final TestInputTopic<byte[], byte[]> retry;
    final TestOutputTopic<String, byte[]> health;
    final TestOutputTopic<String, byte[]> eventsOut;

    TopologyKit() throws IOException {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("topology-test").toString());
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipUnreadable.class.getName());
        driver = new TopologyTestDriver(topology(), props, T0);
        events = driver.createInputTopic(TOPICS.events(), new StringSerializer(), new ByteArraySerializer());
        results = driver.createInputTopic(TOPICS.results(), new StringSerializer(), new ByteArraySerializer());
        requests = driver.createInputTopic(TOPICS.requests(), new ByteArraySerializer(), new ByteArraySerializer());
        retry = driver.createInputTopic(TOPICS.retry(), new ByteArraySerializer(), new ByteArraySerializer());
        health = driver.createOutputTopic(TOPICS.health(), new StringDeserializer(), new ByteArrayDeserializer());
        eventsOut = driver.createOutputTopic(TOPICS.events(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    static Topology topology() {
        return IntegrationTopology.build(TOPICS, POLICY, Duration.ofHours(1), REQUEST_RETENTION, new WireInputs(InMemorySchemaRegistry.create()),
                new HealthOutputs(TOPICS.health(), TOPICS.events(), null));
    }

    /** A method event as a worker writes it in JSON. */
    void event(String eventId, String type, String instance, String method, String errorCode, long durationMs, Instant at, String requestId) {
        String json = "{\"eventId\":\"" + eventId + "\",\"type\":\"" + type + "\",\"integrationInstanceId\":\"" + instance + "\",\"occurredAt\":"
                + at.toEpochMilli() + (method == null ? "" : ",\"methodName\":\"" + method + "\"")
                + (errorCode == null ? "" : ",\"errorCode\":\"" + errorCode + "\"") + ",\"durationMs\":" + durationMs
                + (requestId == null ? "" : ",\"requestId\":\"" + requestId + "\"") + ",\"attempts\":1}";
        events.pipeInput(instance, json.getBytes(StandardCharsets.UTF_8), at);
    }

    void succeeded(String instance, String method, long durationMs, Instant at, String requestId) {
        event(requestId + ":executed", "integration.method.executed", instance, method, null, durationMs, at, requestId);
    }

    void failed(String instance, String method, String code, Instant at, String requestId) {
        event(requestId + ":failed", "integration.method.failed", instance, method, code, 100, at, requestId);
    }

    /** The health.changed events written so far (read once), as JSON. */
    List<JsonNode> changes() {
        return eventsOut.readValuesToList().stream().map(TopologyKit::json)
                .filter(e -> e.path("type").asText().equals("integration.health.changed")).toList();
    }

    /** The health values written so far (read once). */
    List<JsonNode> healthValues() {
        return health.readValuesToList().stream().map(TopologyKit::json).toList();
    }

    static JsonNode json(byte[] bytes) {
        try {
            return JsonSerde.JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
    }
}
