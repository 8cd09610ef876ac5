package io.integration.worker.execution;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates params against a method's JSON Schema (draft 2020-12 unless the schema says otherwise).
 * Compiled schemas are cached per definition version and method: published versions never change.
 * Thread-safe.
 */
final class ParamValidator {

    /** One violated constraint: {@code field} like {@code params.title}, and what was wrong. */
    record Violation(String field, String message) {
    }

    private final SchemaRegistry schemas = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

    /** The violations of {@code params}; empty when valid or when there is no schema. */
    List<Violation> validate(String cacheKey, JsonNode schema, JsonNode params) {
        if (schema == null || schema.isNull() || schema.isEmpty()) {
            return List.of();
        }
        Schema s = compiled.computeIfAbsent(cacheKey, k -> schemas.getSchema(schema));
        return s.validate(params).stream().map(ParamValidator::violation).toList();
    }

    private static Violation violation(Error error) {
        // The location is a JSON pointer ("/a/0/b") or a JSONPath ("$.a[0].b"); either way, name it params.a.0.b.
        String location = error.getInstanceLocation().toString().replaceFirst("^\\$", "").replace('/', '.')
                .replaceAll("\\[(\\d+)]", ".$1");
        String field = "params" + (location.isEmpty() || location.startsWith(".") ? location : "." + location);
        if (error.getProperty() != null && "required".equals(error.getKeyword())) {
            field = field + "." + error.getProperty();
        }
        String message = error.getMessage();
        return new Violation(field, message == null ? error.toString() : message);
    }
}
