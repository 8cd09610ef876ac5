package io.integration.topology;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.wire.SchemaRegistryClient;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * integration.events → per-instance {@link InstanceHealth} → integration.health (compacted, JSON).
 * Built separately from {@code main} so tests drive it with {@code TopologyTestDriver}.
 */
public final class HealthTopology {

    public static final String STORE = "instance-health";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HealthTopology() {
    }

    public static Topology build(String eventsTopic, String healthTopic, SchemaRegistryClient registry) {
        Serde<EventSummary> events = Serdes.serdeFrom((topic, value) -> {
            throw new UnsupportedOperationException("events are only read");
        }, new EventSerde(registry));
        Serde<InstanceHealth> health = Serdes.serdeFrom((topic, h) -> write(h), (topic, bytes) -> read(bytes));
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(eventsTopic, Consumed.with(Serdes.String(), events))
                // Events are keyed by instance id (DESIGN.md), so grouping needs no repartition topic.
                .filter((key, event) -> event != null && key != null && key.equals(event.instanceId()))
                .groupByKey(Grouped.with(Serdes.String(), events))
                .aggregate(() -> null, (instanceId, event, current) -> (current == null ? InstanceHealth.initial(instanceId) : current).apply(event),
                        Materialized.<String, InstanceHealth, KeyValueStore<Bytes, byte[]>>as(STORE)
                                .withKeySerde(Serdes.String()).withValueSerde(health))
                .toStream()
                .to(healthTopic, Produced.with(Serdes.String(), health));
        return builder.build();
    }

    static byte[] write(InstanceHealth health) {
        try {
            return health == null ? null : JSON.writeValueAsBytes(health);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static InstanceHealth read(byte[] bytes) {
        try {
            return bytes == null ? null : JSON.readValue(bytes, InstanceHealth.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
