package io.integration.worker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.integration.avro.IntegrationEvent;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Retries, their bounds and the circuit breaker, observed from the API's side and in the results. */
class ResilienceIT extends WorkerItSupport {

    private static final Duration WAIT = Duration.ofSeconds(60);




    @Test
    void aRetriableFailureIsRetriedAndTheResultCarriesTheAttemptTrail() {
        fixture.seed("/demo-definition.yaml", api.baseUrl(), "demo", "k");
        api.stubFor(get(urlPathMatching("/v1/users/1")).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(503)).willSetStateTo("recovered"));
        api.stubFor(get(urlPathMatching("/v1/users/1")).inScenario("flaky").whenScenarioStateIs("recovered")
                .willReturn(okJson("{\"name\":\"Ada\"}")));
        worker = fixture.startWorker();

        fixture.sendJson("demo", WorkerFixture.request("r-flaky", "demo", "getUser", "{\"id\":\"1\"}"));

        JsonNode result = fixture.results(Set.of("r-flaky"), WAIT).get("r-flaky");
        assertThat(result.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(result.get("attempts").asInt()).isEqualTo(2);
        assertThat(result.at("/attemptTrail/0/httpStatus").asInt()).isEqualTo(503);
        assertThat(result.at("/attemptTrail/0/outcome").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.at("/attemptTrail/1/outcome").asText()).isEqualTo("OK");
        api.verify(2, getRequestedFor(urlPathMatching("/v1/users/1")));
    }

    @Test
    void a429WithRetryAfterHoldsEveryCallOfThatInstanceUntilThen() {
        fixture.seed("/demo-definition.yaml", api.baseUrl(), "demo", "k");
        api.stubFor(get(urlPathMatching("/v1/users/7")).inScenario("limited").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")).willSetStateTo("open"));
        api.stubFor(get(urlPathMatching("/v1/users/7")).inScenario("limited").whenScenarioStateIs("open")
                .willReturn(okJson("{\"name\":\"Ada\"}")));
        api.stubFor(get(urlPathMatching("/v1/users/8")).willReturn(okJson("{\"name\":\"Bob\"}")));
        worker = fixture.startWorker();

        fixture.sendJson("demo", WorkerFixture.request("r-429", "demo", "getUser", "{\"id\":\"7\"}"));
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !api.getAllServeEvents().isEmpty());
        fixture.sendJson("demo", WorkerFixture.request("r-other", "demo", "getUser", "{\"id\":\"8\"}"));

        Map<String, JsonNode> results = fixture.results(Set.of("r-429", "r-other"), WAIT);
        assertThat(results.values()).allSatisfy(r -> assertThat(r.get("status").asText()).isEqualTo("SUCCESS"));
        List<Long> callTimes = api.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        assertThat(callTimes).hasSize(3);
        assertThat(callTimes.get(1) - callTimes.get(0)).as("ms between the 429 and the next call of the instance").isGreaterThanOrEqualTo(2_900L);
        assertThat(results.get("r-429").at("/attemptTrail/0/waitMs").asLong()).isEqualTo(3000L);
    }

