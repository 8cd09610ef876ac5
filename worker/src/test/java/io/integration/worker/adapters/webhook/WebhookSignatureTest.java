package io.integration.worker.adapters.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.registry.secret.Secret;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebhookSignatureTest {

    private static AdapterCall call(Secret signingKey) {
        return new AdapterCall("r", "notify", "https://hooks.example.com", null, null, null, null,
                new AdapterCall.Auth(Map.of(), Map.of(), signingKey), false, Duration.ofSeconds(1), 1024);
    }

    @Test
    void reproducesTheStandardWebhooksReferenceVector() throws Exception {
        // The vector the Standard Webhooks and Svix libraries test themselves with: a receiver's library accepts ours.
        byte[] key = WebhookAdapter.key(call(Secret.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")));

        String signature = WebhookAdapter.sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330",
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8));

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(WebhookAdapter.key(call(Secret.of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))).as("the prefix is optional").isEqualTo(key);
    }

    @Test
    void aMissingOrMalformedSecretIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> WebhookAdapter.key(call(null))).isInstanceOf(AdapterException.InvalidCall.class)
                .hasMessageContaining("webhook_signature");
        assertThatThrownBy(() -> WebhookAdapter.key(call(Secret.of("not base64 at all!")))).isInstanceOf(AdapterException.InvalidCall.class)
                .hasMessageContaining("whsec_").hasMessageNotContaining("not base64 at all");
        assertThatThrownBy(() -> WebhookAdapter.key(call(Secret.of("whsec_c2hvcnQ=")))).as("5 bytes of key")
                .isInstanceOf(AdapterException.InvalidCall.class);
    }
}
