package io.integration.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API (also served by Apicurio's ccompat API,
 * Karapace and Redpanda): {@code POST /subjects/{subject}/versions} and {@code GET /schemas/ids/{id}}.
 *
 * <p>Several base URLs may be given comma-separated; a call tries them in order while they are
 * unreachable or answer 5xx. Credentials in a URL's user-info ({@code http://user:pass@host}) are sent
 * as HTTP Basic and never appear in messages. Answers are cached forever: ids are immutable.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Endpoint> endpoints;
    private final HttpClient http;
    private final Duration timeout;
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    private record Endpoint(URI base, String authorization, String display) {
    }

    private HttpSchemaRegistryClient(List<Endpoint> endpoints, Duration timeout) {
        this.endpoints = endpoints;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** A client for the comma-separated base URLs in {@code urls}, with a 10 s timeout per call. */
    public static HttpSchemaRegistryClient of(String urls) {
        return of(urls, Duration.ofSeconds(10));
    }

    public static HttpSchemaRegistryClient of(String urls, Duration timeout) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (String raw : urls.split(",")) {
            String url = raw.trim();
            if (url.isEmpty()) {
                continue;
            }
            URI uri = URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
            String authorization = null;
            if (uri.getRawUserInfo() != null) {
                authorization = "Basic " + Base64.getEncoder().encodeToString(
                        URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
                uri = URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                        + (uri.getRawPath() == null ? "" : uri.getRawPath()));
            }
            endpoints.add(new Endpoint(uri, authorization, uri.toString()));
        }
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("schema.registry.url: '" + urls + "' (expected: one or more http(s)://host:port)");
        }
        return new HttpSchemaRegistryClient(List.copyOf(endpoints), timeout);
    }

    @Override
    public int register(String subject, Schema schema) {
        String text = schema.toString();
        return idsBySubjectAndSchema.computeIfAbsent(subject + '\u0000' + text, key -> {
            String body;
            try {
                body = JSON.writeValueAsString(Map.of("schema", text));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            String path = "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20") + "/versions";
            JsonNode answer = call("POST", path, body, "register schema under subject '" + subject + "'");
            int id = answer.path("id").asInt(-1);
            if (id < 0) {
                throw new SchemaRegistryException("Registry answered register of '" + subject + "' without an id: " + answer, 200, 0, false, null);
            }
            schemasById.putIfAbsent(id, schema);
            return id;
        });
    }

    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, key -> {
            JsonNode answer = call("GET", "/schemas/ids/" + id, null, "fetch schema " + id);
            String type = answer.path("schemaType").asText("AVRO");
            if (!"AVRO".equals(type)) {
                throw new SchemaRegistryException("Schema " + id + " is " + type + " (expected: AVRO)", 200, 0, false, null);
            }
            try {
                return new Schema.Parser().parse(answer.path("schema").asText());
            } catch (RuntimeException e) {
                throw new SchemaRegistryException("Schema " + id + " is not valid Avro: " + e.getMessage(), 200, 0, false, e);
            }
        });
    }

    private JsonNode call(String verb, String path, String body, String what) {
        SchemaRegistryException last = null;
        for (Endpoint endpoint : endpoints) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint.base() + path))
                    .timeout(timeout)
                    .header("Accept", CONTENT_TYPE + ", application/json")
                    .method(verb, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                request.header("Content-Type", CONTENT_TYPE);
            }
            if (endpoint.authorization() != null) {
                request.header("Authorization", endpoint.authorization());
            }
            HttpResponse<String> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = new SchemaRegistryException("Schema registry " + endpoint.display() + " unreachable trying to " + what
                        + ": " + e, 0, 0, true, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SchemaRegistryException("Interrupted trying to " + what, 0, 0, true, e);
            }
            JsonNode json = parse(response.body());
            int status = response.statusCode();
            if (status / 100 == 2) {
                return json;
            }
            String message = "Schema registry " + endpoint.display() + " answered " + status + " to " + what
                    + ": " + json.path("message").asText(abbreviate(response.body()));
            last = new SchemaRegistryException(message, status, json.path("error_code").asInt(0), status >= 500, null);
            if (status < 500) {
                throw last;
            }
        }
        throw last;
    }

    private static JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
}
