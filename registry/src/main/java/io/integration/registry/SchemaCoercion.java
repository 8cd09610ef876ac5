package io.integration.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Converts a JSON value towards what its JSON Schema says, where the conversion loses nothing: what XML, CSV and form
 * bodies (all text) and loosely typed callers need before validation. Follows {@code type}, {@code properties},
 * {@code additionalProperties}, {@code items} and {@code format}; leaves anything it cannot convert as it is, for the
 * validation that follows to report with its path. Conversions: a string to an integer, number or boolean
 * ({@code "42"}, {@code "4.5"}, {@code "true"}) when the schema does not also allow a string; a number or boolean to a
 * string when only a string is allowed; a single value to a one-element array where an array is expected (an XML
 * element that appeared once); for {@code format: date-time}, epoch seconds or milliseconds and RFC 1123 dates to
 * ISO-8601 UTC. Never mutates its input.
 */
public final class SchemaCoercion {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    // At most 100 digits and a 3-digit exponent: what a real value needs, and no quadratic BigInteger parse of a
    // megabyte of digits (which would also step around the JSON parser's own number limit).
    private static final Pattern INTEGER = Pattern.compile("-?(0|[1-9][0-9]{0,99})");
    private static final Pattern NUMBER = Pattern.compile("-?(0|[1-9][0-9]{0,99})(\\.[0-9]{1,100})?([eE][+-]?[0-9]{1,3})?");
    /** Below this (in magnitude) an epoch number is seconds, above it milliseconds (1e11 s is in the year 5138). */
    private static final long MILLIS_FROM = 100_000_000_000L;

    private SchemaCoercion() {
    }

    /** {@code value} converted towards {@code schema}; {@code value} itself when the schema is null or asks for nothing. */
    public static JsonNode coerce(JsonNode schema, JsonNode value) {
        if (schema == null || !schema.isObject() || value == null) {
            return value;
        }
        Set<String> types = types(schema.get("type"));
        JsonNode out = scalar(types, schema.path("format").asText(""), value);
        if (types.contains("array") && !out.isArray() && !out.isNull() && !types.contains(kind(out))) {
            out = NODES.arrayNode().add(out);
        }
        if (out.isObject() && (schema.has("properties") || schema.has("additionalProperties"))) {
            ObjectNode copy = NODES.objectNode();
            JsonNode properties = schema.path("properties");
            JsonNode additional = schema.get("additionalProperties");
            for (Iterator<Map.Entry<String, JsonNode>> it = out.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                JsonNode fieldSchema = properties.has(field.getKey()) ? properties.get(field.getKey()) : additional;
                copy.set(field.getKey(), coerce(fieldSchema, field.getValue()));
            }
            return copy;
        }
        if (out.isArray() && schema.get("items") != null && schema.get("items").isObject()) {
            ArrayNode copy = NODES.arrayNode();
            out.forEach(item -> copy.add(coerce(schema.get("items"), item)));
            return copy;
        }
        return out;
    }

    private static JsonNode scalar(Set<String> types, String format, JsonNode value) {
        try {
            return convert(types, format, value);
        } catch (RuntimeException unconvertible) {
            return value; // validation reports it, with its path
        }
    }

    private static JsonNode convert(Set<String> types, String format, JsonNode value) {
        JsonNode v = "date-time".equals(format) && (types.isEmpty() || types.contains("string")) ? dateTime(value) : value;
        if (types.isEmpty() || types.contains(kind(v))) {
            return v;
        }
        if (v.isTextual()) {
            String text = v.asText().strip();
            if (types.contains("integer") && INTEGER.matcher(text).matches()) {
                return integer(new BigInteger(text));
            }
            if (types.contains("number") && NUMBER.matcher(text).matches()) {
                return decimal(new BigDecimal(text));
            }
            if (types.contains("boolean") && (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false"))) {
                return NODES.booleanNode(text.equalsIgnoreCase("true"));
            }
        } else if (types.contains("string") && (v.isNumber() || v.isBoolean())) {
            return NODES.textNode(v.asText());
        }
        return v;
    }

    /** The node Jackson's parser would make of this integer: int, long, or big. */
    private static JsonNode integer(BigInteger value) {
        if (value.bitLength() < 32) {
            return NODES.numberNode(value.intValue());
        }
        return value.bitLength() < 64 ? NODES.numberNode(value.longValue()) : NODES.numberNode(value);
    }

    /** A double when it holds the value exactly (as the parser would make it), else the exact decimal. */
    private static JsonNode decimal(BigDecimal value) {
        double d = value.doubleValue();
        return !Double.isInfinite(d) && new BigDecimal(Double.toString(d)).compareTo(value) == 0 ? NODES.numberNode(d) : NODES.numberNode(value);
    }

    /** Epoch seconds or millis, and RFC 1123 dates, as ISO-8601 UTC; anything else unchanged. */
    private static JsonNode dateTime(JsonNode value) {
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            long epoch = value.asLong();
            return NODES.textNode((Math.abs(epoch) >= MILLIS_FROM ? Instant.ofEpochMilli(epoch) : Instant.ofEpochSecond(epoch)).toString());
        }
        if (value.isTextual()) {
            try {
                return NODES.textNode(ZonedDateTime.parse(value.asText().strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toString());
            } catch (DateTimeParseException notRfc1123) {
                return value;
            }
        }
        return value;
    }

    private static Set<String> types(JsonNode type) {
        Set<String> types = new HashSet<>();
        if (type == null) {
            return types;
        }
        if (type.isTextual()) {
            types.add(type.asText());
        } else if (type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        }
        if (types.contains("number")) {
            types.add("integer"); // an integer is a number
        }
        return types;
    }

    private static String kind(JsonNode value) {
        return switch (value.getNodeType()) {
            case STRING -> "string";
            case NUMBER -> value.isIntegralNumber() || (Double.isFinite(value.doubleValue())
                    && value.decimalValue().stripTrailingZeros().scale() <= 0) ? "integer" : "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NULL -> "null";
            default -> "other";
        };
    }
}
