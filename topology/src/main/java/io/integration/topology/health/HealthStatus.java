package io.integration.topology.health;

/** The availability of an integration instance; thresholds in {@link HealthPolicy}. */
public enum HealthStatus {
    /** Calls succeed (failure ratio below the degraded threshold, latency below the slow threshold). */
    HEALTHY,
    /** Some calls fail, a method's circuit is open, or calls are slow. */
    DEGRADED,
    /** Most calls fail, or the instance's circuit is open. */
    DOWN,
    /** Too little traffic to judge: fewer than the minimum calls in the last two windows. */
    UNKNOWN
}
