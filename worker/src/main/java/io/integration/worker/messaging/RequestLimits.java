package io.integration.worker.messaging;

import io.integration.worker.execution.ExecutionRequest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/**
 * Bounds on what a request may carry, checked when it is decoded: ids short and free of control characters
 * (a CR/LF must never reach an HTTP header such as {@code Idempotency-Key}), attributes bounded in count and
 * size (they are copied into every event), params bounded in bytes.
 *
 * @param maxIdChars longest {@code requestId} / {@code correlationId} / {@code orderingKey}
 * @param maxAttributes most {@code attributes} entries
 * @param maxAttributesBytes most UTF-8 bytes of all attribute keys and values together
 * @param maxParamsBytes most UTF-8 bytes of {@code params}
 */
public record RequestLimits(int maxIdChars, int maxAttributes, int maxAttributesBytes, int maxParamsBytes) {

    public RequestLimits {
        positive("request.max.id.chars", maxIdChars);
        positive("request.max.attributes", maxAttributes);
        positive("request.max.attributes.bytes", maxAttributesBytes);
        positive("request.max.params.bytes", maxParamsBytes);
    }

    /** Why {@code requestId} cannot be used to answer the request (it then goes to the DLT), or empty. */
    Optional<String> requestIdProblem(String requestId) {
        return idProblem("requestId", requestId);
    }

    /** Why {@code correlationId} breaks the id limits, or empty. */
    Optional<String> correlationIdProblem(String correlationId) {
        return idProblem("correlationId", correlationId);
    }

    /** The first limit {@code request} breaks besides its requestId, naming the field; empty when it keeps them all. */
    Optional<String> problem(ExecutionRequest request) {
        Optional<String> id = idProblem("correlationId", request.correlationId()).or(() -> idProblem("orderingKey", request.orderingKey()));
        if (id.isPresent()) {
            return id;
        }
        Map<String, String> attributes = request.attributes();
        if (attributes.size() > maxAttributes) {
            return Optional.of("attributes: " + attributes.size() + " entries (expected: at most " + maxAttributes + ")");
        }
        long bytes = 0;
        for (Map.Entry<String, String> e : attributes.entrySet()) {
            bytes += utf8Length(e.getKey()) + utf8Length(e.getValue());
        }
        if (bytes > maxAttributesBytes) {
            return Optional.of("attributes: " + bytes + " bytes of keys and values (expected: at most " + maxAttributesBytes + ")");
        }
        long paramsBytes = utf8Length(request.params());
        if (paramsBytes > maxParamsBytes) {
            return Optional.of("params: " + paramsBytes + " bytes (expected: at most " + maxParamsBytes + ", setting request.max.params.bytes)");
        }
        return Optional.empty();
    }

    private Optional<String> idProblem(String field, String value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.length() > maxIdChars) {
            return Optional.of(field + ": " + value.length() + " characters (expected: at most " + maxIdChars + ")");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                return Optional.of(field + ": control character U+" + String.format("%04X", (int) c) + " at index " + i
                        + " (expected: printable text without CR, LF or other control characters)");
            }
        }
        return Optional.empty();
    }

    private static long utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        // Exact only when needed: most strings are ASCII and far below the limits.
        return s.length() < 1024 ? s.getBytes(StandardCharsets.UTF_8).length : StandardCharsets.UTF_8.encode(s).remaining();
    }

    private static void positive(String key, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(key + ": " + value + " (expected: >= 1)");
        }
    }
}
