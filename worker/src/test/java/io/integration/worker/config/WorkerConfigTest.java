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
        assertThat(config.drainTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.messaging().replyTopics()).as("empty: the results topic and replies.*").isEmpty();
        assertThat(config.messaging().maxPublishAttempts()).isEqualTo(5);
        assertThat(config.messaging().requestLimits()).isEqualTo(MessagingSettings.RequestLimits.DEFAULTS);
        assertThat(config.execution().maxRetryAfter()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.execution().claimCheck()).isFalse();
        assertThat(config.maxInFlightBytes()).isPositive().isLessThanOrEqualTo(256L * 1024 * 1024);
    }

    @Test
    void theDefaultResponseCapLetsEverySuccessfulResultFitTheProducersMaxRequestSize() {
        assertThat(WorkerConfig.from(Map.of()).execution().maxResponseBytes())
                .as("(1 MiB - 64 KiB) / 2: a JSON result escapes its data at most twice over")
                .isEqualTo(491_520);
        assertThat(WorkerConfig.from(Map.of("kafka.producer.max.request.size", "4194304")).execution().maxResponseBytes())
                .isEqualTo((4_194_304 - 65_536) / 2);
        assertThat(WorkerConfig.from(Map.of("http.max.response.bytes", "100")).execution().maxResponseBytes()).isEqualTo(100);
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("results.claim.check.bytes", "900000")))
                .hasMessage("results.claim.check.bytes: 900000 (expected: at most 491520, so that data kept inline still fits "
                        + "max.request.size 1048576)");
    }

    @Test
    void badValuesAreRejectedNamingTheKeyAndTheExpectedValue() {
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("worker.max.in.flight", "0")))
                .hasMessage("worker.max.in.flight: '0' (expected: an integer >= 1 and <= 2147483647)");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("events.format", "mirror")))
                .hasMessage("events.format: 'mirror' (expected: one of [avro, json])");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("http.timeout", "soon")))
                .hasMessage("http.timeout: 'soon' (expected: a duration such as 250ms, 10s, 5m, 1h)");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("outbound.allow.private.networks", "yes")))
                .hasMessage("outbound.allow.private.networks: 'yes' (expected: true or false)");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("worker.max.publish.attempts", "0")))
                .hasMessage("worker.max.publish.attempts: '0' (expected: an integer >= 1 and <= 2147483647)");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("worker.reply.topics", " , ")))
                .hasMessage("worker.reply.topics: ' , ' (expected: comma-separated topic names or patterns with *)");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("results.claim.check.bytes", "-1")))
                .hasMessage("results.claim.check.bytes: '-1' (expected: an integer >= 0)");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("http.client", "okhttp")))
                .hasMessage("http.client: 'okhttp' (expected: jdk or jetty)");
        assertThat(WorkerConfig.from(Map.of("http.client", " Jetty ")).httpClient()).isEqualTo("jetty");
        assertThat(WorkerConfig.from(Map.of()).httpClient()).isEqualTo("jetty");
        assertThatThrownBy(() -> WorkerConfig.from(Map.of("mongo.url", "x")))
                .hasMessageStartingWith("mongo.url: unknown setting (expected: kafka.* or one of [");
    }
}
