package io.integration.worker.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.JsonGenerator;
import io.integration.avro.AttemptRecord;
import io.integration.avro.DataReference;
import io.integration.avro.IntegrationError;
import io.integration.avro.IntegrationEvent;
import io.integration.avro.IntegrationResult;
import io.integration.avro.ResultStatus;
import io.integration.wire.AvroWireCodec;
import io.integration.worker.resilience.Scope;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Encodes results and their events as records: Avro (Confluent wire format, subject {@code <topic>-value})
 * or JSON with the same field names. Everything in the output derives from the recorded result and the
 * request, so a repeat is byte-for-byte identical. Thread-safe.
 */
final class OutputEncoder {

    static final String EXECUTED = "integration.method.executed";
    static final String FAILED = "integration.method.failed";
    static final String CIRCUIT_OPENED = "integration.circuit.opened";
    static final String CIRCUIT_CLOSED = "integration.circuit.closed";
    private static final ObjectMapper JSON = io.integration.registry.JsonMappers.create();

    private final AvroWireCodec<IntegrationResult> results;
    private final AvroWireCodec<IntegrationEvent> events;
    private final WireFormat resultFormat;
    private final WireFormat eventFormat;

    OutputEncoder(AvroWireCodec<IntegrationResult> results, AvroWireCodec<IntegrationEvent> events,
                  WireFormat resultFormat, WireFormat eventFormat) {
        this.results = results;
        this.events = events;
        this.resultFormat = resultFormat;
        this.eventFormat = eventFormat == WireFormat.MIRROR ? WireFormat.AVRO : eventFormat;
    }

    /** The result record, keyed by request id, for {@code topic}; {@code requestFormat} matters for MIRROR. */
    ProducerRecord<byte[], byte[]> result(String topic, ExecutionResult result, WireFormat requestFormat) {
        IntegrationResult avro = toAvro(result);
        WireFormat format = resultFormat == WireFormat.MIRROR ? requestFormat : resultFormat;
        byte[] value = format == WireFormat.JSON ? json(avro) : results.encode(topic + "-value", avro);
        return new ProducerRecord<>(topic, utf8(result.requestId()), value);
    }

    /**
     * The {@code integration.method.executed|failed} event, keyed by instance id; an answer served without this request's
     * call (cache, fallback) says so in the attribute {@code servedFrom}.
     */
    ProducerRecord<byte[], byte[]> event(String topic, ExecutionResult result, Map<String, String> attributes) {
        if (result.outcome() instanceof Outcome.Success s && s.served() != null) {
            Map<String, String> marked = new java.util.HashMap<>(attributes);
            marked.put(SERVED_FROM, s.served().from().name());
            attributes = marked;
        }
        IntegrationEvent event = requestEvent(result, result.succeeded() ? EXECUTED : FAILED, attributes)
                .setDurationMs(result.durationMs())
                .setAttempts(result.attempts())
                .build();
        return eventRecord(topic, event);
    }

    static final String DESTINATION_REFUSED = "integration.security.destination_refused";
    static final String FALLBACK = "integration.method.fallback";
    /** The event attribute naming how an answer was served without a call ({@code CACHE}, {@code STALE_CACHE}, {@code FALLBACK}). */
    static final String SERVED_FROM = "servedFrom";

    /** The {@code integration.method.fallback} event of a request a fallback answered: which one, and the error it answers for. */
    ProducerRecord<byte[], byte[]> fallbackEvent(String topic, ExecutionResult result, Outcome.Served served) {
        Map<String, String> attributes = new java.util.HashMap<>();
        attributes.put(SERVED_FROM, served.from().name());
        // The error code only: the message may quote the external system's answer, which events never carry
        attributes.put("errorCode", served.reason() == null ? "" : served.reason().split(":", 2)[0]);
        if (served.ageMs() != null) {
            attributes.put("ageMs", Long.toString(served.ageMs()));
        }
        return eventRecord(topic, requestEvent(result, FALLBACK, attributes).build());
    }

    /** The security event of a call refused by the outbound rules: which instance, method and rule (never a secret). */
    ProducerRecord<byte[], byte[]> securityEvent(String topic, ExecutionResult result) {
        String reason = result.outcome() instanceof Outcome.Failure f ? f.message() : "";
        return eventRecord(topic, requestEvent(result, DESTINATION_REFUSED, Map.of("reason", reason)).build());
    }

    /**
     * An event about one request's result, with an id derived from the request, the type and the replay that produced the
     * result, if any (a repeat is identical; a replay's run is a new event).
     */
    private static IntegrationEvent.Builder requestEvent(ExecutionResult result, String type, Map<String, String> attributes) {
        return IntegrationEvent.newBuilder()
                .setEventId(result.requestId() + "/" + type + (result.replayId() == null ? "" : "/" + result.replayId()))
                .setType(type)
                .setIntegrationInstanceId(nullToEmpty(result.instanceId()))
                .setOccurredAt(result.completedAt())
                .setRequestId(result.requestId())
                .setCorrelationId(result.correlationId())
                .setMethodName(result.methodName())
                .setDefinitionName(result.definitionName())
                .setDefinitionVersion(result.definitionVersion())
                .setErrorCode(result.outcome() instanceof Outcome.Failure f ? f.code().name() : null)
                .setAttributes(Map.copyOf(attributes));
    }

