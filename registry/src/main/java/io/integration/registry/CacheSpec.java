package io.integration.registry;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A method's response cache: successful answers are served from a worker's cache for {@code ttl} without calling the
 * external system; with the {@code stale} fallback, an answer up to {@code maxStale} old is served when the call cannot be made.
 *
 * @param maxStale null: no stale answers (the {@code stale} fallback then needs it)
 */
public record CacheSpec(Duration ttl, Duration maxStale) {

    public CacheSpec {
        requireNonNull(ttl, "cache.ttl");
        if (ttl.isZero() || ttl.isNegative()) {
            throw new IllegalArgumentException("cache.ttl: " + ttl + " (expected: a positive duration)");
        }
        if (maxStale != null && maxStale.compareTo(ttl) < 0) {
            throw new IllegalArgumentException("cache.maxStale: " + maxStale + " (expected: at least cache.ttl, " + ttl + ")");
        }
    }
}
