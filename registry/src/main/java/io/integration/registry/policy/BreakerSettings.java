package io.integration.registry.policy;

import io.integration.registry.text.DurationText;
import java.time.Duration;
import java.util.Map;

/**
 * A circuit breaker per integration instance: it opens when at least {@code failureRateThreshold} % of the
 * last {@code slidingWindow} calls (and at least {@code minimumCalls}) failed retriably, stays open
 * {@code openFor}, then lets {@code halfOpenCalls} probes through.
 */
public record BreakerSettings(float failureRateThreshold, int slidingWindow, int minimumCalls, Duration openFor, int halfOpenCalls) {

    public static final BreakerSettings DEFAULTS = new BreakerSettings(50, 20, 10, Duration.ofSeconds(30), 2);

    public BreakerSettings {
        if (failureRateThreshold <= 0 || failureRateThreshold > 100) {
            throw new IllegalArgumentException("circuitBreaker.failureRateThreshold: " + failureRateThreshold + " (expected: > 0 and <= 100)");
        }
        if (slidingWindow < 1) {
            throw new IllegalArgumentException("circuitBreaker.slidingWindow: " + slidingWindow + " (expected: >= 1)");
        }
        if (minimumCalls < 1 || minimumCalls > slidingWindow) {
            throw new IllegalArgumentException("circuitBreaker.minimumCalls: " + minimumCalls + " (expected: between 1 and slidingWindow " + slidingWindow + ")");
        }
        if (halfOpenCalls < 1) {
            throw new IllegalArgumentException("circuitBreaker.halfOpenCalls: " + halfOpenCalls + " (expected: >= 1)");
        }
    }

    /** The definition's {@code defaults.circuitBreaker} over {@link #DEFAULTS}. */
    public static BreakerSettings from(Map<String, Object> map) {
        int window = number(map, "slidingWindow", DEFAULTS.slidingWindow());
        return new BreakerSettings(
                (float) number(map, "failureRateThreshold", (int) DEFAULTS.failureRateThreshold()),
                window,
                number(map, "minimumCalls", Math.min(DEFAULTS.minimumCalls(), window)),
                map.get("openFor") == null ? DEFAULTS.openFor() : DurationText.parse("circuitBreaker.openFor", map.get("openFor").toString()),
                number(map, "halfOpenCalls", DEFAULTS.halfOpenCalls()));
    }

    private static int number(Map<String, Object> map, String key, int fallback) {
        return map.get(key) instanceof Number n ? Numbers.toInt("circuitBreaker." + key, n) : fallback;
    }
}