    @Test
    void aRetryAfterLongerThanTheWorkerWaitsDefersTheRequestToTheRetryTopicInsteadOfHoldingIt() {
        fixture.seed("/demo-definition.yaml", api.baseUrl(), "demo", "k");
        api.stubFor(get(urlPathMatching("/v1/users/9")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3600")));
        api.stubFor(get(urlPathMatching("/v1/users/10")).willReturn(okJson("{\"name\":\"Cy\"}")));
        worker = fixture.startWorker(Map.of("worker.max.retry.after", "2h"));
        long sent = System.currentTimeMillis();

        fixture.sendJson("demo", WorkerFixture.request("r-3600", "demo", "getUser", "{\"id\":\"9\"}"));
        List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> deferred = fixture.read(fixture.topics.retry(), 1, WAIT);

        assertThat(deferred).hasSize(1);
        long notBefore = Long.parseLong(new String(deferred.getFirst().headers().lastHeader("integration.not-before").value(),
                java.nio.charset.StandardCharsets.UTF_8));
        assertThat(notBefore - sent).isBetween(3_500_000L, 3_700_000L);
        assertThat(new String(deferred.getFirst().headers().lastHeader("integration.attempts").value(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("1");
        assertThat(new String(deferred.getFirst().value(), java.nio.charset.StandardCharsets.UTF_8)).contains("\"requestId\":\"r-3600\"");
        // Not held: the request's partition moves on and no result is published for it yet
        org.awaitility.Awaitility.await().atMost(WAIT).untilAsserted(() ->
                assertThat(fixture.committed().get(deferred.getFirst().partition())).isNotNull());
        assertThat(fixture.results(Set.of("r-3600"), Duration.ofSeconds(3))).doesNotContainKey("r-3600");
        api.verify(1, getRequestedFor(urlPathMatching("/v1/users/9")));
    }

    @Test
    void aRetryAfterBeyondTheCapEndsAsRateLimitExceededWithTheWaitInsteadOfADeferral() {
        fixture.seed("/demo-definition.yaml", api.baseUrl(), "demo", "k");
        api.stubFor(get(urlPathMatching("/v1/users/12")).willReturn(aResponse().withStatus(429).withHeader("Retry-After", "86400")));
        worker = fixture.startWorker();

        fixture.sendJson("demo", WorkerFixture.request("r-day", "demo", "getUser", "{\"id\":\"12\"}"));

        JsonNode result = fixture.results(Set.of("r-day"), WAIT).get("r-day");
        assertThat(result.get("status").asText()).isEqualTo("ERROR");
        assertThat(result.at("/error/code").asText()).isEqualTo("RATE_LIMIT_EXCEEDED");
        assertThat(result.at("/error/retryAfterMs").asLong()).isEqualTo(86_400_000L);
        assertThat(result.at("/error/retryable").asBoolean()).isTrue();
        assertThat(result.at("/error/message").asText()).contains("worker.max.retry.after");
        assertThat(fixture.read(fixture.topics.retry(), 1, Duration.ofSeconds(2))).as("not deferred").isEmpty();
        api.verify(1, getRequestedFor(urlPathMatching("/v1/users/12")));
    }

    @Test
    void aDeferredRequestComesBackWhenDueAndKeepsItsAttemptCount() {
        fixture.seed("/demo-definition.yaml", api.baseUrl(), "demo", "k");
        api.stubFor(get(urlPathMatching("/v1/users/11")).inScenario("later").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "3")).willSetStateTo("ready"));
        api.stubFor(get(urlPathMatching("/v1/users/11")).inScenario("later").whenScenarioStateIs("ready")
                .willReturn(okJson("{\"name\":\"Di\"}")));
        worker = fixture.startWorker(Map.of("worker.max.hold", "1s"));

        fixture.sendJson("demo", WorkerFixture.request("r-later", "demo", "getUser", "{\"id\":\"11\"}"));

        JsonNode result = fixture.results(Set.of("r-later"), WAIT).get("r-later");
        assertThat(result.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(result.get("attempts").asInt()).isEqualTo(2);
        assertThat(fixture.read(fixture.topics.retry(), 1, WAIT)).hasSize(1);
        List<Long> callTimes = api.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        assertThat(callTimes.get(1) - callTimes.get(0)).isGreaterThanOrEqualTo(2_900L);
    }

    @Test
    void withHalfTheCallsFailingWith503AttemptsStayWithinTheMaximumAndClientErrorsAreTriedOnce() {
        fixture.seed("/tolerant-definition.yaml", api.baseUrl(), "tolerant", "k");
        api.stubFor(get(urlPathMatching("/v1/users/10[0-9]")).willReturn(aResponse().withStatus(503)));
        api.stubFor(get(urlPathMatching("/v1/users/2[0-9][0-9]")).willReturn(okJson("{\"name\":\"Ada\"}")));
        api.stubFor(get(urlPathMatching("/v1/users/400")).willReturn(aResponse().withStatus(400)));
        api.stubFor(get(urlPathMatching("/v1/users/404")).willReturn(aResponse().withStatus(404)));
        api.stubFor(post("/v1/notes").willReturn(aResponse().withStatus(422).withBody("{\"error\":\"bad\"}")));
        worker = fixture.startWorker();
        // 10 requests failing every time (3 calls each, maxAttempts) and 30 succeeding at once: half of all calls fail.
        Map<String, String> userIds = new java.util.HashMap<>();
        IntStream.range(0, 10).forEach(i -> userIds.put("r-down-" + i, "10" + i));
        IntStream.range(0, 30).forEach(i -> userIds.put("r-up-" + i, String.valueOf(200 + i)));
        userIds.put("r-400", "400");
        userIds.put("r-404", "404");
        userIds.forEach((id, user) -> fixture.sendJson("tolerant", WorkerFixture.request(id, "tolerant", "getUser", "{\"id\":\"" + user + "\"}")));
        fixture.sendJson("tolerant", WorkerFixture.request("r-422", "tolerant", "createNote", "{\"text\":\"x\"}"));

        Set<String> ids = new java.util.HashSet<>(userIds.keySet());
        ids.add("r-422");
        Map<String, JsonNode> results = fixture.results(ids, WAIT);

        assertThat(results.values()).allSatisfy(r -> assertThat(r.get("attempts").asInt()).isBetween(1, 3));
        IntStream.range(0, 10).forEach(i -> {
            assertThat(results.get("r-down-" + i).get("attempts").asInt()).isEqualTo(3);
            assertThat(results.get("r-down-" + i).at("/error/code").asText()).isEqualTo("UPSTREAM_ERROR");
            api.verify(3, getRequestedFor(urlPathMatching("/v1/users/10" + i)));
        });
        IntStream.range(0, 30).forEach(i -> assertThat(results.get("r-up-" + i).get("status").asText()).isEqualTo("SUCCESS"));
        for (String once : List.of("r-400", "r-404", "r-422")) {
            assertThat(results.get(once).get("attempts").asInt()).as(once).isEqualTo(1);
            assertThat(results.get(once).at("/error/retryable").asBoolean()).as(once).isFalse();
        }
        api.verify(1, getRequestedFor(urlPathMatching("/v1/users/400")));
        api.verify(1, getRequestedFor(urlPathMatching("/v1/users/404")));
        api.verify(1, postRequestedFor(urlPathMatching("/v1/notes")));
        long failed = api.getAllServeEvents().stream().filter(e -> e.getResponse().getStatus() == 503).count();
        assertThat(failed).isEqualTo(30);
    }

    @Test
    void anInstanceFailingEveryCallOpensItsCircuitAndWhileOpenTheApiSeesOnlyHalfOpenProbes() {
        fixture.seed("/breaker-definition.yaml", api.baseUrl(), "fragile-1", "k");
        api.stubFor(get("/v1/ping").willReturn(aResponse().withStatus(503)));
        worker = fixture.startWorker();
        Set<String> ids = IntStream.range(0, 20).mapToObj(i -> "ping-%02d".formatted(i)).collect(Collectors.toSet());
        long deadline = System.currentTimeMillis() + 9_000;

        // Ordered on one key so that the calls happen one after another and the breaker sees them in turn
        ids.stream().sorted().forEach(id -> fixture.sendJson("fragile-1", "{\"requestId\":\"" + id
                + "\",\"integrationInstanceId\":\"fragile-1\",\"methodName\":\"ping\",\"orderingKey\":\"one\",\"deadline\":" + deadline + "}"));

        Map<String, JsonNode> results = fixture.results(ids, WAIT);
        List<Long> calls = api.getAllServeEvents().stream().map(e -> e.getRequest().getLoggedDate().getTime()).sorted().toList();
        // Ordered requests waiting out the open circuit keep their order: the probes come from the chain's head, in turn.
        List<String> callOrder = api.getAllServeEvents().stream()
                .sorted(java.util.Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .map(e -> e.getRequest().getHeader("Idempotency-Key")).toList();
        assertThat(callOrder).isSorted();
        // 4 calls open the breaker (openFor 2s); after that only one half-open probe per opening, each failing and reopening it.
        assertThat(calls.size()).isBetween(5, 4 + 5);
        for (int i = 4; i < calls.size(); i++) {
            assertThat(calls.get(i) - calls.get(i - 1)).as("gap before call %d", i + 1).isGreaterThanOrEqualTo(1_900L);
        }
        Map<String, Long> codes = results.values().stream().collect(Collectors.groupingBy(r -> r.at("/error/code").asText(), Collectors.counting()));
        // Every call ends one request (no retries); the rest waited until their deadline ruled out another wait. When the
        // circuit half-opens within milliseconds of the deadline, that one request ends DEADLINE_EXCEEDED instead (its call
        // made with what is left, or not made): the 2 s cycle starts when the worker joins, the deadline when the test sends.
        long lastMoment = codes.getOrDefault("DEADLINE_EXCEEDED", 0L);
        assertThat(codes.keySet()).isSubsetOf("UPSTREAM_ERROR", "CIRCUIT_OPEN", "DEADLINE_EXCEEDED");
        assertThat(lastMoment).as("requests ended by the deadline as their probe came due").isLessThanOrEqualTo(1);
        assertThat(codes.get("UPSTREAM_ERROR")).isBetween(calls.size() - lastMoment, (long) calls.size());
        assertThat(codes.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
        assertThat(results.values()).filteredOn(r -> r.at("/error/code").asText().equals("CIRCUIT_OPEN"))
                .allSatisfy(r -> assertThat(r.get("attempts").asInt()).isZero());
        // Ordered requests wait in their chain rather than in the retry topic, where later ones could overtake them.
        assertThat(fixture.read(fixture.topics.retry(), 1, Duration.ofSeconds(2))).isEmpty();
        AvroWireCodec<IntegrationEvent> codec = AvroWireCodec.of(IntegrationEvent.class, SchemaRegistryClient.forUrl(fixture.infra.schemaRegistryUrl()));
        List<String> types = fixture.read(fixture.topics.events(), 21, WAIT).stream().map(r -> codec.decode(r.value()).getType()).toList();
        assertThat(types).contains("integration.circuit.opened");
    }
}
