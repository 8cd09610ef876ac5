package io.integration.registry;

import com.fasterxml.jackson.annotation.JsonInclude;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;

/**
 * One operation of a definition. Adapter-specific bindings ({@code http}, {@code graphql}, and {@code binding} for any
 * other adapter) are kept as plain maps: each adapter declares their JSON Schema and reads its own.
 *
 * @param paramSchema JSON Schema the request params must satisfy, or null for any JSON object
 * @param idempotent whether repeating the call is safe; idempotent calls carry {@code Idempotency-Key}
 * @param timeout overrides the definition's default timeout, or null
 * @param circuitBreaker the method's own breaker settings, or null to share the instance's breaker
 * @param rateLimit the method's own rate limit, or null to share the instance's limiter
 * @param cache the method's response cache, or null: not cached
 * @param fallback what answers, in this order, when the call cannot be made (circuit open, upstream unavailable, deadline
 *        near): {@code stale}, {@code static}, {@code defer}, {@code fail}; empty: defer when the circuit is open and the
 *        deadline allows, else fail
 * @param fallbackValue the answer of the {@code static} fallback (any JSON), or null
 */
public record MethodDefinition(
        String name,
        String description,
        // Written back only when present: an empty binding is "none", not a binding missing its required fields.
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> http,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> graphql,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> binding,
        boolean idempotent,
        JsonNode paramSchema,
        String requestTransform,
        String responseTransform,
        JsonNode responseSchema,
        Duration timeout,
        Map<String, Object> retry,
        Map<String, Object> circuitBreaker,
        Map<String, Object> rateLimit,
        CacheSpec cache,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) java.util.List<String> fallback,
        JsonNode fallbackValue) {

    /** The fallbacks a method may list. */
    public static final java.util.List<String> FALLBACKS = java.util.List.of("stale", "static", "defer", "fail");

    public MethodDefinition {
        requireNonNull(name, "methods[].name");
        http = http == null ? Map.of() : http;
        graphql = graphql == null ? Map.of() : graphql;
        binding = binding == null ? Map.of() : binding;
        retry = retry == null ? Map.of() : retry;
        fallback = fallback == null ? java.util.List.of() : java.util.List.copyOf(fallback);
    }

    /** The binding for {@code adapterType}, empty when the method has none. */
    public Map<String, Object> binding(String adapterType) {
        return switch (bindingField(adapterType)) {
            case "http" -> http;
            case "graphql" -> graphql;
            default -> binding;
        };
    }

    /**
     * The method field that binds it to an adapter of {@code adapterType}: the built-in {@code http} and {@code graphql}
     * adapters have their own section; every other adapter (webhook, plugins) reads {@code binding}.
     */
    public static String bindingField(String adapterType) {
        return switch (adapterType) {
            case "http", "graphql" -> adapterType;
            default -> "binding";
        };
    }

    /** Every binding section that has content, by field name. */
    public Map<String, Map<String, Object>> bindings() {
        Map<String, Map<String, Object>> all = new java.util.TreeMap<>();
        if (!http.isEmpty()) {
            all.put("http", http);
        }
        if (!graphql.isEmpty()) {
            all.put("graphql", graphql);
        }
        if (!binding.isEmpty()) {
            all.put("binding", binding);
        }
        return all;
    }
}
