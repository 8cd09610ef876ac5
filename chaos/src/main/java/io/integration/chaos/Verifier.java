package io.integration.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The oracle: reads results, events and the DLT from the beginning and the stub's call log, and accounts
 * for every request the generator sent.
 */
final class Verifier {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a run produced, as the verifier found it. */
    record Findings(int requests, int answered, long lost, long duplicateResults, long conflicting, long withoutEvent,
                    int expectedPoison, int deadLettered, long orderViolations, long calls, long extraCalls, int maxCallsPerRequest,
                    Bounds bounds) implements Verdict {

        @Override
        public boolean accounted() {
            return lost == 0 && conflicting == 0 && orderViolations <= bounds.lateCalls() && withoutEvent == 0 && deadLettered == expectedPoison
                    && extraCalls <= bounds.extraCalls() && duplicateResults <= bounds.duplicateResults();
        }

        @Override
        public String describe() {
            return """
                    requests %d, answered %d, lost %d, duplicate results %d, conflicting results %d, answered without event %d
                    dead-lettered %d (expected %d), per-key order violations %d
                    external calls %d (%.3f per request, at most %d for one), extra calls %d
                    bounds: extra calls <= %d, duplicate results <= %d (%s), order violations %s (%s)"""
                    .formatted(requests, answered, lost, duplicateResults, conflicting, withoutEvent, deadLettered, expectedPoison,
                            orderViolations, calls, requests == 0 ? 0.0 : (double) calls / requests, maxCallsPerRequest, extraCalls,
                            bounds.extraCalls(), bounds.duplicateResults(), bounds.why(),
                            bounds.lateCalls() == Long.MAX_VALUE ? "not judged" : "<= " + bounds.lateCalls(), bounds.lateWhy());
        }
    }

    private final String bootstrap;
    private final String stubUrl;

    Verifier(String bootstrap, String stubUrl) {
        this.bootstrap = bootstrap;
        this.stubUrl = stubUrl;
    }

    /** How many extra external calls and duplicate results a scenario may cause, and why. */
    /**
     * @param lateCalls per-key order violations tolerated: only calls a frozen worker had already handed to its HTTP
     *     client when it was stopped (it reports how many when it notices the stall); 0 everywhere else
     */
    record Bounds(long extraCalls, long duplicateResults, String why, long lateCalls, String lateWhy) {

        Bounds(long extraCalls, long duplicateResults, String why) {
            this(extraCalls, duplicateResults, why, 0, "every call in order");
        }

        /** Per fault, at most what was in flight or finished but not committed: twice the in-flight limit. */
        static Bounds perFault(int faults) {
            long bound = 2L * Cluster.MAX_IN_FLIGHT * faults;
            return new Bounds(bound, bound, faults + " fault(s) x (in-flight + uncommitted <= 2 x worker.max.in.flight " + Cluster.MAX_IN_FLIGHT + ")");
        }

        static Bounds none(String why) {
            return new Bounds(0, 0, why);
        }

        /** These bounds, tolerating as many out-of-order calls as a frozen worker reported exposed. */
        Bounds withLateCalls(long calls, String why) {
            return new Bounds(extraCalls, duplicateResults, this.why, calls, why);
        }
    }

    /** Waits until every request has a result and the DLT holds the poison (or {@code timeout}), then judges. */
    Findings verify(Generator.Plan plan, Bounds bounds, Duration timeout) throws IOException, InterruptedException {
        Map<String, Set<String>> results = new HashMap<>();
        Map<String, Integer> resultCount = new HashMap<>();
        Set<String> withEvent = new HashSet<>();
        int[] dead = {0};
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "chaos-verifier-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Cluster.RESULTS, Cluster.EVENTS, Cluster.DLT));
            long quietSince = System.nanoTime();
            while (System.nanoTime() < deadline) {
                var records = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    switch (r.topic()) {
                        case Cluster.RESULTS -> {
                            String value = new String(r.value(), StandardCharsets.UTF_8);
                            String id = JSON.readTree(value).get("requestId").asText();
                            results.computeIfAbsent(id, k -> new HashSet<>()).add(value);
                            resultCount.merge(id, 1, Integer::sum);
                        }
                        case Cluster.EVENTS -> {
                            JsonNode event = JSON.readTree(r.value());
                            if (event.path("type").asText().startsWith("integration.method.")) {
                                withEvent.add(event.path("requestId").asText());
                            }
                        }
                        default -> dead[0]++;
                    }
                }
                if (!records.isEmpty()) {
                    quietSince = System.nanoTime();
                }
                boolean complete = results.keySet().containsAll(plan.requests().keySet()) && dead[0] >= plan.poison();
                // complete: read on until 3 s pass without a record, to count late duplicates too
                if (complete && System.nanoTime() - quietSince > Duration.ofSeconds(3).toNanos()) {
                    break;
                }
            }
        }
        long lost = plan.requests().keySet().stream().filter(id -> !results.containsKey(id)).count();
        long duplicates = resultCount.values().stream().mapToLong(c -> c - 1).sum();
        long conflicting = results.values().stream().filter(payloads -> payloads.size() > 1).count();
        long withoutEvent = results.keySet().stream().filter(id -> !withEvent.contains(id)).count();

        CallLog calls = CallLog.of(fetchCallLog(), plan);
        return new Findings(plan.requests().size(), results.size(), lost, duplicates, conflicting, withoutEvent, plan.poison(), dead[0],
                calls.orderViolations(), calls.total(), calls.extra(), calls.maxPerRequest(), bounds);
    }

    private String fetchCallLog() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            return http.send(HttpRequest.newBuilder(URI.create(stubUrl + "/log")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    /** The stub's calls: per request, and per (instance, key) in arrival order. */
    record CallLog(long total, long extra, int maxPerRequest, long orderViolations) {

        static CallLog of(String log, Generator.Plan plan) {
            Map<String, Integer> perRequest = new HashMap<>();
            Map<String, Integer> highestSeq = new HashMap<>();
            Map<String, String> lastOfKey = new HashMap<>();
            long violations = 0;
            long total = 0;
            for (String line : log.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(" "); // requestId instance key seq millis
                total++;
                perRequest.merge(f[0], 1, Integer::sum);
                int seq = Integer.parseInt(f[3]);
                String key = f[1] + "/" + f[2];
                Integer highest = highestSeq.merge(key, seq, Math::max);
                if (seq < highest) {
                    violations++;
                    if (violations <= 10 && Cluster.mode == Cluster.Mode.GROUP) {
                        // What a post-mortem needs: which call came late, and after which one.
                        System.out.printf("  order violation: %s arrived after %s%n", line, lastOfKey.get(key));
                    }
                } else {
                    lastOfKey.put(key, line);
                }
            }
            long extra = perRequest.values().stream().mapToLong(c -> c - 1).sum();
            int max = perRequest.values().stream().mapToInt(Integer::intValue).max().orElse(0);
            return new CallLog(total, extra, max, violations);
        }
    }
}
