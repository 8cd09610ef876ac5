package io.integration.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.worker.config.MessagingSettings.Format;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigTest {

    @Test
    void environmentVariablesOverrideTheFileAndKafkaSettingsPassThroughVerbatim(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("worker.properties");
        Files.writeString(file, """
                kafka.bootstrap.servers=file:9092
                kafka.security.protocol=SASL_SSL
                kafka.consumer.max.poll.records=100
                mongo.database=from-file
                http.timeout=2500ms
                """);

        WorkerConfig config = WorkerConfig.from(ConfigSource.load(file, Map.of(
                "WORKER_KAFKA_BOOTSTRAP_SERVERS", "env:9092",
                "WORKER_SCHEMA_REGISTRY_URL", "http://registry:8081",
                "WORKER_RESULTS_FORMAT", "avro",
                "PATH", "/usr/bin")));

        assertThat(config.messaging().kafka()).containsEntry("bootstrap.servers", "env:9092").containsEntry("security.protocol", "SASL_SSL");
        assertThat(config.messaging().consumer()).containsEntry("max.poll.records", "100");
        assertThat(config.schemaRegistryUrl()).isEqualTo("http://registry:8081");
        assertThat(config.mongoDatabase()).isEqualTo("from-file");
        assertThat(config.execution().defaultTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.messaging().resultFormat()).isEqualTo(Format.AVRO);
    }

    @Test
    void defaultsAreThoseOfTheReadme() {
        WorkerConfig config = WorkerConfig.from(Map.of());

        assertThat(config.messaging().topics().requests()).isEqualTo("integration.requests");
        assertThat(config.messaging().topics().deadLetter()).isEqualTo("integration.requests-dlt");
        assertThat(config.messaging().resultFormat()).isEqualTo(Format.MIRROR);
        assertThat(config.messaging().eventFormat()).isEqualTo(Format.AVRO);
        assertThat(config.messaging().maxInFlight()).isEqualTo(1024);
        assertThat(config.messaging().maxInFlightPerPartition()).isEqualTo(256);
        assertThat(config.allowPrivateNetworks()).isFalse();
    }

    @Test
    void badValuesAreRejectedNamingTheKeyAndTheExpectedValue() {
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("worker.max.in.flight", "0")))
                .hasMessage("worker.max.in.flight: '0' (expected: an integer >= 1)");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("events.format", "mirror")))
                .hasMessage("events.format: 'mirror' (expected: one of [avro, json])");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("http.timeout", "soon")))
                .hasMessage("http.timeout: 'soon' (expected: a duration such as 250ms, 10s, 5m, 1h)");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("outbound.allow.private.networks", "yes")))
                .hasMessage("outbound.allow.private.networks: 'yes' (expected: true or false)");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("mongo.url", "x")))
                .hasMessageStartingWith("mongo.url: unknown setting (expected: kafka.* or one of [");
    }
}
