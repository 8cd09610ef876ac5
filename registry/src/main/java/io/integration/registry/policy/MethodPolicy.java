package io.integration.registry.policy;

import java.util.Map;

/**
 * The typed resilience settings of one method, parsed once when its definition is loaded: retries (the method's
 * {@code retry} over the definition's {@code defaults.retry}), and its breaker and rate limit — its own when the
 * method sets a {@code circuitBreaker} / {@code rateLimit} block, else the instance's from {@code defaults}.
 *
 * @param ownBreaker whether the method has a breaker of its own (else the instance's breaker guards it)
 * @param ownRate whether the method has a rate budget of its own (else the instance's)
 */
public record MethodPolicy(RetrySettings retry, BreakerSettings breaker, boolean ownBreaker, RateSettings rate, boolean ownRate) {

    /**
     * Parses the settings as written in a definition document.
     *
     * @throws IllegalArgumentException naming the setting ({@code retry.maxAttempts: 0 (expected: >= 1)})
     */
    public static MethodPolicy of(Map<String, Object> defaultRetry, Map<String, Object> defaultBreaker, Map<String, Object> defaultRate,
                                  Map<String, Object> methodRetry, Map<String, Object> methodBreaker, Map<String, Object> methodRate) {
        boolean ownBreaker = methodBreaker != null;
        boolean ownRate = methodRate != null;
        return new MethodPolicy(RetrySettings.from(orEmpty(defaultRetry), orEmpty(methodRetry)),
                BreakerSettings.from(ownBreaker ? methodBreaker : orEmpty(defaultBreaker)), ownBreaker,
                RateSettings.from(ownRate ? methodRate : orEmpty(defaultRate)), ownRate);
    }

    private static Map<String, Object> orEmpty(Map<String, Object> map) {
        return map == null ? Map.of() : map;
    }
}
