package io.integration.worker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integration.avro.IntegrationRequest;
import io.integration.embedded.DevSchemaRegistry;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import io.integration.worker.app.WorkerApp;
import io.integration.worker.config.WorkerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #9 as a user observes it: a permanent fault or a hostile request is answered (or dead-lettered) once,
 * with at most one external call (none when refused), within {@link #WITHIN}, and never stalls its partition —
 * read from the results, dead-letter, events and retry topics, the group's committed offsets and WireMock's
 * request journal. The worker runs with the defaults of the contract; only {@code events.format=json} (readable
 * events) and the old drain key {@code worker.shutdown.timeout} (short teardown) are set, plus what a test says.
 */
class HostileIT extends WorkerItSupport {

    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final String FAILED = "integration.method.failed";
    private static final String BIG_BODY = "{\"padding\":\"" + "x".repeat(2_500_000) + "\"}";

    @Test
    void aResultTooLargeToPublishIsAnsweredWithResultTooLargeAfterOneCallAndItsPartitionMovesOn() {
        // Given a definition allowing 4 MiB bodies and an API answering 2.5 MB: the result cannot fit a 1 MiB record
        fixture.seed("/hostile-definition.yaml", api.baseUrl(), "roomy", "k");
        api.stubFor(get("/v1/big").willReturn(okJson(BIG_BODY)));
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).willReturn(okJson("{\"name\":\"Ada\"}")));
        worker = start(Map.of());

        // When
        send("roomy", request("r-big", "roomy", "big"));
        send("roomy", request("r-after-big", "roomy", "getUser"));

        // Then
        assertThat(outcomes(Set.of("r-big", "r-after-big"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "r-big", "RESULT_TOO_LARGE", "r-after-big", "SUCCESS"));
        assertThat(methodEvents().get("r-big")).containsExactly(FAILED);
        api.verify(1, getRequestedFor(urlEqualTo("/v1/big")));
        assertCommittedToTheEnd();
    }

    @Test
    void underTheDefaultBodyCapA2500KilobyteBodyEndsAsResponseTooLargeAfterOneCall() {
        // Given a definition without maxResponseBytes: the worker's default cap, (1 MiB - 64 KiB) / 2, applies
        fixture.seed("/hostile-default-cap-definition.yaml", api.baseUrl(), "capped", "k");
        api.stubFor(get("/v1/big").willReturn(okJson(BIG_BODY)));
        worker = start(Map.of());

        // When
        send("capped", request("r-capped", "capped", "big"));

        // Then
        assertThat(outcomes(Set.of("r-capped"))).containsExactlyEntriesOf(Map.of("r-capped", "RESPONSE_TOO_LARGE"));
        assertThat(methodEvents().get("r-capped")).containsExactly(FAILED);
        api.verify(1, getRequestedFor(urlEqualTo("/v1/big")));
        assertCommittedToTheEnd();
    }

    @Test
    void aReplyToThatIsInvalidOrForbiddenIsAnsweredOnTheResultsTopicBeforeAnyCall() {
        // Given
        fixture.seed("/hostile-definition.yaml", api.baseUrl(), "roomy", "k");
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).willReturn(okJson("{\"name\":\"Ada\"}")));
        worker = start(Map.of());
        Map<String, String> replyTos = new LinkedHashMap<>();
        replyTos.put("r-not-a-topic", "not a topic!");
        replyTos.put("r-too-long", "t".repeat(250));
        replyTos.put("r-events", fixture.topics.events());
        replyTos.put("r-consumer-offsets", "__consumer_offsets");
        replyTos.put("r-own-requests", fixture.topics.requests());
        replyTos.put("r-own-dlt", fixture.topics.deadLetter());
        replyTos.put("r-own-retry", fixture.topics.retry());
        replyTos.put("r-integration", "integration.requests");
        replyTos.put("r-unlisted", "audit.results");

        // When
        replyTos.forEach((id, replyTo) -> send("roomy", request(id, "roomy", "getUser").put("replyTo", replyTo)));
        send("roomy", request("r-after-reply-tos", "roomy", "getUser"));

        // Then
        Map<String, String> expected = new HashMap<>();
        replyTos.keySet().forEach(id -> expected.put(id, "REPLY_TO_NOT_ALLOWED"));
        expected.put("r-after-reply-tos", "SUCCESS");
        assertThat(outcomes(expected.keySet())).containsExactlyInAnyOrderEntriesOf(expected);
        Map<String, List<String>> events = methodEvents();
        assertThat(replyTos.keySet()).allSatisfy(id -> assertThat(events.get(id)).as("events of " + id).containsExactly(FAILED));
        assertThat(nonEvents()).as("records of the events topic that are not events").isEmpty();
        assertThat(api.getAllServeEvents()).as("calls").hasSize(1);
        assertCommittedToTheEnd();
    }

    @Test
    void aReplyToMatchingTheDefaultPatternsGetsItsResultThere() {
        // Given
        fixture.seed("/hostile-definition.yaml", api.baseUrl(), "roomy", "k");
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).willReturn(okJson("{\"name\":\"Ada\"}")));
        String replies = "replies." + fixture.name;
        fixture.infra.createTopics(WorkerFixture.PARTITIONS, List.of(replies));
        worker = start(Map.of());

        // When
        send("roomy", request("r-replies", "roomy", "getUser").put("replyTo", replies));

        // Then
        List<ConsumerRecord<byte[], byte[]>> answered = fixture.read(replies, 1, WITHIN);
        assertThat(answered).hasSize(1);
        assertThat(WorkerFixture.json(answered.getFirst().value()).get("status").asText()).isEqualTo("SUCCESS");
        assertCommittedToTheEnd();
    }

    @Test
    void aRequestIdWithCrLfOrTooLongIsDeadLetteredWithItsOriginalBytesAndNoCall() {
        // Given
        fixture.seed("/hostile-definition.yaml", api.baseUrl(), "roomy", "k");
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).willReturn(okJson("{\"name\":\"Ada\"}")));
        worker = start(Map.of());
        byte[] crlf = request("r-crlf\r\nX-Injected: yes", "roomy", "getUser").toString().getBytes(StandardCharsets.UTF_8);
        byte[] tooLong = request("r-long-" + "l".repeat(300), "roomy", "getUser").toString().getBytes(StandardCharsets.UTF_8);

        // When
        sendWithHeader("roomy", crlf);
        sendWithHeader("roomy", tooLong);
        send("roomy", request("r-after-ids", "roomy", "getUser"));

        // Then
        assertThat(outcomes(Set.of("r-after-ids"))).containsExactlyEntriesOf(Map.of("r-after-ids", "SUCCESS"));
        List<ConsumerRecord<byte[], byte[]>> originals = fixture.read(fixture.topics.requests(), 3, WITHIN);
        List<ConsumerRecord<byte[], byte[]>> dead = fixture.read(fixture.topics.deadLetter(), 2, WITHIN);
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder(new String(crlf, StandardCharsets.UTF_8), new String(tooLong, StandardCharsets.UTF_8));
        assertThat(dead).allSatisfy(letter -> {
            ConsumerRecord<byte[], byte[]> original = originals.stream().filter(o -> Arrays.equals(o.value(), letter.value())).findFirst().orElseThrow();
            assertThat(letter.key()).isEqualTo("roomy".getBytes(StandardCharsets.UTF_8));
            assertThat(header(letter, "trace")).isEqualTo("t-1");
            assertThat(header(letter, "integration.error.stage")).isEqualTo("VALIDATION");
            assertThat(header(letter, "integration.error.topic")).isEqualTo(fixture.topics.requests());
            assertThat(header(letter, "integration.error.partition")).isEqualTo(Integer.toString(original.partition()));
            assertThat(header(letter, "integration.error.offset")).isEqualTo(Long.toString(original.offset()));
        });
        assertThat(fixture.read(fixture.topics.results(), Integer.MAX_VALUE, Duration.ofSeconds(2))).as("results")
                .extracting(r -> WorkerFixture.json(r.value()).get("requestId").asText()).containsExactly("r-after-ids");
        api.verify(1, anyRequestedFor(urlPathMatching(".*")));
        assertCommittedToTheEnd();
    }

    @Test
    void aRequestBreakingAnInputLimitIsAnsweredWithAValidationErrorNamingTheFieldAndNoCall() {
        // Given
        fixture.seed("/hostile-definition.yaml", api.baseUrl(), "roomy", "k");
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).willReturn(okJson("{\"name\":\"Ada\"}")));
        worker = start(Map.of());
        Map<String, ObjectNode> requests = new LinkedHashMap<>();
        requests.put("r-attributes-count", withAttributes(request("r-attributes-count", "roomy", "getUser"), 65, 1));
        requests.put("r-attributes-bytes", withAttributes(request("r-attributes-bytes", "roomy", "getUser"), 2, 9_000));
        requests.put("r-correlation-crlf", request("r-correlation-crlf", "roomy", "getUser").put("correlationId", "c\r\nX-Injected: yes"));
        requests.put("r-correlation-long", request("r-correlation-long", "roomy", "getUser").put("correlationId", "c".repeat(257)));
        ObjectNode bigParams = request("r-params", "roomy", "getUser");
        ((ObjectNode) bigParams.get("params")).put("padding", "p".repeat(270_000));
        requests.put("r-params", bigParams);
        // The control: every value exactly at its limit passes
        String atLimits = "r-at-limits-" + "i".repeat(256 - "r-at-limits-".length());
        ObjectNode control = withAttributes(request(atLimits, "roomy", "getUser").put("correlationId", "c".repeat(256)), 64, 100);
        ((ObjectNode) control.get("params")).put("padding", "p".repeat(200_000));
        requests.put(atLimits, control);

        // When
        requests.values().forEach(r -> send("roomy", r));

        // Then
        Map<String, JsonNode> results = fixture.results(requests.keySet(), WITHIN);
        Map<String, String> named = new TreeMap<>();
        results.forEach((id, r) -> named.put(id, r.get("status").asText().equals("SUCCESS") ? "SUCCESS"
                : r.at("/error/code").asText() + " " + fieldNamed(r.at("/error/message").asText())));
        assertThat(named).containsExactlyInAnyOrderEntriesOf(Map.of(
                "r-attributes-count", "VALIDATION_ERROR attributes",
                "r-attributes-bytes", "VALIDATION_ERROR attributes",
                "r-correlation-crlf", "VALIDATION_ERROR correlationId",
                "r-correlation-long", "VALIDATION_ERROR correlationId",
                "r-params", "VALIDATION_ERROR params",
                atLimits, "SUCCESS"));
        Map<String, List<String>> events = methodEvents();
        assertThat(requests.keySet()).filteredOn(id -> !id.equals(atLimits))
                .allSatisfy(id -> assertThat(events.get(id)).as("events of " + id).containsExactly(FAILED));
        assertThat(api.getAllServeEvents()).as("calls: only the control's").hasSize(1);
        assertCommittedToTheEnd();
    }

    @Test
    void anAvroRequestArrivingWhileTheRegistryIsDownIsNotFailedAndIsAnsweredOnceItIsBack() throws IOException {
        // Given a registry of this test's own, holding the request schema, that no worker has fetched yet
        try (DevSchemaRegistry registry = DevSchemaRegistry.start(0)) {
            fixture.seed("/hostile-definition.yaml", api.baseUrl(), "roomy", "k");
            api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).willReturn(okJson("{\"name\":\"Ada\"}")));
            byte[] avro = AvroWireCodec.of(IntegrationRequest.class, SchemaRegistryClient.forUrl(registry.url()))
                    .encode(fixture.topics.requests() + "-value", IntegrationRequest.newBuilder().setRequestId("r-avro")
                            .setIntegrationInstanceId("roomy").setMethodName("getUser").setParams("{\"id\":\"1\"}").build());
            worker = start(Map.of("schema.registry.url", registry.url(), "results.format", "json"));
            send("roomy", request("r-before-outage", "roomy", "getUser"));
            assertThat(outcomes(Set.of("r-before-outage"))).containsExactlyEntriesOf(Map.of("r-before-outage", "SUCCESS"));
            registry.stop();

            // When the request arrives during the outage
            fixture.send(fixture.topics.requests(), "roomy".getBytes(StandardCharsets.UTF_8), avro);

            // Then it waits, its offset not committed, while the registry is down ...
            ConsumerRecord<byte[], byte[]> original = fixture.read(fixture.topics.requests(), 2, WITHIN).getLast();
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(8)).untilAsserted(() ->
                    assertThat(fixture.committed(fixture.topics.requests()).getOrDefault(original.partition(), 0L))
                            .as("committed offset of partition %d during the outage (the Avro request is at %d)", original.partition(), original.offset())
                            .isLessThanOrEqualTo(original.offset()));
            // ... and is answered once it is back: not dead-lettered, not failed
            long back = System.currentTimeMillis();
            registry.restart();
            assertThat(outcomes(Set.of("r-avro", "r-before-outage"))).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "r-avro", "SUCCESS", "r-before-outage", "SUCCESS"));
            assertThat(fixture.read(fixture.topics.results(), 2, WITHIN)).filteredOn(r -> new String(r.key(), StandardCharsets.UTF_8).equals("r-avro"))
                    .singleElement().satisfies(r -> assertThat(r.timestamp()).as("answered at").isGreaterThanOrEqualTo(back));
            assertThat(fixture.read(fixture.topics.deadLetter(), 1, Duration.ofSeconds(2))).as("dead letters").isEmpty();
            api.verify(2, getRequestedFor(urlEqualTo("/v1/users/1"))); // one call each
            assertCommittedToTheEnd();
        }
    }

    @Test
    void aDeadLetterThatCannotBeSentIsRetriedAndItsOffsetIsCommittedOnlyOnceItIsAcknowledged() {
        // Given no DLT topic (the broker does not auto-create topics) and sends that give up on a missing topic after 2 s
        fixture.seed("/hostile-definition.yaml", api.baseUrl(), "roomy", "k");
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).willReturn(okJson("{\"name\":\"Ada\"}")));
        fixture.deleteTopic(fixture.topics.deadLetter());
        worker = start(Map.of("kafka.producer.max.block.ms", "2000"));
        byte[] poison = "{\"requestId\": \"poison-1\", broken".getBytes(StandardCharsets.UTF_8);

        // When
        fixture.send(fixture.topics.requests(), "roomy".getBytes(StandardCharsets.UTF_8), poison);
        send("roomy", request("r-after-poison", "roomy", "getUser"));

        // Then the request behind the poison is answered, but the partition is not committed past the poison
        assertThat(outcomes(Set.of("r-after-poison"))).containsExactlyEntriesOf(Map.of("r-after-poison", "SUCCESS"));
        ConsumerRecord<byte[], byte[]> original = fixture.read(fixture.topics.requests(), 1, WITHIN).getFirst();
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(8)).untilAsserted(() ->
                assertThat(fixture.committed(fixture.topics.requests()).getOrDefault(original.partition(), 0L))
                        .as("committed offset of partition %d while the DLT is missing (the poison is at %d)", original.partition(), original.offset())
                        .isLessThanOrEqualTo(original.offset()));
        // ... until the dead letter is acknowledged, once the topic exists
        fixture.infra.createTopics(WorkerFixture.PARTITIONS, List.of(fixture.topics.deadLetter()));
        await().atMost(WITHIN).until(() -> !fixture.read(fixture.topics.deadLetter(), 1, Duration.ofSeconds(1)).isEmpty());
        List<ConsumerRecord<byte[], byte[]>> dead = fixture.read(fixture.topics.deadLetter(), Integer.MAX_VALUE, Duration.ofSeconds(3));
        assertThat(dead).extracting(ConsumerRecord::value).containsExactly(poison);
        assertThat(header(dead.getFirst(), "integration.error.stage")).isEqualTo("DESERIALIZATION");
        assertCommittedToTheEnd();
    }

    @Test
    void aRetryAfterBeyondTheCapEndsAsRateLimitExceededAfterOneCallInsteadOfADeferral() {
        // Given an API that asks to come back in a day
        fixture.seed("/hostile-definition.yaml", api.baseUrl(), "roomy", "k");
        api.stubFor(get("/v1/limited").willReturn(aResponse().withStatus(429).withHeader("Retry-After", "86400")));
        worker = start(Map.of());

        // When
        send("roomy", request("r-day", "roomy", "limited"));

        // Then
        Map<String, JsonNode> results = fixture.results(Set.of("r-day"), WITHIN);
        assertThat(results).containsKey("r-day");
        JsonNode error = results.get("r-day").get("error");
        assertThat(error.get("code").asText()).isEqualTo("RATE_LIMIT_EXCEEDED");
        assertThat(error.get("retryable").asBoolean()).isTrue();
        assertThat(error.get("retryAfterMs").asLong()).as("retryAfterMs").isGreaterThan(Duration.ofMinutes(15).toMillis());
        assertThat(methodEvents().get("r-day")).containsExactly(FAILED);
        assertThat(fixture.read(fixture.topics.retry(), 1, Duration.ofSeconds(2))).as("deferrals").isEmpty();
        api.verify(1, getRequestedFor(urlEqualTo("/v1/limited")));
        assertCommittedToTheEnd();
    }

    @ParameterizedTest
    @ValueSource(strings = {"worker.drain.timeout", "worker.shutdown.timeout"})
    void sigtermWithHostileRecordsInFlightEndsTheProcessWithinTheDrainTimeout(String drainKey) throws Exception {
        // Given a worker process with a slow call, an oversized result and a forbidden replyTo in flight
        fixture.seed("/hostile-definition.yaml", api.baseUrl(), "roomy", "k");
        api.stubFor(get("/v1/slow").willReturn(okJson("{}").withFixedDelay(20_000)));
        api.stubFor(get("/v1/big").willReturn(okJson(BIG_BODY)));
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).willReturn(okJson("{\"name\":\"Ada\"}")));
        Duration drain = Duration.ofSeconds(6);
        Map<String, String> settings = fixture.settings();
        settings.put(drainKey, drain.toSeconds() + "s");
        settings.put("http.timeout", "60s");
        WorkerProcess process = WorkerProcess.start(settings, "hostile-sigterm-" + drainKey);
        try {
            send("roomy", request("r-slow", "roomy", "slow"));
            send("roomy", request("r-big", "roomy", "big"));
            send("roomy", request("r-offsets", "roomy", "getUser").put("replyTo", "__consumer_offsets"));
            await().atMost(WITHIN).until(() -> !process.alive() || api.getAllServeEvents().stream()
                    .anyMatch(e -> e.getRequest().getUrl().equals("/v1/slow")));
            assertThat(process.alive()).as("worker running with " + drainKey + " (see target/worker-processes)").isTrue();

            // When
            long signalled = System.nanoTime();
            int exit = process.terminate();
            Duration took = Duration.ofNanos(System.nanoTime() - signalled);

            // Then (5 s for the signal, closing the clients and the JVM's exit on a busy machine; the slow call takes 20 s)
            assertThat(exit).isIn(0, 143);
            assertThat(took).as("SIGTERM to exit").isLessThanOrEqualTo(drain.plusSeconds(5));
        } finally {
            if (process.alive()) {
                process.kill();
            }
        }
    }

    private WorkerApp start(Map<String, String> overrides) {
        Map<String, String> settings = fixture.settings();
        settings.put("events.format", "json");
        settings.put("worker.shutdown.timeout", "5s");
        settings.putAll(overrides);
        return WorkerApp.start(WorkerConfig.from(settings), Clock.systemUTC());
    }

    private static ObjectNode request(String requestId, String instance, String method) {
        ObjectNode request = WorkerFixture.JSON.createObjectNode().put("requestId", requestId).put("integrationInstanceId", instance)
                .put("methodName", method);
        request.putObject("params").put("id", "1");
        return request;
    }

    private static ObjectNode withAttributes(ObjectNode request, int count, int valueLength) {
        ObjectNode attributes = request.putObject("attributes");
        for (int i = 0; i < count; i++) {
            attributes.put("a" + i, "v".repeat(valueLength));
        }
        return request;
    }

    private void send(String instance, ObjectNode request) {
        fixture.sendJson(instance, request.toString());
    }

    /** Produces {@code value} with a header of the producer's own, which a dead letter must keep. */
    private void sendWithHeader(String instance, byte[] value) {
        fixture.send(fixture.topics.requests(), instance.getBytes(StandardCharsets.UTF_8), value,
                new RecordHeaders().add("trace", "t-1".getBytes(StandardCharsets.UTF_8)));
    }

    /** Per request id: SUCCESS, the error code, or "no result" after {@link #WITHIN}. */
    private Map<String, String> outcomes(Set<String> ids) {
        Map<String, JsonNode> results = fixture.results(ids, WITHIN);
        Map<String, String> outcomes = new HashMap<>();
        ids.forEach(id -> outcomes.put(id, !results.containsKey(id) ? "no result"
                : results.get(id).get("status").asText().equals("SUCCESS") ? "SUCCESS" : results.get(id).at("/error/code").asText()));
        return outcomes;
    }

    /** integration.method.* event types per request id, in topic order per partition. */
    private Map<String, List<String>> methodEvents() {
        Map<String, List<String>> events = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : fixture.read(fixture.topics.events(), Integer.MAX_VALUE, Duration.ofSeconds(2))) {
            JsonNode event = WorkerFixture.json(r.value());
            if (event.path("type").asText().startsWith("integration.method.")) {
                events.computeIfAbsent(event.path("requestId").asText(), k -> new ArrayList<>()).add(event.get("type").asText());
            }
        }
        return events;
    }

    /** Records of the events topic that are not events (a result sent there, say). */
    private List<String> nonEvents() {
        return fixture.read(fixture.topics.events(), Integer.MAX_VALUE, Duration.ofSeconds(2)).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8))
                .filter(v -> !WorkerFixture.json(v.getBytes(StandardCharsets.UTF_8)).path("type").asText().startsWith("integration."))
                .map(v -> v.substring(0, Math.min(v.length(), 120))).collect(Collectors.toList());
    }

    /** Which of the limited fields an error message names (the first found), or the message itself. */
    private static String fieldNamed(String message) {
        return List.of("attributes", "correlationId", "params", "requestId").stream().filter(message::contains).findFirst().orElse(message);
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** The group has committed every record of the requests and retry topics (the retry topic should stay empty). */
    private void assertCommittedToTheEnd() {
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(fixture.committed(fixture.topics.requests())).as("committed requests").isEqualTo(fixture.endOffsets(fixture.topics.requests()));
            assertThat(fixture.committed(fixture.topics.retry())).as("committed retry").isEqualTo(fixture.endOffsets(fixture.topics.retry()));
        });
    }
}
