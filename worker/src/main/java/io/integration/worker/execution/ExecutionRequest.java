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
 * @param replay the replay this record belongs to, or null for a request as its producer sent it
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
        int priorAttempts,
        Replay replay) {

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
                attributes, createdAt, 0, null);
    }

    /** This request after {@code attempts} calls in earlier runs. */
    public ExecutionRequest withPriorAttempts(int attempts) {
        return new ExecutionRequest(requestId, correlationId, instanceId, methodName, params, definitionVersion, orderingKey,
                deadline, replyTo, attributes, createdAt, attempts, replay);
    }

    /** This request as part of {@code replay}. */
    public ExecutionRequest withReplay(Replay replay) {
        return new ExecutionRequest(requestId, correlationId, instanceId, methodName, params, definitionVersion, orderingKey,
                deadline, replyTo, attributes, createdAt, priorAttempts, replay);
    }

    /**
     * Marks a record an operator replayed: its request runs again, once per replay, when its recorded result is an error
     * (or whatever it is, when {@code force}); otherwise it is answered from the record like any repeat.
     *
     * @param id the replay's id, recorded with the new result so that a redelivered replay record does not run twice
     */
    public record Replay(String id, boolean force) {
        public Replay {
            requireNonNull(id, "replay id");
        }

        /** Whether this replay runs the request again instead of answering with {@code recorded}. */
        public boolean reruns(ExecutionResult recorded) {
            return !id.equals(recorded.replayId()) && (force || !recorded.succeeded() || recorded.answeredByFallback());
        }
    }
}
