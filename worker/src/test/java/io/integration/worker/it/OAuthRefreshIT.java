package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.embedded.DemoAuthorizationServer;
import io.integration.registry.IntegrationInstance.InstanceStatus;
import io.integration.registry.MongoInstanceRepository;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.Keyring;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.credentials.MongoCredentialRepository;
import io.integration.registry.credentials.TinkSecretCodec;
import io.integration.registry.secret.Secret;
import io.integration.registry.service.InstanceService;
import io.integration.registry.service.Management;
import io.integration.worker.adapter.OutboundPolicy;
import io.integration.worker.app.WorkerApp;
import io.integration.worker.oauth.AuthEvents;
import io.integration.worker.oauth.AuthorizationFlow;
import io.integration.worker.oauth.TokenEndpoint;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OAuth2 against a strict authorization server ({@link DemoAuthorizationServer}: PKCE, single-use codes, exact redirect
 * URI, refresh-token rotation that revokes the whole family when a used refresh token comes back), with real workers on
 * a real broker sharing one MongoDB. The account is connected through the authorization flow, then requests flow while
 * the access token expires every 2 seconds. Every test ends by looking for each token the server issued, and the client
 * secret, in the logs (at DEBUG), the topics and MongoDB.
 */
class OAuthRefreshIT {

    private static final String REDIRECT = "http://localhost:9/oauth/callback";
    private static final String CLIENT_SECRET = "client-secret-" + java.util.UUID.randomUUID();

    private WorkerFixture fixture;
    private DemoAuthorizationServer server;
    private final List<WorkerApp> workers = new ArrayList<>();
    /** Every log line of the run, with the service's loggers at DEBUG: no token may appear in any. */
    private io.integration.embedded.LogCapture logs;

    @BeforeEach
    void start() {
        logs = io.integration.embedded.LogCapture.start();
        fixture = new WorkerFixture("oauth");
        server = DemoAuthorizationServer.start("the-client", CLIENT_SECRET, Set.of(REDIRECT), 2);
    }

    @AfterEach
    void stop() {
        workers.forEach(WorkerApp::close);
        server.close();
        fixture.close();
        logs.close();
    }

    private String definition() {
        return """
                name: oauth-demo
                version: 1.0.0
                status: PUBLISHED
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                auth:
                  type: oauth2
                  oauth2: { issuer: "%s", scopes: [read, write], pkce: true, clientAuth: client_secret_basic }
                testMethod: me
                methods:
                  - name: me
                    http: { method: GET, path: /api/me }
                    idempotent: true
                    retry: { maxAttempts: 1 }
                """.formatted(server.url(), server.issuer());
    }

    /** Two instance ids per partition of the requests topic, so every worker of the group serves some of them. */
    private static List<String> instancesOnEveryPartition() {
        Map<Integer, List<String>> byPartition = new HashMap<>();
        for (int i = 0; byPartition.values().stream().mapToInt(List::size).sum() < 2 * WorkerFixture.PARTITIONS; i++) {
            String id = "account-" + i;
            int partition = Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % WorkerFixture.PARTITIONS;
            List<String> ids = byPartition.computeIfAbsent(partition, p -> new ArrayList<>());
            if (ids.size() < 2) {
                ids.add(id);
            }
        }
        return byPartition.values().stream().flatMap(List::stream).toList();
    }

    /** Seeds the definition and instances sharing one oauth2 credential, and connects it through the authorization flow. */
    private List<String> connect() throws Exception {
        Management management = WorkerApp.management(fixture.db, fixture.masterKey, true, Clock.systemUTC());
        List<String> instances = instancesOnEveryPartition();
        Credential.OAuth2 client = new Credential.OAuth2("shared-account", "the-client", Secret.of(CLIENT_SECRET)).pinnedTo(Set.of("127.0.0.1"));
        management.seed(definition(), client, new InstanceService.Spec(instances.getFirst(), "acme", "oauth-demo", null, Map.of(), client.id()));
        for (String id : instances.subList(1, instances.size())) {
            management.instances().create(new InstanceService.Spec(id, "acme", "oauth-demo", null, Map.of(), client.id()));
        }
        assertThat(management.instances().get(instances.getFirst()).status()).isEqualTo(InstanceStatus.PENDING_AUTH);

        Keyring keyring = Keyring.open(fixture.db, MasterKey.load("key", fixture.masterKey, "file", null));
        AuthorizationFlow flow = new AuthorizationFlow(fixture.db, new TinkSecretCodec(keyring), new MongoInstanceRepository(fixture.db),
                management.instances()::definitionOf, new MongoCredentialRepository(fixture.db, new TinkSecretCodec(keyring)),
                new TokenEndpoint(new OutboundPolicy(true), Duration.ofSeconds(5), Clock.systemUTC()), AuthEvents.NONE, () -> REDIRECT,
                Clock.systemUTC());
        io.integration.registry.service.AccountConnections.Completed done = flow.complete(browser(flow.start(instances.getFirst()).authorizationUrl()));
        assertThat(done.connected()).as(done.message()).isTrue();
        for (String id : instances) {
            assertThat(management.instances().get(id).status()).as(id).isEqualTo(InstanceStatus.CONNECTED);
        }
        return instances;
    }

