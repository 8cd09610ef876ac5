package io.integration.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integration.api.ApiConfig;
import io.integration.api.ManagementApi;
import io.integration.embedded.DemoApi;
import io.integration.embedded.Infrastructure;
import io.integration.worker.app.WorkerApp;
import io.integration.worker.config.WorkerConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as a user runs it, against a real management API, MongoDB wire server, Kafka broker and worker.
 */
class CliIT {

    private static final String MASTER_KEY = io.integration.registry.credentials.MasterKey.generate();
    private static final String ADMIN = "ist_cli-test-" + UUID.randomUUID();
    private static final String DATABASE = "cli-" + UUID.randomUUID();
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final String REQUESTS = "cli.requests." + SUFFIX;
    private static final String RESULTS = "cli.results." + SUFFIX;

    private static final Infrastructure infra = Infrastructure.shared();
    private static ManagementApi api;
    private static DemoApi demo;

    /** The plugins folder of this test's API and worker: the example jsonrpc plugin's jar, copied as an operator would. */
    private static Path plugins;

    @BeforeAll
    static void start() throws java.io.IOException {
        plugins = Files.createTempDirectory("cli-plugins");
        Files.copy(Path.of(System.getProperty("plugin.jars", "target/plugin-jars"), "jsonrpc-adapter.jar"), plugins.resolve("jsonrpc-adapter.jar"));
        api = ManagementApi.start(new ApiConfig(infra.mongoUri(), DATABASE, "127.0.0.1", 0, ADMIN, null,
                io.integration.registry.secret.Secret.of(MASTER_KEY), null, true).withPluginsDir(plugins), Clock.systemUTC());
        demo = DemoApi.start(0, "demo-key");
    }

    @AfterAll
    static void stop() {
        api.close();
        demo.close();
    }

    private static CliRun cli(String... args) {
        return CliRun.of(api.port(), ADMIN, args);
    }

    @Test
    void applyingTheCatalogueTwiceChangesNothingTheSecondTimeAndSaysSo() {
        CliRun first = cli("apply", "-f", "../catalogue");
        assertThat(first.exit()).as(first.out() + first.err()).isZero();
        assertThat(first.out()).contains("github@1.0.0", "slack@", "stripe@", "hubspot@", "google-sheets@", "jira@")
                .doesNotContain("README").doesNotContain("stubs");
        assertThat(first.out().lines().filter(l -> l.contains("CREATED")).count()).isEqualTo(6);

        CliRun second = cli("apply", "-f", "../catalogue");

        assertThat(second.exit()).isZero();
        assertThat(second.out()).contains("Nothing changed: all 6 definition(s) already applied.").doesNotContain("CREATED");
        CliRun listed = cli("definitions", "list", "--auth-type", "oauth2");
        assertThat(listed.out()).contains("github").contains("PUBLISHED");
    }

    @Test
    void exitCodesTellRefusedFromDeniedFromUnreachable(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "name: bad\nversion: 1.0.0\nadapter: { type: nope }\nmethods: [{ name: m, http: { method: GET, path: / } }]\n");

        CliRun refused = cli("apply", "-f", bad.toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.out()).contains("REFUSED").contains("VALIDATION_FAILED");

        StringWriter err = new StringWriter();
        int denied = Cli.run(new PrintWriter(new StringWriter()), new PrintWriter(err, true), "--api-url",
                "http://127.0.0.1:" + api.port(), "--token", "ist_wrong", "definitions", "list");
        assertThat(denied).isEqualTo(ExitCodes.DENIED);
        assertThat(err.toString()).contains("UNAUTHENTICATED");

