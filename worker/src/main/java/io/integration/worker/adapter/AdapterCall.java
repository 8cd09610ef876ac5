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
 * @param body the request body the method's request transform produced (JSON as maps, lists and values), a
 *        {@link RawBody} sent as it is, or null: the params are the body when the binding sends one
 * @param adapterConfig the definition's {@code adapter.config}, checked against {@link AdapterProvider#configSchema()}
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
        long maxResponseBytes,
        Object body,
        Map<String, Object> adapterConfig) {

    public AdapterCall {
        requireNonNull(requestId, "requestId");
        requireNonNull(methodName, "methodName");
        allowedHosts = allowedHosts == null ? Set.of() : Set.copyOf(allowedHosts);
        binding = binding == null ? Map.of() : binding;
        params = params == null ? Map.of() : params;
        config = config == null ? Map.of() : config;
        adapterConfig = adapterConfig == null ? Map.of() : adapterConfig;
        auth = auth == null ? Auth.NONE : auth;
        requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        if (maxResponseBytes < 1) {
            throw new IllegalArgumentException("maxResponseBytes: " + maxResponseBytes + " (expected: >= 1)");
        }
    }

    /** A call whose body, when the binding sends one, is the params object. */
    public AdapterCall(String requestId, String methodName, String baseUrl, Set<String> allowedHosts, Map<String, Object> binding,
                       Map<String, Object> params, Map<String, Object> config, Auth auth, boolean idempotent, Duration timeout,
                       long maxResponseBytes) {
        this(requestId, methodName, baseUrl, allowedHosts, binding, params, config, auth, idempotent, timeout, maxResponseBytes, null,
                Map.of());
    }

    /** This call with another timeout (a retry gets what is left before the request's deadline). */
    public AdapterCall withTimeout(Duration newTimeout) {
        return new AdapterCall(requestId, methodName, baseUrl, allowedHosts, binding, params, config, auth, idempotent, newTimeout,
                maxResponseBytes, body, adapterConfig);
    }

    /** This call with another adapter binding (an adapter carrying its call through another adapter). */
    public AdapterCall withBinding(Map<String, Object> newBinding) {
        return new AdapterCall(requestId, methodName, baseUrl, allowedHosts, newBinding, params, config, auth, idempotent, timeout,
                maxResponseBytes, body, adapterConfig);
    }

    /** This call with other params (what an adapter carrying its call through another one gives that one's templates). */
    public AdapterCall withParams(Map<String, Object> newParams) {
        return new AdapterCall(requestId, methodName, baseUrl, allowedHosts, binding, newParams, config, auth, idempotent, timeout,
                maxResponseBytes, body, adapterConfig);
    }

    /** This call with the definition's adapter config. */
    public AdapterCall withAdapterConfig(Map<String, Object> newAdapterConfig) {
        return new AdapterCall(requestId, methodName, baseUrl, allowedHosts, binding, params, config, auth, idempotent, timeout,
                maxResponseBytes, body, newAdapterConfig);
    }

    /** The body to send (a JSON value as maps, lists, strings, numbers, booleans), or null to send the params. */
    public AdapterCall withBody(Object newBody) {
        return new AdapterCall(requestId, methodName, baseUrl, allowedHosts, binding, params, config, auth, idempotent, timeout,
                maxResponseBytes, newBody, adapterConfig);
    }

    /** This call with other auth decorations (a token refreshed after the API refused the old one). */
    public AdapterCall withAuth(Auth newAuth) {
        return new AdapterCall(requestId, methodName, baseUrl, allowedHosts, binding, params, config, newAuth, idempotent, timeout,
                maxResponseBytes, body, adapterConfig);
    }

    /**
     * Secret request decorations derived from the definition's auth type and the instance's credential.
     *
     * @param signingKey the key an adapter signs the request with (auth type {@code webhook_signature}), or null
     */
    public record Auth(Map<String, Secret> headers, Map<String, Secret> queryParameters, Secret signingKey) {
        public static final Auth NONE = new Auth(Map.of(), Map.of());

        public Auth {
            headers = Map.copyOf(headers);
            queryParameters = Map.copyOf(queryParameters);
        }

        public Auth(Map<String, Secret> headers, Map<String, Secret> queryParameters) {
            this(headers, queryParameters, null);
        }

        /** These decorations with {@code more} headers added (a signature computed for this request). */
        public Auth withHeaders(Map<String, Secret> more) {
            Map<String, Secret> all = new java.util.LinkedHashMap<>(headers);
            all.putAll(more);
            return new Auth(all, queryParameters, signingKey);
        }

        /** What {@link #redact} puts where a secret was. */
        public static final String REDACTED = "[redacted]";
        /** Shorter values are not searched for: replacing every "abc" in a message would garble it and protect nothing. */
        private static final int MIN_REDACTED_CHARS = 6;

        /**
         * {@code text} with every secret value of this call replaced by {@link #REDACTED}: the whole header or query
         * value, the token after its scheme ({@code Bearer x}), and the decoded user:password of Basic and its password.
         * Adapters apply it to anything built from what the external system sent back (an error body may echo the key).
         */
        public String redact(String text) {
            if (text == null || text.isEmpty()) {
                return text;
            }
            String out = text;
            List<Secret> secrets = new java.util.ArrayList<>(headers.values());
            secrets.addAll(queryParameters.values());
            if (signingKey != null) {
                secrets.add(signingKey);
            }
            for (Secret secret : secrets) {
                for (String value : forms(secret.reveal())) {
                    if (value.length() >= MIN_REDACTED_CHARS) {
                        out = out.replace(value, REDACTED);
                    }
                }
            }
            return out;
        }

        private static List<String> forms(String value) {
            List<String> forms = new java.util.ArrayList<>(List.of(value));
            int space = value.indexOf(' ');
            if (space > 0) {
                String credential = value.substring(space + 1);
                forms.add(credential);
                if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
                    try {
                        String decoded = new String(java.util.Base64.getDecoder().decode(credential), java.nio.charset.StandardCharsets.UTF_8);
                        forms.add(decoded);
                        forms.add(decoded.substring(decoded.indexOf(':') + 1));
                    } catch (IllegalArgumentException notBase64) {
                        // not Basic as we build it: the whole value and the credential part are covered above
                    }
                }
            }
            // Longest first, so that a value is replaced whole before a part of it is.
            forms.sort(java.util.Comparator.comparingInt(String::length).reversed());
            return forms;
        }

        /** Header names, for diagnostics that must not show values. */
        public List<String> names() {
            return java.util.stream.Stream.concat(headers.keySet().stream(), queryParameters.keySet().stream()).sorted().toList();
        }
    }
}
