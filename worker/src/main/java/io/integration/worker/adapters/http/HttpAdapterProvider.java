package io.integration.worker.adapters.http;

import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.AdapterProvider;
import java.time.Duration;

/** Registers the {@code http} adapter with the adapter SPI. */
public final class HttpAdapterProvider implements AdapterProvider {

    @Override
    public String type() {
        return "http";
    }

    /** The {@code http} section of a method; what {@link HttpBinding} reads. */
    @Override
    public String bindingSchema() {
        return """
                {"type": "object", "required": ["method", "path"], "additionalProperties": false,
                 "properties": {
                   "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]},
                   "path": {"type": "string", "pattern": "^/", "description": "Template under baseUrl: {params.x}, {config.x}."},
                   "query": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Values are templates."},
                   "headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Values are templates."},
                   "body": {"enum": ["params", "none"], "description": "The JSON body: the params (default for POST/PUT/PATCH) or none."},
                   "followRedirects": {"type": "integer", "minimum": 0, "maximum": %d, "description": "Redirects followed (default 0)."}
                 }}""".formatted(HttpBinding.MAX_REDIRECTS);
    }

    @Override
    public Adapter create(AdapterContext context) {
        return new HttpAdapter(HttpAdapter.defaultClient(Duration.ofSeconds(5)), context.outboundPolicy(), context.clock(), context.responseBudget());
    }
}
