package io.integration.worker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.integration.embedded.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Queue mode on the real broker: three worker processes share one partition of the queue topic through a share group,
 * which a consumer group cannot do (one partition, one consumer).
 */
class QueueModeIT {

    private static final String API_KEY = "queue-key";
    private static final int REQUESTS = 3000;
    private static final Pattern CALLS = Pattern.compile("(?m)^integration_external_calls_seconds_count\\{[^}]*} ([0-9.E]+)$");

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<WorkerProcess> workers = new ArrayList<>();
    private final List<Integer> opsPorts = new ArrayList<>();
    private WireMockServer api;
    private WorkerFixture fixture;
    private String queueTopic;

    @BeforeEach
    void setUp(TestInfo test) {
        api = new WireMockServer(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(256));
        api.start();
        api.stubFor(get(urlPathMatching("/v1/users/[0-9]+")).withHeader("X-Api-Key", equalTo(API_KEY))
                .willReturn(okJson("{\"name\":\"Ada\"}").withFixedDelay(50)));
        fixture = new WorkerFixture(test.getTestMethod().orElseThrow().getName());
        fixture.seed("/demo-definition.yaml", api.baseUrl(), "tenant-q", API_KEY);
        queueTopic = fixture.name + ".requests.queue";
        fixture.infra.createTopics(1, List.of(queueTopic));
        io.integration.embedded.KafkaTopics.create(fixture.infra.bootstrapServers(), 1, List.of("dlq." + queueTopic),
                io.integration.embedded.KafkaTopics.SHARE_DLQ_CONFIG);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        for (WorkerProcess worker : workers) {
            if (worker.alive()) {
                worker.kill();
            }
        }
        fixture.close();
        api.stop();
    }

    private WorkerProcess startWorker(String name) {
        int opsPort = Ports.free();
        Map<String, String> settings = fixture.settings();
        settings.put("worker.input.mode", "share");
        settings.put("topic.queue", queueTopic);
        settings.put("worker.share.group", fixture.name + "-queue");
        settings.put("worker.share.dlq.topic", "dlq." + queueTopic);
        settings.put("worker.max.in.flight", "64");
        settings.put("ops.host", "127.0.0.1");
        settings.put("ops.port", Integer.toString(opsPort));
        opsPorts.add(opsPort);
        WorkerProcess worker = WorkerProcess.start(settings, name);
        workers.add(worker);
        return worker;
    }

    @Test
    void threeWorkersShareOnePartitionAndAnswerEveryRequestOnceWithOneCallEach() {
        // Given three workers in one share group, all ready, on a queue topic of one partition
        IntStream.rangeClosed(1, 3).forEach(i -> startWorker("queue-" + i));
        await().atMost(Duration.ofSeconds(90)).until(() -> opsPorts.stream().allMatch(this::ready));

        // When 3,000 requests are queued, each answered by the API after 50 ms
        Set<String> ids = IntStream.range(0, REQUESTS).mapToObj(i -> "q-" + i).collect(Collectors.toSet());
        ids.forEach(id -> fixture.sendAsync(queueTopic, null,
                WorkerFixture.request(id, "tenant-q", "getUser", "{\"id\":\"" + id.substring(2) + "\"}").getBytes(StandardCharsets.UTF_8)));
        fixture.flush();

        // Then every request has exactly one result record, each call was made once, and all three workers made calls
        assertThat(fixture.results(ids, Duration.ofSeconds(120)).keySet()).isEqualTo(ids);
        List<ConsumerRecord<byte[], byte[]>> results = fixture.read(fixture.topics.results(), Integer.MAX_VALUE, Duration.ofSeconds(3));
        Map<String, Long> perRequest = results.stream().collect(Collectors.groupingBy(
                r -> WorkerFixture.json(r.value()).get("requestId").asText(), Collectors.counting()));
        assertThat(perRequest).hasSize(REQUESTS).allSatisfy((id, count) -> assertThat(count).as("results of " + id).isEqualTo(1));
        assertThat(results).allSatisfy(r -> assertThat(WorkerFixture.json(r.value()).get("status").asText()).isEqualTo("SUCCESS"));
        assertThat(api.getAllServeEvents()).as("calls made to the API").hasSize(REQUESTS);
        Map<Integer, Long> callsByWorker = new HashMap<>();
        opsPorts.forEach(port -> callsByWorker.put(port, calls(port)));
        assertThat(callsByWorker.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(REQUESTS);
        assertThat(callsByWorker).as("calls per worker (by ops port)").allSatisfy((port, calls) -> assertThat(calls).isGreaterThan(REQUESTS / 10));
        // Every record acknowledged: the share group has no lag. (Its reported start offset trails: the broker persists it
        // lazily, e.g. 960 of 1,000 with all 1,000 accepted, so the lag is what says that nothing is left.)
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(shareGroupLag()).isZero());
    }

    private long shareGroupLag() throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", fixture.infra.bootstrapServers()))) {
            var info = admin.listShareGroupOffsets(Map.of(fixture.name + "-queue", new org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec()))
                    .partitionsToOffsetInfo(fixture.name + "-queue").get().get(new org.apache.kafka.common.TopicPartition(queueTopic, 0));
            return info == null ? -1 : info.lag().orElse(-1L);
        }
    }

    private boolean ready(int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception notYet) {
            return false;
        }
    }

    /** The calls a worker made to external systems, from its own metrics. */
    private long calls(int port) {
        try {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            Matcher m = CALLS.matcher(body);
            long total = 0;
            while (m.find()) {
                total += (long) Double.parseDouble(m.group(1));
            }
            return total;
        } catch (Exception e) {
            throw new IllegalStateException("metrics of the worker on port " + port, e);
        }
    }
}
