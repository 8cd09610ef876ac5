package io.integration.adapterkit;

import io.integration.adapterkit.ContractUpstream.Answer;
import io.integration.adapterkit.ContractUpstream.Received;
import io.integration.worker.adapter.AdapterProvider;
import io.integration.worker.adapters.graphql.GraphqlAdapterProvider;
import java.util.Map;

/** The built-in graphql adapter: the params as variables; {@code data} is the answer; errors without data refuse for good. */
class GraphqlAdapterContractTest extends AdapterContract {

    @Override
    protected AdapterProvider provider() {
        return new GraphqlAdapterProvider();
    }

    @Override
    protected Map<String, Object> binding() {
        return Map.of("query", "query Probe($marker: String!) { value(marker: $marker) }");
    }

    @Override
    protected Answer success(Received request, String value) {
        return Answer.json(200, "{\"data\":{\"value\":\"" + value + "\"}}");
    }

    @Override
    protected Answer permanentFailure(Received request, String message) {
        return Answer.json(200, "{\"data\":null,\"errors\":[" + Json.object("message", message) + "]}");
    }
}
