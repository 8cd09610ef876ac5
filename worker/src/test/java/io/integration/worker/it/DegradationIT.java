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

/** The response cache and the fallbacks, observed from the external API's side (WireMock's log) and in the results. */
class DegradationIT extends WorkerItSupport {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void aCacheableMethodCalledAHundredTimesWithinItsTtlCallsOnceAndAPostIsNeverCached() {
        fixture.seed("/degradation-definition.yaml", api.baseUrl(), "deg", "k");
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).willReturn(okJson("{\"name\":\"Ada\"}").withFixedDelay(200)));
        api.stubFor(post("/v1/notes").willReturn(okJson("{\"id\":\"n-1\"}")));

        // 100 requests at once for user 1 (they run concurrently: the first call's answer serves the rest), 3 for user 2
        Set<String> ids = new java.util.HashSet<>();
        for (int n = 0; n < 100; n++) {
            fixture.sendJsonAsync("deg", WorkerFixture.request("same-" + n, "deg", "getUser", "{\"id\":\"1\"}"));
            ids.add("same-" + n);
        }
        for (int n = 0; n < 3; n++) {
            fixture.sendJsonAsync("deg", WorkerFixture.request("other-" + n, "deg", "getUser", "{\"id\":\"2\"}"));
            fixture.sendJsonAsync("deg", WorkerFixture.request("note-" + n, "deg", "createNote", "{\"text\":\"hi\"}"));
            ids.add("other-" + n);
            ids.add("note-" + n);
        }
        // All produced before the worker starts, so that all of them fall within the first call and its TTL.
        fixture.flush();
        worker = fixture.startWorker();
        Map<String, JsonNode> results = fixture.results(ids, WAIT);

        api.verify(1, getRequestedFor(urlPathMatching("/v1/users/1")));
        api.verify(1, getRequestedFor(urlPathMatching("/v1/users/2")));
        api.verify(3, postRequestedFor(urlPathMatching("/v1/notes")));
        List<JsonNode> same = IntStream.range(0, 100).mapToObj(n -> results.get("same-" + n)).toList();
        assertThat(same).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isEqualTo("SUCCESS");
            assertThat(r.get("data").asText()).contains("Ada");
        });
        assertThat(same.stream().filter(r -> r.path("served").isNull())).as("answered by the call").hasSize(1);
        assertThat(same.stream().filter(r -> r.at("/served/from").asText().equals("CACHE"))).as("served from the cache").hasSize(99);
        assertThat(same).filteredOn(r -> !r.path("served").isNull()).allSatisfy(r -> {
            assertThat(r.at("/served/ageMs").asLong()).isBetween(0L, 60_000L);
            assertThat(r.get("attempts").asInt()).isZero();
        });
        assertThat(IntStream.range(0, 3).mapToObj(n -> results.get("note-" + n))).allSatisfy(r -> assertThat(r.path("served").isNull()).isTrue());
    }

    @Test
    void withTheCircuitOpenAStaleAnswerAndAStaticFallbackAnswerAndAMethodWithoutFallbackFails() throws Exception {
        fixture.seed("/degradation-definition.yaml", api.baseUrl(), "deg", "k");
        api.stubFor(get("/v1/users/1").willReturn(okJson("{\"name\":\"Ada\"}")));
        api.stubFor(get("/v1/plan").willReturn(aResponse().withStatus(503)));
        api.stubFor(get("/v1/ping").willReturn(aResponse().withStatus(503)));
        worker = fixture.startWorker();

        // A cached answer, then older than its 2 s ttl
        fixture.sendJson("deg", WorkerFixture.request("warm", "deg", "getUser", "{\"id\":\"1\"}"));
        assertThat(fixture.results(Set.of("warm"), WAIT).get("warm").path("served").isNull()).isTrue();
        Thread.sleep(2_500);
        api.stubFor(get("/v1/users/1").willReturn(aResponse().withStatus(503)));

        // Four failing calls open the instance's circuit (its sliding window is 4 calls, half failing)
        long deadline = System.currentTimeMillis() + 5_000;
        for (int n = 0; n < 4; n++) {
            fixture.sendJson("deg", "{\"requestId\":\"open-" + n + "\",\"integrationInstanceId\":\"deg\",\"methodName\":\"ping\","
                    + "\"orderingKey\":\"one\",\"deadline\":" + deadline + "}");
        }
        fixture.results(Set.of("open-0", "open-1", "open-2", "open-3"), WAIT);
        int callsWhenOpened = api.getAllServeEvents().size();

        // While it is open: the stale answer, the static one, and a plain failure (its deadline is too near to defer)
        for (String[] r : new String[][] {{"stale", "getUser", "{\"id\":\"1\"}"}, {"static", "getPlan", "{}"}, {"none", "ping", "{}"}}) {
            fixture.sendJson("deg", "{\"requestId\":\"" + r[0] + "\",\"integrationInstanceId\":\"deg\",\"methodName\":\"" + r[1]
                    + "\",\"params\":" + r[2] + ",\"deadline\":" + (System.currentTimeMillis() + 3_000) + "}");
        }
        Map<String, JsonNode> results = fixture.results(Set.of("stale", "static", "none"), WAIT);

        JsonNode stale = results.get("stale");
        assertThat(stale.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(stale.get("data").asText()).contains("Ada");
        assertThat(stale.at("/served/from").asText()).isEqualTo("STALE_CACHE");
        assertThat(stale.at("/served/ageMs").asLong()).isGreaterThanOrEqualTo(2_500L);
        assertThat(stale.at("/served/reason").asText()).startsWith("CIRCUIT_OPEN");
        JsonNode fallback = results.get("static");
        assertThat(fallback.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(WorkerFixture.JSON.readTree(fallback.get("data").asText())).isEqualTo(WorkerFixture.JSON.readTree("{\"plan\":\"free\",\"degraded\":true}"));
        assertThat(fallback.at("/served/from").asText()).isEqualTo("FALLBACK");
        assertThat(results.get("none").at("/error/code").asText()).isEqualTo("CIRCUIT_OPEN");
        assertThat(api.getAllServeEvents()).as("no call while the circuit is open").hasSize(callsWhenOpened);

        // Each fallback is an event, naming which one and the error it answers for
        AvroWireCodec<IntegrationEvent> codec = AvroWireCodec.of(IntegrationEvent.class, SchemaRegistryClient.forUrl(fixture.infra.schemaRegistryUrl()));
        List<IntegrationEvent> fallbacks = fixture.read(fixture.topics.events(), 40, Duration.ofSeconds(10)).stream()
                .map(r -> codec.decode(r.value())).filter(e -> e.getType().equals("integration.method.fallback")).toList();
        assertThat(fallbacks.stream().collect(Collectors.toMap(IntegrationEvent::getRequestId, e -> e.getAttributes().get("servedFrom"))))
                .containsExactlyInAnyOrderEntriesOf(Map.of("stale", "STALE_CACHE", "static", "FALLBACK"));
        assertThat(fallbacks).allSatisfy(e -> assertThat(e.getAttributes().get("errorCode")).isEqualTo("CIRCUIT_OPEN"));
    }
}
