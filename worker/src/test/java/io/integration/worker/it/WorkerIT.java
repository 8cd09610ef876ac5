package io.integration.worker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.avro.IntegrationEvent;
import io.integration.avro.IntegrationRequest;
import io.integration.avro.IntegrationResult;
import io.integration.avro.ResultStatus;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker path end to end on a real broker, the MongoDB wire server, the dev registry and WireMock. */
class WorkerIT extends WorkerItSupport {

    private static final String INSTANCE = "acme-demo";
    private static final String API_KEY = "s3cr3t-key-never-shown";
    private static final Duration WAIT = Duration.ofSeconds(60);


    @BeforeEach
    void stubAndSeed() {
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).withHeader("X-Api-Key", equalTo(API_KEY))
                .willReturn(okJson("{\"name\":\"Ada\",\"plan\":\"pro\"}")));
        api.stubFor(post("/v1/notes").withHeader("X-Api-Key", equalTo(API_KEY))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":7}")));
        api.stubFor(get("/v1/fail").willReturn(aResponse().withStatus(500).withBody("{\"error\":\"database on fire\"}")));
        fixture.seed("/demo-definition.yaml", api.baseUrl(), INSTANCE, API_KEY);
    }


    @Test
    void twoHundredRequestsGetTwoHundredResultsAndEventsAndTheOffsetsAreCommitted() {
        // Given
        worker = fixture.startWorker();
        Set<String> ids = IntStream.range(0, 200).mapToObj(i -> "req-" + i).collect(Collectors.toSet());

        // When
        ids.forEach(id -> fixture.sendJson(INSTANCE, WorkerFixture.request(id, INSTANCE, "getUser", "{\"id\":\"" + id.substring(4) + "\"}")));

        // Then
        Map<String, JsonNode> results = fixture.results(ids, WAIT);
        assertThat(results.keySet()).isEqualTo(ids);
        assertThat(results.values()).allSatisfy(r -> {
            assertThat(r.get("status").asText()).isEqualTo("SUCCESS");
            assertThat(WorkerFixture.json(r.get("data").asText().getBytes()).get("name").asText()).isEqualTo("Ada");
            assertThat(r.get("definitionName").asText()).isEqualTo("demo");
            assertThat(r.get("attempts").asInt()).isEqualTo(1);
        });
        List<IntegrationEvent> events = avroEvents(200);
        assertThat(events).extracting(IntegrationEvent::getRequestId).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.getType()).isEqualTo("integration.method.executed");
            assertThat(e.getIntegrationInstanceId()).isEqualTo(INSTANCE);
            assertThat(e.getAttributes()).containsEntry("test", "yes");
        });
        await().atMost(WAIT).untilAsserted(() -> assertThat(fixture.committed()).isEqualTo(fixture.endOffsets()));
        api.verify(200, getRequestedFor(urlPathMatching("/v1/users/[0-9]+")).withHeader("Idempotency-Key", com.github.tomakehurst.wiremock.client.WireMock.matching("req-[0-9]+")));
    }

    @Test
    void poisonGoesToTheDeadLetterTopicOnceWithItsBytesAndHeadersAndThePartitionMovesOn() {
        // Given a poison record between two good ones on the same partition (same key)
        worker = fixture.startWorker();
        byte[] poison = {(byte) 0xde, (byte) 0xad, 'b', 'e', 'e', 'f'};

        // When
        fixture.sendJson(INSTANCE, WorkerFixture.request("before", INSTANCE, "getUser", "{\"id\":\"1\"}"));
        fixture.send(fixture.topics.requests(), INSTANCE.getBytes(StandardCharsets.UTF_8), poison);
        fixture.sendJson(INSTANCE, WorkerFixture.request("after", INSTANCE, "getUser", "{\"id\":\"2\"}"));

        // Then
        assertThat(fixture.results(Set.of("before", "after"), WAIT)).containsKeys("before", "after");
        List<ConsumerRecord<byte[], byte[]>> dead = fixture.read(fixture.topics.deadLetter(), 2, Duration.ofSeconds(5));
        assertThat(dead).hasSize(1);
        ConsumerRecord<byte[], byte[]> record = dead.getFirst();
        assertThat(record.value()).isEqualTo(poison);
        assertThat(record.key()).isEqualTo(INSTANCE.getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = new HashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsEntry("integration.error.topic", fixture.topics.requests())
                .containsEntry("integration.error.stage", "DESERIALIZATION")
                .containsKeys("integration.error.partition", "integration.error.offset", "integration.error.exception.class");
        assertThat(headers.get("integration.error.exception.message")).contains("0xde");
        await().atMost(WAIT).untilAsserted(() -> assertThat(fixture.committed()).isEqualTo(fixture.endOffsets()));
    }

    @Test
    void anUnknownInstanceIsAnsweredWithInstanceNotFound() {
        worker = fixture.startWorker();

        fixture.sendJson("nobody", WorkerFixture.request("r-unknown", "nobody", "getUser", "{\"id\":\"1\"}"));

        JsonNode result = fixture.results(Set.of("r-unknown"), WAIT).get("r-unknown");
        assertThat(result.get("status").asText()).isEqualTo("ERROR");
        assertThat(result.at("/error/code").asText()).isEqualTo("INSTANCE_NOT_FOUND");
        assertThat(result.at("/error/message").asText()).contains("'nobody'");
        assertThat(result.get("attempts").asInt()).isZero();
    }

    @Test
    void invalidParamsAreAnsweredWithValidationErrorNamingTheFieldWithoutCallingTheApi() {
        worker = fixture.startWorker();

        fixture.sendJson(INSTANCE, WorkerFixture.request("r-invalid", INSTANCE, "createNote", "{\"text\":\"\"}"));
        fixture.sendJson(INSTANCE, WorkerFixture.request("r-missing", INSTANCE, "createNote", "{}"));

        Map<String, JsonNode> results = fixture.results(Set.of("r-invalid", "r-missing"), WAIT);
        assertThat(results.get("r-invalid").at("/error/code").asText()).isEqualTo("VALIDATION_ERROR");
        assertThat(results.get("r-invalid").at("/error/message").asText()).startsWith("params.text:");
        assertThat(WorkerFixture.json(results.get("r-invalid").at("/error/details").asText().getBytes()).at("/violations/0/field").asText())
                .isEqualTo("params.text");
        assertThat(results.get("r-missing").at("/error/message").asText()).contains("params.text");
        api.verify(0, com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor(urlPathMatching("/v1/notes")));
    }

    @Test
    void anUpstreamServerErrorIsAnsweredWithUpstreamErrorAndTheStatus() {
        worker = fixture.startWorker();

        fixture.sendJson(INSTANCE, WorkerFixture.request("r-500", INSTANCE, "failing", "{}"));

        JsonNode result = fixture.results(Set.of("r-500"), WAIT).get("r-500");
        assertThat(result.at("/error/code").asText()).isEqualTo("UPSTREAM_ERROR");
        assertThat(result.at("/error/retryable").asBoolean()).isTrue();
        assertThat(result.at("/error/details").asText()).isEqualTo("{\"httpStatus\":500}");
        assertThat(result.at("/error/message").asText()).contains("GET /v1/fail answered 500");
        List<IntegrationEvent> events = avroEvents(1);
        assertThat(events.getFirst().getType()).isEqualTo("integration.method.failed");
        assertThat(events.getFirst().getErrorCode()).isEqualTo("UPSTREAM_ERROR");
    }

    @Test
    void anAvroRequestGetsAnAvroResultAndNoSecretReachesAnyOutput() {
        worker = fixture.startWorker();
        SchemaRegistryClient registry = SchemaRegistryClient.forUrl(fixture.infra.schemaRegistryUrl());
        IntegrationRequest request = IntegrationRequest.newBuilder().setRequestId("r-avro").setIntegrationInstanceId(INSTANCE)
                .setMethodName("createNote").setParams("{\"text\":\"hello\"}").setCorrelationId("task-1").build();

        fixture.send(fixture.topics.requests(), INSTANCE.getBytes(StandardCharsets.UTF_8),
                AvroWireCodec.of(IntegrationRequest.class, registry).encode(fixture.topics.requests() + "-value", request));

        List<ConsumerRecord<byte[], byte[]>> records = fixture.read(fixture.topics.results(), 1, WAIT);
        IntegrationResult result = AvroWireCodec.of(IntegrationResult.class, registry).decode(records.getFirst().value());
        assertThat(result.getStatus()).isEqualTo(ResultStatus.SUCCESS);
        assertThat(result.getCorrelationId()).isEqualTo("task-1");
        assertThat(result.getData()).isEqualTo("{\"id\":7}");
        assertThat(new String(records.getFirst().key(), StandardCharsets.UTF_8)).isEqualTo("r-avro");
        for (String topic : List.of(fixture.topics.results(), fixture.topics.events())) {
            assertThat(fixture.read(topic, 1, WAIT)).allSatisfy(r ->
                    assertThat(new String(r.value(), StandardCharsets.ISO_8859_1)).doesNotContain(API_KEY));
        }
    }

    @Test
    void restartingTheWorkerMidStreamLeavesEveryRequestWithOneDistinctResult() {
        // Given a slow API and few requests in flight, so that the stop lands mid-stream
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).withHeader("X-Api-Key", equalTo(API_KEY))
                .willReturn(okJson("{\"name\":\"Ada\"}").withFixedDelay(20)));
        Map<String, String> fewInFlight = Map.of("worker.max.in.flight", "16");
        Set<String> ids = IntStream.range(0, 400).mapToObj(i -> "restart-" + i).collect(Collectors.toSet());
        // All produced before the worker starts: a slow producer must not let the worker finish them before the stop.
        ids.forEach(id -> fixture.sendJsonAsync(INSTANCE, WorkerFixture.request(id, INSTANCE, "getUser", "{\"id\":\"" + id.substring(8) + "\"}")));
        fixture.flush();
        worker = fixture.startWorker(fewInFlight);
        await().atMost(WAIT).until(() -> api.getAllServeEvents().size() > 40);

        // When
        worker.close();
        int callsBeforeRestart = api.getAllServeEvents().size();
        worker = fixture.startWorker(fewInFlight);

        // Then
        Map<String, JsonNode> results = fixture.results(ids, WAIT);
        assertThat(results.keySet()).isEqualTo(ids);
        assertThat(callsBeforeRestart).isLessThan(400);
        Map<String, List<String>> payloads = fixture.read(fixture.topics.results(), Integer.MAX_VALUE, Duration.ofSeconds(3)).stream()
                .collect(Collectors.groupingBy(r -> new String(r.key(), StandardCharsets.UTF_8),
                        Collectors.mapping(r -> new String(r.value(), StandardCharsets.UTF_8), Collectors.toList())));
        assertThat(payloads).allSatisfy((id, values) -> assertThat(Set.copyOf(values)).hasSize(1));
    }

    private List<IntegrationEvent> avroEvents(int count) {
        AvroWireCodec<IntegrationEvent> codec = AvroWireCodec.of(IntegrationEvent.class, SchemaRegistryClient.forUrl(fixture.infra.schemaRegistryUrl()));
        return fixture.read(fixture.topics.events(), count, WAIT).stream().map(r -> codec.decode(r.value())).toList();
    }

    @Test
    void withTheClaimCheckOnLargeDataIsKeptInMongoDbAndTheResultCarriesItsReference() throws Exception {
        // Given
        String big = "{\"rows\":\"" + "r".repeat(50_000) + "\"}";
        api.stubFor(get(urlPathMatching("/v1/users/77")).willReturn(okJson(big)));
        worker = fixture.startWorker(Map.of("results.claim.check.bytes", "10000"));

        // When
        fixture.sendJson(INSTANCE, WorkerFixture.request("claim-1", INSTANCE, "getUser", "{\"id\":\"77\"}"));
        fixture.sendJson(INSTANCE, WorkerFixture.request("inline-1", INSTANCE, "getUser", "{\"id\":\"1\"}"));

        // Then
        Map<String, JsonNode> results = fixture.results(Set.of("claim-1", "inline-1"), WAIT);
        JsonNode claimed = results.get("claim-1");
        assertThat(claimed.get("status").asText()).isEqualTo("SUCCESS");
        assertThat(claimed.get("data").isNull()).isTrue();
        assertThat(claimed.at("/dataRef/store").asText()).isEqualTo("mongodb:result_data");
        assertThat(claimed.at("/dataRef/id").asText()).isEqualTo("claim-1");
        assertThat(claimed.at("/dataRef/sizeBytes").asLong()).isEqualTo(big.length());
        org.bson.Document kept = fixture.db.getCollection("result_data").find(new org.bson.Document("_id", "claim-1")).first();
        assertThat(kept.getString("data")).isEqualTo(big);
        assertThat(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(big.getBytes(StandardCharsets.UTF_8)))).isEqualTo(claimed.at("/dataRef/sha256").asText());
        assertThat(results.get("inline-1").get("data").asText()).contains("Ada");
        assertThat(results.get("inline-1").get("dataRef").isNull()).isTrue();
    }
}
