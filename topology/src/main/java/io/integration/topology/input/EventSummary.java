package io.integration.topology.input;

/**
 * What the topology needs of an integration event, whichever encoding it arrived in.
 *
 * @param eventId stable across repeats of the same event (null when the producer gave none: then it is not deduplicated)
 * @param occurredAt epoch millis
 * @param requestId, methodName, errorCode, durationMs, attempts null when the event has none
 * @param servedFrom for an answer served without a call (the worker's cache, a fallback): how; else null
 */
public record EventSummary(String eventId, String type, String instanceId, long occurredAt, String requestId, String methodName,
                           String errorCode, Long durationMs, Integer attempts, String servedFrom) {

    public static final String METHOD_EXECUTED = "integration.method.executed";
    public static final String METHOD_FAILED = "integration.method.failed";
    public static final String AUTH_FAILED = "integration.auth.failed";
    public static final String CIRCUIT_OPENED = "integration.circuit.opened";
    public static final String CIRCUIT_CLOSED = "integration.circuit.closed";
    public static final String HEALTH_CHANGED = "integration.health.changed";

    public boolean isMethodEvent() {
        return METHOD_EXECUTED.equals(type) || METHOD_FAILED.equals(type);
    }
}
