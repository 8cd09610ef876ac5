package io.integration.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * An adapter as publishing sees it: its type, its version, where it was installed from, and the JSON Schemas of the
 * {@code adapter.config} a definition gives it and of the section each method binds it with ({@link MethodDefinition#bindingField}).
 * What the management API lists under {@code GET /adapters}.
 *
 * @param origin {@code built-in}, or the plugin (jar or folder name) it was loaded from
 */
public record AdapterDescriptor(String type, String version, String origin, JsonNode configSchema, JsonNode bindingSchema) {

    private static final ObjectMapper JSON = JsonMappers.create();
    /** The config schema of an adapter that takes none: an empty object or nothing. */
    public static final String NO_CONFIG = "{\"type\":\"object\",\"maxProperties\":0}";
    /** The binding schema of an adapter that reads no method section. */
    public static final String ANY_BINDING = "{\"type\":\"object\"}";

    public AdapterDescriptor {
        requireNonNull(type, "type");
        requireNonNull(origin, "origin");
        requireNonNull(configSchema, "configSchema");
        requireNonNull(bindingSchema, "bindingSchema");
        SemanticVersion.parse(requireNonNull(version, "version"));
    }

    /** A descriptor from schema texts; throws naming the adapter when a text is not JSON or not a JSON Schema. */
    public static AdapterDescriptor of(String type, String version, String origin, String configSchema, String bindingSchema) {
        return new AdapterDescriptor(type, version, origin, schema(type, origin, "configSchema", configSchema),
                schema(type, origin, "bindingSchema", bindingSchema));
    }

    /** A built-in adapter taking no config and any binding (tests). */
    public static AdapterDescriptor of(String type, String version) {
        return of(type, version, "built-in", NO_CONFIG, ANY_BINDING);
    }

    /** What is wrong with {@code ref} (the definition's {@code adapter}) for this adapter: version range, then config. */
    public List<Problem> check(IntegrationDefinition.AdapterRef ref) {
        List<Problem> problems = new ArrayList<>();
        if (ref.version() != null) {
            try {
                if (!VersionRange.parse(ref.version()).matches(version)) {
                    problems.add(new Problem("$.adapter.version", "'" + ref.version() + "' does not include the installed " + type
                            + " adapter " + version + " (expected: a range that includes " + version + ")"));
                }
            } catch (IllegalArgumentException e) {
                problems.add(new Problem("$.adapter.version", e.getMessage()));
            }
        }
        problems.addAll(JsonSchemas.validate("$.adapter.config", configSchema, JSON.valueToTree(ref.config())));
        return problems;
    }

    private static JsonNode schema(String type, String origin, String which, String text) {
        JsonNode schema;
        try {
            schema = JSON.readTree(requireNonNull(text, which));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("adapter '" + type + "' (" + origin + "): " + which + " is not JSON: "
                    + e.getOriginalMessage());
        }
        List<Problem> problems = JsonSchemas.checkSchema(which, schema);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("adapter '" + type + "' (" + origin + "): " + which + " is not a JSON Schema: " + problems);
        }
        return schema;
    }
}
