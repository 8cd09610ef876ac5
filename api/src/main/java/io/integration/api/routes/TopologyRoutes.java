package io.integration.api.routes;

import static io.integration.registry.service.ApiTokens.Scope.READ;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.api.http.Json;
import io.integration.api.http.Route;
import io.integration.registry.service.ManagementException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An instance's health and a request's status, as the topology keeps them: asked of a topology instance (any one: it
 * routes the query to the owner of the key). {@code topologyUrl} is null when the API was given none: then these routes
 * answer 409 {@code TOPOLOGY_UNAVAILABLE}, naming the setting.
 */
public final class TopologyRoutes {

    private final String topologyUrl;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public TopologyRoutes(String topologyUrl) {
        this.topologyUrl = topologyUrl;
    }

    public List<Route> routes() {
        return List.of(
                Route.get("/integrations/{instanceId}/health", READ, "integrations.health",
                        "An instance's availability (HEALTHY, DEGRADED, DOWN, UNKNOWN) with its calls, failures by code and latency"
                                + " percentiles in the current and previous window, from the topology",
                        call -> ask("/integrations/" + encode(call.path("instanceId")) + "/health")),
                Route.get("/requests/{requestId}", READ, "requests.status",
                        "A request's latest status (ACCEPTED, DEFERRED, SUCCEEDED, FAILED) with its error code and attempts, from the topology",
                        call -> ask("/requests/" + encode(call.path("requestId")))));
    }

    private JsonNode ask(String path) {
        if (topologyUrl == null) {
            throw ManagementException.conflict("TOPOLOGY_UNAVAILABLE", "this API has no topology to ask: set API_TOPOLOGY_URL"
                    + " (e.g. http://topology:8070)", Map.of());
        }
        HttpResponse<String> answer;
        try {
            answer = client.send(HttpRequest.newBuilder(URI.create(topologyUrl + path)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw ManagementException.upstream("TOPOLOGY_UNAVAILABLE", "the topology at " + topologyUrl + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ManagementException.upstream("TOPOLOGY_UNAVAILABLE", "interrupted while asking the topology");
        }
        JsonNode body;
        try {
            body = Json.MAPPER.readTree(answer.body());
        } catch (IOException e) {
            throw ManagementException.upstream("TOPOLOGY_UNAVAILABLE", "the topology answered " + answer.statusCode() + " without JSON");
        }
        return switch (answer.statusCode()) {
            case 200 -> body;
            case 404 -> throw ManagementException.notFound(body.at("/error/message").asText("not found"));
            default -> throw ManagementException.upstream("TOPOLOGY_UNAVAILABLE", "the topology answered " + answer.statusCode() + ": "
                    + body.at("/error/message").asText(""));
        };
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
