package io.integration.worker.adapter;

import static java.util.Objects.requireNonNull;

import io.integration.registry.secret.Secret;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything an adapter needs for one call, in JDK types: params and config are JSON values as
 * {@code Map}/{@code List}/{@code String}/{@code Number}/{@code Boolean}/{@code null}.
 *
 * @param requestId the request's idempotency key
 * @param methodName the method being called, for messages
 * @param baseUrl the definition's base URL
 * @param allowedHosts hosts the call may reach (outbound safety)
 * @param binding the method's adapter-specific section, e.g. {@code http: {method, path, ...}}
 * @param params the validated request params
 * @param config the instance's config
 * @param auth secret headers and query parameters to add; never logged
 * @param idempotent whether to send {@code Idempotency-Key: <requestId>}
 * @param timeout deadline for the whole exchange, body included
 * @param maxResponseBytes cap on the response body
 */
public record AdapterCall(
        String requestId,
        String methodName,
        String baseUrl,
        Set<String> allowedHosts,
        Map<String, Object> binding,
        Map<String, Object> params,
        Map<String, Object> config,
        Auth auth,
        boolean idempotent,
        Duration timeout,
        long maxResponseBytes) {

    public AdapterCall {
        requireNonNull(requestId, "requestId");
        requireNonNull(methodName, "methodName");
        allowedHosts = allowedHosts == null ? Set.of() : Set.copyOf(allowedHosts);
        binding = binding == null ? Map.of() : binding;
        params = params == null ? Map.of() : params;
        config = config == null ? Map.of() : config;
        auth = auth == null ? Auth.NONE : auth;
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("maxResponseBytes: " + maxResponseBytes + " (expected: >= 1)");
        }
    }

    /** This call with another timeout (a retry gets what is left before the request's deadline). */
    public AdapterCall withTimeout(Duration newTimeout) {
        return new AdapterCall(requestId, methodName, baseUrl, allowedHosts, binding, params, config, auth, idempotent, newTimeout,
                maxResponseBytes);
    }

    /** Secret request decorations derived from the definition's auth type and the instance's credential. */
    public record Auth(Map<String, Secret> headers, Map<String, Secret> queryParameters) {
        public static final Auth NONE = new Auth(Map.of(), Map.of());

        public Auth {
            headers = Map.copyOf(headers);
            queryParameters = Map.copyOf(queryParameters);
        }

        /** Header names, for diagnostics that must not show values. */
        public List<String> names() {
            return java.util.stream.Stream.concat(headers.keySet().stream(), queryParameters.keySet().stream()).sorted().toList();
        }
    }
}