        int unreachable = Cli.run(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()), "--api-url",
                "http://127.0.0.1:1", "--token", ADMIN, "definitions", "list");
        assertThat(unreachable).isEqualTo(ExitCodes.UNAVAILABLE);
        assertThat(cli("instances", "show", "nobody").exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(cli("definitions", "frobnicate").exit()).isEqualTo(ExitCodes.USAGE);
    }

    @Test
    void anOAuthAccountIsConnectedFromTheCommandLine(@TempDir Path dir) throws Exception {
        String secret = "cli-client-secret-" + UUID.randomUUID();
        try (io.integration.embedded.DemoAuthorizationServer server = io.integration.embedded.DemoAuthorizationServer.start("cli-client",
                secret, java.util.Set.of("http://localhost:" + api.port() + "/oauth/callback"), 3600)) {
            Path definition = dir.resolve("provider.yaml");
            Files.writeString(definition, """
                    name: cli-provider
                    version: 1.0.0
                    adapter: { type: http }
                    baseUrl: %s
                    allowedHosts: [127.0.0.1]
                    auth: { type: oauth2, oauth2: { issuer: "%s", scopes: [profile] } }
                    methods:
                      - name: me
                        http: { method: GET, path: /api/me }
                    """.formatted(server.url(), server.issuer()));
            assertThat(cli("apply", "-f", definition.toString()).exit()).isZero();
            System.setIn(new java.io.ByteArrayInputStream((secret + "\n").getBytes()));
            assertThat(cli("credentials", "set", "cli-acct", "--type", "oauth2", "--client-id", "cli-client", "--host", "127.0.0.1").exit()).isZero();
            assertThat(cli("instances", "create", "cli-crm", "--definition", "cli-provider", "--credential", "cli-acct").out())
                    .contains("PENDING_AUTH");

            CliRun connect = cli("instances", "connect", "cli-crm", "-o", "json");
            assertThat(connect.exit()).as(connect.err()).isZero();
            String url = new com.fasterxml.jackson.databind.ObjectMapper().readTree(connect.out()).get("authorizationUrl").asText();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            String callback = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).headers().firstValue("Location").orElseThrow();
            assertThat(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(callback.replace("localhost", "127.0.0.1"))).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            CliRun shown = cli("credentials", "show", "cli-acct");
            assertThat(shown.exit()).isZero();
            assertThat(shown.out()).contains("connected").contains("true").contains("profile").doesNotContain(secret);
            assertThat(cli("instances", "show", "cli-crm").out()).contains("CONNECTED");
            assertThat(cli("credentials", "set", "x", "--type", "oauth2", "--host", "h.example.com").exit()).isEqualTo(ExitCodes.USAGE);
        }
    }

    @Test
    void requestSendProducesARequestAndPrintsItsResult(@TempDir Path dir) throws Exception {
        // Given: the demo definition, a credential and an instance, all through the CLI; and a worker
        Path definition = dir.resolve("demo.yaml");
        Files.writeString(definition, """
                name: demo
                version: 1.0.0
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                auth: { type: api_key, apiKey: { in: header, name: X-Api-Key } }
                testMethod: whoAmI
                methods:
                  - name: whoAmI
                    http: { method: GET, path: /v1/me }
                  - name: getUser
                    http: { method: GET, path: "/v1/users/{params.id}" }
                    idempotent: true
                """.formatted(demo.url()));
        assertThat(cli("apply", "-f", definition.toString()).exit()).isZero();
        System.setIn(new java.io.ByteArrayInputStream("demo-key\n".getBytes()));
        assertThat(cli("credentials", "set", "demo-cred", "--type", "api_key", "--host", "127.0.0.1").exit()).isZero();
        CliRun created = cli("instances", "create", "demo", "--definition", "demo", "--version", "^1", "--credential", "demo-cred");
        assertThat(created.exit()).as(created.err()).isZero();
        assertThat(created.out()).contains("CONNECTED");
        assertThat(cli("instances", "test", "demo").out()).contains("ok:").contains("true");

        infra.createTopics(3, List.of(REQUESTS, RESULTS, "cli.events." + SUFFIX, "cli.dlt." + SUFFIX, "cli.retry." + SUFFIX));
        Map<String, String> settings = TestWorker.settings(infra, DATABASE, "cli-" + SUFFIX, List.of(REQUESTS, RESULTS,
                "cli.events." + SUFFIX, "cli.dlt." + SUFFIX, "cli.retry." + SUFFIX), MASTER_KEY);
        settings.put("registry.cache.ttl", "1s");
        try (WorkerApp worker = WorkerApp.start(WorkerConfig.from(settings), Clock.systemUTC())) {
            String[] kafka = {"--bootstrap-servers", infra.bootstrapServers(), "--requests-topic", REQUESTS, "--results-topic", RESULTS,
                    "--wait", "60s"};

            // When
            CliRun ok = cli(concat(new String[] {"request", "send", "--instance", "demo", "--method", "getUser", "--params", "{\"id\":\"42\"}"}, kafka));
            CliRun failed = cli(concat(new String[] {"request", "send", "--instance", "demo", "--method", "nope"}, kafka));
            CliRun json = cli(concat(new String[] {"-o", "json", "request", "send", "--instance", "demo", "--method", "getUser",
                    "--params", "{\"id\":\"7\"}"}, kafka));

            // Then
            assertThat(ok.exit()).as(ok.out() + ok.err()).isZero();
            assertThat(ok.out()).contains("SUCCESS").contains("User 42");
            assertThat(failed.exit()).isEqualTo(ExitCodes.RESULT_ERROR);
            assertThat(failed.out()).contains("METHOD_NOT_FOUND");
            assertThat(json.exit()).isZero();
            assertThat(ApiClient.JSON.readTree(json.out()).get("status").asText()).isEqualTo("SUCCESS");

            // And: the worker notes the use (batched, every 5 s), and sees a disabled instance within its cache TTL (1 s)
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(cli("instances", "show", "demo").out()).contains("lastUsedAt:"));
            assertThat(cli("instances", "disable", "demo").out()).contains("DISABLED");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                CliRun disabled = cli(concat(new String[] {"request", "send", "--instance", "demo", "--method", "getUser", "--params", "{\"id\":\"1\"}"}, kafka));
                assertThat(disabled.exit()).isEqualTo(ExitCodes.RESULT_ERROR);
                assertThat(disabled.out()).contains("EXECUTION_ERROR").contains("DISABLED");
            });
        }
    }

    @Test
    void aPluginDroppedIntoThePluginsFolderIsListedCheckedAtPublishAndServesRequests(@TempDir Path dir) throws Exception {
        // Given: the plugin's adapter as the API lists it
        CliRun adapters = cli("adapters", "list");
        assertThat(adapters.out()).contains("jsonrpc").contains("0.1.0").contains("plugin jsonrpc-adapter.jar")
                .contains("http").contains("built-in");
        assertThat(cli("adapters", "show", "jsonrpc", "-o", "json").out()).contains("\"bindingSchema\"").contains("\"required\"");

        // And: a definition for it, checked against the schemas the plugin declares
        Path definition = dir.resolve("calculator.yaml");
        String document = """
                name: calculator
                version: 1.0.0
                adapter: { type: jsonrpc, version: "^0.1", config: { path: /v1/rpc } }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                auth: { type: api_key, apiKey: { in: header, name: X-Api-Key } }
                methods:
                  - name: add
                    binding: { method: math.add }
                    paramSchema: { type: object, required: [a, b] }
                  - name: divide
                    binding: { method: math.divide }
                """.formatted(demo.url());
        Files.writeString(definition, document.replace("binding: { method: math.add }", "binding: { procedure: math.add }"));
        CliRun refused = cli("apply", "-f", definition.toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(refused.out()).contains("$.methods[0].binding.method");
        Files.writeString(definition, document);
        assertThat(cli("apply", "-f", definition.toString()).exit()).isZero();
        System.setIn(new java.io.ByteArrayInputStream("demo-key\n".getBytes()));
        assertThat(cli("credentials", "set", "calc-cred", "--type", "api_key", "--host", "127.0.0.1").exit()).isZero();
        assertThat(cli("instances", "create", "calc", "--definition", "calculator", "--credential", "calc-cred").exit()).isZero();

        // When: a worker with the same plugins folder takes requests for it
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> topics = List.of("plugin.requests." + suffix, "plugin.results." + suffix, "plugin.events." + suffix,
                "plugin.dlt." + suffix, "plugin.retry." + suffix);
        infra.createTopics(1, topics);
        Map<String, String> settings = TestWorker.settings(infra, DATABASE, "plugin-" + suffix, topics, MASTER_KEY);
        settings.put("plugins.dir", plugins.toString());
        try (WorkerApp worker = WorkerApp.start(WorkerConfig.from(settings), Clock.systemUTC())) {
            String[] kafka = {"--bootstrap-servers", infra.bootstrapServers(), "--requests-topic", topics.get(0), "--results-topic",
                    topics.get(1), "--wait", "60s"};
            CliRun sum = cli(concat(new String[] {"-o", "json", "request", "send", "--instance", "calc", "--method", "add",
                    "--params", "{\"a\":2,\"b\":40}"}, kafka));
            CliRun unknown = cli(concat(new String[] {"request", "send", "--instance", "calc", "--method", "divide",
                    "--params", "{\"a\":1,\"b\":0}"}, kafka));

            // Then: the plugin served the call, and its protocol's refusal is an error result naming the code
            assertThat(sum.exit()).as(sum.out() + sum.err()).isZero();
            com.fasterxml.jackson.databind.JsonNode result = ApiClient.JSON.readTree(sum.out());
            assertThat(result.get("status").asText()).isEqualTo("SUCCESS");
            assertThat(result.toString()).contains("42");
            assertThat(unknown.exit()).isEqualTo(ExitCodes.RESULT_ERROR);
            assertThat(unknown.out()).contains("UPSTREAM_ERROR").contains("-32601").doesNotContain("demo-key");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
