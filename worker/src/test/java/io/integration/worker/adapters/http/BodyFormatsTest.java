package io.integration.worker.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.worker.adapter.AdapterException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BodyFormatsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String encode(BodyFormats.Format format, Object body) throws Exception {
        return new String(BodyFormats.encode("m", format, body, "order"), StandardCharsets.UTF_8);
    }

    private static JsonNode decode(String contentType, String body) throws Exception {
        return JSON.readTree(BodyFormats.toJson("GET /x", contentType, body.getBytes(StandardCharsets.UTF_8), 1 << 20));
    }

    @Test
    void requestBodiesAreWrittenInTheMethodsFormat() throws Exception {
        Map<String, Object> order = new LinkedHashMap<>();
        order.put("id", "o 1&2");
        order.put("tags", List.of("a", "b"));
        order.put("total", 12.5);
        order.put("note", null);

        assertThat(encode(BodyFormats.Format.FORM, order)).isEqualTo("id=o+1%262&tags=a&tags=b&total=12.5");
        assertThat(encode(BodyFormats.Format.XML, Map.of("id", "7", "total", 3))).startsWith("<order>").contains("<id>7</id>")
                .contains("<total>3</total>").endsWith("</order>");
        assertThat(encode(BodyFormats.Format.CSV, List.of(Map.of("sku", "A-1"), new LinkedHashMap<>(Map.of("sku", "B,2", "qty", 2)))))
                .isEqualTo("sku,qty\nA-1,\n\"B,2\",2\n");
        assertThat(encode(BodyFormats.Format.JSON, order)).isEqualTo("{\"id\":\"o 1&2\",\"tags\":[\"a\",\"b\"],\"total\":12.5,\"note\":null}");
    }

    @Test
    void aBodyTheFormatCannotHoldIsRefusedNamingTheField() {
        assertThatThrownBy(() -> encode(BodyFormats.Format.FORM, Map.of("address", Map.of("city", "Oslo"))))
                .isInstanceOf(AdapterException.InvalidCall.class).hasMessageContaining("form field 'address' is a nested object");
        assertThatThrownBy(() -> encode(BodyFormats.Format.CSV, Map.of("sku", "A")))
                .isInstanceOf(AdapterException.InvalidCall.class).hasMessageContaining("array of objects");
        assertThatThrownBy(() -> encode(BodyFormats.Format.CSV, List.of(Map.of("sku", List.of(1)))))
                .isInstanceOf(AdapterException.InvalidCall.class).hasMessageContaining("csv row [0].sku is nested");
        assertThatThrownBy(() -> BodyFormats.Format.named("m", "yaml")).hasMessageContaining("http.requestFormat is 'yaml'");
    }

    @Test
    void answersAreReadAsJsonByTheirContentType() throws Exception {
        assertThat(decode("application/xml; charset=utf-8", "<order id=\"7\"><line>a</line><line>b</line><total>3</total></order>"))
                .isEqualTo(JSON.readTree("{\"id\":\"7\",\"line\":[\"a\",\"b\"],\"total\":\"3\"}"));
        assertThat(decode("text/csv", "sku,qty\nA-1,2\n\"B,2\",\n")).isEqualTo(JSON.readTree(
                "[{\"sku\":\"A-1\",\"qty\":\"2\"},{\"sku\":\"B,2\",\"qty\":\"\"}]"));
        assertThat(decode("application/x-www-form-urlencoded", "access_token=a%2Bb&scope=x&scope=y"))
                .isEqualTo(JSON.readTree("{\"access_token\":\"a+b\",\"scope\":[\"x\",\"y\"]}"));
        assertThat(decode("text/plain", "OK")).isEqualTo(JSON.getNodeFactory().textNode("OK"));
        assertThat(decode("text/plain", "{\"mislabeled\":true}")).isEqualTo(JSON.readTree("{\"mislabeled\":true}"));
        assertThat(decode("image/png", "\u0089PNG").path("contentType").asText()).isEqualTo("image/png");
        assertThat(new String(BodyFormats.toJson("GET /x", "application/json", "{not json".getBytes(), 100))).as("JSON is left to the pipeline")
                .isEqualTo("{not json");
    }

    @Test
    void aHostileAnswerIsRefusedWithoutQuotingItOrGrowingPastTheCap() {
        // Short rows under long column names: the JSON would be ~1000 times the CSV.
        String bomb = "c".repeat(2000) + ",d" + "d".repeat(2000) + "\n" + ",\n".repeat(20_000);
        assertThatThrownBy(() -> BodyFormats.toJson("GET /x", "text/csv", bomb.getBytes(StandardCharsets.UTF_8), 500_000))
                .isInstanceOf(AdapterException.ResponseTooLarge.class).hasMessageContaining("500000 bytes");
        assertThatThrownBy(() -> BodyFormats.toJson("GET /x", "text/csv", "a,b\n1,2,3,secret-echo\n".getBytes(), 1 << 20))
                .isInstanceOf(AdapterException.UpstreamError.class).hasMessageNotContaining("secret-echo");
        assertThatThrownBy(() -> BodyFormats.toJson("GET /x", "application/x-www-form-urlencoded", "a=%zz&k=secret-echo".getBytes(), 1 << 20))
                .isInstanceOf(AdapterException.UpstreamError.class).hasMessageNotContaining("secret-echo");
        assertThatThrownBy(() -> BodyFormats.toJson("GET /x", "application/xml", "<a><b>secret-echo</a>".getBytes(), 1 << 20))
                .isInstanceOf(AdapterException.UpstreamError.class).hasMessageNotContaining("secret-echo");
        assertThatThrownBy(() -> encode(BodyFormats.Format.XML, Map.of("x><admin>true</admin><y", "v")))
                .isInstanceOf(AdapterException.InvalidCall.class).hasMessageContaining("cannot be an XML element name");
        assertThatThrownBy(() -> encode(BodyFormats.Format.XML, Map.of("order", List.of(Map.of("1st", "v")))))
                .isInstanceOf(AdapterException.InvalidCall.class).hasMessageContaining("'order.1st'");
    }
}
