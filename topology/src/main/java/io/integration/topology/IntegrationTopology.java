package io.integration.topology;

import io.integration.topology.codec.JsonSerde;
import io.integration.topology.codec.Output;
import io.integration.topology.health.HealthOutputs;
import io.integration.topology.health.HealthPolicy;
import io.integration.topology.health.HealthProcessor;
import io.integration.topology.input.EventSummary;
import io.integration.topology.input.RequestUpdate;
import io.integration.topology.input.WireInputs;
import io.integration.topology.requests.RequestStatusProcessor;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * The topology, built apart from {@code main} so tests drive it with {@code TopologyTestDriver} and its description is
 * checked against the committed {@code topology/topology-description.txt}:
 * <pre>
 * integration.events ─► health (per instance: windows, circuits, status) ─► integration.health, integration.events (health.changed)
 *          │
 *          └─ method events ─┐
 * integration.results ───────┼─► by request id (repartition) ─► request status (store, retention)
 * integration.requests ──────┤        (accepted)
 * integration.requests.retry ┘        (deferred)
 * </pre>
 */
public final class IntegrationTopology {

    private static final Serde<Output> OUTPUT = Serdes.serdeFrom((topic, output) -> output.value(), (topic, bytes) -> {
        throw new UnsupportedOperationException("outputs are only written");
    });

    /** Writes each output to its own topic (named, so the topology description stays the same from run to run). */
    private static final class ByOutputTopic implements TopicNameExtractor<String, Output> {
        @Override
        public String extract(String key, Output output, RecordContext context) {
            return output.topic();
        }

        @Override
        public String toString() {
            return "Output.topic()";
        }
    }

    private IntegrationTopology() {
    }

    /**
     * @param outputs how health views and change events are encoded and where they go
     */
    public static Topology build(TopologySettings.Topics topics, HealthPolicy health, Duration dedupeRetention, Duration requestRetention,
                                 WireInputs inputs, HealthOutputs outputs) {
        StreamsBuilder builder = new StreamsBuilder();
        HealthProcessor.stores(dedupeRetention).forEach(builder::addStateStore);
        RequestStatusProcessor.stores().forEach(builder::addStateStore);
        Serde<EventSummary> events = Serdes.serdeFrom((topic, value) -> {
            throw new UnsupportedOperationException("events are only read");
        }, inputs.events());
        Serde<RequestUpdate> updates = JsonSerde.of(RequestUpdate.class);

        KStream<String, EventSummary> eventStream = builder.stream(topics.events(), Consumed.with(Serdes.String(), events).withName("events"));
        eventStream.process(() -> new HealthProcessor(health, outputs, dedupeRetention), Named.as("health"), HealthProcessor.STATES,
                        HealthProcessor.EVENT_IDS)
                .to(new ByOutputTopic(), Produced.with(Serdes.String(), OUTPUT).withName("health-outputs"));

        KStream<String, RequestUpdate> finished = eventStream
                .filter((key, event) -> event != null && event.isMethodEvent() && event.requestId() != null, Named.as("method-events"))
                .mapValues(event -> new RequestUpdate(event.requestId(), EventSummary.METHOD_EXECUTED.equals(event.type())
                        ? RequestUpdate.Stage.SUCCEEDED : RequestUpdate.Stage.FAILED, event.instanceId(), event.methodName(),
                        event.errorCode(), event.attempts(), event.occurredAt()), Named.as("event-updates"));
        KStream<String, RequestUpdate> results = builder.stream(topics.results(), Consumed.with(Serdes.String(),
                Serdes.serdeFrom(updates.serializer(), inputs.results())).withName("results"));
        // Requests are keyed by their ordering key or instance (any bytes): the key is replaced by the request id below.
        KStream<String, RequestUpdate> accepted = builder.stream(topics.requests(), Consumed.with(Serdes.String(),
                Serdes.serdeFrom(updates.serializer(), inputs.requests(RequestUpdate.Stage.ACCEPTED))).withName("requests"));
        KStream<String, RequestUpdate> deferred = builder.stream(topics.retry(), Consumed.with(Serdes.String(),
                Serdes.serdeFrom(updates.serializer(), inputs.requests(RequestUpdate.Stage.DEFERRED))).withName("deferrals"));

        finished.merge(results, Named.as("merge-results")).merge(accepted, Named.as("merge-accepted")).merge(deferred, Named.as("merge-deferred"))
                .filter((key, update) -> update != null, Named.as("readable-updates"))
                .selectKey((key, update) -> update.requestId(), Named.as("by-request"))
                .repartition(Repartitioned.with(Serdes.String(), updates).withName("request-updates"))
                .process(() -> new RequestStatusProcessor(requestRetention), Named.as("request-status"), RequestStatusProcessor.STATUSES,
                        RequestStatusProcessor.EXPIRY);
        return builder.build();
    }
}
