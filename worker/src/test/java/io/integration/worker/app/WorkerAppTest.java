package io.integration.worker.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.worker.config.MessagingSettings;
import io.integration.worker.config.WorkerConfig;
import io.integration.worker.messaging.KafkaMessaging;
import io.integration.worker.messaging.Topics;
import io.integration.worker.messaging.WireFormat;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerAppTest {

    @Test
    void configuredMessagingSettingsReachMessagingUnchanged() {
        WorkerConfig config = WorkerConfig.from(Map.of("kafka.bootstrap.servers", "k:9092", "kafka.consumer.max.poll.records", "7",
                "topic.requests", "in", "topic.dlt", "dead", "results.format", "json", "events.format", "json",
                "worker.max.in.flight", "9", "worker.max.in.flight.per.partition", "3", "worker.revoke.timeout", "2s"));

        KafkaMessaging.Settings settings = WorkerApp.messaging(config.messaging());

        assertThat(settings.kafka()).containsEntry("bootstrap.servers", "k:9092");
        assertThat(settings.consumer()).containsEntry("max.poll.records", "7");
        assertThat(settings.topics()).isEqualTo(new Topics("in", "integration.results", "integration.events", "dead",
                "integration.requests.retry"));
        assertThat(settings.resultFormat()).isEqualTo(WireFormat.JSON);
        assertThat(settings.eventFormat()).isEqualTo(WireFormat.JSON);
        assertThat(settings.maxInFlight()).isEqualTo(9);
        assertThat(settings.maxInFlightPerPartition()).isEqualTo(3);
        assertThat(settings.revokeTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.drainTimeout()).isEqualTo(config.shutdownTimeout());
    }

    @Test
    void everyConfigurableFormatIsAWireFormat() {
        assertThat(Arrays.stream(MessagingSettings.Format.values()).map(Enum::name))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(WireFormat.values()).map(Enum::name).toList());
    }
}
