package io.integration.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SchemaCoercionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode coerce(String schema, String value) throws Exception {
        return SchemaCoercion.coerce(JSON.readTree(schema), JSON.readTree(value));
    }

    @Test
    void textFromXmlCsvOrFormsBecomesTheTypesTheSchemaAsksFor() throws Exception {
        String schema = """
                {"type": "object", "properties": {
                  "id": {"type": "integer"}, "price": {"type": "number"}, "active": {"type": "boolean"}, "sku": {"type": "string"},
                  "lines": {"type": "array", "items": {"type": "object", "properties": {"qty": {"type": "integer"}}}},
                  "updated": {"type": "string", "format": "date-time"}, "seen": {"type": "string", "format": "date-time"},
                  "note": {"type": ["string", "null"]}},
                 "additionalProperties": {"type": "number"}}""";

        JsonNode out = coerce(schema, """
                {"id": "42", "price": "4.50", "active": "TRUE", "sku": 1001, "lines": {"qty": "3"},
                 "updated": 1796205600, "seen": "Wed, 02 Dec 2026 10:00:00 GMT", "note": "n", "extra": "7"}""");

        assertThat(out).isEqualTo(JSON.readTree("""
                {"id": 42, "price": 4.50, "active": true, "sku": "1001", "lines": [{"qty": 3}],
                 "updated": "2026-12-02T10:00:00Z", "seen": "2026-12-02T10:00:00Z", "note": "n", "extra": 7}"""));
        assertThat(out.get("id").isIntegralNumber()).isTrue();
    }

    @Test
    void whatCannotBeConvertedWithoutLossIsLeftForValidationToReport() throws Exception {
        String schema = "{\"type\": \"object\", \"properties\": {\"id\": {\"type\": \"integer\"}, \"ok\": {\"type\": \"boolean\"},"
                + " \"code\": {\"type\": [\"string\", \"integer\"]}, \"when\": {\"type\": \"string\", \"format\": \"date-time\"}}}";
        String value = "{\"id\": \"4.5\", \"ok\": \"yes\", \"code\": \"007\", \"when\": \"tomorrow\"}";

        assertThat(coerce(schema, value)).as("4.5 is no integer, yes no boolean, a string is allowed, no date")
                .isEqualTo(JSON.readTree(value));
        assertThat(coerce("{\"type\": \"integer\"}", "\" 12 \"")).isEqualTo(JSON.readTree("12"));
        assertThat(coerce("{}", "\"12\"")).as("no type: nothing asked").isEqualTo(JSON.readTree("\"12\""));
        assertThat(SchemaCoercion.coerce(null, JSON.readTree("\"x\""))).isEqualTo(JSON.readTree("\"x\""));
    }

    @Test
    void oddNumbersAndDatesNeverThrowAndNeverTurnIntoSomethingElse() throws Exception {
        assertThat(coerce("{\"type\": \"string\"}", "1e400")).as("an infinite double").isNotNull();
        assertThat(coerce("{\"type\": \"number\"}", "\"1e9999999999\"")).isEqualTo(JSON.readTree("\"1e9999999999\""));
        String digits = "\"" + "9".repeat(200_000) + "\"";
        assertThat(coerce("{\"type\": \"integer\"}", digits)).as("too many digits to be a value: left as text")
                .isEqualTo(JSON.readTree(digits));
        assertThat(coerce("{\"type\": \"string\", \"format\": \"date-time\"}", "-315619200000")).as("1960 in millis")
                .isEqualTo(JSON.readTree("\"1960-01-01T00:00:00Z\""));
        assertThat(coerce("{\"type\": \"string\", \"format\": \"date-time\"}", "1000000000000000000000000000000"))
                .as("beyond a long: not an epoch, left as text").isEqualTo(JSON.readTree("\"1000000000000000000000000000000\""));
    }
}
