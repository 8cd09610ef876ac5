package io.integration.worker.adapter;

import java.util.List;
import java.util.Map;

/**
 * A successful answer of the external system.
 *
 * @param status the protocol status (HTTP 2xx)
 * @param headers response headers, names lower-case
 * @param body the raw body, at most the call's {@code maxResponseBytes}
 */
public record AdapterResponse(int status, Map<String, List<String>> headers, byte[] body) {
    public AdapterResponse {
        headers = headers == null ? Map.of() : headers;
        body = body == null ? new byte[0] : body;
    }
}
