package io.integration.worker.adapters.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import io.integration.worker.adapter.AdapterException;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The body formats the http adapter speaks besides JSON. Requests: a method's {@code http.requestFormat} ({@code json}
 * default, {@code form}, {@code xml}, {@code csv}) encodes the JSON body. Responses: decoded by their
 * {@code Content-Type} into JSON, so that transforms, schemas and results only ever see JSON: XML → an object (the
 * root element's children; attributes as fields; repeated elements as arrays), CSV → an array of objects by the header
 * row, form-urlencoded → an object, other text → a string (or the JSON it holds when it is JSON under a wrong label),
 * binary → {@code {contentType, base64}}. Values from XML, CSV and forms are strings: a method's schemas coerce them.
 */
final class BodyFormats {

    /** What a request body is written as. */
    enum Format {
        JSON("application/json"), FORM("application/x-www-form-urlencoded"), XML("application/xml"), CSV("text/csv");

        final String contentType;

        Format(String contentType) {
            this.contentType = contentType;
        }

        static Format named(String methodName, Object value) throws AdapterException.InvalidCall {
            if (value == null) {
                return JSON;
            }
            try {
                return valueOf(value.toString().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new AdapterException.InvalidCall("method '" + methodName + "': http.requestFormat is '" + value
                        + "' (expected: json, form, xml or csv)");
            }
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final XmlMapper XML = new XmlMapper();
    private static final CsvMapper CSV = new CsvMapper();
    private static final Set<String> BINARY = Set.of("application/octet-stream", "application/pdf", "application/zip",
            "application/gzip");

    private BodyFormats() {
    }

    /** {@code body} (a JSON value as maps, lists and scalars) written as {@code format}. */
    static byte[] encode(String methodName, Format format, Object body, String xmlRoot) throws AdapterException.InvalidCall {
        try {
            return switch (format) {
                case JSON -> JSON.writeValueAsBytes(body);
                case FORM -> form(methodName, JSON.valueToTree(body)).getBytes(StandardCharsets.UTF_8);
                case XML -> XML.writer().withRootName(xmlRoot == null ? "request" : xmlRoot).writeValueAsBytes(body);
                case CSV -> csv(methodName, JSON.valueToTree(body));
            };
        } catch (JsonProcessingException e) {
            throw new AdapterException.InvalidCall("method '" + methodName + "': the body cannot be written as "
                    + format.name().toLowerCase(Locale.ROOT) + ": " + e.getOriginalMessage());
        }
    }

    /**
     * The response body as JSON bytes, by its content type; JSON (and a body without a content type) is passed as it
     * is, for the pipeline to parse and report.
     */
    static byte[] toJson(String contentType, byte[] body) throws IOException {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (body.length == 0 || type.isEmpty() || type.endsWith("/json") || type.endsWith("+json")) {
            return body;
        }
        JsonNode tree;
        if (type.endsWith("/xml") || type.endsWith("+xml")) {
            tree = XML.readTree(body);
        } else if (type.equals("text/csv")) {
            tree = csv(body);
        } else if (type.equals("application/x-www-form-urlencoded")) {
            tree = form(new String(body, StandardCharsets.UTF_8));
        } else if (BINARY.contains(type) || type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/")) {
            tree = JSON.createObjectNode().put("contentType", type).put("base64", Base64.getEncoder().encodeToString(body));
        } else {
            try {
                return JSON.writeValueAsBytes(JSON.readTree(body)); // JSON under another label (text/plain APIs exist)
            } catch (IOException notJson) {
                tree = JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
            }
        }
        return JSON.writeValueAsBytes(tree);
    }

    private static String form(String methodName, JsonNode body) throws AdapterException.InvalidCall {
        if (!body.isObject()) {
            throw new AdapterException.InvalidCall("method '" + methodName + "': a form body is an object (got " + body.getNodeType() + ")");
        }
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, JsonNode> field : body.properties()) {
            List<JsonNode> values = field.getValue().isArray() ? iterable(field.getValue()) : List.of(field.getValue());
            for (JsonNode value : values) {
                if (value.isContainerNode()) {
                    throw new AdapterException.InvalidCall("method '" + methodName + "': form field '" + field.getKey()
                            + "' is a nested " + value.getNodeType().name().toLowerCase(Locale.ROOT)
                            + " (expected: a scalar or an array of scalars)");
                }
                if (value.isNull()) {
                    continue;
                }
                out.append(out.isEmpty() ? "" : "&").append(URLEncoder.encode(field.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(value.asText(), StandardCharsets.UTF_8));
            }
        }
        return out.toString();
    }

    private static ObjectNode form(String text) {
        ObjectNode out = JSON.createObjectNode();
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            JsonNode earlier = out.get(name);
            if (earlier == null) {
                out.put(name, value);
            } else if (earlier.isArray()) {
                ((ArrayNode) earlier).add(value);
            } else {
                out.putArray(name).add(earlier).add(value);
            }
        }
        return out;
    }

    private static byte[] csv(String methodName, JsonNode rows) throws AdapterException.InvalidCall, JsonProcessingException {
        if (!rows.isArray()) {
            throw new AdapterException.InvalidCall("method '" + methodName + "': a csv body is an array of objects (got " + rows.getNodeType() + ")");
        }
        Set<String> columns = new LinkedHashSet<>();
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            if (!row.isObject()) {
                throw new AdapterException.InvalidCall("method '" + methodName + "': csv row [" + i + "] is not an object");
            }
            for (Map.Entry<String, JsonNode> cell : row.properties()) {
                if (cell.getValue().isContainerNode()) {
                    throw new AdapterException.InvalidCall("method '" + methodName + "': csv row [" + i + "]." + cell.getKey()
                            + " is nested (expected: scalar cells)");
                }
                columns.add(cell.getKey());
            }
        }
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        columns.forEach(schema::addColumn);
        return CSV.writer(schema.build()).writeValueAsBytes(JSON.convertValue(rows, List.class));
    }

    private static ArrayNode csv(byte[] body) throws IOException {
        ArrayNode rows = JSON.createArrayNode();
        try (MappingIterator<Map<String, String>> it = CSV.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader())
                .readValues(body)) {
            while (it.hasNext()) {
                rows.add(JSON.valueToTree(it.next()));
            }
        }
        return rows;
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
