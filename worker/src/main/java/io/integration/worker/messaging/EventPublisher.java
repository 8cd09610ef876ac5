package io.integration.worker.messaging;

import io.integration.avro.IntegrationEvent;
import io.integration.avro.IntegrationResult;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes instance events from outside a worker (the management API's OAuth callback: {@code integration.connected},
 * {@code integration.auth.failed}) in the workers' event encoding, keyed by instance id. A publish waits for the broker's
 * acknowledgement up to 10 s; a failure is logged, never thrown: the state change it reports is already stored.
 */
public final class EventPublisher implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EventPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final OutputEncoder encoder;
    private final String topic;
    private final Clock clock;

    EventPublisher(Producer<byte[], byte[]> producer, OutputEncoder encoder, String topic, Clock clock) {
        this.producer = producer;
        this.encoder = encoder;
        this.topic = topic;
        this.clock = clock;
    }

    /** A publisher to {@code topic} on the cluster of {@code kafka} (client settings), events encoded as {@code format}. */
    public static EventPublisher create(Map<String, String> kafka, SchemaRegistryClient registry, String topic, WireFormat format, Clock clock) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "integration-api-events");
        props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        OutputEncoder encoder = new OutputEncoder(AvroWireCodec.of(IntegrationResult.class, registry),
                AvroWireCodec.of(IntegrationEvent.class, registry), WireFormat.AVRO, format);
        return new EventPublisher(new KafkaProducer<>(props), encoder, topic, clock);
    }

    /** Publishes event {@code type} about {@code instanceId} with {@code attributes} (never secrets). */
    public void publish(String type, String instanceId, Map<String, String> attributes) {
        try {
            producer.send(encoder.instanceEvent(topic, type, instanceId, attributes, clock.instant())).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Event {} for instance {} not published: interrupted", type, instanceId);
        } catch (Exception e) {
            log.warn("Event {} for instance {} not published: {}", type, instanceId, e.toString());
        }
    }

    @Override
    public void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
