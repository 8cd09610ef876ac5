package io.integration.worker.resilience;

/**
 * One call to the external system, redacted (no URL, header or body).
 *
 * @param httpStatus the answered status, or null when none arrived
 * @param outcome {@code OK} or the error code of this attempt
 * @param waitMs the wait after this attempt before the next (0 for the last)
 */
public record Attempt(int attempt, Integer httpStatus, String outcome, long durationMs, long waitMs) {

    Attempt withWait(long wait) {
        return new Attempt(attempt, httpStatus, outcome, durationMs, wait);
    }
}
