package io.integration.worker.execution;

/**
 * One call to the external system as the result keeps it, redacted (no URL, header or body). The result
 * model's own record, copied from the resilience layer's attempt, so that the result log and the wire
 * formats depend on {@code execution} only.
 *
 * @param attempt 1 for the first call
 * @param httpStatus the answered status, or null when none arrived
 * @param outcome {@code OK} or the error code of this attempt
 * @param waitMs the wait after this attempt before the next (0 for the last)
 */
public record AttemptRecord(int attempt, Integer httpStatus, String outcome, long durationMs, long waitMs) {
}