    /** What a browser does: opens the authorization URL and follows the redirect's query back to the callback. */
    static Map<String, String> browser(String authorizationUrl) throws Exception {
        HttpResponse<Void> redirect = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(authorizationUrl)).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(redirect.statusCode()).isEqualTo(302);
        String location = redirect.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?");
        Map<String, String> query = new LinkedHashMap<>();
        for (String pair : URI.create(location).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return query;
    }

    @Test
    void threeWorkersRefreshAnExpiringTokenExactlyOncePerExpiryAndNoRequestFailsForAuth() throws Exception {
        List<String> instances = connect();
        for (int i = 0; i < 3; i++) {
            workers.add(fixture.startWorker(Map.of("oauth.refresh.margin", "500ms", "events.format", "json", "registry.cache.ttl", "1s")));
        }
        long started = System.nanoTime();
        Set<String> ids = new HashSet<>();
        // 200 requests over 20 s, on six instances (every partition, so every worker) sharing the credential.
        for (int i = 0; i < 200; i++) {
            String id = "req-" + i;
            ids.add(id);
            String instance = instances.get(i % instances.size());
            fixture.sendJson(instance, WorkerFixture.request(id, instance, "me", "{}"));
            Thread.sleep(100);
        }
        Map<String, JsonNode> results = fixture.results(ids, Duration.ofSeconds(60));
        double seconds = (System.nanoTime() - started) / 1e9;

        assertThat(results).hasSize(200);
        List<String> failures = results.values().stream().filter(r -> !"SUCCESS".equals(r.get("status").asText()))
                .map(r -> r.get("requestId").asText() + ": " + r.get("error")).toList();
        assertThat(failures).as("requests failed").isEmpty();
        assertThat(server.reuseRevocations()).as("a refresh token presented twice").isZero();
        // A token lives 2 s and is refreshed 0.5 s before it expires: at most one refresh per 1.5 s of the run, and one more
        // for each call the API refused because it got there after its token expired (a busy machine delays a call).
        long expiries = (long) Math.ceil(seconds / 1.5) + 1;
        assertThat(server.refreshes()).as("refreshes in %.1f s", seconds).isBetween(5L, expiries + server.apiRefusals());
        List<JsonNode> refreshed = events().stream().filter(e -> e.get("type").asText().equals(AuthEvents.AUTH_REFRESHED)).toList();
        assertThat(refreshed).hasSize((int) server.refreshes());
        System.out.printf("OAuth refresh: %d requests in %.1f s, %d refreshes (bound %d), %d token calls, %d API 401s, 0 reuse%n",
                results.size(), seconds, server.refreshes(), expiries, server.tokenCalls(), server.apiRefusals());
        assertNoTokenLeaked();
    }

