package io.integration.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.integration.embedded.DemoApi;
import io.integration.embedded.EmbeddedMongo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The management API over real HTTP, on a MongoDB wire server, as an operator or a script uses it. Each test gets its
 * own database (so its own tokens, definitions and audit log).
 */
class ManagementApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String MASTER_KEY = io.integration.registry.credentials.MasterKey.generate();
    private static final String ADMIN = "ist_test-admin-token-" + UUID.randomUUID();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static EmbeddedMongo mongo;
    private static MongoClient client;
    private static DemoApi demo;

    private ManagementApi api;
    private MongoDatabase db;
    private final OAuthFlowIT.MovableClock clock = new OAuthFlowIT.MovableClock();

    @BeforeAll
    static void infrastructure() {
        mongo = EmbeddedMongo.start(0);
        client = MongoClients.create(mongo.connectionString());
        demo = DemoApi.start(0, "right-key");
    }

    @AfterAll
    static void stopInfrastructure() {
        demo.close();
        client.close();
        mongo.close();
    }

    @BeforeEach
    void startApi() {
        String database = "api-" + UUID.randomUUID();
        db = client.getDatabase(database);
        api = ManagementApi.start(new ApiConfig(mongo.connectionString(), database, "127.0.0.1", 0, ADMIN, null, io.integration.registry.secret.Secret.of(MASTER_KEY), null, true), clock);
    }

    @org.junit.jupiter.api.AfterEach
    void stopApi() {
        api.close();
    }

    @Test
    void everyRouteButHealthNeedsAValidTokenAndTheRightScope() throws Exception {
        String reader = token("reader", "read");

        assertThat(call("GET", "/health/live", null, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/health/ready", null, null).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = call("GET", "/definitions", null, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(json(anonymous).get("code").asText()).isEqualTo("UNAUTHENTICATED");
        assertThat(call("GET", "/definitions", "ist_made-up", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/definitions", reader, null).statusCode()).isEqualTo(200);

        HttpResponse<String> forbidden = call("POST", "/definitions/apply", reader, definition("1.0.0", ""));
        assertThat(forbidden.statusCode()).isEqualTo(403);
        assertThat(json(forbidden).get("message").asText()).contains("scope read").contains("needs write");
        assertThat(call("GET", "/tokens", token("writer", "write"), null).statusCode()).isEqualTo(403);
    }

    @Test
    void healthAndRequestStatusNameTheMissingTopologySetting() throws Exception {
        HttpResponse<String> health = call("GET", "/integrations/crm/health", ADMIN, null);
        assertThat(health.statusCode()).isEqualTo(409);
        assertThat(health.body()).contains("TOPOLOGY_UNAVAILABLE").contains("API_TOPOLOGY_URL");
        assertThat(call("GET", "/requests/r-1", ADMIN, null).statusCode()).isEqualTo(409);
    }

    @Test
    void tokensAreStoredOnlyAsHashesAndARevokedTokenStopsWorking() throws Exception {
        HttpResponse<String> created = call("POST", "/tokens", ADMIN, "{\"name\":\"ci\",\"scope\":\"write\"}");
        assertThat(created.statusCode()).isEqualTo(201);
        String raw = json(created).get("token").asText();
        String id = json(created).get("id").asText();
        call("POST", "/definitions/apply", raw, definition("1.0.0", ""));

        assertThat(everythingStored()).doesNotContain(raw).doesNotContain(ADMIN);
        assertThat(call("GET", "/tokens", ADMIN, null).body()).contains(id).doesNotContain(raw);

        assertThat(call("DELETE", "/tokens/" + id, ADMIN, null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/definitions", raw, null).statusCode()).isEqualTo(401);
    }

    @Test
    void aPublishedVersionIsImmutableAndApplyingItAgainChangesNothing() throws Exception {
        HttpResponse<String> draft = call("POST", "/definitions", ADMIN, definition("1.0.0", ""));
        assertThat(draft.statusCode()).as(draft.body()).isEqualTo(201);
        assertThat(json(draft).get("status").asText()).isEqualTo("DRAFT");
        // A draft may still change.
        assertThat(call("POST", "/definitions", ADMIN, definition("1.0.0", "title: Changed draft\n")).statusCode()).isEqualTo(201);
        assertThat(json(call("POST", "/definitions/demo/versions/1.0.0/publish", ADMIN, null)).get("status").asText()).isEqualTo("PUBLISHED");

        HttpResponse<String> changed = call("POST", "/definitions", ADMIN, definition("1.0.0", "title: Sneaky edit\n"));
        assertThat(changed.statusCode()).isEqualTo(409);
        assertThat(json(changed).get("code").asText()).isEqualTo("VERSION_IMMUTABLE");
        assertThat(call("POST", "/definitions/apply", ADMIN, definition("1.0.0", "title: Sneaky edit\n")).statusCode()).isEqualTo(409);

        HttpResponse<String> again = call("POST", "/definitions/apply", ADMIN, definition("1.0.0", "title: Changed draft\n"));
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(json(again).get("outcome").asText()).isEqualTo("UNCHANGED");
        assertThat(json(call("GET", "/definitions/demo/versions/1.0.0", ADMIN, null)).at("/document/title").asText()).isEqualTo("Changed draft");
    }

    @Test
    void anInvalidDefinitionIsRefusedWithEveryProblemAndItsPath() throws Exception {
        String bad = """
                name: broken
                version: 1.0.0
                adapter: { type: soap }
                baseUrl: not a url
                testMethod: ping
                defaults: { retry: { maxAttempts: 0 } }
                methods:
                  - name: a
                    http: { method: GET, path: /a }
                    circuitBreaker: { failureRateThreshold: 150 }
                    paramSchema: { type: 5 }
                  - name: b
                    http: { method: GET, path: /b }
                    requestTransform: "{ 'unclosed': "
                    cache: { ttl: 10s }
                """;

        HttpResponse<String> refused = call("POST", "/definitions/apply", ADMIN, bad);

        assertThat(refused.statusCode()).isEqualTo(400);
        JsonNode body = json(refused);
        assertThat(body.get("code").asText()).isEqualTo("VALIDATION_FAILED");
        List<String> paths = new ArrayList<>();
        body.at("/details/problems").forEach(p -> paths.add(p.get("path").asText()));
        assertThat(paths).contains("$.defaults.retry.maxAttempts", "$.methods[0].circuitBreaker.failureRateThreshold",
                "$.adapter.type", "$.baseUrl", "$.testMethod", "$.methods[0].paramSchema.type", "$.methods[1].requestTransform",
                "$.methods[1].cache");
        assertThat(call("GET", "/definitions/broken/versions", ADMIN, null).statusCode()).isEqualTo(404);

        HttpResponse<String> schemaErrors = call("POST", "/definitions/apply", ADMIN, "name: x\nversion: one\nmethods: []\n");
        assertThat(schemaErrors.statusCode()).isEqualTo(400);
        assertThat(json(schemaErrors).at("/details/problems")).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void retiringAVersionAnInstanceStillUsesIsRefusedWithTheInstances() throws Exception {
        call("POST", "/definitions/apply", ADMIN, definition("1.0.0", ""));
        call("POST", "/definitions/apply", ADMIN, definition("1.1.0", ""));
        call("PUT", "/credentials/demo-key", ADMIN, "{\"hosts\":[\"127.0.0.1\"],\"type\":\"api_key\",\"key\":\"right-key\"}");
        assertThat(call("POST", "/instances", ADMIN, instance("pinned", "1.0.0")).statusCode()).isEqualTo(201);
        assertThat(call("POST", "/instances", ADMIN, instance("ranged", "^1")).statusCode()).isEqualTo(201);

        HttpResponse<String> refused = call("POST", "/definitions/demo/versions/1.0.0/retire", ADMIN, null);
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(json(refused).get("code").asText()).isEqualTo("VERSION_IN_USE");
        assertThat(json(refused).at("/details/instances").toString()).isEqualTo("[\"pinned\"]");
        HttpResponse<String> latest = call("POST", "/definitions/demo/versions/1.1.0/retire", ADMIN, null);
        assertThat(json(latest).at("/details/instances").toString()).isEqualTo("[\"ranged\"]");

        call("POST", "/instances/pinned/disable", ADMIN, null);
        assertThat(json(call("POST", "/definitions/demo/versions/1.0.0/retire", ADMIN, null)).get("status").asText()).isEqualTo("RETIRED");
    }

    @Test
    void anInstanceIsCheckedAgainstItsDefinitionAndItsConnectionCanBeTested() throws Exception {
        call("POST", "/definitions/apply", ADMIN, definition("1.0.0", """
                instanceConfigSchema:
                  type: object
                  required: [region]
                  properties: { region: { enum: [eu, us] } }
                """));
        call("PUT", "/credentials/good", ADMIN, "{\"hosts\":[\"127.0.0.1\"],\"type\":\"api_key\",\"key\":\"right-key\"}");
        HttpResponse<String> bad = call("POST", "/instances", ADMIN,
                "{\"id\":\"x\",\"definition\":\"demo\",\"definitionVersion\":\"^2\",\"credentialId\":\"nope\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("$.definitionVersion").contains("$.credentialId");
        HttpResponse<String> badConfig = call("POST", "/instances", ADMIN,
                "{\"id\":\"x\",\"definition\":\"demo\",\"config\":{\"region\":\"mars\"},\"credentialId\":\"good\"}");
        assertThat(badConfig.statusCode()).isEqualTo(400);
        assertThat(badConfig.body()).contains("$.config.region");

        HttpResponse<String> created = call("POST", "/instances", ADMIN,
                "{\"id\":\"acme\",\"tenant\":\"acme\",\"definition\":\"demo\",\"config\":{\"region\":\"eu\"},\"credentialId\":\"good\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created).get("status").asText()).isEqualTo("CONNECTED");
        JsonNode test = json(call("POST", "/instances/acme/test", ADMIN, null));
        assertThat(test.get("ok").asBoolean()).as(test.toString()).isTrue();

        call("PUT", "/credentials/good", ADMIN, "{\"hosts\":[\"127.0.0.1\"],\"type\":\"api_key\",\"key\":\"revoked-key\"}");
        JsonNode failed = json(call("POST", "/instances/acme/test", ADMIN, null));
        assertThat(failed.get("ok").asBoolean()).isFalse();
        assertThat(failed.get("errorCode").asText()).isEqualTo("AUTH_FAILED");
        assertThat(json(call("GET", "/instances/acme", ADMIN, null)).get("status").asText()).isEqualTo("AUTH_ERROR");
    }

    @Test
    void everyManagementActionIsAuditedWithoutItsSecrets() throws Exception {
        String writer = token("writer", "write");
        call("PUT", "/credentials/secret-holder", writer, "{\"hosts\":[\"127.0.0.1\"],\"type\":\"api_key\",\"key\":\"sk_live_do_not_log\"}");
        call("POST", "/definitions/apply", writer, definition("1.0.0", ""));
        call("POST", "/tokens", writer, "{\"name\":\"escalate\",\"scope\":\"admin\"}"); // refused: 403, still audited

        JsonNode audit = json(call("GET", "/audit", ADMIN, null));
        List<String> actions = new ArrayList<>();
        audit.get("items").forEach(e -> actions.add(e.get("action").asText() + " " + e.get("status").asInt()));
        assertThat(actions).contains("credentials.put 201", "definitions.apply 201", "tokens.create 403", "tokens.create 201");
        call("POST", "/definitions/apply", null, definition("9.0.0", ""));
        assertThat(json(call("GET", "/audit", ADMIN, null)).get("total").asInt()).as("anonymous calls are not audited")
                .isEqualTo(audit.get("total").asInt());
        assertThat(audit.get("items").get(0).get("actor").asText()).startsWith("tok_");
        assertThat(stored("audit")).contains("credentials.put").doesNotContain(writer);
        assertThat(everythingStored()).as("sealed: no collection holds the key").doesNotContain("sk_live_do_not_log");
        assertThat(call("GET", "/audit", writer, null).statusCode()).isEqualTo(403);
    }

    @Test
    void theOpenApiDocumentListsEveryRouteTheServerAnswersAndNothingElse() throws Exception {
        JsonNode doc = json(call("GET", "/openapi.json", ADMIN, null));
        Set<String> documented = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey()));
        }
        assertThat(documented).contains("GET /health/live", "POST /definitions/apply", "POST /instances/{id}/test", "GET /audit",
                "GET /metrics", "GET /openapi.json", "DELETE /tokens/{id}");

        for (String route : documented) {
            String[] parts = route.split(" ");
            String path = parts[1].replaceAll("\\{[^}]+}", "zz");
            HttpResponse<String> answer = call(parts[0], path, ADMIN, parts[0].equals("GET") || parts[0].equals("DELETE") ? null : "{}");
            assertThat(answer.body()).as(route).doesNotContain("\"no route");
        }
        HttpResponse<String> unknown = call("GET", "/no/such/route", ADMIN, null);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(json(unknown).get("code").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aBodyOverOneMebibyteIsRefusedWith413AndListsArePaged() throws Exception {
        String huge = "name: x\n# " + "y".repeat(1024 * 1024) + "\n";
        HttpResponse<String> tooLarge = call("POST", "/definitions/apply", ADMIN, huge);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).get("code").asText()).isEqualTo("PAYLOAD_TOO_LARGE");

        for (String name : List.of("alpha", "beta", "gamma")) {
            call("POST", "/definitions/apply", ADMIN, definition("1.0.0", "").replace("name: demo", "name: " + name));
        }
        JsonNode first = json(call("GET", "/definitions?limit=2", ADMIN, null));
        assertThat(first.get("items")).hasSize(2);
        assertThat(first.get("total").asInt()).isEqualTo(3);
        JsonNode second = json(call("GET", "/definitions?limit=2&offset=" + first.get("nextOffset").asInt(), ADMIN, null));
        assertThat(second.get("items")).hasSize(1);
        assertThat(second.has("nextOffset")).isFalse();
        assertThat(call("GET", "/definitions?limit=0", ADMIN, null).statusCode()).isEqualTo(400);
        assertThat(json(call("GET", "/definitions?q=GAM", ADMIN, null)).get("total").asInt()).isEqualTo(1);
    }

    @Test
    void brokenBodiesAre400sThatNeverEchoTheirContent() throws Exception {
        HttpResponse<String> unquoted = call("PUT", "/credentials/x", ADMIN, "{\"hosts\":[\"127.0.0.1\"],\"type\":\"api_key\",\"key\":sk_live_unquoted}");
        assertThat(unquoted.statusCode()).isEqualTo(400);
        assertThat(unquoted.body()).contains("line 1").doesNotContain("sk_live_unquoted");

        HttpResponse<String> twoDocuments = call("POST", "/definitions/apply", ADMIN, definition("1.0.0", "") + "---\n" + definition("2.0.0", ""));
        assertThat(twoDocuments.statusCode()).isEqualTo(400);
        assertThat(twoDocuments.body()).contains("more than one document");

        call("POST", "/definitions/apply", ADMIN, definition("1.0.0", ""));
        HttpResponse<String> huge = call("POST", "/instances", ADMIN,
                "{\"id\":\"n\",\"definition\":\"demo\",\"config\":{\"n\":123456789012345678901234567890}}");
        assertThat(huge.statusCode()).isEqualTo(400);
        assertThat(huge.body()).contains("$.config.n");
        HttpResponse<String> overflow = call("POST", "/definitions/apply", ADMIN,
                definition("3.0.0", "defaults: { retry: { maxAttempts: 4294967297 } }\n"));
        assertThat(overflow.statusCode()).isEqualTo(400);
        assertThat(overflow.body()).contains("$.defaults.retry.maxAttempts");
    }

    @Test
    void anInstanceWhoseVersionWasRetiredCanBeRebound() throws Exception {
        call("POST", "/definitions/apply", ADMIN, definition("1.0.0", ""));
        call("POST", "/definitions/apply", ADMIN, definition("1.1.0", ""));
        call("PUT", "/credentials/demo-key", ADMIN, "{\"hosts\":[\"127.0.0.1\"],\"type\":\"api_key\",\"key\":\"right-key\"}");
        call("POST", "/instances", ADMIN, instance("old", "1.0.0"));
        call("POST", "/instances/old/disable", ADMIN, null);
        call("POST", "/definitions/demo/versions/1.0.0/retire", ADMIN, null);

        HttpResponse<String> enable = call("POST", "/instances/old/enable", ADMIN, null);
        assertThat(enable.statusCode()).isEqualTo(409);
        assertThat(json(enable).get("code").asText()).isEqualTo("DEFINITION_UNAVAILABLE");

        HttpResponse<String> rebound = call("PUT", "/instances/old", ADMIN,
                "{\"definition\":\"demo\",\"definitionVersion\":\"1.1.0\",\"credentialId\":\"demo-key\"}");
        assertThat(rebound.statusCode()).as(rebound.body()).isEqualTo(200);
        assertThat(json(rebound).get("outcome").asText()).isEqualTo("UPDATED");
        assertThat(json(rebound).get("status").asText()).as("a rebind keeps it disabled").isEqualTo("DISABLED");
        assertThat(json(call("POST", "/instances/old/enable", ADMIN, null)).get("status").asText()).isEqualTo("CONNECTED");

        HttpResponse<String> wrongType = call("POST", "/instances", ADMIN,
                "{\"id\":\"b\",\"definition\":\"demo\",\"credentialId\":\"bearer-one\"}");
        assertThat(wrongType.statusCode()).isEqualTo(400);
        call("PUT", "/credentials/bearer-one", ADMIN, "{\"hosts\":[\"127.0.0.1\"],\"type\":\"bearer\",\"token\":\"t\"}");
        assertThat(call("POST", "/instances", ADMIN, "{\"id\":\"b\",\"definition\":\"demo\",\"credentialId\":\"bearer-one\"}").body())
                .contains("is a bearer credential");
    }

    @Test
    void theKeysSealingCredentialsRotateWithoutBreakingAConnection() throws Exception {
        call("POST", "/definitions/apply", ADMIN, definition("1.0.0", ""));
        call("PUT", "/credentials/demo-key", ADMIN, "{\"hosts\":[\"127.0.0.1\"],\"type\":\"api_key\",\"key\":\"right-key\"}");
        call("POST", "/instances", ADMIN, instance("acme", "^1"));
        int oldKey = json(call("GET", "/keys", ADMIN, null)).get("primaryKeyId").asInt();

        int newKey = json(call("POST", "/keys", ADMIN, null)).get("keyId").asInt();
        assertThat(json(call("POST", "/keys/" + newKey + "/promote", ADMIN, null)).get("primaryKeyId").asInt()).isEqualTo(newKey);
        assertThat(call("DELETE", "/keys/" + oldKey, ADMIN, null).statusCode()).as("still sealing a credential").isEqualTo(409);
        assertThat(call("POST", "/keys/rewrap", ADMIN, null).statusCode()).isEqualTo(202);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20))
                .until(() -> !json(call("GET", "/keys", ADMIN, null)).at("/rewrap/running").asBoolean());
        JsonNode keys = json(call("GET", "/keys", ADMIN, null));
        assertThat(keys.at("/rewrap/resealed").asInt()).isEqualTo(1);
        HttpResponse<String> early = call("DELETE", "/keys/" + oldKey, ADMIN, null);
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(json(early).get("code").asText()).isEqualTo("KEY_RECENTLY_PRIMARY");
        clock.offset = io.integration.registry.service.KeyRotation.RETIRE_GRACE;
        assertThat(call("DELETE", "/keys/" + oldKey, ADMIN, null).statusCode()).isEqualTo(200);

        assertThat(json(call("POST", "/instances/acme/test", ADMIN, null)).get("ok").asBoolean()).isTrue();
        assertThat(call("DELETE", "/keys/" + newKey, ADMIN, null).statusCode()).as("the primary").isEqualTo(409);
        assertThat(call("POST", "/keys", token("w", "write"), null).statusCode()).isEqualTo(403);
    }

    @Test
    void aCredentialIsNeverBoundToADefinitionCallingAHostItIsNotPinnedTo() throws Exception {
        String writer = token("writer", "write");
        assertThat(call("PUT", "/credentials/k", writer, "{\"type\":\"api_key\",\"key\":\"real-key\"}").body())
                .contains("$.hosts");
        call("PUT", "/credentials/k", ADMIN, "{\"hosts\":[\"127.0.0.1\"],\"type\":\"api_key\",\"key\":\"real-key\"}");
        String exfiltrate = definition("1.0.0", "").replace("name: demo", "name: exfil")
                .replace("baseUrl: " + demo.url(), "baseUrl: https://collector.attacker.example").replace("allowedHosts: [127.0.0.1]",
                        "allowedHosts: [collector.attacker.example]");
        assertThat(call("POST", "/definitions/apply", writer, exfiltrate).statusCode()).isEqualTo(201);

        HttpResponse<String> bound = call("POST", "/instances", writer, "{\"id\":\"x\",\"definition\":\"exfil\",\"credentialId\":\"k\"}");

        assertThat(bound.statusCode()).isEqualTo(400);
        assertThat(bound.body()).contains("may be sent to [127.0.0.1] only").contains("collector.attacker.example");
    }

    @Test
    void metricsAreExposedForPrometheus() throws Exception {
        call("GET", "/definitions", ADMIN, null);
        HttpResponse<String> metrics = call("GET", "/metrics", ADMIN, null);
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("api_requests_seconds_count{route=\"definitions.list\",status=\"200\"}");
        assertThat(call("GET", "/metrics", null, null).statusCode()).isEqualTo(401);
    }

    private String definition(String version, String extra) {
        return """
                name: demo
                version: %s
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                auth: { type: api_key, apiKey: { in: header, name: X-Api-Key } }
                testMethod: whoAmI
                %smethods:
                  - name: whoAmI
                    http: { method: GET, path: /v1/me }
                    idempotent: true
                """.formatted(version, demo.url(), extra);
    }

    private static String instance(String id, String version) {
        return "{\"id\":\"" + id + "\",\"definition\":\"demo\",\"definitionVersion\":\"" + version + "\",\"credentialId\":\"demo-key\"}";
    }

    private String token(String name, String scope) throws Exception {
        return json(call("POST", "/tokens", ADMIN, "{\"name\":\"" + name + "\",\"scope\":\"" + scope + "\"}")).get("token").asText();
    }

    private String everythingStored() {
        StringBuilder all = new StringBuilder();
        for (String name : db.listCollectionNames()) {
            all.append(stored(name));
        }
        return all.toString();
    }

    private String stored(String collection) {
        StringBuilder all = new StringBuilder();
        for (Document doc : db.getCollection(collection).find()) {
            all.append(doc.toJson()).append('\n');
        }
        return all.toString();
    }

    private HttpResponse<String> call(String method, String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }
}
