package io.integration.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;

/** The management API over HTTP. Every call returns the JSON answer or throws {@link Failure} with the API's error. */
final class ApiClient {

    static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiClient(String baseUrl, String token) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
        this.token = token;
    }

    JsonNode get(String path, Map<String, String> query) {
        return send("GET", path + query(query), null, "application/json");
    }

    JsonNode get(String path) {
        return send("GET", path, null, "application/json");
    }

    JsonNode post(String path, String body, String contentType) {
        return send("POST", path, body, contentType);
    }

    JsonNode postJson(String path, Object body) {
        return send("POST", path, write(body), "application/json");
    }

    JsonNode putJson(String path, Object body) {
        return send("PUT", path, write(body), "application/json");
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null, "application/json");
    }

    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String path, String body, String contentType) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType).header("Accept", "application/json");
        if (token != null && !token.isBlank()) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new Failure(0, "UNREACHABLE", "cannot reach the management API at " + base + " (is it running? --api-url / INTEGRATION_API_URL)", null);
        } catch (IOException e) {
            throw new Failure(0, "UNREACHABLE", "the management API at " + base + " failed: " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(0, "INTERRUPTED", "interrupted", null);
        }
        JsonNode answer;
        try {
            answer = response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Failure(response.statusCode(), "NOT_JSON", "the API answered " + response.statusCode() + " with a body that is not JSON", null);
        }
        if (response.statusCode() >= 400) {
            throw new Failure(response.statusCode(), answer.path("code").asText("HTTP_" + response.statusCode()),
                    answer.path("message").asText(response.body()), answer.path("details"));
        }
        return answer;
    }

    private static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String query(Map<String, String> params) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        params.forEach((k, v) -> {
            if (v != null) {
                q.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        });
        return q.toString();
    }

    /** The API refused the call, or could not be reached ({@code status} 0). */
    static final class Failure extends RuntimeException {
        final int status;
        final String code;
        final JsonNode details;

        Failure(int status, String code, String message, JsonNode details) {
            super(message, null, false, false);
            this.status = status;
            this.code = code;
            this.details = details;
        }

        /** The exit code a script sees (README, docs/cli.md). */
        int exitCode() {
            return switch (status) {
                case 0 -> ExitCodes.UNAVAILABLE;
                case 401, 403 -> ExitCodes.DENIED;
                case 400, 404, 409, 413 -> ExitCodes.REFUSED;
                default -> status >= 500 ? ExitCodes.UNAVAILABLE : ExitCodes.REFUSED;
            };
        }
    }
}
