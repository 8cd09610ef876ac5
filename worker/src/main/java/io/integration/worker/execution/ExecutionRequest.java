package io.integration.worker.execution;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * A decoded integration request, independent of its wire encoding.
 *
 * @param params the params as JSON text, not yet validated
 * @param deadline instant after which the request must not run, or null
 */
public record ExecutionRequest(
        String requestId,
        String correlationId,
        String instanceId,
        String methodName,
        String params,
        String definitionVersion,
        String orderingKey,
        Instant deadline,
        String replyTo,
        Map<String, String> attributes,
        Instant createdAt) {

    public ExecutionRequest {
        requireNonNull(requestId, "requestId");
        requireNonNull(instanceId, "integrationInstanceId");
        requireNonNull(methodName, "methodName");
        params = params == null || params.isBlank() ? "{}" : params;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
    }
}
