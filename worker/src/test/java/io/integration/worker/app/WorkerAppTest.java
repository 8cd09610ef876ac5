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
        WorkerConfig config = WorkerConfig.from(Map.ofEntries(Map.entry("kafka.bootstrap.servers", "k:9092"),
                Map.entry("kafka.consumer.max.poll.records", "7"), Map.entry("topic.requests", "in"), Map.entry("topic.dlt", "dead"),
                Map.entry("results.format", "json"), Map.entry("events.format", "json"), Map.entry("worker.max.in.flight", "9"),
                Map.entry("worker.max.in.flight.per.partition", "3"), Map.entry("worker.revoke.timeout", "2s"),
                Map.entry("worker.shutdown.timeout", "7s"), Map.entry("worker.reply.topics", "replies.*, answers"),
                Map.entry("request.max.attributes", "5"), Map.entry("worker.max.publish.attempts", "3")));

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
        assertThat(settings.drainTimeout()).as("the drain timeout's earlier key still counts").isEqualTo(Duration.ofSeconds(7));
        assertThat(settings.replyTopics()).containsExactly("replies.*", "answers");
        assertThat(settings.requestLimits().maxAttributes()).isEqualTo(5);
        assertThat(settings.requestLimits().maxIdChars()).isEqualTo(256);
        assertThat(settings.maxPublishAttempts()).isEqualTo(3);
    }

    @Test
    void theRegistryUrlIsLoggedWithoutItsCredentials() {
        assertThat(WorkerApp.withoutUserInfo("https://user:s3cret@registry-a:8081,http://svc:p%40ss@registry-b/path"))
                .isEqualTo("https://registry-a:8081,http://registry-b/path");
    }

    @Test
    void everyConfigurableFormatIsAWireFormat() {
        assertThat(Arrays.stream(MessagingSettings.Format.values()).map(Enum::name))
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(WireFormat.values()).map(Enum::name).toList());
    }
}
