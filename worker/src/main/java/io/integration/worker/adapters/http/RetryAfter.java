package io.integration.worker.adapters.http;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Parses {@code Retry-After}: delay-seconds or an HTTP date (RFC 9110 §10.2.3); and the de-facto
 * {@code X-RateLimit-Reset}: epoch seconds (GitHub) or seconds from now (others).
 */
final class RetryAfter {

    private RetryAfter() {
    }

    /** The wait, never negative; null when the header is absent or unreadable. */
    static Duration parse(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration wait = Duration.between(clock.instant(), at.toInstant());
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** The wait until an {@code X-RateLimit-Reset} value, never negative; null when absent or unreadable. */
    static Duration fromReset(String value, Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long n = Long.parseLong(value.trim());
            // Values this large are instants (epoch seconds), smaller ones are delays.
            Duration wait = n > 1_000_000_000L ? Duration.between(clock.instant(), java.time.Instant.ofEpochSecond(n)) : Duration.ofSeconds(n);
            return wait.isNegative() ? Duration.ZERO : wait;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
