package io.integration.topology.health;

/** The availability of an integration instance; thresholds in {@link HealthPolicy}. */
public enum HealthStatus {
    /** Calls succeed (failure ratio below the degraded threshold, latency below the slow threshold). */
    HEALTHY,
    /** Some calls fail, a method's circuit is open, or calls are slow. */
    DEGRADED,
    /** The failure ratio is at or above the down threshold (default 50 %), or the instance's circuit is open. */
    DOWN,
    /** No calls in the last two windows, or too few to judge an instance never judged before. */
    UNKNOWN
}
