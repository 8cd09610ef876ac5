package io.integration.worker.adapters.graphql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code graphql} adapter: a method's {@code graphql: {query, operationName?, path?}} sent as a GraphQL-over-HTTP POST
 * ({@code {query, variables, operationName}}, variables = the params or the request transform's output) through the
 * {@code http} adapter — so timeouts, size caps, outbound safety, redirects and credentials are the same.
 *
 * <p>The answer: {@code data} without {@code errors} → the result data is {@code data}; {@code errors} with usable
 * {@code data} (partial) → the result data is {@code {data, errors}}; {@code errors} without data → an upstream error
 * naming the first messages (not retried: the same document fails again). Transport failures and non-2xx statuses
 * are the http adapter's. Thread-safe.
 */
public final class GraphqlAdapter implements Adapter {

    private static final ObjectMapper JSON = io.integration.worker.adapters.AdapterJson.mapper();
    private static final int MAX_ERRORS_SHOWN = 3;

    private final Adapter http;

    /** {@code http}: the adapter that carries the POST. */
    public GraphqlAdapter(Adapter http) {
        this.http = http;
    }

    @Override
    public AdapterResponse execute(AdapterCall call) throws AdapterException {
        Object query = call.binding().get("query");
        if (!(query instanceof String document) || document.isBlank()) {
            throw new AdapterException.InvalidCall("method '" + call.methodName() + "': graphql.query is missing (expected: a GraphQL document)");
        }
        Object path = call.binding().getOrDefault("path", "/graphql");
        if (!(path instanceof String p) || !p.startsWith("/")) {
            throw new AdapterException.InvalidCall("method '" + call.methodName() + "': graphql.path is '" + path + "' (expected: a path starting with /)");
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("query", document);
        request.put("variables", call.body() != null ? call.body() : call.params());
        if (call.binding().get("operationName") instanceof String operation) {
            request.put("operationName", operation);
        }
        Map<String, Object> binding = new LinkedHashMap<>();
        binding.put("method", "POST");
        binding.put("path", p);
        binding.put("body", "params");
        if (call.binding().get("headers") instanceof Map<?, ?> headers) {
            binding.put("headers", headers);
        }
        // The query travels in the body: GraphQL fields are not path templates.
        AdapterResponse response = http.execute(call.withBinding(binding).withBody(request));
        return answer(call, response);
    }

    private static AdapterResponse answer(AdapterCall call, AdapterResponse response) throws AdapterException {
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            response.release();
            throw new AdapterException.UpstreamStatus("graphql method '" + call.methodName() + "' answered " + response.status()
                    + " with a body that is not JSON", response.status(), null);
        }
        JsonNode data = body == null ? null : body.get("data");
        JsonNode errors = body == null ? null : body.get("errors");
        boolean hasErrors = errors != null && errors.isArray() && !errors.isEmpty();
        boolean hasData = data != null && !data.isNull() && !(data.isObject() && allNull(data));
        if (hasErrors && !hasData) {
            response.release();
            StringBuilder messages = new StringBuilder();
            for (int i = 0; i < Math.min(errors.size(), MAX_ERRORS_SHOWN); i++) {
                messages.append(i == 0 ? "" : "; ").append(call.auth().redact(errors.get(i).path("message").asText("(no message)")));
            }
            throw new AdapterException.UpstreamStatus("graphql method '" + call.methodName() + "' answered " + errors.size()
                    + " error(s): " + messages + (errors.size() > MAX_ERRORS_SHOWN ? "; ..." : ""), response.status(), null);
        }
        JsonNode result = hasErrors ? JSON.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("data", data).set("errors", errors)
                : data == null ? JSON.nullNode() : data;
        return new AdapterResponse(response.status(), response.headers(), result.toString().getBytes(StandardCharsets.UTF_8),
                response.reservation());
    }

    private static boolean allNull(JsonNode object) {
        for (JsonNode field : object) {
            if (!field.isNull()) {
                return false;
            }
        }
        return true;
    }
}
