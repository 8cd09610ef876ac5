package io.integration.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.integration.embedded.DemoAuthorizationServer;
import io.integration.embedded.Infrastructure;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.secret.Secret;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connecting an account over the management API, browserless, against a strict authorization server: start → the
 * provider's redirect → the callback; events on a real broker; a replayed, forged or expired callback is refused
 * without a token request.
 */
class OAuthFlowIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String ADMIN = "ist_oauth-admin-" + UUID.randomUUID();
    private static final String CLIENT_SECRET = "oauth-client-secret-" + UUID.randomUUID();
    private static final Infrastructure infra = Infrastructure.shared();

    private final MovableClock clock = new MovableClock();
    private io.integration.embedded.LogCapture logs;
    private ManagementApi api;
    private DemoAuthorizationServer server;
    private MongoClient mongo;
    private MongoDatabase db;
    private String events;

    /** The real time plus an offset a test can move forward (to let a state expire). */
    static final class MovableClock extends Clock {
        volatile Duration offset = Duration.ZERO;

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }

    @BeforeEach
    void start() throws Exception {
        logs = io.integration.embedded.LogCapture.start();
        String database = "oauth-" + UUID.randomUUID();
        events = "oauth.events." + UUID.randomUUID().toString().substring(0, 8);
        infra.createTopics(1, List.of(events));
        mongo = MongoClients.create(infra.mongoUri());
        db = mongo.getDatabase(database);
        api = ManagementApi.start(new ApiConfig(infra.mongoUri(), database, "127.0.0.1", 0, ADMIN, null, Secret.of(MasterKey.generate()), null, true)
                .withEvents(infra.bootstrapServers(), infra.schemaRegistryUrl(), events, "json"), clock);
        server = DemoAuthorizationServer.start("api-client", CLIENT_SECRET, Set.of("http://localhost:" + api.port() + "/oauth/callback"), 3600);
        String definition = """
                name: provider
                version: 1.0.0
                status: PUBLISHED
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                auth:
                  type: oauth2
                  oauth2: { issuer: "%s", scopes: [profile, repo], pkce: true }
                testMethod: me
                methods:
                  - name: me
                    http: { method: GET, path: /api/me }
                    idempotent: true
                """.formatted(server.url(), server.issuer());
        assertThat(call("POST", "/definitions/apply", definition).statusCode()).isIn(200, 201);
        HttpResponse<String> credential = call("PUT", "/credentials/acct", "{\"type\":\"oauth2\",\"clientId\":\"api-client\","
                + "\"clientSecret\":\"" + CLIENT_SECRET + "\",\"hosts\":[\"127.0.0.1\"]}");
        assertThat(credential.statusCode()).as(credential.body()).isEqualTo(201);
        HttpResponse<String> instance = call("POST", "/instances", "{\"id\":\"crm-1\",\"definition\":\"provider\",\"credentialId\":\"acct\"}");
        assertThat(instance.statusCode()).as(instance.body()).isEqualTo(201);
        assertThat(json(instance).get("status").asText()).isEqualTo("PENDING_AUTH");
    }

    @AfterEach
    void stop() {
        api.close();
        server.close();
        mongo.close();
        logs.close();
    }

    @Test
    void theFullFlowConnectsTheInstanceAndAReplayedCallbackIsRefusedWithoutATokenRequest() throws Exception {
        JsonNode started = json(call("POST", "/instances/crm-1/oauth/start", null));
        String url = started.get("authorizationUrl").asText();
        Map<String, String> authorize = query(URI.create(url));
        assertThat(authorize).containsEntry("response_type", "code").containsEntry("client_id", "api-client")
                .containsEntry("code_challenge_method", "S256").containsEntry("scope", "profile repo")
                .containsEntry("redirect_uri", "http://localhost:" + api.port() + "/oauth/callback");
        assertThat(authorize.get("state")).hasSizeGreaterThanOrEqualTo(43);
        assertThat(stored()).as("the state is stored only as a hash").doesNotContain(authorize.get("state"));

        String callback = redirect(url);
        HttpResponse<String> done = get(callback);

        assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
        assertThat(done.headers().firstValue("Cache-Control")).hasValue("no-store");
        Map<String, String> back = query(URI.create(callback));
        assertThat(done.body()).contains("Connected").doesNotContain(back.get("code")).doesNotContain(back.get("state"));
        assertThat(json(call("GET", "/instances/crm-1", null)).get("status").asText()).isEqualTo("CONNECTED");
        JsonNode shown = json(call("GET", "/credentials/acct", null));
        assertThat(shown.get("connected").asBoolean()).isTrue();
        assertThat(shown.get("hasSecret").asBoolean()).isTrue();
        assertThat(shown.get("expiresAt").asText()).isNotEmpty();
        assertThat(shown.get("scopes").toString()).contains("profile", "repo");
        assertThat(json(call("POST", "/instances/crm-1/test", null)).get("ok").asBoolean()).isTrue();

        long tokenCalls = server.tokenCalls();
        HttpResponse<String> replay = get(callback);
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("INVALID_STATE").doesNotContain(back.get("code"));
        assertThat(server.tokenCalls()).as("a replayed callback makes no token request").isEqualTo(tokenCalls);

        assertThat(eventTypes()).contains("crm-1:integration.connected");
        String everything = stored() + shown + replay.body() + done.body() + call("GET", "/audit?limit=200", null).body()
                + String.join("\n", logs.lines()) + String.join("\n", eventTypes());
        assertThat(server.issuedTokens().stream().filter(everything::contains).toList()).as("tokens in MongoDB or answers").isEmpty();
        assertThat(everything).doesNotContain(CLIENT_SECRET).doesNotContain(back.get("code")).doesNotContain(back.get("state"));
        assertThat(logs.lines()).as("log lines captured at DEBUG").isNotEmpty();
    }

    @Test
    void aForgedStateOrAnExpiredOneIsRefusedWithoutATokenRequest() throws Exception {
        String url = json(call("POST", "/instances/crm-1/oauth/start", null)).get("authorizationUrl").asText();
        String callback = redirect(url);
        Map<String, String> back = query(URI.create(callback));
        String base = "http://127.0.0.1:" + api.port() + "/oauth/callback";

        HttpResponse<String> forged = get(base + "?code=" + back.get("code") + "&state=made-up-" + UUID.randomUUID());
        HttpResponse<String> missing = get(base + "?code=" + back.get("code"));
        clock.offset = Duration.ofMinutes(11);
        HttpResponse<String> expired = get(callback);

        assertThat(forged.statusCode()).isEqualTo(400);
        assertThat(forged.body()).contains("INVALID_STATE");
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(expired.statusCode()).isEqualTo(400);
        assertThat(expired.body()).contains("STATE_EXPIRED");
        assertThat(server.tokenCalls()).isZero();
        assertThat(json(call("GET", "/instances/crm-1", null)).get("status").asText()).isEqualTo("PENDING_AUTH");
    }

    @Test
    void aCallbackFromAnotherIssuerOrAFailedExchangeSetsAuthErrorAndSaysSoOnce() throws Exception {
        String callback = redirect(json(call("POST", "/instances/crm-1/oauth/start", null)).get("authorizationUrl").asText());
        HttpResponse<String> mixedUp = get(callback.replaceAll("iss=[^&]+", "iss=https%3A%2F%2Fevil.example"));

        assertThat(mixedUp.statusCode()).isEqualTo(400);
        assertThat(mixedUp.body()).contains("ISSUER_MISMATCH");
        assertThat(server.tokenCalls()).isZero();
        assertThat(json(call("GET", "/instances/crm-1", null)).get("status").asText()).isEqualTo("AUTH_ERROR");

        // A code the server does not know (its own single-use rule) fails the exchange.
        String second = redirect(json(call("POST", "/instances/crm-1/oauth/start", null)).get("authorizationUrl").asText());
        HttpResponse<String> refused = get(second.replaceAll("code=[^&]+", "code=not-a-real-code"));
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body()).contains("TOKEN_EXCHANGE_FAILED").contains("invalid_grant").doesNotContain("not-a-real-code");
        assertThat(server.tokenCalls()).isEqualTo(1);
        assertThat(eventTypes()).containsExactly("crm-1:integration.auth.failed", "crm-1:integration.auth.failed");
    }

    @Test
    void anOAuthCredentialIsWriteOnlyAndTheFlowNeedsOne() throws Exception {
        HttpResponse<String> bad = call("PUT", "/credentials/bad", "{\"type\":\"oauth2\",\"hosts\":[\"127.0.0.1\"]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("$.clientId");
        call("PUT", "/credentials/key", "{\"type\":\"api_key\",\"key\":\"k-" + UUID.randomUUID() + "\",\"hosts\":[\"127.0.0.1\"]}");
        HttpResponse<String> shown = call("GET", "/credentials/acct", null);
        assertThat(shown.body()).doesNotContain(CLIENT_SECRET).contains("\"connected\":false");
        assertThat(call("POST", "/instances/nope/oauth/start", null).statusCode()).isEqualTo(404);
    }

    private List<String> eventTypes() {
        List<String> types = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "r-" + UUID.randomUUID(), ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(events));
            long until = System.nanoTime() + Duration.ofSeconds(4).toNanos();
            while (System.nanoTime() < until) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    try {
                        JsonNode event = JSON.readTree(r.value());
                        types.add(event.get("integrationInstanceId").asText() + ":" + event.get("type").asText());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
        return types;
    }

    /** Opens the authorization URL as a browser would and returns where the provider sends it (the callback URL). */
    private String redirect(String authorizationUrl) throws Exception {
        HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(authorizationUrl)).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(response.statusCode()).isEqualTo(302);
        return response.headers().firstValue("Location").orElseThrow().replace("http://localhost:", "http://127.0.0.1:");
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            values.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return values;
    }

    private String stored() {
        StringBuilder all = new StringBuilder();
        for (String name : db.listCollectionNames()) {
            for (Document doc : db.getCollection(name).find()) {
                all.append(doc.toJson()).append('\n');
            }
        }
        return all.toString();
    }

    private HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws java.io.IOException {
        return JSON.readTree(response.body());
    }
}