    /** An {@code integration.circuit.opened|closed} event, keyed by instance id; names the method of a per-method breaker. */
    ProducerRecord<byte[], byte[]> circuitEvent(String topic, Scope scope, boolean open, java.time.Instant at) {
        String type = open ? CIRCUIT_OPENED : CIRCUIT_CLOSED;
        IntegrationEvent event = IntegrationEvent.newBuilder()
                .setEventId(scope.instanceId() + (scope.methodName() == null ? "" : "#" + scope.methodName()) + "/" + type + "/" + at.toEpochMilli())
                .setType(type)
                .setIntegrationInstanceId(scope.instanceId())
                .setMethodName(scope.methodName())
                .setOccurredAt(at)
                .build();
        return eventRecord(topic, event);
    }

    /** An event about an instance ({@code integration.connected}, {@code integration.auth.*}) with string details. */
    ProducerRecord<byte[], byte[]> instanceEvent(String topic, String type, String instanceId, Map<String, String> attributes, Instant at) {
        IntegrationEvent event = IntegrationEvent.newBuilder()
                .setEventId(instanceId + "/" + type + "/" + at.toEpochMilli() + "/" + java.util.UUID.randomUUID())
                .setType(type)
                .setIntegrationInstanceId(instanceId)
                .setOccurredAt(at)
                .setAttributes(Map.copyOf(attributes))
                .build();
        return eventRecord(topic, event);
    }

    /** An event keyed by its instance id, in the configured event encoding. */
    private ProducerRecord<byte[], byte[]> eventRecord(String topic, IntegrationEvent event) {
        byte[] value = eventFormat == WireFormat.JSON ? json(event) : events.encode(topic + "-value", event);
        return new ProducerRecord<>(topic, utf8(event.getIntegrationInstanceId()), value);
    }

    static IntegrationResult toAvro(ExecutionResult r) {
        IntegrationResult.Builder b = IntegrationResult.newBuilder()
                .setRequestId(r.requestId())
                .setCorrelationId(r.correlationId())
                .setIntegrationInstanceId(nullToEmpty(r.instanceId()))
                .setMethodName(nullToEmpty(r.methodName()))
                .setDefinitionName(r.definitionName())
                .setDefinitionVersion(r.definitionVersion())
                .setAttempts(r.attempts())
                .setStartedAt(r.startedAt())
                .setCompletedAt(r.completedAt())
                .setDurationMs(r.durationMs())
                .setAttemptTrail(r.trail().stream().map(a -> AttemptRecord.newBuilder().setAttempt(a.attempt())
                        .setHttpStatus(a.httpStatus()).setOutcome(a.outcome()).setDurationMs(a.durationMs()).setWaitMs(a.waitMs()).build())
                        .toList());
        switch (r.outcome()) {
            case Outcome.Success s -> b.setStatus(ResultStatus.SUCCESS).setData(s.data()).setError(null).setDataRef(s.dataRef() == null ? null
                    : DataReference.newBuilder().setStore(s.dataRef().store()).setId(s.dataRef().id())
                            .setSizeBytes(s.dataRef().sizeBytes()).setSha256(s.dataRef().sha256()).build())
                    .setServed(s.served() == null ? null : io.integration.avro.Served.newBuilder().setFrom(s.served().from().name())
                            .setAgeMs(s.served().ageMs()).setReason(s.served().reason()).build());
            case Outcome.Failure f -> b.setStatus(ResultStatus.ERROR).setData(null).setError(IntegrationError.newBuilder()
                    .setCode(f.code().name())
                    .setMessage(f.message())
                    .setRetryable(f.retryable())
                    .setRetryAfterMs(f.retryAfterMs())
                    .setDetails(f.details())
                    .build());
        }
        return b.build();
    }

    /** JSON with the Avro field names; timestamps as epoch millis, data and details as JSON text. Streamed: no tree is built. */
    private static byte[] json(SpecificRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator generator = JSON.getFactory().createGenerator(out)) {
            write(generator, record);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a " + record.getSchema().getName() + " as JSON", e);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator generator, SpecificRecord record) throws IOException {
        generator.writeStartObject();
        for (Schema.Field field : record.getSchema().getFields()) {
            generator.writeFieldName(field.name());
            writeValue(generator, record.get(field.pos()));
        }
        generator.writeEndObject();
    }

    private static void writeValue(JsonGenerator generator, Object value) throws IOException {
        switch (value) {
            case null -> generator.writeNull();
            case CharSequence text -> generator.writeString(text.toString());
            case Integer n -> generator.writeNumber(n);
            case Long n -> generator.writeNumber(n);
            case Boolean b -> generator.writeBoolean(b);
            case Instant instant -> generator.writeNumber(instant.toEpochMilli());
            case SpecificRecord nested -> write(generator, nested);
            case java.util.List<?> list -> {
                generator.writeStartArray();
                for (Object item : list) {
                    writeValue(generator, item);
                }
                generator.writeEndArray();
            }
            case Enum<?> e -> generator.writeString(e.name());
            default -> JSON.writeValue(generator, value);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }
}
