package io.integration.worker.adapter;

import java.util.List;
import java.util.Map;

/**
 * A successful answer of the external system.
 *
 * @param status the protocol status (HTTP 2xx)
 * @param headers response headers, names lower-case
 * @param body the raw body, at most the call's {@code maxResponseBytes}
 * @param reservation the body's share of the worker's {@link ByteBudget}, or null when the adapter took none; the
 *     caller releases it once the body has become a result
 */
public record AdapterResponse(int status, Map<String, List<String>> headers, byte[] body, ByteBudget.Reservation reservation) {
    public AdapterResponse {
        headers = headers == null ? Map.of() : headers;
        body = body == null ? new byte[0] : body;
    }

    /** An answer that holds no budget. */
    public AdapterResponse(int status, Map<String, List<String>> headers, byte[] body) {
        this(status, headers, body, null);
    }

    /** Gives the body's bytes back to the budget (once; later calls do nothing). */
    public void release() {
        if (reservation != null) {
            reservation.release();
        }
    }
}
