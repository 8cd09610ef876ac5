package io.integration.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.api.ApiConfig;
import io.integration.api.ManagementApi;
import io.integration.embedded.DemoApi;
import io.integration.embedded.Infrastructure;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.secret.Secret;
import io.integration.worker.app.WorkerApp;
import io.integration.worker.config.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code replay} as an operator runs it after fixing an outage: against a real API, Kafka broker, MongoDB wire server and
 * worker, with the demo API's call log as the judge of what was called again.
 */
class ReplayIT {

    private static final String MASTER_KEY = MasterKey.generate();
    private static final String ADMIN = "ist_replay-test-" + UUID.randomUUID();
    private static final String DATABASE = "replay-" + UUID.randomUUID();
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> TOPICS = List.of("replay.requests." + SUFFIX, "replay.results." + SUFFIX, "replay.events." + SUFFIX,
            "replay.dlt." + SUFFIX, "replay.retry." + SUFFIX);
    private static final int REQUESTS = 1000;

    private static final Infrastructure infra = Infrastructure.shared();
    private static ManagementApi api;
    private static DemoApi demo;
    private static WorkerApp worker;
    private static KafkaProducer<String, String> producer;
    /** Every result read so far, by request id, in arrival order (repeats included). */
    private static final Map<String, List<JsonNode>> results = new HashMap<>();
    private static KafkaConsumer<String, String> resultReader;

