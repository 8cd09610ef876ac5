package io.integration.adapterkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.registry.secret.Secret;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterProvider;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.worker.adapters.webhook.WebhookAdapterProvider;
import java.io.IOException;
import java.util.Map;

/** The built-in webhook adapter: a signed POST; the receiver's answer is in the result's {@code response}. */
class WebhookAdapterContractTest extends AdapterContract {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected AdapterProvider provider() {
        return new WebhookAdapterProvider();
    }

    @Override
    protected Map<String, Object> binding() {
        return Map.of("path", "/hooks/orders");
    }

    @Override
    protected AdapterCall.Auth auth() {
        return new AdapterCall.Auth(Map.of(), Map.of(), Secret.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }

    @Override
    protected String valueOf(AdapterResponse response) throws IOException {
        return JSON.readTree(response.body()).path("response").path("value").asText(null);
    }
}
