package org.example.jsonrpc;

import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.AdapterProvider;
import io.integration.worker.adapters.http.HttpAdapterProvider;

/**
 * Registers the {@code jsonrpc} adapter (JSON-RPC 2.0 over HTTP POST). A definition configures the endpoint path in
 * {@code adapter.config.path} and names the remote procedure in each method's {@code binding.method}.
 */
public final class JsonRpcAdapterProvider implements AdapterProvider {

    @Override
    public String type() {
        return "jsonrpc";
    }

    @Override
    public String version() {
        return "0.1.0";
    }

    @Override
    public String configSchema() {
        return """
                {"type": "object", "additionalProperties": false,
                 "properties": {"path": {"type": "string", "pattern": "^/", "default": "/", "description": "The endpoint under baseUrl."}}}""";
    }

    @Override
    public String bindingSchema() {
        return """
                {"type": "object", "required": ["method"], "additionalProperties": false,
                 "properties": {"method": {"type": "string", "minLength": 1, "description": "The remote procedure's name."}}}""";
    }

    /** The POSTs go through the built-in http adapter: its timeouts, size cap, budget and outbound rules apply. */
    @Override
    public Adapter create(AdapterContext context) {
        return new JsonRpcAdapter(new HttpAdapterProvider().create(context));
    }
}