    @BeforeAll
    static void start() throws Exception {
        infra.createTopics(3, TOPICS);
        api = ManagementApi.start(new ApiConfig(infra.mongoUri(), DATABASE, "127.0.0.1", 0, ADMIN, null, Secret.of(MASTER_KEY), null, true)
                .withEvents(infra.bootstrapServers(), infra.schemaRegistryUrl(), TOPICS.get(2), "json")
                .withTopics(TOPICS.get(0), TOPICS.get(3)), Clock.systemUTC());
        demo = DemoApi.start(0, "demo-key");
        DemoSeed.seed(api.port(), ADMIN, demo, "demo-key", "replay-demo", "replay-cred", "crm");
        worker = WorkerApp.start(WorkerConfig.from(TestWorker.settings(infra, DATABASE, "replay-" + SUFFIX, TOPICS, MASTER_KEY)),
                Clock.systemUTC());
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", infra.bootstrapServers()), new StringSerializer(), new StringSerializer());
        resultReader = new KafkaConsumer<>(Map.of("bootstrap.servers", infra.bootstrapServers()), new StringDeserializer(),
                new StringDeserializer());
        List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(TOPICS.get(1), p)).toList();
        resultReader.assign(partitions);
        resultReader.seekToBeginning(partitions);
    }

    @AfterAll
    static void stop() {
        resultReader.close();
        producer.close();
        worker.close();
        api.close();
        demo.close();
    }

    @Test
    void replayReExecutesExactlyTheFailedRequestsOnceAndSkipsTheRest() throws Exception {
        // Given: 1,000 requests, of which the 100 for users 0, 10, 20 ... fail with UPSTREAM_ERROR (the API had them locked)
        demo.lockUsers(id -> Integer.parseInt(id) % 10 == 0);
        String from = java.time.Instant.now().minusMillis(1).toString();
        for (int n = 0; n < REQUESTS; n++) {
            send("req-" + n, Integer.toString(n));
        }
        producer.flush();
        awaitResults(REQUESTS, REQUESTS);
        List<String> failed = IntStream.range(0, REQUESTS).filter(n -> n % 10 == 0).mapToObj(n -> "req-" + n).toList();
        assertThat(failed).allSatisfy(id -> assertThat(last(id).at("/error/code").asText()).isEqualTo("UPSTREAM_ERROR"));
        assertThat(IntStream.range(0, REQUESTS).filter(n -> n % 10 != 0).mapToObj(n -> last("req-" + n))
                .filter(r -> !r.path("status").asText().equals("SUCCESS")).map(JsonNode::toString).toList())
                .as("requests that should have succeeded and did not").isEmpty();
        demo.lockUsers(id -> false);
        long endBefore = requestsEnd();

        // When: a dry run first
        CliRun dry = cli("replay", "--from", from, "--error-code", "UPSTREAM_ERROR", "--dry-run", "--rate", "1000", "--reason", "CRM unlocked the users");

        // Then: it counts, and changes nothing
        assertThat(dry.exit()).as(dry.out() + dry.err()).isZero();
        assertThat(dry.out()).contains("DONE").contains("read:     1000 of 1000").contains("would replay: 100").contains("skipped:  900 (not matching 900");
        assertThat(requestsEnd()).isEqualTo(endBefore);
        Thread.sleep(1000);
        assertThat(IntStream.range(0, REQUESTS).mapToLong(n -> demo.userCalls(Integer.toString(n))).sum())
                .as(() -> "calls before the replay; users the API never saw, with their results: " + unseenUsers())
                .isEqualTo(REQUESTS);

        // When: the replay itself
        CliRun replay = cli("replay", "--from", from, "--error-code", "UPSTREAM_ERROR", "--rate", "1000", "--reason", "CRM unlocked the users");

        // Then: exactly the 100 failed requests ran again, once each, and now succeeded; the 900 were not called again
        assertThat(replay.exit()).as(replay.out() + replay.err()).isZero();
        assertThat(replay.out()).contains("replayed: 100").contains("skipped:  900 (not matching 900");
        assertThat(replay.err()).contains("100% 1000/1000 read");
        awaitResults(REQUESTS, REQUESTS + failed.size());
        assertThat(failed).allSatisfy(id -> assertThat(last(id).path("status").asText()).isEqualTo("SUCCESS"));
        Thread.sleep(1000);
        for (int n = 0; n < REQUESTS; n++) {
            assertThat(demo.userCalls(Integer.toString(n))).as("calls for user " + n).isEqualTo(n % 10 == 0 ? 2 : 1);
        }

        // And: the audit log says who replayed what and why
        JsonNode audit = apiGet("/audit?limit=200");
        assertThat(audit.path("items").findValues("action").stream().map(JsonNode::asText)).contains("replays.start");
        JsonNode started = java.util.stream.StreamSupport.stream(audit.path("items").spliterator(), false)
                .filter(e -> e.path("action").asText().equals("replays.start")).findFirst().orElseThrow();
        assertThat(started.path("actor").asText()).isNotBlank();
        assertThat(started.path("detail").asText()).contains("UPSTREAM_ERROR").contains("CRM unlocked the users");

        assertThat(cli("replay", "list").out()).contains("DONE").contains("100/1000").contains("CRM unlocked the users");

        // And: the same replay again finds nothing left to do; a succeeded request runs again only with --force
        CliRun again = cli("replay", "--from", from, "--error-code", "UPSTREAM_ERROR", "--rate", "1000", "--reason", "again");
        assertThat(again.out()).contains("replayed: 0");
        CliRun unforced = cli("replay", "--request-id", "req-1", "--reason", "check one");
        assertThat(unforced.out()).contains("replayed: 0").contains("succeeded 1");
        CliRun forced = cli("replay", "--request-id", "req-1", "--force", "--reason", "check one");
        assertThat(forced.out()).contains("replayed: 1");
        await().atMost(Duration.ofSeconds(30)).until(() -> demo.userCalls("1") == 2);
    }

    @Test
    void aDeadLetterIsReDrivenThroughTheSamePathWithTheReplayMarks() throws Exception {
        // Given: a dead letter as a worker writes it: the request's bytes, its origin and failure in integration.error.* headers
        String value = request("dead-1", "77");
        ProducerRecord<String, String> letter = new ProducerRecord<>(TOPICS.get(3), null, "dead-1", value);
        letter.headers().add("integration.error.stage", "OUTPUT".getBytes(StandardCharsets.UTF_8));
        letter.headers().add("integration.error.topic", TOPICS.get(0).getBytes(StandardCharsets.UTF_8));
        producer.send(letter).get();

        // When
        CliRun redrive = cli("replay", "--source", "dlt", "--request-id", "dead-1", "--reason", "results topic fixed");

        // Then: it ran, and its record on the requests topic says where it came from, without the dead letter's headers
        assertThat(redrive.exit()).as(redrive.out() + redrive.err()).isZero();
        assertThat(redrive.out()).contains("replayed: 1");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            poll();
            return results.containsKey("dead-1");
        });
        assertThat(last("dead-1").path("status").asText()).isEqualTo("SUCCESS");
        ConsumerRecord<String, String> replayed = requests().stream().filter(r -> "dead-1".equals(r.key())).findFirst().orElseThrow();
        assertThat(header(replayed, "integration.replay.topic")).isEqualTo(TOPICS.get(3));
        assertThat(header(replayed, "integration.replay.id")).startsWith("rp-");
        assertThat(replayed.headers().lastHeader("integration.error.stage")).isNull();
    }

    @Test
    void badReplaysAreRefusedNamingWhatIsWrong() {
        CliRun code = cli("replay", "--error-code", "NOPE", "--reason", "x");
        assertThat(code.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(code.err()).contains("errorCodes").contains("UPSTREAM_ERROR");
        assertThat(cli("replay", "--error-code", "UPSTREAM_ERROR").exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(cli("replay", "--offsets", "0-10", "--reason", "x").err()).contains("PARTITION:FROM-TO");
        CliRun partition = cli("replay", "--offsets", "7:0-10", "--reason", "x");
        assertThat(partition.exit()).isEqualTo(ExitCodes.REFUSED);
        assertThat(partition.err()).contains("offsets.7").contains("0..2");
        CliRun both = cli("replay", "--offsets", "0:0-10", "--from", "2026-01-01T00:00:00Z", "--reason", "x");
        assertThat(both.err()).contains("not both");
        assertThat(cli("replay", "status", "rp-nope").exit()).isEqualTo(ExitCodes.REFUSED);
    }

    private static CliRun cli(String... args) {
        return CliRun.of(api.port(), ADMIN, args);
    }

    private static String request(String requestId, String userId) {
        return "{\"requestId\":\"" + requestId + "\",\"integrationInstanceId\":\"crm\",\"methodName\":\"getUser\",\"params\":{\"id\":\""
                + userId + "\"}}";
    }

    private static void send(String requestId, String userId) {
        producer.send(new ProducerRecord<>(TOPICS.get(0), requestId, request(requestId, userId)));
    }

    /** Reads results until {@code distinct} request ids of the bulk ("req-") have answers and {@code total} results were read. */
    private static void awaitResults(int distinct, int total) {
        await().atMost(Duration.ofSeconds(120)).until(() -> {
            poll();
            long ids = results.keySet().stream().filter(id -> id.startsWith("req-")).count();
            long all = results.entrySet().stream().filter(e -> e.getKey().startsWith("req-")).mapToLong(e -> e.getValue().size()).sum();
            return ids >= distinct && all >= total;
        });
    }

    private static synchronized boolean poll() throws Exception {
        for (ConsumerRecord<String, String> r : resultReader.poll(Duration.ofMillis(200))) {
            JsonNode result = ApiClient.JSON.readTree(r.value());
            results.computeIfAbsent(result.path("requestId").asText(), id -> new java.util.ArrayList<>()).add(result);
        }
        return true;
    }

    /** The requests whose user the demo API counted no call for, with what they were answered (a failure's evidence). */
    private static String unseenUsers() {
        return IntStream.range(0, REQUESTS).filter(n -> demo.userCalls(Integer.toString(n)) == 0)
                .mapToObj(n -> "req-" + n + " -> " + results.get("req-" + n)).toList().toString();
    }

    private static JsonNode last(String requestId) {
        List<JsonNode> answers = results.get(requestId);
        assertThat(answers).as("results of " + requestId).isNotEmpty();
        return answers.getLast();
    }

    private static long requestsEnd() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", infra.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            return c.endOffsets(IntStream.range(0, 3).mapToObj(p -> new TopicPartition(TOPICS.get(0), p)).toList()).values().stream()
                    .mapToLong(Long::longValue).sum();
        }
    }

    /** Every record of the requests topic. */
    private static List<ConsumerRecord<String, String>> requests() {
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(Map.of("bootstrap.servers", infra.bootstrapServers()),
                new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(TOPICS.get(0), p)).toList();
            c.assign(partitions);
            c.seekToBeginning(partitions);
            List<ConsumerRecord<String, String>> all = new java.util.ArrayList<>();
            long end = requestsEnd();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (all.size() < end && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(all::add);
            }
            return all;
        }
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static JsonNode apiGet(String path) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + ADMIN).build(), HttpResponse.BodyHandlers.ofString());
        return ApiClient.JSON.readTree(response.body());
    }
}
