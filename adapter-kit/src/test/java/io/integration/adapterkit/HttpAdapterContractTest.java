package io.integration.adapterkit;

import io.integration.worker.adapter.AdapterProvider;
import io.integration.worker.adapters.http.HttpAdapterProvider;
import java.util.Map;

/** The built-in http adapter: a POST of the params, a JSON answer; failures by status. */
class HttpAdapterContractTest extends AdapterContract {

    @Override
    protected AdapterProvider provider() {
        return new HttpAdapterProvider();
    }

    @Override
    protected Map<String, Object> binding() {
        return Map.of("method", "POST", "path", "/v1/probe", "headers", Map.of("X-Probe", "{params.marker}"));
    }
}
