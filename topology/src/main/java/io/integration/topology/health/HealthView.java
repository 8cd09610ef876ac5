package io.integration.topology.health;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The health of one instance as the health topic and {@code GET /integrations/{id}/health} show it (JSON).
 *
 * @param reason why it has this status, for a person
 * @param since when it took this status
 * @param lastEventAt the time of its newest event
 * @param openCircuits the circuits open now: {@code *} (the instance's) or method names
 * @param lateEvents method events that came after their window had passed (not counted)
 * @param current the window being counted; {@code previous} the one before (null when it had no events)
 */
public record HealthView(String instanceId, HealthStatus status, String reason, Instant since, Instant evaluatedAt, Instant lastEventAt,
                         long windowMs, Set<String> openCircuits, long lateEvents, Window current, Window previous) {

    public record Window(Instant start, Instant end, CallStats.Summary total, Map<String, CallStats.Summary> methods) {
    }
}
