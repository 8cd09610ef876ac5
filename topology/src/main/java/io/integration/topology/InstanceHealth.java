package io.integration.topology;

/**
 * The health of one integration instance, derived from its method events; the value of the compacted
 * {@code integration.health} topic (JSON), keyed by instance id.
 *
 * @param consecutiveFailures failures since the last success
 * @param lastErrorCode code of the most recent failure, or null
 */
public record InstanceHealth(String instanceId, State state, long executed, long failed, long consecutiveFailures,
                             String lastErrorCode, long updatedAt) {

    /** Failures in a row from which an instance counts as DOWN. */
    static final int DOWN_AFTER = 5;

    /** HEALTHY: last call succeeded; DEGRADED: recent failures; DOWN: {@value #DOWN_AFTER}+ failures in a row. */
    public enum State { HEALTHY, DEGRADED, DOWN }

    static InstanceHealth initial(String instanceId) {
        return new InstanceHealth(instanceId, State.HEALTHY, 0, 0, 0, null, 0);
    }

    /** The health after {@code event}; events other than method executed/failed leave it unchanged. */
    InstanceHealth apply(EventSummary event) {
        return switch (event.type()) {
            case "integration.method.executed" -> new InstanceHealth(instanceId, State.HEALTHY, executed + 1, failed, 0,
                    lastErrorCode, Math.max(updatedAt, event.occurredAt()));
            case "integration.method.failed" -> {
                long streak = consecutiveFailures + 1;
                yield new InstanceHealth(instanceId, streak >= DOWN_AFTER ? State.DOWN : State.DEGRADED, executed, failed + 1,
                        streak, event.errorCode(), Math.max(updatedAt, event.occurredAt()));
            }
            default -> this;
        };
    }
}
