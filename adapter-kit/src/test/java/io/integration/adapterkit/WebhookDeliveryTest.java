package io.integration.adapterkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.adapterkit.ContractUpstream.Answer;
import io.integration.adapterkit.ContractUpstream.Behaviour;
import io.integration.adapterkit.ContractUpstream.Received;
import io.integration.registry.secret.Secret;
import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.worker.adapter.OutboundPolicy;
import io.integration.worker.adapters.webhook.WebhookAdapterProvider;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** What a receiver sees of a delivery, checked the way a receiver would check it. */
class WebhookDeliveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final byte[] KEY = "a receiver's 32-byte signing key".getBytes(StandardCharsets.UTF_8);

    @Test
    void theReceiverCanVerifyTheSignatureOverTheExactBytesItGot() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);
        Adapter webhook = new WebhookAdapterProvider().create(new AdapterContext(new OutboundPolicy(true), clock));
        try (ContractUpstream receiver = ContractUpstream.start()) {
            receiver.behave(new Behaviour.Respond(r -> new Answer(202, "text/plain", "queued")));
            AdapterCall call = new AdapterCall("req-42", "orderCreated", receiver.url(), Set.of("127.0.0.1"),
                    Map.of("path", "/hooks/{params.shop}", "headers", Map.of("X-Shop", "{params.shop}")),
                    Map.of("shop", "acme", "order", Map.of("id", 7, "note", "ünïcode")), Map.of(),
                    new AdapterCall.Auth(Map.of(), Map.of(), Secret.of("whsec_" + Base64.getEncoder().encodeToString(KEY))), false,
                    Duration.ofSeconds(5), 1 << 20);

            AdapterResponse response = webhook.execute(call);

            Received got = receiver.received().getFirst();
            assertThat(got.method()).isEqualTo("POST");
            assertThat(got.target()).isEqualTo("/hooks/acme");
            assertThat(got.headers()).containsEntry("webhook-id", "req-42").containsEntry("webhook-timestamp", "1796205600")
                    .containsEntry("x-shop", "acme").containsEntry("content-type", "application/json");
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
            String expected = "v1," + Base64.getEncoder().encodeToString(
                    mac.doFinal(("req-42.1796205600." + got.body()).getBytes(StandardCharsets.UTF_8)));
            assertThat(got.headers().get("webhook-signature")).isEqualTo(expected);
            assertThat(JSON.readTree(got.body()).path("order").path("note").asText()).isEqualTo("ünïcode");
            JsonNode data = JSON.readTree(response.body());
            assertThat(data.path("status").asInt()).isEqualTo(202);
            assertThat(data.path("webhookId").asText()).isEqualTo("req-42");
            assertThat(data.path("response").asText()).isEqualTo("queued");
            response.release();
        }
    }

    @Test
    void aLongTextAnswerIsKeptShortAndWithoutTheSecret() throws Exception {
        String secret = "whsec_" + Base64.getEncoder().encodeToString(KEY);
        Adapter webhook = new WebhookAdapterProvider().create(new AdapterContext(new OutboundPolicy(true), Clock.systemUTC()));
        try (ContractUpstream receiver = ContractUpstream.start()) {
            receiver.behave(new Behaviour.Respond(r -> new Answer(200, "text/html", "<html>" + "x".repeat(5000) + secret + "</html>")));
            AdapterCall call = new AdapterCall("req-43", "orderCreated", receiver.url(), Set.of("127.0.0.1"), Map.of(), Map.of("a", 1),
                    Map.of(), new AdapterCall.Auth(Map.of(), Map.of(), Secret.of(secret)), false, Duration.ofSeconds(5), 1 << 20);

            AdapterResponse response = webhook.execute(call);

            String text = JSON.readTree(response.body()).path("response").asText();
            assertThat(text).hasSize(1024 + 3).endsWith("...").doesNotContain(secret);
            response.release();
        }
    }
}
