package io.integration.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integration.avro.IntegrationEvent;
import io.integration.embedded.Infrastructure;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The topology as deployed: a KafkaStreams instance on the real broker, reading Avro events through the HTTP registry. */
class HealthTopologyIT {

    private final Infrastructure infra = Infrastructure.shared();

    @Test
    void startsAndPublishesTheHealthOfEachInstanceFromItsEvents() throws Exception {
        String prefix = "topology-" + UUID.randomUUID().toString().substring(0, 8);
        String events = prefix + ".events";
        String health = prefix + ".health";
        infra.createTopics(2, List.of(events, health));
        SchemaRegistryClient registry = SchemaRegistryClient.forUrl(infra.schemaRegistryUrl());
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(prefix).toString());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "100");

        try (KafkaStreams streams = new KafkaStreams(HealthTopology.build(events, health, registry), props);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                     infra.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            streams.start();
            AvroWireCodec<IntegrationEvent> codec = AvroWireCodec.of(IntegrationEvent.class, registry);
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(events, "flaky", codec.encode(events + "-value", event("flaky", "integration.method.failed", i))));
            }
            producer.send(new ProducerRecord<>(events, "fine", codec.encode(events + "-value", event("fine", "integration.method.executed", 9))));
            producer.flush();

            Map<String, InstanceHealth> latest = new HashMap<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, prefix + "-reader",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(health));
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    consumer.poll(Duration.ofMillis(200)).forEach(r -> latest.put(r.key(), HealthTopology.read(r.value())));
                    assertThat(latest.get("flaky")).isNotNull().extracting(InstanceHealth::state).isEqualTo(InstanceHealth.State.DOWN);
                    assertThat(latest.get("fine")).isNotNull().extracting(InstanceHealth::state).isEqualTo(InstanceHealth.State.HEALTHY);
                });
            }
        }
    }

    private static IntegrationEvent event(String instance, String type, int n) {
        return IntegrationEvent.newBuilder().setEventId(instance + n).setType(type).setIntegrationInstanceId(instance)
                .setOccurredAt(Instant.ofEpochMilli(1000L + n)).setErrorCode(type.endsWith("failed") ? "TIMEOUT" : null).build();
    }
}
