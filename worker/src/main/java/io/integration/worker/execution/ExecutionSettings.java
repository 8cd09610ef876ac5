package io.integration.worker.execution;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Worker-wide defaults for calls whose definition does not set them.
 *
 * @param defaultTimeout whole-call deadline, body included
 * @param maxResponseBytes response body cap
 */
public record ExecutionSettings(Duration defaultTimeout, long maxResponseBytes) {

    public static final ExecutionSettings DEFAULTS = new ExecutionSettings(Duration.ofSeconds(10), 10L * 1024 * 1024);

    public ExecutionSettings {
        requireNonNull(defaultTimeout, "defaultTimeout");
        if (defaultTimeout.isNegative() || defaultTimeout.isZero()) {
            throw new IllegalArgumentException("http.timeout: " + defaultTimeout + " (expected: > 0)");
        }
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("http.max.response.bytes: " + maxResponseBytes + " (expected: >= 1)");
        }
    }
}
