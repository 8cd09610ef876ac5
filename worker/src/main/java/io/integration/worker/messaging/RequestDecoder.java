package io.integration.worker.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.avro.IntegrationRequest;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryException;
import io.integration.wire.WireFormatException;
import io.integration.worker.execution.ExecutionRequest;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decodes request records: Confluent wire-format Avro (first byte 0) or JSON (first byte {@code {}),
 * with the same field names. In JSON, {@code params} may be an object or a JSON string, and
 * {@code deadline}/{@code createdAt} epoch millis or ISO-8601 text. Thread-safe.
 *
 * <p>Throws {@link PoisonRecordException} for bytes that can never become a request (or whose requestId
 * cannot be used to answer: see {@link RequestLimits}), and lets a retriable {@link SchemaRegistryException}
 * through (registry down: try again later). A request that breaks another limit decodes as
 * {@link DecodedRequest.Invalid}, to be answered with {@code VALIDATION_ERROR}.
 */
final class RequestDecoder {

    private static final ObjectMapper JSON = io.integration.registry.JsonMappers.create();

    private final AvroWireCodec<IntegrationRequest> avro;
    private final RequestLimits limits;

    RequestDecoder(AvroWireCodec<IntegrationRequest> avro, RequestLimits limits) {
        this.avro = avro;
        this.limits = limits;
    }

    DecodedRequest decode(byte[] value) {
        if (value == null || value.length == 0) {
            throw new PoisonRecordException("empty record value (expected: Avro wire format or a JSON object)", null);
        }
        if (value[0] == AvroWireCodec.MAGIC_BYTE) {
            return fromAvro(value);
        }
        int first = firstNonBlank(value);
        if (first >= 0 && value[first] == '{') {
            return fromJson(value);
        }
        throw new PoisonRecordException("record starts with byte 0x" + Integer.toHexString(value[0] & 0xff)
                + " (expected: 0x00 for Avro wire format or '{' for JSON)", null);
    }

    private DecodedRequest fromAvro(byte[] value) {
        IntegrationRequest r;
        try {
            r = avro.decode(value);
        } catch (WireFormatException e) {
            throw new PoisonRecordException(e.getMessage(), e);
        } catch (SchemaRegistryException e) {
            if (e.retriable()) {
                throw e;
            }
            throw new PoisonRecordException(e.getMessage(), e);
        }
        usableRequestId(r.getRequestId());
        return checked(new ExecutionRequest(r.getRequestId(), r.getCorrelationId(), r.getIntegrationInstanceId(),
                r.getMethodName(), r.getParams(), r.getDefinitionVersion(), r.getOrderingKey(), r.getDeadline(), r.getReplyTo(),
                r.getAttributes(), r.getCreatedAt()), WireFormat.AVRO);
    }

    /** A correlationId to echo in the answer: the given one, or null when it breaks the id limits itself. */
    private String usable(String correlationId) {
        return limits.correlationIdProblem(correlationId).isPresent() ? null : correlationId;
    }

    private void usableRequestId(String requestId) {
        limits.requestIdProblem(requestId).ifPresent(problem -> {
            throw new PoisonRecordException(DeadLetters.Stage.VALIDATION, problem + "; the request cannot be answered", null);
        });
    }

    /** The request, or an Invalid one naming the first limit it breaks. */
    private DecodedRequest checked(ExecutionRequest request, WireFormat format) {
        return limits.problem(request).<DecodedRequest>map(problem -> new DecodedRequest.Invalid(request.requestId(),
                        usable(request.correlationId()), request.instanceId(), request.methodName(), request.replyTo(), problem, format))
                .orElseGet(() -> new DecodedRequest.Valid(request, format));
    }

    private DecodedRequest fromJson(byte[] value) {
        JsonNode json;
        try {
            json = JSON.readTree(value);
        } catch (IOException e) {
            throw new PoisonRecordException("not valid JSON: " + e.getMessage().lines().findFirst().orElse(""), e);
        }
        String requestId = text(json, "requestId");
        if (requestId == null || requestId.isBlank()) {
            throw new PoisonRecordException("JSON request without requestId (expected: a non-empty string)", null);
        }
        usableRequestId(requestId);
        String correlationId = text(json, "correlationId");
        String instanceId = text(json, "integrationInstanceId");
        String methodName = text(json, "methodName");
        String replyTo = text(json, "replyTo");
        try {
            require(instanceId, "integrationInstanceId");
            require(methodName, "methodName");
            ExecutionRequest request = new ExecutionRequest(requestId, correlationId, instanceId, methodName, params(json),
                    text(json, "definitionVersion"), text(json, "orderingKey"), instant(json, "deadline"), replyTo,
                    attributes(json), instant(json, "createdAt"));
            return checked(request, WireFormat.JSON);
        } catch (IllegalArgumentException e) {
            return new DecodedRequest.Invalid(requestId, usable(correlationId), instanceId, methodName, replyTo, e.getMessage(),
                    WireFormat.JSON);
        }
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + ": missing (expected: a non-empty string)");
        }
    }

    private static String params(JsonNode json) {
        JsonNode params = json.get("params");
        if (params == null || params.isNull()) {
            return "{}";
        }
        if (params.isObject()) {
            return params.toString();
        }
        if (params.isTextual()) {
            return params.asText();
        }
        throw new IllegalArgumentException("params: " + params.getNodeType().name().toLowerCase() + " (expected: a JSON object or a string holding one)");
    }

    private static Map<String, String> attributes(JsonNode json) {
        JsonNode node = json.get("attributes");
        Map<String, String> out = new LinkedHashMap<>();
        if (node == null || node.isNull()) {
            return out;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("attributes: " + node.getNodeType().name().toLowerCase() + " (expected: an object of strings)");
        }
        node.properties().forEach(e -> out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
        return out;
    }

    private static Instant instant(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return Instant.ofEpochMilli(node.asLong());
        }
        try {
            return Instant.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + ": '" + node.asText() + "' (expected: epoch milliseconds or ISO-8601 like 2026-11-25T10:00:00Z)");
        }
    }

    private static String text(JsonNode json, String field) {
        JsonNode node = json.get(field);
        return node == null || node.isNull() ? null : node.isTextual() ? node.asText() : node.toString();
    }

    private static int firstNonBlank(byte[] value) {
        for (int i = 0; i < value.length; i++) {
            if (!Character.isWhitespace(value[i])) {
                return i;
            }
        }
        return -1;
    }
}
