package io.integration.topology.requests;

import io.integration.topology.input.RequestUpdate;
import java.time.Instant;

/**
 * The latest known status of one request, as {@code GET /requests/{id}} shows it.
 *
 * @param errorCode the error code when FAILED, else null
 * @param attempts external calls made, when known
 * @param acceptedAt when the request was made (its {@code createdAt}, or the time of its record), when seen
 * @param updatedAt the time of the fact the status comes from
 */
public record RequestStatus(String requestId, RequestUpdate.Stage status, String instanceId, String methodName, String errorCode,
                            Integer attempts, Instant acceptedAt, Instant updatedAt) {

    /**
     * The status after {@code update}: a later stage replaces an earlier one (ACCEPTED, DEFERRED, then SUCCEEDED or FAILED);
     * of two facts of the same stage the later one wins (a replay's result replaces the first). An earlier stage arriving
     * late (topics are read independently) only fills in what was missing.
     */
    static RequestStatus apply(RequestStatus current, RequestUpdate update) {
        Instant at = Instant.ofEpochMilli(update.at());
        if (current == null) {
            return new RequestStatus(update.requestId(), update.stage(), update.instanceId(), update.methodName(), update.errorCode(),
                    update.attempts(), update.stage() == RequestUpdate.Stage.ACCEPTED ? at : null, at);
        }
        Instant acceptedAt = current.acceptedAt() != null || update.stage() != RequestUpdate.Stage.ACCEPTED ? current.acceptedAt() : at;
        boolean newer = rank(update.stage()) > rank(current.status())
                || rank(update.stage()) == rank(current.status()) && !at.isBefore(current.updatedAt());
        if (!newer) {
            return acceptedAt == current.acceptedAt() ? current : new RequestStatus(current.requestId(), current.status(), current.instanceId(),
                    current.methodName(), current.errorCode(), current.attempts(), acceptedAt, current.updatedAt());
        }
        return new RequestStatus(update.requestId(), update.stage(), or(update.instanceId(), current.instanceId()),
                or(update.methodName(), current.methodName()), update.stage() == RequestUpdate.Stage.FAILED ? update.errorCode() : null,
                update.attempts() != null ? update.attempts() : current.attempts(), acceptedAt, at);
    }

    private static int rank(RequestUpdate.Stage stage) {
        return switch (stage) {
            case ACCEPTED -> 0;
            case DEFERRED -> 1;
            case SUCCEEDED, FAILED -> 2;
        };
    }

    private static String or(String value, String otherwise) {
        return value != null ? value : otherwise;
    }
}
