package io.integration.worker.execution;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * The terminal result of one request, independent of its wire encoding. Once recorded it never changes:
 * a repeat publishes the recorded result byte-for-byte identical.
 *
 * @param definitionName null when no definition was resolved
 * @param attempts calls made to the external system
 */
public record ExecutionResult(
        String requestId,
        String correlationId,
        String instanceId,
        String methodName,
        String definitionName,
        String definitionVersion,
        Outcome outcome,
        int attempts,
        Instant startedAt,
        Instant completedAt) {

    public ExecutionResult {
        requireNonNull(requestId, "requestId");
        requireNonNull(outcome, "outcome");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(completedAt, "completedAt");
        // The wire formats and the result log keep milliseconds; so does the result, so a repeat is identical.
        startedAt = startedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        completedAt = completedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    public long durationMs() {
        return completedAt.toEpochMilli() - startedAt.toEpochMilli();
    }

    public boolean succeeded() {
        return outcome instanceof Outcome.Success;
    }
}
