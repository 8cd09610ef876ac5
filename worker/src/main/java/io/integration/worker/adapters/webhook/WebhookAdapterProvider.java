package io.integration.worker.adapters.webhook;

import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.AdapterProvider;
import io.integration.worker.adapters.http.HttpAdapterProvider;

/** Registers the {@code webhook} adapter: signed deliveries (Standard Webhooks) through an {@code http} adapter. */
public final class WebhookAdapterProvider implements AdapterProvider {

    @Override
    public String type() {
        return "webhook";
    }

    /** A method's {@code binding}: where under baseUrl the delivery goes, and extra headers. */
    @Override
    public String bindingSchema() {
        return """
                {"type": "object", "additionalProperties": false,
                 "properties": {
                   "path": {"type": "string", "pattern": "^/", "default": "/", "description": "Template under baseUrl."},
                   "headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Values are templates."}
                 }}""";
    }

    @Override
    public Adapter create(AdapterContext context) {
        return new WebhookAdapter(new HttpAdapterProvider().create(context), context.clock());
    }
}
