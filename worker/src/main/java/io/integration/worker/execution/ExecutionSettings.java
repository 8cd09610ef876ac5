package io.integration.worker.execution;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Worker-wide settings of execution.
 *
 * @param defaultTimeout whole-call deadline, body included, for methods whose definition sets none
 * @param maxResponseBytes response body cap for definitions that set none
 * @param maxRetryAfter the longest {@code Retry-After} the worker honours; a longer one ends the request as
 *     {@code RATE_LIMIT_EXCEEDED} with {@code retryAfterMs}, and holds the instance for this long at most
 * @param claimCheckBytes response data larger than this is stored in MongoDB and the result carries a reference
 *     instead; 0 turns the claim check off
 */
public record ExecutionSettings(Duration defaultTimeout, long maxResponseBytes, Duration maxRetryAfter, long claimCheckBytes) {

    /** The producer's default {@code max.request.size}. */
    private static final long DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    public static final ExecutionSettings DEFAULTS = new ExecutionSettings(Duration.ofSeconds(10),
            fittingResponseBytes(DEFAULT_MAX_REQUEST_SIZE), Duration.ofMinutes(15), 0);

    public ExecutionSettings {
        requireNonNull(defaultTimeout, "defaultTimeout");
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("http.timeout: " + defaultTimeout + " (expected: > 0)");
        }
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("http.max.response.bytes: " + maxResponseBytes + " (expected: >= 1)");
        }
        requireNonNull(maxRetryAfter, "worker.max.retry.after");
        if (maxRetryAfter.isNegative() || maxRetryAfter.isZero()) {
            throw new IllegalArgumentException("worker.max.retry.after: " + maxRetryAfter + " (expected: > 0)");
        }
        if (claimCheckBytes < 0) {
            throw new IllegalArgumentException("results.claim.check.bytes: " + claimCheckBytes + " (expected: 0 for off, or >= 1)");
        }
    }

    /**
     * The largest response body whose result still fits a record of {@code maxRequestSize} bytes: a JSON result
     * carries the data as an escaped string (at most twice its size), plus 64 KiB for ids, messages and the trail.
     */
    public static long fittingResponseBytes(long maxRequestSize) {
        return Math.max(1, (maxRequestSize - 64 * 1024) / 2);
    }

    /** Whether the claim check is on. */
    public boolean claimCheck() {
        return claimCheckBytes > 0;
    }
}
