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
                 "if": {"required": ["pagination"]}, "then": {"properties": {"method": {"const": "GET"}}},
                 "properties": {
                   "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]},
                   "path": {"type": "string", "pattern": "^/", "description": "Template under baseUrl: {params.x}, {config.x}."},
                   "query": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Values are templates."},
                   "headers": {"type": "object", "additionalProperties": {"type": "string"}, "description": "Values are templates."},
                   "body": {"enum": ["params", "none"], "description": "The JSON body: the params (default for POST/PUT/PATCH) or none."},
                   "followRedirects": {"type": "integer", "minimum": 0, "maximum": %d, "description": "Redirects followed (default 0)."},
                   "requestFormat": {"enum": ["json", "form", "xml", "csv"], "default": "json", "description": "How the body is written; answers are read by their Content-Type."},
                   "xmlRoot": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_.-]*$", "default": "request", "description": "Root element of an xml body."},
                   "pagination": {"type": "object", "required": ["style"], "additionalProperties": false,
                     "description": "GET list methods: pages collected into {items, pages, complete}.",
                     "properties": {
                       "style": {"enum": ["cursor", "link"], "description": "cursor: the body names the next cursor; link: the Link rel=next header."},
                       "items": {"type": "string", "description": "Dot path of each page's array (empty: the page is the array)."},
                       "cursor": {"type": "string", "description": "cursor style: dot path of the next cursor (absent, null or empty: last page)."},
                       "cursorParam": {"type": "string", "description": "cursor style: the query parameter the cursor goes back in."},
                       "maxPages": {"type": "integer", "minimum": 1, "maximum": %d, "default": 10}
                     },
                     "if": {"properties": {"style": {"const": "cursor"}}}, "then": {"required": ["cursor", "cursorParam"]}}
                 }}""".formatted(HttpBinding.MAX_REDIRECTS, Pagination.MAX_PAGES);
    }

    @Override
    public Adapter create(AdapterContext context) {
        return new HttpAdapter(HttpTransport.of(context.httpClient(), Duration.ofSeconds(5), context.outboundPolicy()), context.outboundPolicy(), context.clock(),
                context.responseBudget());
    }
}
