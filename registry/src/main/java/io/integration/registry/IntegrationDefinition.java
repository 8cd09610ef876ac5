package io.integration.registry;

import com.fasterxml.jackson.annotation.JsonInclude;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One version of an integration definition: how to reach an external system and what it offers.
 * Immutable; a published version never changes. Field names follow the definition document
 * ({@code integration-definition.schema.json}); settings not modelled yet are kept as maps so that
 * documents written for later versions stay loadable.
 *
 * @param tags free-form labels for discovery ({@code crm}, {@code issues})
 * @param allowedHosts hosts outbound calls may reach; empty means the base URL's host only
 * @param instanceConfigSchema JSON Schema of an instance's config, or null
 * @param transforms named JSONata functions ({@code name → function($x) {...}}) every method's transforms may call as
 *        {@code $name(...)}
 */
public record IntegrationDefinition(
        String name,
        String version,
        DefinitionStatus status,
        String title,
        List<String> tags,
        AdapterRef adapter,
        String baseUrl,
        List<String> allowedHosts,
        AuthSpec auth,
        JsonNode instanceConfigSchema,
        ExecutionDefaults defaults,
        String testMethod,
        List<MethodDefinition> methods,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> transforms) {

    public IntegrationDefinition {
        requireNonNull(name, "name");
        requireNonNull(version, "version");
        requireNonNull(adapter, "adapter");
        status = status == null ? DefinitionStatus.PUBLISHED : status;
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        tags = tags == null ? List.of() : List.copyOf(tags);
        auth = auth == null ? AuthSpec.NONE : auth;
        defaults = defaults == null ? ExecutionDefaults.NONE : defaults;
        if (methods == null || methods.isEmpty()) {
            throw new IllegalArgumentException("methods: empty (expected: at least one method)");
        }
        methods = List.copyOf(methods);
        transforms = transforms == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(transforms));
        Set<String> seen = new HashSet<>();
        for (MethodDefinition m : methods) {
            if (!seen.add(m.name())) {
                throw new IllegalArgumentException("methods: name '" + m.name() + "' appears twice (expected: unique names)");
            }
        }
    }

    /** This version in lifecycle state {@code next} (the document is otherwise the same). */
    public IntegrationDefinition withStatus(DefinitionStatus next) {
        return new IntegrationDefinition(name, version, next, title, tags, adapter, baseUrl, allowedHosts, auth,
                instanceConfigSchema, defaults, testMethod, methods, transforms);
    }

    /** {@code name@version}, the definition's key. */
    public String key() {
        return key(name, version);
    }

    public static String key(String name, String version) {
        return name + "@" + version;
    }

    /** The method called {@code methodName}, if any. */
    public Optional<MethodDefinition> method(String methodName) {
        return methods.stream().filter(m -> m.name().equals(methodName)).findFirst();
    }

    /** The hosts calls may go to: {@link #allowedHosts()}, or the base URL's host when none are listed. */
    public Set<String> effectiveAllowedHosts() {
        if (!allowedHosts.isEmpty()) {
            return Set.copyOf(allowedHosts);
        }
        if (baseUrl == null) {
            return Set.of();
        }
        String host = URI.create(baseUrl).getHost();
        return host == null ? Set.of() : Set.of(host);
    }

    /**
     * The hosts a credential of this definition's instances is sent to: the hosts calls go to and, for the OAuth2 types,
     * the token endpoint's and issuer's hosts (where the client secret and refresh token go).
     */
    public Set<String> credentialDestinations() {
        if (auth.type() != AuthSpec.Type.OAUTH2 && auth.type() != AuthSpec.Type.OAUTH2_CLIENT_CREDENTIALS) {
            return effectiveAllowedHosts();
        }
        Set<String> hosts = new java.util.TreeSet<>(effectiveAllowedHosts());
        hosts.addAll(OAuth2Settings.parse(auth.type(), auth.oauth2(), new java.util.ArrayList<>()).hosts());
        return Set.copyOf(hosts);
    }

    /**
     * Adapter type, compatible version range and the adapter's own settings, e.g. {@code http}, {@code ^1}.
     *
     * @param config checked at publish against the JSON Schema the adapter declares; empty when the document has none
     */
    public record AdapterRef(String type, String version, @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Object> config) {
        public AdapterRef {
            requireNonNull(type, "adapter.type");
            config = config == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(config));
        }

        public AdapterRef(String type, String version) {
            this(type, version, Map.of());
        }
    }

    /**
     * Settings applied to every method unless it overrides them.
     *
     * @param timeout whole-call deadline (body included), or null for the worker's default
     * @param maxResponseBytes response size cap, or null for the worker's default
     * @param retry retry settings as written (typed by the execution engine)
     * @param maxConcurrentCalls calls of one instance a worker makes at once (its bulkhead), or null for the worker's
     *        {@code worker.max.calls.per.instance}
     */
    public record ExecutionDefaults(java.time.Duration timeout, Long maxResponseBytes, Map<String, Object> retry,
                                    Map<String, Object> circuitBreaker, Map<String, Object> rateLimit, Integer maxConcurrentCalls) {
        public static final ExecutionDefaults NONE = new ExecutionDefaults(null, null, Map.of(), Map.of(), Map.of(), null);

        public ExecutionDefaults {
            if (maxResponseBytes != null && maxResponseBytes < 1) {
                throw new IllegalArgumentException("defaults.maxResponseBytes: " + maxResponseBytes + " (expected: >= 1)");
            }
            if (maxConcurrentCalls != null && maxConcurrentCalls < 1) {
                throw new IllegalArgumentException("defaults.maxConcurrentCalls: " + maxConcurrentCalls + " (expected: >= 1)");
            }
            retry = retry == null ? Map.of() : retry;
            circuitBreaker = circuitBreaker == null ? Map.of() : circuitBreaker;
            rateLimit = rateLimit == null ? Map.of() : rateLimit;
        }
    }
}
