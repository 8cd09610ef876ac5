package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.registry.credentials.Credential;
import io.integration.registry.secret.Secret;
import io.integration.worker.app.WorkerApp;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The graphql adapter on a real broker: the document and variables go out as one POST; data, partial data and errors come back. */
class GraphqlIT extends UpstreamItSupport {

    @BeforeEach
    void start() {
        fixture = new WorkerFixture("graphql");
        upstream = RecordingUpstream.start(200, (path, request) -> request.contains("product(")
                ? "{\"data\":{\"product\":{\"id\":\"7\",\"title\":\"Mug\"}}}"
                : request.contains("{ a b }") ? "{\"data\":{\"a\":1,\"b\":null},\"errors\":[{\"message\":\"b failed\",\"path\":[\"b\"]}]}"
                : "{\"data\":null,\"errors\":[{\"message\":\"Cannot query field 'nope' on type 'Query'\"}]}");
        String definition = """
                name: shop
                version: 1.0.0
                status: PUBLISHED
                adapter: { type: graphql }
                baseUrl: http://127.0.0.1:%d
                allowedHosts: [127.0.0.1]
                auth: { type: bearer }
                methods:
                  - name: product
                    graphql: { query: "query Product($id: ID!) { product(id: $id) { id title } }", operationName: Product }
                    idempotent: true
                    paramSchema: { type: object, required: [id], properties: { id: { type: string } } }
                  - name: partial
                    graphql: { query: "query { a b }" }
                  - name: broken
                    graphql: { query: "query { nope }", path: /api/graphql }
                """.formatted(upstream.port());
        fixture.seed(definition, "shop-1", Map.of(), new Credential.Bearer("shop-token", Secret.of("tok-" + java.util.UUID.randomUUID())));
        worker = fixture.startWorker();
    }

    @Test
    void dataPartialDataAndErrorsBecomeResults() {
        Map<String, JsonNode> results = exchange("shop-1", "g-1", "product", "{\"id\":\"7\"}", "g-2", "partial", "{}", "g-3", "broken", "{}");

        assertThat(results.get("g-1").get("status").asText()).as(results.get("g-1").toString()).isEqualTo("SUCCESS");
        assertThat(json(results.get("g-1").get("data").asText())).isEqualTo(json("{\"product\":{\"id\":\"7\",\"title\":\"Mug\"}}"));
        String sent = upstream.received.stream().filter(r -> r.contains("product(")).findFirst().orElseThrow();
        assertThat(sent).startsWith("/graphql ");
        JsonNode request = json(sent.substring("/graphql ".length()));
        assertThat(request.get("variables")).isEqualTo(json("{\"id\":\"7\"}"));
        assertThat(request.get("operationName").asText()).isEqualTo("Product");

        JsonNode partial = results.get("g-2");
        assertThat(partial.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(json(partial.get("data").asText()).at("/errors/0/message").asText()).isEqualTo("b failed");
        assertThat(json(partial.get("data").asText()).at("/data/a").asInt()).isEqualTo(1);

        JsonNode broken = results.get("g-3");
        assertThat(broken.at("/error/code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(broken.at("/error/message").asText()).contains("broken").contains("Cannot query field 'nope'");
        assertThat(broken.get("attempts").asInt()).as("not retried").isEqualTo(1);
        assertThat(upstream.received).anyMatch(r -> r.startsWith("/api/graphql "));
    }

    private static JsonNode json(String text) {
        return WorkerFixture.json(text.getBytes(StandardCharsets.UTF_8));
    }
}
