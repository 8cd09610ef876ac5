package io.integration.topology;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.avro.IntegrationEvent;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.InMemorySchemaRegistry;
import java.time.Instant;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthTopologyTest {

    private final InMemorySchemaRegistry registry = InMemorySchemaRegistry.create();
    private final AvroWireCodec<IntegrationEvent> codec = AvroWireCodec.of(IntegrationEvent.class, registry);
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, byte[]> health;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "health-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(HealthTopology.build("events", "health", registry), props);
        events = driver.createInputTopic("events", new StringSerializer(), new ByteArraySerializer());
        health = driver.createOutputTopic("health", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private byte[] avro(String type, String instance, String errorCode, long at) {
        return codec.encode("events-value", IntegrationEvent.newBuilder().setEventId(type + at).setType(type)
                .setIntegrationInstanceId(instance).setOccurredAt(Instant.ofEpochMilli(at)).setErrorCode(errorCode).build());
    }

    @Test
    void aSuccessMakesAnInstanceHealthyAndFailuresInARowDegradeThenTakeItDown() {
        events.pipeInput("a", avro("integration.method.executed", "a", null, 1));
        assertThat(HealthTopology.read(health.readValue()).state()).isEqualTo(InstanceHealth.State.HEALTHY);

        for (int i = 0; i < 4; i++) {
            events.pipeInput("a", avro("integration.method.failed", "a", "UPSTREAM_ERROR", 10 + i));
        }
        InstanceHealth degraded = HealthTopology.read(health.readValuesToList().getLast());
        assertThat(degraded.state()).isEqualTo(InstanceHealth.State.DEGRADED);
        assertThat(degraded.consecutiveFailures()).isEqualTo(4);

        events.pipeInput("a", avro("integration.method.failed", "a", "TIMEOUT", 20));
        InstanceHealth down = HealthTopology.read(health.readValue());
        assertThat(down.state()).isEqualTo(InstanceHealth.State.DOWN);
        assertThat(down.lastErrorCode()).isEqualTo("TIMEOUT");
        assertThat(down.executed()).isEqualTo(1);
        assertThat(down.failed()).isEqualTo(5);
        assertThat(down.updatedAt()).isEqualTo(20);
    }

    @Test
    void jsonEventsCountTooAndInstancesAreKeptApart() {
        events.pipeInput("b", ("{\"type\":\"integration.method.failed\",\"integrationInstanceId\":\"b\",\"occurredAt\":5,\"errorCode\":\"AUTH_FAILED\"}").getBytes());
        events.pipeInput("c", avro("integration.method.executed", "c", null, 6));

        var out = health.readKeyValuesToMap();
        assertThat(HealthTopology.read(out.get("b")).state()).isEqualTo(InstanceHealth.State.DEGRADED);
        assertThat(HealthTopology.read(out.get("b")).lastErrorCode()).isEqualTo("AUTH_FAILED");
        assertThat(HealthTopology.read(out.get("c")).state()).isEqualTo(InstanceHealth.State.HEALTHY);
    }
}
