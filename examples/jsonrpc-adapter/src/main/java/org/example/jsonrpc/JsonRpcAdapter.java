package org.example.jsonrpc;

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
 * One JSON-RPC 2.0 call per request: {@code {"jsonrpc": "2.0", "id": <request id>, "method", "params"}} POSTed to the
 * endpoint; {@code result} is the answer. An {@code error} object is the system's refusal: the pre-defined codes
 * (-32700 parse error, -32600 invalid request, -32601 method not found, -32602 invalid params) and application codes
 * are permanent; -32603 (internal error) and the server range -32000..-32099 may pass and are retriable. An answer
 * for another id is a broken upstream (retriable). Thread-safe: no state besides the http adapter.
 */
final class JsonRpcAdapter implements Adapter {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Adapter http;

    JsonRpcAdapter(Adapter http) {
        this.http = http;
    }

    @Override
    public AdapterResponse execute(AdapterCall call) throws AdapterException {
        if (!(call.binding().get("method") instanceof String procedure) || procedure.isBlank()) {
            throw new AdapterException.InvalidCall("method '" + call.methodName() + "': binding.method is missing (expected: the remote procedure)");
        }
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("jsonrpc", "2.0");
        request.put("id", call.requestId());
        request.put("method", procedure);
        request.put("params", call.body() != null ? call.body() : call.params());
        Map<String, Object> post = Map.of("method", "POST", "path", call.adapterConfig().getOrDefault("path", "/"), "body", "params");
        AdapterResponse response = http.execute(call.withBinding(post).withBody(request));
        try {
            JsonNode answer = JSON.readTree(response.body());
            if (answer == null || !call.requestId().equals(answer.path("id").asText(null))) {
                response.release();
                throw new AdapterException.UpstreamError("jsonrpc method '" + call.methodName() + "': the answer is not for this call's id",
                        null, true);
            }
            JsonNode error = answer.get("error");
            if (error != null && !error.isNull()) {
                response.release();
                int code = error.path("code").asInt(0);
                throw new AdapterException.UpstreamError("jsonrpc method '" + call.methodName() + "' (" + procedure + ") answered error "
                        + code + ": " + call.auth().redact(error.path("message").asText("(no message)")), String.valueOf(code), retriable(code));
            }
            byte[] result = answer.path("result").toString().getBytes(StandardCharsets.UTF_8);
            return new AdapterResponse(response.status(), response.headers(), result, response.reservation());
        } catch (IOException notJson) {
            response.release();
            throw new AdapterException.UpstreamError("jsonrpc method '" + call.methodName() + "' answered a body that is not JSON", null, true);
        }
    }

    private static boolean retriable(int code) {
        return code == -32603 || (code <= -32000 && code >= -32099);
    }
}
