package io.integration.worker.adapters.graphql;

import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.AdapterProvider;
import io.integration.worker.adapters.http.HttpAdapterProvider;

/** Registers the {@code graphql} adapter with the adapter SPI; it carries its POSTs through an {@code http} adapter. */
public final class GraphqlAdapterProvider implements AdapterProvider {

    @Override
    public String type() {
        return "graphql";
    }

    /** The {@code graphql} section of a method. */
    @Override
    public String bindingSchema() {
        return """
                {"type": "object", "required": ["query"], "additionalProperties": false,
                 "properties": {
                   "query": {"type": "string", "minLength": 1, "description": "The GraphQL document."},
                   "operationName": {"type": "string"},
                   "path": {"type": "string", "pattern": "^/", "default": "/graphql", "description": "The endpoint under baseUrl."},
                   "headers": {"type": "object", "additionalProperties": {"type": "string"}}
                 }}""";
    }

    @Override
    public Adapter create(AdapterContext context) {
        return new GraphqlAdapter(new HttpAdapterProvider().create(context));
    }
}
