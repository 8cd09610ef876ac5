package io.integration.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.avro.IntegrationEvent;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/** Reads integration events in either encoding the worker writes: Avro wire format, or JSON. */
final class EventSerde implements Deserializer<EventSummary> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final AvroWireCodec<IntegrationEvent> avro;

    EventSerde(SchemaRegistryClient registry) {
        this.avro = AvroWireCodec.of(IntegrationEvent.class, registry);
    }

    @Override
    public EventSummary deserialize(String topic, byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        if (data[0] == '{') {
            try {
                JsonNode n = JSON.readTree(data);
                return new EventSummary(n.path("type").asText(), n.path("integrationInstanceId").asText(),
                        n.path("occurredAt").asLong(), n.path("errorCode").isNull() ? null : n.path("errorCode").asText(null));
            } catch (IOException e) {
                throw new SerializationException("Event is not valid JSON", e);
            }
        }
        try {
            IntegrationEvent e = avro.decode(data);
            return new EventSummary(e.getType(), e.getIntegrationInstanceId(), e.getOccurredAt().toEpochMilli(), e.getErrorCode());
        } catch (RuntimeException e) {
            throw new SerializationException("Event is neither Avro wire format nor JSON: " + e.getMessage(), e);
        }
    }
}
