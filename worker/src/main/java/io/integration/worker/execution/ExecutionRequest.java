package io.integration.worker.execution;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;

/**
 * A decoded integration request, independent of its wire encoding.
 *
 * @param params the params as JSON text, not yet validated
 * @param deadline instant after which the request must not run, or null
 * @param priorAttempts calls already made for this request before it was deferred (0 for a new request)
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
        Instant createdAt,
        int priorAttempts) {

    public ExecutionRequest {
        requireNonNull(requestId, "requestId");
        requireNonNull(instanceId, "integrationInstanceId");
        requireNonNull(methodName, "methodName");
        params = params == null || params.isBlank() ? "{}" : params;
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        if (priorAttempts < 0) {
            throw new IllegalArgumentException("priorAttempts: " + priorAttempts + " (expected: >= 0)");
        }
    }

    /** A new request as decoded from the wire (no prior attempts). */
    public ExecutionRequest(String requestId, String correlationId, String instanceId, String methodName, String params,
                            String definitionVersion, String orderingKey, Instant deadline, String replyTo,
                            Map<String, String> attributes, Instant createdAt) {
        this(requestId, correlationId, instanceId, methodName, params, definitionVersion, orderingKey, deadline, replyTo,
                attributes, createdAt, 0);
    }

    /** This request after {@code attempts} calls in earlier runs. */
    public ExecutionRequest withPriorAttempts(int attempts) {
        return new ExecutionRequest(requestId, correlationId, instanceId, methodName, params, definitionVersion, orderingKey,
                deadline, replyTo, attributes, createdAt, attempts);
    }
}
