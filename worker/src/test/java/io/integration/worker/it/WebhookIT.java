package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.registry.credentials.Credential;
import io.integration.registry.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The webhook adapter on a real broker: the instance's signing secret (an api_key credential under auth type
 * webhook_signature) signs the delivery; the request transform shapes the payload; the secret is nowhere in the result.
 */
class WebhookIT extends UpstreamItSupport {

    private final String secret = "whsec_" + Base64.getEncoder().encodeToString(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));

    @BeforeEach
    void start() {
        fixture = new WorkerFixture("webhook");
        upstream = RecordingUpstream.start(200, (path, request) -> "{\"accepted\":true}");
        String definition = """
                name: orders-out
                version: 1.0.0
                status: PUBLISHED
                adapter: { type: webhook }
                baseUrl: http://127.0.0.1:%d
                allowedHosts: [127.0.0.1]
                auth: { type: webhook_signature }
                methods:
                  - name: orderCreated
                    binding: { path: /hooks/orders }
                    requestTransform: '{"type": "order.created", "data": {"id": id, "total": total}}'
                """.formatted(upstream.port());
        fixture.seed(definition, "orders-hook", Map.of(), new Credential.ApiKey("orders-hook-secret", Secret.of(secret)));
        worker = fixture.startWorker();
    }

    @Test
    void aDeliveryIsSignedShapedAndAnswered() {
        Map<String, JsonNode> results = exchange("orders-hook", "w-1", "orderCreated", "{\"id\":\"o-9\",\"total\":12.5}");

        JsonNode result = results.get("w-1");
        assertThat(result.get("status").asText()).as(result.toString()).isEqualTo("SUCCESS");
        JsonNode data = WorkerFixture.json(result.get("data").asText().getBytes(StandardCharsets.UTF_8));
        assertThat(data.get("webhookId").asText()).isEqualTo("w-1");
        assertThat(data.at("/response/accepted").asBoolean()).isTrue();
        assertThat(upstream.received).singleElement().satisfies(r -> assertThat(r)
                .isEqualTo("/hooks/orders {\"type\":\"order.created\",\"data\":{\"id\":\"o-9\",\"total\":12.5}}"));
        assertThat(result.toString()).doesNotContain(secret).doesNotContain(secret.substring("whsec_".length()));
    }
}
