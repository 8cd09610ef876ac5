package io.integration.registry.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.registry.AdapterDescriptor;
import io.integration.registry.IntegrationDefinition;
import io.integration.registry.JsonSchemas;
import io.integration.registry.MethodDefinition;
import io.integration.registry.Problem;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What publishing checks beyond the document schema, all at once: the adapter is installed and in the requested
 * version range, its config and each method's binding satisfy the schemas it declares, the base URL is absolute, every JSON Schema in the document is one, the test method exists, and
 * a method's {@code cache} and {@code fallback} can be honoured (only safe, idempotent reads are cached; a fallback has what it
 * needs).
 */
final class PublishChecks {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Map<String, AdapterDescriptor> adapters;

    /** {@code adapters}: the installed adapters by type. */
    PublishChecks(Map<String, AdapterDescriptor> adapters) {
        this.adapters = Map.copyOf(adapters);
    }

    /**
     * A cache only on reads that are safe to repeat and to share: idempotent methods, and of the built-in adapters an http GET
     * or HEAD, or a graphql query (not a mutation); a plugin adapter's calls are never cached (it says nothing of their
     * effects). Each fallback has what it needs: {@code stale} a cache with {@code maxStale}, {@code static} a
     * {@code fallbackValue}; {@code fail} is the last.
     */
    private static void cacheAndFallback(String at, String adapterType, MethodDefinition method, List<Problem> problems) {
        if (method.cache() != null) {
            String unsafe = !method.idempotent() ? "the method is not idempotent (idempotent: true)"
                    : switch (adapterType) {
                        case "http" -> {
                            String verb = String.valueOf(method.http().getOrDefault("method", "GET")).toUpperCase(java.util.Locale.ROOT);
                            yield verb.equals("GET") || verb.equals("HEAD") ? null : "http " + verb + " is not a read (expected: GET or HEAD)";
                        }
                        case "graphql" -> writes(String.valueOf(method.graphql().getOrDefault("query", "")))
                                ? "the graphql document has a mutation or subscription (only queries are reads)" : null;
                        default -> "adapter " + adapterType + " does not say its calls are reads";
                    };
            if (unsafe != null) {
                problems.add(new Problem(at + ".cache", "only safe, idempotent reads are cached: " + unsafe));
            }
        }
        if (method.fallbackValue() != null && !method.fallbackValue().isNull() && method.responseSchema() != null) {
            JsonSchemas.validate(at + ".fallbackValue", method.responseSchema(), method.fallbackValue()).forEach(problems::add);
        }
        List<String> fallback = method.fallback();
        if (fallback.contains("stale") && (method.cache() == null || method.cache().maxStale() == null)) {
            problems.add(new Problem(at + ".fallback", "'stale' needs cache.maxStale (how old a cached answer may be served)"));
        }
        if (fallback.contains("static") != (method.fallbackValue() != null && !method.fallbackValue().isNull())) {
            problems.add(new Problem(fallback.contains("static") ? at + ".fallback" : at + ".fallbackValue", fallback.contains("static")
                    ? "'static' needs fallbackValue (the answer to serve)" : "set, but the fallback list has no 'static' (expected: both or neither)"));
        }
        if (fallback.contains("fail") && !fallback.getLast().equals("fail")) {
            problems.add(new Problem(at + ".fallback", "'fail' is followed by " + fallback.subList(fallback.indexOf("fail") + 1, fallback.size())
                    + ", which would never answer (expected: fail last)"));
        }
        for (String f : fallback) {
            if (!MethodDefinition.FALLBACKS.contains(f)) {
                problems.add(new Problem(at + ".fallback", "'" + f + "' (expected: one of " + MethodDefinition.FALLBACKS + ")"));
            }
        }
        if (new java.util.HashSet<>(fallback).size() != fallback.size()) {
            problems.add(new Problem(at + ".fallback", fallback + " lists a fallback twice"));
        }
    }

    /** Comments ({@code # ...}) and string values, which may say "mutation" without being one. */
    private static final java.util.regex.Pattern NOT_OPERATIONS = java.util.regex.Pattern.compile("#[^\\n\\r]*|\"\"\"(?s:.*?)\"\"\"|\"(?:\\\\.|[^\"\\\\])*\"");
    /** An operation of a kind other than query, wherever it stands in the document (after fragments, a named query, ...). */
    private static final java.util.regex.Pattern WRITE_OPERATION = java.util.regex.Pattern.compile("(?:^|[\\s,}])(?:mutation|subscription)\\b");

    /** Whether a GraphQL document holds a mutation or a subscription anywhere (comments and strings aside). */
    static boolean writes(String document) {
        return WRITE_OPERATION.matcher(NOT_OPERATIONS.matcher(document).replaceAll(" ")).find();
    }

