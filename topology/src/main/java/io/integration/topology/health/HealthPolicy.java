package io.integration.topology.health;

import java.time.Duration;

/**
 * How an instance's status is judged, over the current window (or, while it holds fewer than {@code minCalls} calls, the
 * current and the previous window together):
 * <ul>
 *   <li>DOWN: its instance-wide circuit is open, or a failure ratio at or above {@code downRatio};</li>
 *   <li>DEGRADED: a failure ratio at or above {@code degradedRatio}, a method's circuit open, or p95 latency at or above
 *       {@code slowP95} (when set);</li>
 *   <li>HEALTHY otherwise;</li>
 *   <li>UNKNOWN: no calls at all in the two windows, or fewer than {@code minCalls} calls before the instance was ever
 *       judged. Once judged, an instance with fewer than {@code minCalls} calls keeps its status (too few calls to change it).</li>
 * </ul>
 * A status is left only when its measure falls below {@value #STAY} of its threshold (hysteresis: a ratio hovering at a
 * threshold does not flap).
 *
 * @param window the size of the tumbling windows calls are counted in
 * @param slowP95 null: latency never degrades
 * @param publishInterval the health of an instance with traffic is written to the health topic at least this often, and on every change
 */
public record HealthPolicy(Duration window, long minCalls, double degradedRatio, double downRatio, Duration slowP95,
                           Duration publishInterval) {

    public static final HealthPolicy DEFAULTS = new HealthPolicy(Duration.ofMinutes(1), 10, 0.1, 0.5, null, Duration.ofSeconds(10));

    public HealthPolicy {
        if (window.toMillis() < 1000) {
            throw new IllegalArgumentException("health window: " + window + " (expected: at least 1 s)");
        }
        if (minCalls < 1) {
            throw new IllegalArgumentException("health min calls: " + minCalls + " (expected: at least 1)");
        }
        if (!(degradedRatio > 0 && degradedRatio <= downRatio && downRatio <= 1)) {
            throw new IllegalArgumentException("health ratios: degraded " + degradedRatio + ", down " + downRatio
                    + " (expected: 0 < degraded <= down <= 1)");
        }
    }

    /** The share of a threshold a measure must fall below to leave the status the threshold put an instance in. */
    static final double STAY = 0.8;

    /** The status of {@code stats} for an instance now {@code current}, with the reason a person reads. */
    Verdict judge(CallStats stats, HealthStatus current, boolean instanceCircuitOpen, boolean methodCircuitOpen) {
        if (instanceCircuitOpen) {
            return new Verdict(HealthStatus.DOWN, "the instance's circuit is open");
        }
        long calls = stats.calls();
        if (calls == 0) {
            return new Verdict(HealthStatus.UNKNOWN, "no calls in the last two windows");
        }
        if (calls < minCalls) {
            return current == HealthStatus.UNKNOWN
                    ? new Verdict(HealthStatus.UNKNOWN, calls + " call(s) in the last two windows (fewer than " + minCalls + " to judge by)")
                    : new Verdict(current, calls + " call(s) in the last two windows: too few (" + minCalls + ") to change the status");
        }
        double ratio = (double) stats.failures() / calls;
        boolean wasDown = current == HealthStatus.DOWN;
        boolean wasDegraded = wasDown || current == HealthStatus.DEGRADED;
        if (ratio >= (wasDown ? downRatio * STAY : downRatio)) {
            return new Verdict(HealthStatus.DOWN, percent(ratio) + " of " + calls + " calls failed (down at " + percent(downRatio) + ")");
        }
        if (ratio >= (wasDegraded ? degradedRatio * STAY : degradedRatio)) {
            return new Verdict(HealthStatus.DEGRADED, percent(ratio) + " of " + calls + " calls failed (degraded at " + percent(degradedRatio) + ")");
        }
        if (methodCircuitOpen) {
            return new Verdict(HealthStatus.DEGRADED, "a method's circuit is open");
        }
        Long p95 = stats.latency().quantile(0.95);
        if (slowP95 != null && p95 != null && p95 >= (wasDegraded ? slowP95.toMillis() * STAY : slowP95.toMillis())) {
            return new Verdict(HealthStatus.DEGRADED, "p95 latency " + p95 + " ms (degraded at " + slowP95.toMillis() + " ms)");
        }
        return new Verdict(HealthStatus.HEALTHY, percent(ratio) + " of " + calls + " calls failed");
    }

    record Verdict(HealthStatus status, String reason) {
    }

    private static String percent(double ratio) {
        return Math.round(ratio * 1000) / 10.0 + " %";
    }
}