    @Test
    void aRefusedTokenIsRefreshedOnceAndARevokedGrantNeedsReauthWithOneEventPerInstance() throws Exception {
        List<String> instances = connect();
        server.accessTokenSeconds(3600);
        workers.add(fixture.startWorker(Map.of("events.format", "json", "registry.cache.ttl", "200ms")));
        String instance = instances.getFirst();

        // The provider drops the access token early: 401 → one forced refresh → the call again → success.
        server.expireAccessTokens();
        long refreshesBefore = server.refreshes();
        fixture.sendJson(instance, WorkerFixture.request("after-401", instance, "me", "{}"));
        JsonNode recovered = fixture.results(Set.of("after-401"), Duration.ofSeconds(30)).get("after-401");
        assertThat(recovered.get("status").asText()).as(recovered.toString()).isEqualTo("SUCCESS");
        assertThat(server.refreshes()).isEqualTo(refreshesBefore + 1);

        // The user revokes the app: 401 → forced refresh → invalid_grant → NEEDS_REAUTH, one auth.failed per instance.
        server.revokeAll();
        fixture.sendJson(instance, WorkerFixture.request("after-revoke", instance, "me", "{}"));
        JsonNode refused = fixture.results(Set.of("after-revoke"), Duration.ofSeconds(30)).get("after-revoke");
        assertThat(refused.get("status").asText()).isEqualTo("ERROR");
        assertThat(refused.at("/error/code").asText()).isEqualTo("NEEDS_REAUTH");
        MongoInstanceRepository store = new MongoInstanceRepository(fixture.db);
        for (String id : instances) {
            assertThat(store.find(id).orElseThrow().status()).as(id).isEqualTo(InstanceStatus.NEEDS_REAUTH);
        }
        long tokenCalls = server.tokenCalls();
        for (int i = 0; i < 5; i++) {
            String other = instances.get(i % instances.size());
            fixture.sendJson(other, WorkerFixture.request("later-" + i, other, "me", "{}"));
        }
        Set<String> later = Set.of("later-0", "later-1", "later-2", "later-3", "later-4");
        Map<String, JsonNode> laterResults = fixture.results(later, Duration.ofSeconds(30));
        assertThat(later).allSatisfy(id -> assertThat(laterResults.get(id).at("/error/code").asText()).as(id).isEqualTo("NEEDS_REAUTH"));
        assertThat(server.tokenCalls()).as("no refresh is tried after invalid_grant").isEqualTo(tokenCalls);
        // The credential itself refuses to refresh, whatever an instance's status says: set one back to CONNECTED by hand.
        assertThat(store.compareAndSetStatus(instance, InstanceStatus.NEEDS_REAUTH, InstanceStatus.CONNECTED)).isTrue();
        Thread.sleep(500); // the worker's registry cache (200 ms) sees CONNECTED
        fixture.sendJson(instance, WorkerFixture.request("forced-connected", instance, "me", "{}"));
        JsonNode stillRefused = fixture.results(Set.of("forced-connected"), Duration.ofSeconds(30)).get("forced-connected");
        assertThat(stillRefused.at("/error/code").asText()).as(stillRefused.toString()).isEqualTo("NEEDS_REAUTH");
        assertThat(server.tokenCalls()).as("no refresh is tried for a credential marked by invalid_grant").isEqualTo(tokenCalls);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(events().stream()
                .filter(e -> e.get("type").asText().equals(AuthEvents.AUTH_FAILED)).map(e -> e.get("integrationInstanceId").asText()).toList())
                .containsExactlyInAnyOrderElementsOf(instances));
        assertNoTokenLeaked();
    }

    @Test
    void clientCredentialsTokensAreFetchedOnceAndCached() {
        String definition = """
                name: machine
                version: 1.0.0
                status: PUBLISHED
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                auth: { type: oauth2_client_credentials, oauth2: { tokenUrl: "%s/token", scopes: [jobs], clientAuth: client_secret_post } }
                methods:
                  - name: me
                    http: { method: GET, path: /api/me }
                    idempotent: true
                """.formatted(server.url(), server.url());
        server.accessTokenSeconds(3600);
        fixture.seed(definition, "machine-1", Map.of(), new Credential.ClientCredentials("machine-client", "the-client",
                Secret.of(CLIENT_SECRET)).pinnedTo(Set.of("127.0.0.1")));
        workers.add(fixture.startWorker(Map.of("events.format", "json")));
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            ids.add("cc-" + i);
            fixture.sendJson("machine-1", WorkerFixture.request("cc-" + i, "machine-1", "me", "{}"));
        }
        Map<String, JsonNode> results = fixture.results(ids, Duration.ofSeconds(60));

        assertThat(results).hasSize(20);
        assertThat(results.values()).allSatisfy(r -> assertThat(r.get("status").asText()).as(r.toString()).isEqualTo("SUCCESS"));
        assertThat(server.clientCredentialGrants()).isEqualTo(1);
        assertNoTokenLeaked();
    }

    private List<JsonNode> events() {
        return fixture.read(fixture.topics.events(), Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .map(r -> WorkerFixture.json(r.value())).toList();
    }

    /** No issued token and not the client secret in any log line (DEBUG), topic, or outside the sealed fields of MongoDB. */
    private void assertNoTokenLeaked() {
        StringBuilder everything = new StringBuilder();
        assertThat(logs.lines()).as("log lines captured").isNotEmpty();
        logs.lines().forEach(everything::append);
        for (String topic : List.of(fixture.topics.results(), fixture.topics.events(), fixture.topics.deadLetter())) {
            fixture.read(topic, Integer.MAX_VALUE, Duration.ofSeconds(2)).forEach(r -> everything.append(new String(r.value(), StandardCharsets.UTF_8)));
        }
        for (String name : fixture.db.listCollectionNames()) {
            for (Document doc : fixture.db.getCollection(name).find()) {
                everything.append(doc.toJson());
            }
        }
        String all = everything.toString();
        Set<String> secrets = new HashSet<>(server.issuedTokens());
        secrets.add(CLIENT_SECRET);
        assertThat(secrets.stream().filter(all::contains).toList()).as("secrets found in topics or MongoDB").isEmpty();
    }
}
