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

    private static final ObjectMapper JSON = io.integration.worker.adapters.AdapterJson.mapper();
    // Parse errors never quote the body (it may echo a credential): no source in locations.
    private static final XmlMapper XML = XmlMapper.builder().disable(com.fasterxml.jackson.core.StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
    private static final CsvMapper CSV = CsvMapper.builder().disable(com.fasterxml.jackson.core.StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();
    /** An XML element name this adapter writes: ASCII letters, digits, '_', '-', '.', not starting with a digit, '-' or '.'; no "xml" prefix. */
    private static final java.util.regex.Pattern XML_NAME = java.util.regex.Pattern.compile("(?!(?i:xml))[A-Za-z_][A-Za-z0-9_.-]{0,127}");
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
                case XML -> XML.writer().withRootName(xmlName(methodName, "xmlRoot", xmlRoot == null ? "request" : xmlRoot))
                        .writeValueAsBytes(xmlNames(methodName, "", JSON.valueToTree(body)));
                case CSV -> csv(methodName, JSON.valueToTree(body));
            };
        } catch (JsonProcessingException e) {
            throw new AdapterException.InvalidCall("method '" + methodName + "': the body cannot be written as "
                    + format.name().toLowerCase(Locale.ROOT) + ": " + e.getOriginalMessage());
        }
    }

    /**
     * The response body as JSON bytes, by its content type; JSON (and a body without a content type) is passed as it
     * is, for the pipeline to parse and report. The JSON may not exceed {@code maxBytes} (a CSV of short rows under long
     * column names grows by the square): conversion stops there. A body that does not read as its type is the system's
     * fault; the message never quotes it.
     */
    static byte[] toJson(String what, String contentType, byte[] body, long maxBytes) throws AdapterException {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (body.length == 0 || type.isEmpty() || type.endsWith("/json") || type.endsWith("+json")) {
            return body;
        }
        try {
            if (type.equals("text/csv")) {
                return csv(body, maxBytes);
            }
            JsonNode tree;
            if (type.endsWith("/xml") || type.endsWith("+xml")) {
                tree = XML.readTree(body);
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
            return JSON.writeValueAsBytes(tree == null ? JSON.nullNode() : tree);
        } catch (IOException | RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof TooLarge) {
                    throw new AdapterException.ResponseTooLarge(what + ": the " + type + " answer exceeds " + maxBytes + " bytes as JSON");
                }
            }
            throw new AdapterException.UpstreamError(what + " answered a " + type + " body that does not read as " + type + " ("
                    + e.getClass().getSimpleName() + ")", null, false);
        }
    }

    /** {@code node}, once every field name in it is checked as an XML element name (a key must not write markup). */
    private static JsonNode xmlNames(String methodName, String at, JsonNode node) throws AdapterException.InvalidCall {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                xmlName(methodName, at + field.getKey(), field.getKey());
                xmlNames(methodName, at + field.getKey() + ".", field.getValue());
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                xmlNames(methodName, at, item);
            }
        }
        return node;
    }

    private static String xmlName(String methodName, String at, String name) throws AdapterException.InvalidCall {
        if (!XML_NAME.matcher(name).matches()) {
            throw new AdapterException.InvalidCall("method '" + methodName + "': '" + at + "' cannot be an XML element name (expected: "
                    + "letters, digits, '_', '-', '.', starting with a letter or '_', not with 'xml')");
        }
        return name;
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

    /** CSV rows as a JSON array of objects, written as they are read, so that no more than {@code maxBytes} is ever held. */
    private static byte[] csv(byte[] body, long maxBytes) throws IOException {
        Bounded out = new Bounded(maxBytes);
        try (MappingIterator<Map<String, String>> rows = CSV.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader())
                .readValues(body); com.fasterxml.jackson.core.JsonGenerator json = JSON.getFactory().createGenerator(out)) {
            json.writeStartArray();
            while (rows.hasNext()) {
                json.writeObject(rows.next());
            }
            json.writeEndArray();
        }
        return out.toByteArray();
    }

    /** Thrown by {@link Bounded} past its limit. */
    private static final class TooLarge extends IOException {
        TooLarge() {
            super("too large", null);
        }
    }

    /** A byte buffer that refuses to grow past a limit. */
    private static final class Bounded extends java.io.OutputStream {
        private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        private final long limit;

        Bounded(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (bytes.size() + (long) len > limit) {
                throw new TooLarge();
            }
            bytes.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }

    private static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
