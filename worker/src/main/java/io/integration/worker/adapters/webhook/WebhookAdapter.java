package io.integration.worker.adapters.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integration.registry.secret.Secret;
import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.worker.adapter.RawBody;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Delivers a request's params (or its request transform's output) as a signed webhook, the Standard Webhooks way
 * (what Svix sends): a JSON POST with {@code webhook-id} (the request id, the same on every retry, so the receiver can
 * drop duplicates), {@code webhook-timestamp} (seconds, fresh on each attempt) and {@code webhook-signature:
 * v1,<base64 HMAC-SHA256 of "id.timestamp.body">} keyed by the instance's secret ({@code whsec_<base64>}, the prefix
 * optional, as the reference libraries take it). The signed bytes are the bytes sent. The result data is
 * {@code {status, webhookId, response}}: the receiver's answer as JSON when it is JSON, as text otherwise, null when
 * empty. Thread-safe.
 */
final class WebhookAdapter implements Adapter {

    private static final ObjectMapper JSON = io.integration.worker.adapters.AdapterJson.mapper();
    private static final String PREFIX = "whsec_";
    /** Where the delivery's id and timestamp are put in the params for the header templates. */
    private static final String DELIVERY = "_webhookDelivery";
    /** The most of a non-JSON answer kept in the result. */
    private static final int TEXT_KEPT = 1024;

    private final Adapter http;
    private final Clock clock;

    WebhookAdapter(Adapter http, Clock clock) {
        this.http = http;
        this.clock = clock;
    }

    @Override
    public AdapterResponse execute(AdapterCall call) throws AdapterException {
        byte[] key = key(call);
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(call.body() != null ? call.body() : call.params());
        } catch (JsonProcessingException e) {
            throw new AdapterException.InvalidCall("method '" + call.methodName() + "': the payload cannot be written as JSON");
        }
        String id = call.requestId();
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        // Only the signature travels with the auth (dropped on a cross-origin hop); the id and the timestamp are plain
        // headers, filled in from params the way templates are (a value is never expanded again), so that an error
        // naming them is not redacted.
        Map<String, Object> headers = new LinkedHashMap<>();
        if (call.binding().get("headers") instanceof Map<?, ?> extra) {
            extra.forEach((name, value) -> headers.put(String.valueOf(name), value));
        }
        headers.put("webhook-id", "{params." + DELIVERY + ".id}");
        headers.put("webhook-timestamp", "{params." + DELIVERY + ".timestamp}");
        Map<String, Object> params = new LinkedHashMap<>(call.params());
        params.put(DELIVERY, Map.of("id", id, "timestamp", timestamp));
        Map<String, Object> post = new LinkedHashMap<>();
        post.put("method", "POST");
        post.put("path", call.binding().getOrDefault("path", "/"));
        post.put("body", "params");
        post.put("headers", headers);
        AdapterResponse response = http.execute(call.withBinding(post).withParams(params).withBody(new RawBody(body, "application/json"))
                .withAuth(call.auth().withHeaders(Map.of("webhook-signature", Secret.of(sign(key, id, timestamp, body))))));
        ObjectNode data = JSON.createObjectNode().put("status", response.status()).put("webhookId", id);
        data.set("response", answer(call, response.body()));
        return new AdapterResponse(response.status(), response.headers(), data.toString().getBytes(StandardCharsets.UTF_8),
                response.reservation());
    }

    /** {@code v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>} */
    static String sign(byte[] key, String id, String timestamp, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    /** The secret's key bytes: base64 after an optional {@code whsec_}. Messages never show the secret. */
    static byte[] key(AdapterCall call) throws AdapterException.InvalidCall {
        Secret secret = call.auth().signingKey();
        if (secret == null) {
            throw new AdapterException.InvalidCall("method '" + call.methodName() + "': a webhook is always signed (expected: auth type"
                    + " webhook_signature and an api_key credential holding the whsec_ secret)");
        }
        String text = secret.reveal().strip();
        text = text.startsWith(PREFIX) ? text.substring(PREFIX.length()) : text;
        try {
            byte[] key = Base64.getDecoder().decode(text);
            if (key.length < 16) {
                throw new IllegalArgumentException("short");
            }
            return key;
        } catch (IllegalArgumentException e) {
            throw new AdapterException.InvalidCall("method '" + call.methodName() + "': the signing secret is not a Standard Webhooks"
                    + " secret (expected: whsec_ followed by the base64 of at least 16 random bytes)");
        }
    }

    /** The receiver's answer: its JSON, or its text (at most 1 KiB, redacted: an error page may echo the request). */
    private static JsonNode answer(AdapterCall call, byte[] body) {
        if (body.length == 0) {
            return JSON.nullNode();
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(body);
        } catch (IOException notJson) {
            answer = JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
        if (answer != null && answer.isTextual()) {
            String text = answer.asText();
            return JSON.getNodeFactory().textNode(call.auth().redact(text.length() > TEXT_KEPT ? text.substring(0, TEXT_KEPT) + "..." : text));
        }
        return answer == null ? JSON.nullNode() : answer;
    }
}
