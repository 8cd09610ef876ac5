package io.integration.registry.policy;

import static java.util.Objects.requireNonNull;

import io.integration.registry.text.DurationText;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How often and how patiently a call is retried: at most {@code maxAttempts} calls, waiting a random time
 * in {@code [0, min(maxBackoff, initialBackoff · 2^(n-1))]} (exponential backoff, full jitter) or what the
 * system asked for with {@code Retry-After}, whichever is longer.
 */
public record RetrySettings(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {

    public static final RetrySettings DEFAULTS = new RetrySettings(3, Duration.ofMillis(200), Duration.ofSeconds(5));

    public RetrySettings {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry.maxAttempts: " + maxAttempts + " (expected: >= 1)");
        }
        requireNonNull(initialBackoff, "retry.initialBackoff");
        requireNonNull(maxBackoff, "retry.maxBackoff");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("retry.maxBackoff: " + DurationText.format(maxBackoff) + " (expected: >= initialBackoff "
                    + DurationText.format(initialBackoff) + ")");
        }
    }

    /** The definition's {@code defaults.retry} overlaid by the method's {@code retry}, over {@link #DEFAULTS}. */
    public static RetrySettings from(Map<String, Object> definitionDefaults, Map<String, Object> methodOverride) {
        Map<String, Object> merged = new HashMap<>(definitionDefaults);
        merged.putAll(methodOverride);
        Object attempts = merged.get("maxAttempts");
        return new RetrySettings(
                attempts instanceof Number n ? Numbers.toInt("retry.maxAttempts", n) : DEFAULTS.maxAttempts(),
                duration(merged, "initialBackoff", DEFAULTS.initialBackoff()),
                duration(merged, "maxBackoff", DEFAULTS.maxBackoff()));
    }

    private static Duration duration(Map<String, Object> map, String key, Duration fallback) {
        Object value = map.get(key);
        return value == null ? fallback : DurationText.parse("retry." + key, value.toString());
    }

    /** The largest backoff before attempt {@code next} (2 for the first retry). */
    public Duration ceilingBefore(int next) {
        long factor = 1L << Math.min(next - 2, 30);
        Duration grown = initialBackoff.multipliedBy(factor);
        return grown.compareTo(maxBackoff) > 0 || grown.isNegative() ? maxBackoff : grown;
    }
}
