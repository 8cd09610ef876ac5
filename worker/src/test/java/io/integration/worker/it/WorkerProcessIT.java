package io.integration.worker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The worker as a separate process, killed and terminated under load. */
class WorkerProcessIT {

    private static final String API_KEY = "process-key";
    private static final List<String> INSTANCES = List.of("tenant-a", "tenant-b", "tenant-c", "tenant-d");
    private static final int REQUESTS = 1000;

    private WireMockServer api;
    private WorkerFixture fixture;
    private WorkerProcess worker;

    @BeforeEach
    void setUp(TestInfo test) {
        api = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(128));
        api.start();
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).withHeader("X-Api-Key", equalTo(API_KEY))
                .willReturn(okJson("{\"name\":\"Ada\"}").withFixedDelay(100)));
        fixture = new WorkerFixture(test.getTestMethod().orElseThrow().getName());
        INSTANCES.forEach(instance -> fixture.seed("/demo-definition.yaml", api.baseUrl(), instance, API_KEY));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        if (worker != null && worker.alive()) {
            worker.kill();
        }
        fixture.close();
        api.stop();
    }

    private Map<String, String> settings() {
        Map<String, String> settings = fixture.settings();
        settings.put("worker.max.in.flight", "32");
        // A killed worker's partitions move to its successor after the session timeout: keep it at the broker's minimum.
        settings.put("kafka.session.timeout.ms", "6000");
        settings.put("kafka.heartbeat.interval.ms", "1000");
        return settings;
    }

    private Set<String> sendRequests() {
        Set<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "p-" + i).collect(Collectors.toSet());
        ids.forEach(id -> {
            String instance = INSTANCES.get(Math.floorMod(id.hashCode(), INSTANCES.size()));
            fixture.sendJson(instance, WorkerFixture.request(id, instance, "getUser", "{\"id\":\"" + id.substring(2) + "\"}"));
        });
        return ids;
    }

    @Test
    void sigkillWhileAThousandRequestsAreInProgressLeavesEveryRequestWithOneDistinctResult() throws Exception {
        // Given
        Set<String> ids = sendRequests(); // all produced first: a slow producer must not let the worker finish them before the kill
        worker = WorkerProcess.start(settings(), "sigkill-1");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.getAllServeEvents().size() >= 150);

        // When
        worker.kill();
        int callsBeforeKill = api.getAllServeEvents().size();
        worker = WorkerProcess.start(settings(), "sigkill-2");

        // Then
        assertThat(callsBeforeKill).isLessThan(REQUESTS);
        assertThat(fixture.results(ids, Duration.ofSeconds(120)).keySet()).isEqualTo(ids);
        Map<String, Set<String>> payloads = resultPayloads();
        assertThat(payloads).allSatisfy((id, distinct) -> assertThat(distinct).as("results of " + id).hasSize(1));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(fixture.committed()).isEqualTo(fixture.endOffsets()));
    }

    @Test
    void sigtermDrainsInFlightWorkAndCommitsIt() throws Exception {
        // Given
        worker = WorkerProcess.start(settings(), "sigterm");
        sendRequests();
        await().atMost(Duration.ofSeconds(60)).until(() -> api.getAllServeEvents().size() >= 150);

        // When
        int exit = worker.terminate();

        // Then every call made got its result published, and exactly those records are committed
        assertThat(exit).isIn(0, 143);
        int calls = api.getAllServeEvents().size();
        Map<String, Set<String>> payloads = resultPayloads();
        assertThat(payloads).hasSize(calls);
        assertThat(fixture.committed().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(calls);
    }

    private Map<String, Set<String>> resultPayloads() {
        List<ConsumerRecord<byte[], byte[]>> records = fixture.read(fixture.topics.results(), Integer.MAX_VALUE, Duration.ofSeconds(3));
        return records.stream().collect(Collectors.groupingBy(r -> new String(r.key(), StandardCharsets.UTF_8),
                Collectors.mapping(r -> new String(r.value(), StandardCharsets.UTF_8), Collectors.toSet())));
    }
}
