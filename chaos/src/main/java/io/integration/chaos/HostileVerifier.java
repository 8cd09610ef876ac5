package io.integration.chaos;

import io.integration.chaos.HostileReading.Outcome;
import io.integration.chaos.HostileReading.Sent;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The oracle of {@link Scenario#HOSTILE}: takes what the run left in Kafka ({@link HostileReading}), the group's
 * committed offsets and the stub's call log, and checks each criterion of issue #9 separately, so a failing run says which promise broke and for whom.
 * Every answer must come within {@link #WITHIN} of its request's production (record timestamps; the output
 * topics stamp on append), so the oracle stops reading that long after the load ended.
 */
final class HostileVerifier {

    static final Duration WITHIN = Duration.ofSeconds(30);

    /** One criterion and what was found. */
    record Check(String name, boolean ok, String detail) {
    }

    /** The checks of a run; accounted when all hold. */
    record Findings(List<Check> checks) implements Verdict {
        @Override
        public boolean accounted() {
            return checks.stream().allMatch(Check::ok);
        }

        @Override
        public String describe() {
            return checks.stream().map(c -> (c.ok() ? "ok   " : "FAIL ") + c.name() + ": " + c.detail()).collect(Collectors.joining("\n"));
        }
    }

    private final Cluster cluster;
    private final Hostile hostile;
    private final Map<String, Hostile.Expected> expected = new LinkedHashMap<>();
    private final Map<String, Hostile.Kind> kinds = new HashMap<>();
    private final HostileReading reading;
    // What the reading found, by label (filled by its readUntil)
    private final Map<String, Sent> sent;
    private final Map<String, List<Outcome>> answers;
    private final Map<String, List<Outcome>> deadLetters;
    private final Map<String, List<String>> events;
    private final Map<TopicPartition, Long> committedOffsets = new HashMap<>();

    HostileVerifier(Cluster cluster, Generator.Plan plan, Hostile hostile) {
        this.cluster = cluster;
        this.hostile = hostile;
        plan.requests().keySet().forEach(id -> expected.put(id, Hostile.Expected.SUCCESS));
        hostile.all().forEach(r -> {
            expected.put(r.label(), r.kind().expected);
            kinds.put(r.label(), r.kind());
        });
        this.reading = new HostileReading(cluster, hostile);
        this.sent = reading.sent;
        this.answers = reading.answers;
        this.deadLetters = reading.deadLetters;
        this.events = reading.events;
    }

    Findings verify() throws Exception {
        // Every request was produced before this point: WITHIN later (and 5 s to read), no outcome can still be on time.
        reading.readUntil(r -> sent.keySet().containsAll(expected.keySet()) && expected.keySet().stream().allMatch(this::hasOutcome),
                System.currentTimeMillis() + WITHIN.toMillis() + 5_000);
        Check offsets = committed();
        List<Check> checks = new ArrayList<>();
        checks.add(ordinary());
        for (Hostile.Kind kind : Hostile.Kind.values()) {
            checks.add(kind(kind));
        }
        checks.add(new Check("dead letters only of the CR/LF, too-long-id and poison requests", reading.unrecognised.isEmpty()
                && deadLetters.keySet().stream().allMatch(l -> expected.get(l).landing() == Hostile.Landing.DEAD_LETTER),
                deadLetters.values().stream().mapToInt(List::size).sum() + " dead letters; unexpected: "
                        + deadLetters.keySet().stream().filter(l -> expected.get(l).landing() != Hostile.Landing.DEAD_LETTER).sorted().toList()
                        + (reading.unrecognised.isEmpty() ? "" : ", unrecognised records " + reading.unrecognised)));
        checks.add(latency());
        checks.add(laterOnHostilePartitions());
        checks.add(offsets);
        checks.add(calls());
        List<String> nonEvents = reading.nonEvents;
        checks.add(new Check("no non-event record in " + Cluster.EVENTS, nonEvents.isEmpty(),
                nonEvents.size() + " non-event records" + (nonEvents.isEmpty() ? "" : " " + nonEvents.stream().limit(5).toList())));
        checks.add(eventsPerAnswer());
        long conflicting = answers.values().stream().filter(a -> a.stream().map(Outcome::payload).distinct().count() > 1).count();
        long duplicates = answers.values().stream().mapToLong(a -> a.size() - 1).sum();
        checks.add(new Check("one distinct result per request", conflicting == 0, conflicting + " with conflicting results, " + duplicates + " identical repeats"));
        return new Findings(checks);
    }

    private boolean hasOutcome(String label) {
        return expected.get(label).landing() == Hostile.Landing.DEAD_LETTER ? deadLetters.containsKey(label) : answers.containsKey(label);
    }

    /** Why {@code label} is not as expected, or null when it is. */
    private String problem(String label) {
        Hostile.Expected want = expected.get(label);
        List<Outcome> got = want.landing() == Hostile.Landing.DEAD_LETTER ? deadLetters.get(label) : answers.get(label);
        List<Outcome> other = want.landing() == Hostile.Landing.DEAD_LETTER ? answers.get(label) : deadLetters.get(label);
        if (!sent.containsKey(label)) {
            return "not found in " + Cluster.input();
        }
        if (got == null) {
            if (other != null) {
                return "got " + other.getFirst().describe();
            }
            Sent s = sent.get(label);
            long committed = committedOffsets.getOrDefault(new TopicPartition(Cluster.input(), s.partition()), 0L);
            String never = want.landing() == Hostile.Landing.DEAD_LETTER ? "never dead-lettered" : "never answered";
            return committed > s.offset() ? never + ", its offset committed" : never;
        }
        if (other != null) {
            return "also got " + other.getFirst().describe();
        }
        Outcome first = got.getFirst();
        String wantTopic = switch (want.landing()) {
            case RESULTS -> Cluster.RESULTS;
            case REPLIES -> Cluster.REPLIES;
            case DEAD_LETTER -> Cluster.DLT;
        };
        if (got.stream().anyMatch(o -> !o.topic().equals(wantTopic))) {
            return "got " + got.stream().map(Outcome::describe).distinct().toList();
        }
        if (want.landing() == Hostile.Landing.DEAD_LETTER) {
            return got.size() > 1 ? "dead-lettered " + got.size() + " times" : want.stage().equals(first.stage()) ? null : "with stage header " + first.stage();
        }
        String status = want.code() == null ? "SUCCESS" : "ERROR";
        if (!status.equals(first.status()) || want.code() != null && !want.code().equals(first.code())) {
            return "got " + first.describe() + (first.message() == null ? "" : " (" + first.message() + ")");
        }
        if (want.mentions() != null && (first.message() == null || !first.message().contains(want.mentions()))) {
            return "message does not name " + want.mentions() + ": " + first.message();
        }
        if ("RATE_LIMIT_EXCEEDED".equals(want.code()) && (first.retryAfterMs() == null || first.retryAfterMs() <= 0 || !first.retryable())) {
            return "retryAfterMs " + first.retryAfterMs() + ", retryable " + first.retryable() + " (expected: set, true)";
        }
        return null;
    }

    private Check ordinary() {
        List<String> ids = expected.keySet().stream().filter(l -> !kinds.containsKey(l)).toList();
        Map<String, String> problems = problems(ids);
        return new Check("ordinary requests SUCCESS on " + Cluster.RESULTS, problems.isEmpty(),
                (ids.size() - problems.size()) + " of " + ids.size() + summary(problems) + unansweredByPartition(problems.keySet()));
    }

    /** Where unanswered requests sit: per partition, how many and from which offset. */
    private String unansweredByPartition(Set<String> labels) {
        Map<Integer, List<Long>> offsets = new TreeMap<>();
        labels.stream().map(sent::get).filter(s -> s != null).forEach(s -> offsets.computeIfAbsent(s.partition(), p -> new ArrayList<>()).add(s.offset()));
        return offsets.isEmpty() ? "" : "; unanswered by partition: " + offsets.entrySet().stream()
                .map(e -> "p" + e.getKey() + " " + e.getValue().size() + " from offset " + e.getValue().stream().mapToLong(Long::longValue).min().orElseThrow())
                .collect(Collectors.joining(", "));
    }

    private Check kind(Hostile.Kind kind) {
        List<String> labels = hostile.all().stream().filter(r -> r.kind() == kind).map(Hostile.Request::label).toList();
        Map<String, String> problems = problems(labels);
        return new Check(kind.name().toLowerCase(java.util.Locale.ROOT) + " -> " + kind.expected.describe(), problems.isEmpty(),
                (labels.size() - problems.size()) + " of " + labels.size() + summary(problems));
    }

    private Map<String, String> problems(List<String> labels) {
        Map<String, String> problems = new TreeMap<>();
        labels.forEach(l -> {
            String p = problem(l);
            if (p != null) {
                problems.put(l, p);
            }
        });
        return problems;
    }

    private static String summary(Map<String, String> problems) {
        if (problems.isEmpty()) {
            return "";
        }
        Map<String, Long> byProblem = problems.values().stream().collect(Collectors.groupingBy(p -> p, TreeMap::new, Collectors.counting()));
        return "; " + byProblem.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining("; "))
                + (problems.size() <= 6 ? " " + problems.keySet() : "");
    }

    private Check latency() {
        long max = 0;
        String slowest = "-";
        int late = 0;
        for (String label : expected.keySet()) {
            List<Outcome> got = expected.get(label).landing() == Hostile.Landing.DEAD_LETTER ? deadLetters.get(label) : answers.get(label);
            Sent s = sent.get(label);
            if (got == null || s == null) {
                continue;
            }
            long ms = got.stream().mapToLong(Outcome::timestamp).min().orElseThrow() - s.timestamp();
            if (ms > max) {
                max = ms;
                slowest = label;
            }
            late += ms > WITHIN.toMillis() ? 1 : 0;
        }
        return new Check("each outcome within " + WITHIN.toSeconds() + " s of its request", late == 0,
                "max " + max + " ms (" + slowest + "), " + late + " later; unanswered ones count above");
    }

    private Check laterOnHostilePartitions() {
        Map<Integer, Long> firstHostile = new TreeMap<>();
        kinds.keySet().stream().map(sent::get).filter(s -> s != null)
                .forEach(s -> firstHostile.merge(s.partition(), s.offset(), Math::min));
        List<String> later = expected.keySet().stream().filter(l -> !kinds.containsKey(l) && sent.containsKey(l))
                .filter(l -> firstHostile.containsKey(sent.get(l).partition()) && sent.get(l).offset() > firstHostile.get(sent.get(l).partition()))
                .toList();
        long answered = later.stream().filter(answers::containsKey).count();
        return new Check("later ordinary requests of the hostile partitions " + firstHostile.keySet() + " answered", answered == later.size(),
                answered + " of " + later.size() + unansweredByPartition(later.stream().filter(l -> !answers.containsKey(l)).collect(Collectors.toSet())));
    }

    /** Committed offsets of the group against the end offsets of the requests and retry topics (waiting up to 15 s for the last commits). */
    private Check committed() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrap()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
            for (String topic : List.of(Cluster.REQUESTS, Cluster.RETRY)) {
                for (int p = 0; p < Cluster.PARTITIONS; p++) {
                    latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                }
            }
            TopicPartition queue = new TopicPartition(Cluster.QUEUE, 0);
            if (Cluster.mode == Cluster.Mode.SHARE) {
                latest.put(queue, OffsetSpec.latest());
            }
            List<String> behind;
            do {
                var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>(admin.listConsumerGroupOffsets(Cluster.GROUP)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS));
                if (Cluster.mode == Cluster.Mode.SHARE) {
                    // A share group's lag: records not acknowledged yet (accepted, rejected or archived). Its start offset is no
                    // measure: the broker persists it lazily (960 of 1,000 with all 1,000 accepted, on Kafka 4.4).
                    var info = admin.listShareGroupOffsets(Map.of(Cluster.SHARE_GROUP, new org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec()))
                            .partitionsToOffsetInfo(Cluster.SHARE_GROUP).get(10, TimeUnit.SECONDS).get(queue);
                    long end = admin.listOffsets(Map.of(queue, OffsetSpec.latest())).all().get(10, TimeUnit.SECONDS).get(queue).offset();
                    committed.put(queue, info == null || info.lag().isEmpty() ? null : new OffsetAndMetadata(end - info.lag().get()));
                }
                behind = new ArrayList<>();
                for (TopicPartition tp : latest.keySet()) {
                    long end = ends.get(tp).offset();
                    long offset = committed.get(tp) == null ? 0 : committed.get(tp).offset();
                    committedOffsets.put(tp, offset);
                    if (offset != end) {
                        behind.add(tp + " committed " + offset + " of " + end);
                    }
                }
                if (!behind.isEmpty()) {
                    Thread.sleep(500);
                }
            } while (!behind.isEmpty() && System.nanoTime() < deadline);
            return new Check("committed offsets = end offsets of " + Cluster.REQUESTS + " and " + Cluster.RETRY
                    + (Cluster.mode == Cluster.Mode.SHARE ? ", share group lag 0 on " + Cluster.QUEUE : ""), behind.isEmpty(),
                    behind.isEmpty() ? "all partitions" : String.join(", ", behind));
        }
    }

    private Check calls() throws IOException, InterruptedException {
        Map<String, Integer> perLabel = new HashMap<>();
        String log;
        try (HttpClient http = HttpClient.newHttpClient()) {
            log = http.send(HttpRequest.newBuilder(URI.create(cluster.stubUrl() + "/log")).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        log.lines().filter(line -> !line.isBlank()).forEach(line -> perLabel.merge(line.split(" ")[0], 1, Integer::sum));
        Map<String, String> wrong = new TreeMap<>();
        expected.forEach((label, want) -> {
            int calls = perLabel.getOrDefault(label, 0);
            // A request not answered may not have been called yet; it is reported above. Never more than expected.
            if (calls > want.calls() || calls < want.calls() && hasOutcome(label)) {
                wrong.put(label, "called " + calls + " time(s) (expected " + want.calls() + ")");
            }
        });
        Set<String> strangers = new HashSet<>(perLabel.keySet());
        strangers.removeAll(expected.keySet());
        int total = perLabel.values().stream().mapToInt(Integer::intValue).sum();
        return new Check("external calls: at most one per request, none for refused ones", wrong.isEmpty() && strangers.isEmpty(),
                total + " calls, at most " + perLabel.values().stream().mapToInt(Integer::intValue).max().orElse(0) + " for one"
                        + summary(wrong) + (strangers.isEmpty() ? "" : "; calls for unknown requests " + strangers));
    }

    private Check eventsPerAnswer() {
        Map<String, String> wrong = new TreeMap<>();
        answers.forEach((label, got) -> {
            Hostile.Expected want = expected.get(label);
            List<String> types = events.getOrDefault(label, List.of());
            if (want == null) {
                return;
            }
            if (types.isEmpty()) {
                wrong.put(label, "without integration.method.* event");
            } else if (kinds.containsKey(label) && want.code() != null && !types.equals(List.of("integration.method.failed"))) {
                wrong.put(label, "with events " + types.stream().collect(Collectors.groupingBy(t -> t, TreeMap::new, Collectors.counting()))
                        + " (expected: one integration.method.failed)");
            }
        });
        return new Check("every answer has its event; a hostile ERROR exactly one integration.method.failed", wrong.isEmpty(),
                answers.size() - wrong.size() + " of " + answers.size() + summary(wrong));
    }
}
