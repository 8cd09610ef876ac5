package io.integration.devstack;

import io.integration.avro.IntegrationEvent;
import io.integration.avro.IntegrationResult;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Prints every result and event as it arrives, decoded (JSON as is, Avro through the registry). */
final class OutputTail implements Runnable {

    private final String bootstrap;
    private final List<String> topics;
    private final AvroWireCodec<IntegrationResult> results;
    private final AvroWireCodec<IntegrationEvent> events;
    private volatile boolean running = true;

    OutputTail(String bootstrap, String registryUrl, List<String> topics) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        SchemaRegistryClient registry = SchemaRegistryClient.forUrl(registryUrl);
        this.results = AvroWireCodec.of(IntegrationResult.class, registry);
        this.events = AvroWireCodec.of(IntegrationEvent.class, registry);
    }

    void stop() {
        running = false;
    }

    @Override
    public void run() {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "devstack-tail-" + ProcessHandle.current().pid(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(topics);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(300))) {
                    System.out.println("[" + r.topic() + "] " + text(r));
                }
            }
        }
    }

    private String text(ConsumerRecord<byte[], byte[]> r) {
        byte[] v = r.value();
        if (v == null || v.length == 0 || v[0] != AvroWireCodec.MAGIC_BYTE) {
            return v == null ? "null" : new String(v, StandardCharsets.UTF_8);
        }
        try {
            return r.topic().endsWith("events") ? events.decode(v).toString() : results.decode(v).toString();
        } catch (RuntimeException e) {
            return "<undecodable: " + e.getMessage() + ">";
        }
    }
}
