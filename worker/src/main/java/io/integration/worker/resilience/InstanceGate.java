package io.integration.worker.resilience;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.integration.registry.policy.RateSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-instance admission: a hold set by the system's own {@code Retry-After} (one 429 slows every request
 * of the instance, not just the one that got it) and the definition's rate limit (a resilience4j
 * {@link RateLimiter} per instance). Thread-safe.
 */
final class InstanceGate {

    private record Limiter(RateSettings settings, RateLimiter limiter) {
    }

    private final Map<String, Instant> holds = new ConcurrentHashMap<>();
    private final Map<String, Limiter> limiters = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration maxWait;

    /** {@code maxWait}: the longest a call waits for a rate-limit permit before giving up. */
    InstanceGate(Clock clock, Duration maxWait) {
        this.clock = clock;
        this.maxWait = maxWait;
    }

    /** How long calls of {@code instanceId} are held from now; zero when they may go. */
    Duration holdLeft(String instanceId) {
        Instant until = holds.get(instanceId);
        if (until == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(clock.instant(), until);
        if (left.isNegative() || left.isZero()) {
            holds.remove(instanceId, until);
            return Duration.ZERO;
        }
        return left;
    }

    /** Holds every call of {@code instanceId} for {@code wait} from now (a longer hold already set wins). */
    void hold(String instanceId, Duration wait) {
        Instant until = clock.instant().plus(wait);
        holds.merge(instanceId, until, (a, b) -> a.isAfter(b) ? a : b);
    }

    /** Takes one call from the instance's budget, waiting at most {@code maxWait}; false when none comes in time. */
    boolean acquire(String instanceId, RateSettings settings) {
        if (settings.unlimited()) {
            return true;
        }
        Limiter current = limiters.compute(instanceId, (id, existing) -> existing != null && existing.settings().equals(settings)
                ? existing : new Limiter(settings, RateLimiter.of(id, RateLimiterConfig.custom()
                        .limitForPeriod(settings.limit())
                        .limitRefreshPeriod(settings.per())
                        .timeoutDuration(maxWait)
                        .build())));
        long waitNanos = current.limiter().reservePermission();
        if (waitNanos < 0) {
            return false;
        }
        if (waitNanos > 0) {
            try {
                Thread.sleep(Duration.ofNanos(waitNanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
