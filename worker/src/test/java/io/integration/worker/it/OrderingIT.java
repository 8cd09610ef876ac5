package io.integration.worker.it;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests sharing an ordering key run strictly in order, while unrelated keys run concurrently beyond the partition count. */
class OrderingIT extends WorkerItSupport {

    private static final String INSTANCE = "ordered";
    private static final int KEYS = 16;
    private static final int PER_KEY = 200;


    @BeforeEach
    void stubAndSeed() {
        api.stubFor(post("/v1/notes").withHeader("X-Api-Key", equalTo("k")).willReturn(okJson("{\"ok\":true}").withFixedDelay(20)));
        fixture.seed("/demo-definition.yaml", api.baseUrl(), INSTANCE, "k");
    }


    @Test
    void perKeyCallOrderIsPreservedWhileMoreCallsAreInFlightThanPartitions() throws Exception {
        // Given all requests of one instance (one partition), 16 ordering keys, an API answering in 20 ms
        Set<String> ids = new HashSet<>();
        for (int seq = 0; seq < PER_KEY; seq++) {
            for (int key = 0; key < KEYS; key++) {
                String id = "k" + key + "-" + seq;
                ids.add(id);
                fixture.sendJson(INSTANCE, "{\"requestId\":\"" + id + "\",\"integrationInstanceId\":\"" + INSTANCE
                        + "\",\"methodName\":\"createNote\",\"orderingKey\":\"k" + key + "\",\"params\":{\"text\":\"" + id + "\"}}");
            }
        }

        // When
        worker = fixture.startWorker();
        Map<String, JsonNode> results = fixture.results(ids, Duration.ofSeconds(180));

        // Then every request is answered, each key's calls reached the API in sequence order, and calls overlapped
        assertThat(results.keySet()).isEqualTo(ids);
        List<ServeEvent> calls = new ArrayList<>(api.getAllServeEvents());
        calls.sort(Comparator.comparing(e -> e.getRequest().getLoggedDate()));
        Map<String, List<Integer>> sequenceByKey = new HashMap<>();
        for (ServeEvent call : calls) {
            JsonNode body = WorkerFixture.json(call.getRequest().getBody());
            String[] parts = body.get("text").asText().split("-");
            sequenceByKey.computeIfAbsent(parts[0], k -> new ArrayList<>()).add(Integer.parseInt(parts[1]));
        }
        assertThat(sequenceByKey).hasSize(KEYS).allSatisfy((key, sequence) -> assertThat(sequence).isSorted().hasSize(PER_KEY));
        assertThat(maxConcurrentCalls(calls)).isGreaterThan(WorkerFixture.PARTITIONS);
    }

    /** The largest number of calls whose [received, received + total time] intervals overlap. */
    private static int maxConcurrentCalls(List<ServeEvent> calls) {
        List<long[]> edges = new ArrayList<>();
        for (ServeEvent call : calls) {
            long start = call.getRequest().getLoggedDate().getTime();
            edges.add(new long[] {start, 1});
            edges.add(new long[] {start + Math.max(1, call.getTiming().getTotalTime()), -1});
        }
        edges.sort(Comparator.<long[]>comparingLong(e -> e[0]).thenComparingLong(e -> e[1]));
        int current = 0;
        int max = 0;
        for (long[] edge : edges) {
            current += (int) edge[1];
            max = Math.max(max, current);
        }
        return max;
    }
}
