package io.integration.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.integration.embedded.DemoApi;
import io.integration.embedded.LogCapture;
import io.integration.registry.credentials.Credential;
import io.integration.registry.secret.Secret;
import io.integration.worker.app.WorkerApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * After traffic of every kind (successes, retried failures, an opened circuit, a deferral, a poison record), a scrape
 * of the worker's /metrics shows every metric docs/operations.md lists, non-zero where that traffic happened.
 */
class MetricsIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final WorkerFixture fixture = new WorkerFixture("metrics");
    private final DemoApi demo = DemoApi.start(0, "metrics-key");
    private WorkerApp worker;
    private LogCapture logs;

    @AfterEach
    void close() {
        if (logs != null) {
            logs.close();
        }
        if (worker != null) {
            worker.close();
        }
        demo.close();
        fixture.close();
    }

    @Test
    void aScrapeShowsEveryDocumentedMetricWithTheTrafficInIt() throws Exception {
        fixture.seed("""
                name: ops
                version: 1.0.0
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                auth: { type: api_key, apiKey: { in: header, name: X-Api-Key } }
                methods:
                  - name: user
                    http: { method: GET, path: "/v1/users/{params.id}" }
                    idempotent: true
                  - name: broken
                    http: { method: GET, path: /v1/status/503 }
                    idempotent: true
                    retry: { maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 10ms }
                    circuitBreaker: { slidingWindow: 2, minimumCalls: 2, failureRateThreshold: 50, openFor: 60s }
                  - name: limited
                    http: { method: GET, path: /v1/me }
                    rateLimit: { limit: 1, per: 60s }
                  - name: flaky
                    http: { method: GET, path: /v1/status/502 }
                    idempotent: true
                    retry: { maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 10ms }
                """.formatted(demo.url()), "ops-1", Map.of(), new Credential.ApiKey("ops-key", Secret.of("metrics-key")));
        logs = LogCapture.start();
        worker = fixture.startWorker(Map.of("ops.port", "0", "worker.max.hold", "200ms"));

        for (int i = 0; i < 5; i++) {
            fixture.sendJson("ops-1", WorkerFixture.request("u-" + i, "ops-1", "user", "{\"id\":\"" + i + "\"}"));
        }
        for (int i = 0; i < 2; i++) {
            fixture.sendJson("ops-1", WorkerFixture.request("b-" + i, "ops-1", "broken", "{}"));
        }
        fixture.sendJson("ops-1", WorkerFixture.request("f-1", "ops-1", "flaky", "{}"));
        fixture.sendJson("ops-1", WorkerFixture.request("l-1", "ops-1", "limited", "{}"));
        fixture.sendJson("ops-1", WorkerFixture.request("l-2", "ops-1", "limited", "{}"));
        fixture.send(fixture.topics.requests(), "ops-1".getBytes(StandardCharsets.UTF_8), "not a request".getBytes(StandardCharsets.UTF_8));
        // The broken calls open their circuit and wait in the retry topic (deferrals), as one of l-1, l-2 waits for the rate limit.
        fixture.results(java.util.Set.of("u-0", "u-1", "u-2", "u-3", "u-4", "f-1"), Duration.ofSeconds(60));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String scrape = scrape();
            assertThat(value(scrape, "integration_requests_seconds_count", "method=\"user\"", "outcome=\"SUCCESS\"")).isEqualTo(5);
            assertThat(value(scrape, "integration_requests_seconds_count", "method=\"flaky\"", "outcome=\"UPSTREAM_ERROR\"")).isEqualTo(1);
            assertThat(value(scrape, "integration_attempts_total", "method=\"flaky\"")).as("retried once").isEqualTo(2);
            assertThat(value(scrape, "integration_external_calls_seconds_count", "status=\"2xx\"")).isPositive();
            assertThat(value(scrape, "integration_external_calls_seconds_count", "status=\"5xx\"")).isPositive();
            assertThat(value(scrape, "integration_circuit_open", "integration_instance=\"ops-1\"", "method=\"broken\"")).isEqualTo(1);
            assertThat(value(scrape, "integration_deferrals_total", "method=\"limited\"")).isPositive();
            assertThat(value(scrape, "integration_deferrals_total", "method=\"broken\"")).isPositive();
            assertThat(value(scrape, "integration_records_published_total", "output=\"result\"")).isGreaterThanOrEqualTo(6);
            assertThat(value(scrape, "integration_records_published_total", "output=\"event\"")).isPositive();
            assertThat(value(scrape, "integration_records_published_total", "output=\"dead_letter\"")).isEqualTo(1);
            assertThat(value(scrape, "integration_records_published_total", "output=\"retry\"")).isPositive();
            assertThat(value(scrape, "integration_registry_cache_total", "cache=\"instances\"", "result=\"hit\"")).isPositive();
            assertThat(value(scrape, "integration_registry_cache_total", "cache=\"definitions\"", "result=\"miss\"")).isPositive();
            assertThat(scrape).as("virtual-thread binder").contains("jvm_threads_virtual");
            assertThat(scrape).doesNotContain("u-0").doesNotContain("metrics-key").doesNotContain(demo.url());
            for (String name : OperatorFiles.documentedMetrics()) {
                assertThat(scrape).as("the documented metric " + name).containsPattern("(?m)^" + Pattern.quote(name));
            }
            for (String name : OperatorFiles.dashboardMetrics()) {
                assertThat(scrape).as("the Grafana dashboard's metric " + name).containsPattern("(?m)^" + Pattern.quote(name) + "[{ ]");
            }
        });
        // And the log lines of a request's work name it (JSON logs put this context in "mdc").
        logs.close();
        assertThat(logs.linesWithContext()).anySatisfy(line -> assertThat(line)
                .matches("\\{instanceId=ops-1, requestId=(l-[12])} Request \\1 deferred to .*"));
    }

    private String scrape() throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.opsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The sum of the samples of {@code name} whose labels contain every one of {@code labels}. */
    private static double value(String scrape, String name, String... labels) {
        double sum = 0;
        for (String line : scrape.lines().toList()) {
            if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }
}