    List<Problem> problems(JsonNode tree, IntegrationDefinition definition) {
        List<Problem> problems = new ArrayList<>();
        adapter(definition, problems);
        baseUrl(definition, problems);
        if (definition.auth().type() == io.integration.registry.AuthSpec.Type.OAUTH2
                || definition.auth().type() == io.integration.registry.AuthSpec.Type.OAUTH2_CLIENT_CREDENTIALS) {
            io.integration.registry.OAuth2Settings.parse(definition.auth().type(), definition.auth().oauth2(), problems);
        }
        // A signing secret only the webhook adapter uses, and a webhook never sent unsigned.
        if ((definition.auth().type() == io.integration.registry.AuthSpec.Type.WEBHOOK_SIGNATURE) != "webhook".equals(definition.adapter().type())) {
            problems.add(new Problem("$.auth.type", "webhook".equals(definition.adapter().type())
                    ? "'" + definition.auth().type().name().toLowerCase(java.util.Locale.ROOT) + "' (expected: webhook_signature: the webhook adapter signs every delivery)"
                    : "'webhook_signature' is only used by adapter type webhook (this definition's adapter is " + definition.adapter().type() + ")"));
        }
        if (definition.instanceConfigSchema() != null) {
            problems.addAll(JsonSchemas.checkSchema("$.instanceConfigSchema", definition.instanceConfigSchema()));
        }
        if (definition.testMethod() != null && definition.method(definition.testMethod()).isEmpty()) {
            problems.add(new Problem("$.testMethod", "'" + definition.testMethod() + "' (expected: one of "
                    + definition.methods().stream().map(MethodDefinition::name).toList() + ")"));
        }
        definition.transforms().forEach((name, function) -> io.integration.registry.transform.Transforms.namedProblem(name, function)
                .ifPresent(p -> problems.add(new Problem("$.transforms." + name, p))));
        JsonNode methods = tree.path("methods");
        for (int i = 0; i < definition.methods().size(); i++) {
            MethodDefinition method = definition.methods().get(i);
            String at = "$.methods[" + i + "]";
            cacheAndFallback(at, definition.adapter().type(), method, problems);
            if (method.paramSchema() != null) {
                problems.addAll(JsonSchemas.checkSchema(at + ".paramSchema", method.paramSchema()));
            }
            if (method.responseSchema() != null) {
                problems.addAll(JsonSchemas.checkSchema(at + ".responseSchema", method.responseSchema()));
            }
            transform(at + ".requestTransform", method.requestTransform(), problems);
            transform(at + ".responseTransform", method.responseTransform(), problems);
            if (method.requestTransform() != null && "http".equals(definition.adapter().type()) && !sendsBody(method)) {
                problems.add(new Problem(at + ".requestTransform", "the method sends no body (expected: http.body: params, or a"
                        + " POST/PUT/PATCH method, for the transform to produce it)"));
            }
            binding(definition, method, at, problems);
        }
        return problems;
    }

    private static void transform(String path, String expression, List<Problem> problems) {
        if (expression != null) {
            io.integration.registry.transform.Transforms.problem(expression).ifPresent(p -> problems.add(new Problem(path, p)));
        }
    }

    /** Whether the http binding sends a body (the http adapter's rule: explicit body, else by verb). */
    private static boolean sendsBody(MethodDefinition method) {
        Object body = method.http().get("body");
        if (body != null) {
            return "params".equals(body);
        }
        Object verb = method.http().get("method");
        return verb != null && java.util.Set.of("POST", "PUT", "PATCH").contains(verb.toString().toUpperCase(java.util.Locale.ROOT));
    }

    private void adapter(IntegrationDefinition definition, List<Problem> problems) {
        String type = definition.adapter().type();
        AdapterDescriptor installed = adapters.get(type);
        if (installed == null) {
            problems.add(new Problem("$.adapter.type", "'" + type + "' is not installed (expected: one of " + adapters.keySet() + ")"));
            return;
        }
        problems.addAll(installed.check(definition.adapter()));
    }

    /**
     * The method's section for the definition's adapter must satisfy the schema the adapter declares (an absent one is
     * checked as {@code {}}, so a required section is reported missing); a section another adapter would read is
     * refused, since nothing would read it.
     */
    private void binding(IntegrationDefinition definition, MethodDefinition method, String at, List<Problem> problems) {
        String type = definition.adapter().type();
        String field = MethodDefinition.bindingField(type);
        for (String other : method.bindings().keySet()) {
            if (!other.equals(field)) {
                problems.add(new Problem(at + "." + other, "not read by adapter type " + type + " (expected: its section '" + field
                        + "'" + ("graphql".equals(type) ? "; graphql takes graphql.path and graphql.headers" : "") + ")"));
            }
        }
        AdapterDescriptor installed = adapters.get(type);
        if (installed != null) {
            problems.addAll(JsonSchemas.validate(at + "." + field, installed.bindingSchema(), JSON.valueToTree(method.binding(type))));
        }
    }

    private static void baseUrl(IntegrationDefinition definition, List<Problem> problems) {
        if (definition.baseUrl() == null) {
            if ("http".equals(definition.adapter().type())) {
                problems.add(new Problem("$.baseUrl", "missing (expected: an absolute http or https URL for the http adapter)"));
            }
            return;
        }
        try {
            URI uri = new URI(definition.baseUrl());
            if (!uri.isAbsolute() || uri.getHost() == null || !List.of("http", "https").contains(uri.getScheme())) {
                problems.add(new Problem("$.baseUrl", "'" + definition.baseUrl() + "' (expected: an absolute http or https URL)"));
            }
        } catch (URISyntaxException e) {
            problems.add(new Problem("$.baseUrl", "'" + definition.baseUrl() + "' is not a URL (" + e.getReason() + ")"));
        }
    }
}
