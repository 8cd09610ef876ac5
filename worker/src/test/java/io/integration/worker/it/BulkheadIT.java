package io.integration.worker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import io.integration.registry.credentials.Credential;
import io.integration.registry.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Per-instance bulkheads: an instance saturated by slow calls keeps to its bulkhead (16 calls at the shared external API,
 * where without one it reaches a hundred and more, as many as the API's threads allow), and the other instance keeps its
 * latency. Their requests are keyed by instance id, as the task layer keys them, on different partitions: the partitions
 * keep the worker's own slots apart, the bulkhead keeps the calls to the shared API apart.
 */
class BulkheadIT extends WorkerItSupport {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int LIMIT = Integer.getInteger("bulkhead.limit", 16);

    @Test
    void anInstanceSaturatedBySlowCallsLeavesAnotherItsLatency() throws Exception {
        String yaml;
        try (var in = getClass().getResourceAsStream("/bulkhead-definition.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${baseUrl}", api.baseUrl());
        }
        fixture.seed(yaml, "fast", Map.of("tenant", "fast"), new Credential.ApiKey("fast-key", Secret.of("k")));
        fixture.seed(yaml, SLOW, Map.of("tenant", "slow"), new Credential.ApiKey("slow-key", Secret.of("k")));
        api.stubFor(get(urlPathMatching("/v1/fast/users/[0-9]+")).willReturn(okJson("{\"name\":\"Fay\"}").withFixedDelay(20)));
        api.stubFor(get(urlPathMatching("/v1/slow/users/[0-9]+")).willReturn(okJson("{\"name\":\"Sol\"}").withFixedDelay(1_000)));
        // Requests waiting for a slot go to the retry topic after 2 s (not the default 30 s): the test ends sooner
        worker = fixture.startWorker(Map.of("worker.max.calls.per.instance", Integer.toString(LIMIT), "worker.max.hold", "2s"));

        // Baseline: the fast instance alone
        long baseline = medianLatency(fast("base", 30));

        // The slow instance gets 1,000 requests at once, then the fast one the same 30 as before
        for (int n = 0; n < 1000; n++) {
            fixture.sendAsync(fixture.topics.requests(), SLOW.getBytes(StandardCharsets.UTF_8), WorkerFixture.request("slow-" + n, SLOW,
                    "getUser", "{\"id\":\"1\"}").getBytes(StandardCharsets.UTF_8));
        }
        fixture.flush();
        Thread.sleep(500); // the slow calls are under way
        long loaded = medianLatency(fast("loaded", 30));

        // Within 2x its baseline; a floor of 500 ms keeps a busy machine's CPU contention from making it a timing test (without
        // a bulkhead the fast calls queue behind slow ones of 1 s each)
        assertThat(loaded).as("median latency of the fast instance under load (ms), baseline " + baseline + " ms")
                .isLessThanOrEqualTo(Math.max(2 * baseline, 500));
        assertThat(maxConcurrent("/v1/slow/")).as("slow calls in flight at once").isLessThanOrEqualTo(LIMIT);
    }

    /** Sends {@code count} requests to the fast instance 50 ms apart; their send times by request id. */
    private Map<String, Long> fast(String prefix, int count) throws InterruptedException {
        Map<String, Long> sent = new HashMap<>();
        for (int n = 0; n < count; n++) {
            String id = prefix + "-" + n;
            sent.put(id, System.currentTimeMillis());
            send(id, "fast");
            Thread.sleep(50);
        }
        return sent;
    }

    private void send(String requestId, String instance) {
        fixture.sendJson(instance, WorkerFixture.request(requestId, instance, "getUser", "{\"id\":\"1\"}"));
    }

    /** The slow instance: an id whose requests land on another partition than the fast instance's (3 partitions, keyed by id). */
    private static final String SLOW = java.util.stream.Stream.of("slow", "slow-2", "slow-3", "slow-4", "slow-5")
            .filter(id -> partition(id) != partition("fast")).findFirst().orElseThrow();

    private static int partition(String key) {
        return org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8)))
                % WorkerFixture.PARTITIONS;
    }

    /** The median of (completedAt - sent) over the requests, in ms. */
    private long medianLatency(Map<String, Long> sent) {
        Map<String, JsonNode> results = fixture.results(Set.copyOf(sent.keySet()), WAIT);
        assertThat(results.keySet()).containsAll(sent.keySet());
        List<Long> latencies = new ArrayList<>();
        sent.forEach((id, at) -> {
            assertThat(results.get(id).get("status").asText()).isEqualTo("SUCCESS");
            latencies.add(results.get(id).get("completedAt").asLong() - at);
        });
        latencies.sort(Long::compare);
        return latencies.get(latencies.size() / 2);
    }

    /** The most calls under {@code pathPrefix} WireMock was serving at once. */
    private int maxConcurrent(String pathPrefix) {
        TreeMap<Long, Integer> changes = new TreeMap<>();
        for (ServeEvent e : api.getAllServeEvents()) {
            if (!e.getRequest().getUrl().startsWith(pathPrefix)) {
                continue;
            }
            long start = e.getRequest().getLoggedDate().getTime();
            changes.merge(start, 1, Integer::sum);
            Integer took = e.getTiming() == null ? null : e.getTiming().getTotalTime();
            changes.merge(start + (took == null ? 1_000 : took), -1, Integer::sum); // still being served: its delay at least
        }
        int current = 0;
        int max = 0;
        for (int delta : changes.values()) {
            current += delta;
            max = Math.max(max, current);
        }
        return max;
    }
}
