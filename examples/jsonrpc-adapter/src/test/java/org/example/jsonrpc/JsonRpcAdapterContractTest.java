package org.example.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.adapterkit.AdapterContract;
import io.integration.adapterkit.ContractUpstream.Answer;
import io.integration.adapterkit.ContractUpstream.Received;
import io.integration.worker.adapter.AdapterProvider;
import java.util.Map;

/** The plugin passes the same contract as the built-in adapters. */
class JsonRpcAdapterContractTest extends AdapterContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected AdapterProvider provider() {
        return new JsonRpcAdapterProvider();
    }

    @Override
    protected Map<String, Object> binding() {
        return Map.of("method", "probe.echo");
    }

    @Override
    protected Map<String, Object> adapterConfig() {
        return Map.of("path", "/rpc");
    }

    @Override
    protected Answer success(Received request, String value) {
        return Answer.json(200, JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id(request))
                .set("result", JSON.createObjectNode().put("value", value)).toString());
    }

    @Override
    protected Answer permanentFailure(Received request, String message) {
        return error(request, -32602, message);
    }

    @Override
    protected Answer retriableFailure(Received request, String message) {
        return error(request, -32001, message);
    }

    private static Answer error(Received request, int code, String message) {
        return Answer.json(200, JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id(request))
                .set("error", JSON.createObjectNode().put("code", code).put("message", message)).toString());
    }

    private static String id(Received request) {
        try {
            JsonNode body = JSON.readTree(request.body());
            return body.path("id").asText();
        } catch (java.io.IOException e) {
            return "unreadable";
        }
    }
}
