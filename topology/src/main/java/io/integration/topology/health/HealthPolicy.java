package io.integration.topology.health;

import java.time.Duration;

/**
 * How an instance's status is judged, over the current window (or, while it holds fewer than {@code minCalls} calls, the
 * current and the previous window together):
 * <ul>
 *   <li>DOWN: its instance-wide circuit is open, or at least {@code minCalls} calls with a failure ratio at or above {@code downRatio};</li>
 *   <li>UNKNOWN: fewer than {@code minCalls} calls (no traffic to judge by);</li>
 *   <li>DEGRADED: a failure ratio at or above {@code degradedRatio}, a method's circuit open, or p95 latency at or above
 *       {@code slowP95} (when set);</li>
 *   <li>HEALTHY otherwise.</li>
 * </ul>
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

    /** The status of {@code stats}, with the reason a person reads. */
    Verdict judge(CallStats stats, boolean instanceCircuitOpen, boolean methodCircuitOpen) {
        if (instanceCircuitOpen) {
            return new Verdict(HealthStatus.DOWN, "the instance's circuit is open");
        }
        long calls = stats.calls();
        double ratio = calls == 0 ? 0 : (double) stats.failures() / calls;
        if (calls < minCalls) {
            return new Verdict(HealthStatus.UNKNOWN, calls + " call(s) in the last two windows (fewer than " + minCalls + " to judge by)");
        }
        if (ratio >= downRatio) {
            return new Verdict(HealthStatus.DOWN, percent(ratio) + " of " + calls + " calls failed (down at " + percent(downRatio) + ")");
        }
        if (ratio >= degradedRatio) {
            return new Verdict(HealthStatus.DEGRADED, percent(ratio) + " of " + calls + " calls failed (degraded at " + percent(degradedRatio) + ")");
        }
        if (methodCircuitOpen) {
            return new Verdict(HealthStatus.DEGRADED, "a method's circuit is open");
        }
        Long p95 = stats.latency().quantile(0.95);
        if (slowP95 != null && p95 != null && p95 >= slowP95.toMillis()) {
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
