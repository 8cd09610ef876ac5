package io.integration.topology.input;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.avro.IntegrationEvent;
import io.integration.avro.IntegrationRequest;
import io.integration.avro.IntegrationResult;
import io.integration.avro.ResultStatus;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the records the workers and the task layer write — events, results, requests — in either encoding: the Avro wire
 * format (schema id from the registry) or JSON with the Avro field names. What cannot be read throws
 * {@link SerializationException}, which the application's {@link SkipUnreadable} handler logs, counts and skips.
 */
public final class WireInputs {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The event attribute the workers set on an answer served without a call. */
    private static final String SERVED_FROM = "servedFrom";

    private final AvroWireCodec<IntegrationEvent> events;
    private final AvroWireCodec<IntegrationResult> results;
    private final AvroWireCodec<IntegrationRequest> requests;

    public WireInputs(SchemaRegistryClient registry) {
        this.events = AvroWireCodec.of(IntegrationEvent.class, registry);
        this.results = AvroWireCodec.of(IntegrationResult.class, registry);
        this.requests = AvroWireCodec.of(IntegrationRequest.class, registry);
    }

    public Deserializer<EventSummary> events() {
        return (topic, data) -> read(data, "event", this::eventFromJson, bytes -> {
            IntegrationEvent e = events.decode(bytes);
            return new EventSummary(e.getEventId(), e.getType(), e.getIntegrationInstanceId(), e.getOccurredAt().toEpochMilli(),
                    e.getRequestId(), e.getMethodName(), e.getErrorCode(), e.getDurationMs(), e.getAttempts(),
                    e.getAttributes() == null ? null : e.getAttributes().get(SERVED_FROM));
        });
    }

    /** Results as SUCCEEDED/FAILED updates of their request. */
    public Deserializer<RequestUpdate> results() {
        return (topic, data) -> read(data, "result", json -> {
            String status = required(json, "status");
            if (!status.equals("SUCCESS") && !status.equals("ERROR")) {
                throw new SerializationException("field 'status' is '" + status + "' (expected: SUCCESS or ERROR)");
            }
            boolean ok = status.equals("SUCCESS");
            return new RequestUpdate(required(json, "requestId"), ok ? RequestUpdate.Stage.SUCCEEDED : RequestUpdate.Stage.FAILED,
                    text(json, "integrationInstanceId"), text(json, "methodName"), ok ? null : text(json.path("error"), "code"),
                    json.path("attempts").isInt() ? json.path("attempts").asInt() : null, millis(json, "completedAt", -1));
        }, bytes -> {
            IntegrationResult r = results.decode(bytes);
            boolean ok = r.getStatus() == ResultStatus.SUCCESS;
            return new RequestUpdate(r.getRequestId(), ok ? RequestUpdate.Stage.SUCCEEDED : RequestUpdate.Stage.FAILED,
                    r.getIntegrationInstanceId(), r.getMethodName(), ok || r.getError() == null ? null : r.getError().getCode(),
                    r.getAttempts(), r.getCompletedAt().toEpochMilli());
        });
    }

    /**
     * Requests as updates of {@code stage}: ACCEPTED from the requests topic (at the request's {@code createdAt}), DEFERRED
     * from the retry topic. {@code at} is -1 where the request has no time: the reader takes the record's.
     */
    public Deserializer<RequestUpdate> requests(RequestUpdate.Stage stage) {
        boolean accepted = stage == RequestUpdate.Stage.ACCEPTED;
        return (topic, data) -> read(data, "request", json -> new RequestUpdate(required(json, "requestId"), stage,
                text(json, "integrationInstanceId"), text(json, "methodName"), null, null, accepted ? millis(json, "createdAt", -1) : -1), bytes -> {
            IntegrationRequest r = requests.decode(bytes);
            long created = accepted && r.getCreatedAt() != null ? r.getCreatedAt().toEpochMilli() : -1;
            return new RequestUpdate(r.getRequestId(), stage, r.getIntegrationInstanceId(), r.getMethodName(), null, null, created);
        });
    }

    private EventSummary eventFromJson(JsonNode n) {
        long occurredAt = millis(n, "occurredAt", -1);
        if (occurredAt < 0) {
            throw new SerializationException("field 'occurredAt' is missing (expected: epoch millis or an ISO-8601 time)");
        }
        return new EventSummary(text(n, "eventId"), required(n, "type"), required(n, "integrationInstanceId"), occurredAt,
                text(n, "requestId"), text(n, "methodName"), text(n, "errorCode"),
                n.path("durationMs").canConvertToLong() ? n.path("durationMs").asLong() : null,
                n.path("attempts").isInt() ? n.path("attempts").asInt() : null, text(n.path("attributes"), SERVED_FROM));
    }

    /**
     * The schema registry could not be asked right now: the record may be perfectly readable later, so it must not be
     * skipped ({@link SkipUnreadable} fails the task instead; its thread is replaced and reads the record again).
     */
    public static final class RegistryUnavailableException extends SerializationException {
        RegistryUnavailableException(String what, Throwable cause) {
            super("the schema registry could not be asked to read a " + what + ": " + cause.getMessage(), cause);
        }
    }

    private interface Reader<T> {
        T read(JsonNode json) throws IOException;
    }

    private interface AvroReader<T> {
        T read(byte[] bytes);
    }

    private static <T> T read(byte[] data, String what, Reader<T> json, AvroReader<T> avro) {
        if (data == null || data.length == 0) {
            throw new SerializationException("an empty " + what + " record");
        }
        try {
            if (data[0] == '{') {
                return json.read(JSON.readTree(data));
            }
            return avro.read(data);
        } catch (SerializationException e) {
            throw e;
        } catch (io.integration.wire.SchemaRegistryException e) {
            if (e.retriable()) {
                throw new RegistryUnavailableException(what, e);
            }
            throw new SerializationException("not a readable " + what + ": " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("not a readable " + what + " (Avro wire format or JSON): " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }

    private static String required(JsonNode node, String field) {
        String value = text(node, field);
        if (value == null || value.isEmpty()) {
            throw new SerializationException("field '" + field + "' is missing or not a string");
        }
        return value;
    }

    /** Epoch millis, or ISO-8601 text (as requests may carry); {@code otherwise} when absent. */
    private static long millis(JsonNode node, String field, long otherwise) {
        JsonNode value = node.path(field);
        if (value.canConvertToLong()) {
            return value.asLong();
        }
        if (value.isTextual()) {
            try {
                return Instant.parse(value.asText()).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new SerializationException("field '" + field + "' is not a time: " + value.asText());
            }
        }
        return otherwise;
    }
}
