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

    @Override
    public Adapter create(AdapterContext context) {
        return new HttpAdapter(HttpAdapter.defaultClient(Duration.ofSeconds(5)), context.outboundPolicy(), context.clock(), context.responseBudget());
    }
}
