package io.integration.worker.execution;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;

/**
 * The terminal result of one request, independent of its wire encoding. Once recorded it never changes:
 * a repeat publishes the recorded result byte-for-byte identical.
 *
 * @param definitionName null when no definition was resolved
 * @param attempts calls made to the external system
 * @param trail each call made, redacted, in order
 * @param replayId the replay that produced this result, or null for the request's first execution
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
        Instant completedAt,
        List<AttemptRecord> trail,
        String replayId) {

    /** The result of a request's first execution. */
    public ExecutionResult(String requestId, String correlationId, String instanceId, String methodName, String definitionName,
                           String definitionVersion, Outcome outcome, int attempts, Instant startedAt, Instant completedAt,
                           List<AttemptRecord> trail) {
        this(requestId, correlationId, instanceId, methodName, definitionName, definitionVersion, outcome, attempts, startedAt,
                completedAt, trail, null);
    }

    public ExecutionResult {
        requireNonNull(requestId, "requestId");
        requireNonNull(outcome, "outcome");
        requireNonNull(startedAt, "startedAt");
        requireNonNull(completedAt, "completedAt");
        trail = trail == null ? List.of() : List.copyOf(trail);
        // The wire formats and the result log keep milliseconds; so does the result, so a repeat is identical.
        startedAt = startedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        completedAt = completedAt.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    }

    public long durationMs() {
        return completedAt.toEpochMilli() - startedAt.toEpochMilli();
    }

    /** This result with another outcome: same request, times and attempts (a substitute answer after a publish failure). */
    public ExecutionResult withOutcome(Outcome other) {
        return new ExecutionResult(requestId, correlationId, instanceId, methodName, definitionName, definitionVersion, other, attempts,
                startedAt, completedAt, trail, replayId);
    }

    /**
     * Whether a fallback answered (a stale cached answer or the static fallback value) instead of the external system: a
     * replay runs such a request again, as it does a failed one.
     */
    public boolean answeredByFallback() {
        return outcome instanceof Outcome.Success s && s.served() != null && s.served().fallback();
    }

    public boolean succeeded() {
        return outcome instanceof Outcome.Success;
    }
}
