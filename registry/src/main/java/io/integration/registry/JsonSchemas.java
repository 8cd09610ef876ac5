package io.integration.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON Schema (draft 2020-12) checks that report {@link Problem}s with JSON paths: whether a schema written in a
 * definition is itself a valid schema, and whether a value satisfies one. Thread-safe.
 */
public final class JsonSchemas {

    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private static final Schema META = SCHEMAS.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    private JsonSchemas() {
    }

    /** The problems of {@code schema} as a JSON Schema, located under {@code at} (e.g. {@code $.methods[0].paramSchema}). */
    public static List<Problem> checkSchema(String at, JsonNode schema) {
        List<Problem> problems = new ArrayList<>(problems(at, META.validate(schema)));
        if (problems.isEmpty()) {
            try {
                SCHEMAS.getSchema(schema).initializeValidators();
            } catch (RuntimeException e) {
                problems.add(new Problem(at, "does not compile as a JSON Schema: " + e.getMessage()));
            }
        }
        return problems;
    }

    /** The problems of {@code value} against {@code schema}, located under {@code at}. */
    public static List<Problem> validate(String at, JsonNode schema, JsonNode value) {
        if (schema == null || schema.isNull() || schema.isEmpty()) {
            return List.of();
        }
        return problems(at, SCHEMAS.getSchema(schema).validate(value));
    }

    /** {@code errors} as problems under {@code at}. */
    static List<Problem> problems(String at, List<Error> errors) {
        List<Problem> problems = new ArrayList<>();
        for (Error error : errors) {
            String path = at + relative(error.getInstanceLocation().toString());
            if (error.getProperty() != null && "required".equals(error.getKeyword())) {
                path = path + "." + error.getProperty();
            }
            String message = error.getMessage() == null ? error.toString() : error.getMessage();
            // The validator starts its messages with the location it already told us; say it once.
            String location = error.getInstanceLocation().toString();
            if (message.startsWith(location + ": ")) {
                message = message.substring(location.length() + 2);
            }
            problems.add(new Problem(path, message));
        }
        return problems;
    }

    /** {@code $.a[0].b} or {@code /a/0/b} → {@code .a[0].b}. */
    private static String relative(String location) {
        if (location.startsWith("$")) {
            return location.substring(1);
        }
        StringBuilder out = new StringBuilder();
        for (String part : location.split("/")) {
            if (!part.isEmpty()) {
                out.append(part.chars().allMatch(Character::isDigit) ? "[" + part + "]" : "." + part);
            }
        }
        return out.toString();
    }
}
