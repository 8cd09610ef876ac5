package io.integration.topology.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.avro.IntegrationEvent;
import io.integration.topology.codec.JsonSerde;
import io.integration.topology.codec.Output;
import io.integration.topology.input.EventSummary;
import io.integration.wire.AvroWireCodec;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Encodes what the health processor writes: the {@link HealthView} (JSON) for the compacted health topic, and the
 * {@code integration.health.changed} event for the events topic, in the events' format (Avro wire format or JSON).
 */
public final class HealthOutputs {

    private static final ObjectMapper JSON = JsonSerde.JSON;

    private final String healthTopic;
    private final String eventsTopic;
    /** Null: events are written as JSON. */
    private final AvroWireCodec<IntegrationEvent> avro;

    public HealthOutputs(String healthTopic, String eventsTopic, AvroWireCodec<IntegrationEvent> avro) {
        this.healthTopic = healthTopic;
        this.eventsTopic = eventsTopic;
        this.avro = avro;
    }

    Output health(HealthView view) {
        try {
            return new Output(healthTopic, JSON.writeValueAsBytes(view));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the health of " + view.instanceId() + " cannot be written as JSON", e);
        }
    }

    /** The tombstone of a forgotten instance on the compacted health topic. */
    Output forgotten(String instanceId) {
        return new Output(healthTopic, null);
    }

    /** The change event; its id names the instance, the time of the change and the new status. */
    Output changed(String instanceId, HealthStatus from, HealthStatus to, String reason, long at) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("from", from.name());
        attributes.put("to", to.name());
        attributes.put("reason", reason);
        IntegrationEvent event = IntegrationEvent.newBuilder().setEventId(instanceId + ":health:" + at + ":" + to).setType(EventSummary.HEALTH_CHANGED)
                .setIntegrationInstanceId(instanceId).setOccurredAt(Instant.ofEpochMilli(at)).setAttributes(Map.copyOf(attributes)).build();
        if (avro != null) {
            return new Output(eventsTopic, avro.encode(eventsTopic + "-value", event));
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", event.getEventId());
        json.put("type", event.getType());
        json.put("integrationInstanceId", instanceId);
        json.put("occurredAt", at);
        json.put("attributes", attributes);
        try {
            return new Output(eventsTopic, JSON.writeValueAsBytes(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
