package io.integration.topology.health;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Calls of one instance (or one of its methods) in one window. A call the caller got wrong ({@link #CALLER_ERRORS}) is
 * counted apart and never against the integration; rate-limit and authentication failures count as failures and also
 * on their own.
 */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
public final class CallStats {

    /** Error codes that say the request was wrong, not the integration: they do not count against its health. */
    public static final Set<String> CALLER_ERRORS = Set.of("VALIDATION_ERROR", "INSTANCE_NOT_FOUND", "DEFINITION_NOT_FOUND",
            "METHOD_NOT_FOUND", "DEADLINE_EXCEEDED", "REPLY_TO_NOT_ALLOWED", "RESULT_TOO_LARGE");
    static final Set<String> AUTH_ERRORS = Set.of("AUTH_FAILED", "NEEDS_REAUTH", "CREDENTIALS_MISSING");
    static final String RATE_LIMITED = "RATE_LIMIT_EXCEEDED";
    /** A call the worker's open circuit refused: no external call was made; the circuit itself says so. */
    static final String SHORT_CIRCUITED = "CIRCUIT_OPEN";

    private long successes;
    private long failures;
    private long callerErrors;
    private long shortCircuited;
    private long servedWithoutCall;
    private long rateLimited;
    private long authFailures;
    private final TreeMap<String, Long> errorsByCode = new TreeMap<>();
    private final LatencySketch latency = new LatencySketch();

    public void success(Long durationMs) {
        successes++;
        if (durationMs != null) {
            latency.add(durationMs);
        }
    }

    /** A failed call; {@code code} may be null (an event without one counts as EXECUTION_ERROR). */
    public void failure(String code, Long durationMs) {
        String c = code == null ? "EXECUTION_ERROR" : code;
        errorsByCode.merge(c, 1L, Long::sum);
        if (CALLER_ERRORS.contains(c)) {
            callerErrors++;
            return;
        }
        if (SHORT_CIRCUITED.equals(c)) {
            shortCircuited++;
            return;
        }
        failures++;
        if (RATE_LIMITED.equals(c)) {
            rateLimited++;
        }
        if (AUTH_ERRORS.contains(c)) {
            authFailures++;
        }
        if (durationMs != null) {
            latency.add(durationMs);
        }
    }

    /** An answer served without a call (the worker's cache, a fallback): no call either. */
    public void servedWithoutCall() {
        servedWithoutCall++;
    }

    /** An authentication failure outside a call (a token refresh refused). */
    public void authFailure() {
        authFailures++;
    }

    public void merge(CallStats other) {
        successes += other.successes;
        failures += other.failures;
        callerErrors += other.callerErrors;
        shortCircuited += other.shortCircuited;
        servedWithoutCall += other.servedWithoutCall;
        rateLimited += other.rateLimited;
        authFailures += other.authFailures;
        other.errorsByCode.forEach((code, n) -> errorsByCode.merge(code, n, Long::sum));
        latency.merge(other.latency);
    }

    /** Calls that count for health: successes and failures, not caller errors. */
    public long calls() {
        return successes + failures;
    }

    public long failures() {
        return failures;
    }

    public LatencySketch latency() {
        return latency;
    }

    public Summary summary() {
        long calls = calls();
        return new Summary(calls, successes, failures, calls == 0 ? null : Math.round(1000.0 * failures / calls) / 1000.0,
                latency.quantile(0.50), latency.quantile(0.95), latency.quantile(0.99), Map.copyOf(errorsByCode), callerErrors, shortCircuited,
                servedWithoutCall, rateLimited, authFailures);
    }

    /**
     * What the API and the health topic show of a window.
     *
     * @param failureRatio failures / calls, 3 decimals; null without calls
     * @param errorsByCode every error code seen, caller errors included
     * @param shortCircuited requests an open circuit refused without a call ({@code CIRCUIT_OPEN}): no calls either
     * @param servedWithoutCall answers the worker's cache or a fallback served: no calls either
     * @param authFailures authentication failures of calls and of token refreshes ({@code integration.auth.failed})
     */
    public record Summary(long calls, long successes, long failures, Double failureRatio, Long p50Ms, Long p95Ms, Long p99Ms,
                          Map<String, Long> errorsByCode, long callerErrors, long shortCircuited, long servedWithoutCall,
                          long rateLimited, long authFailures) {
    }
}
