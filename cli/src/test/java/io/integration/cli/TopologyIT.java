package io.integration.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.api.ApiConfig;
import io.integration.api.ManagementApi;
import io.integration.avro.IntegrationEvent;
import io.integration.embedded.DemoApi;
import io.integration.embedded.Infrastructure;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.secret.Secret;
import io.integration.topology.TopologyMain;
import io.integration.topology.TopologySettings;
import io.integration.wire.AvroWireCodec;
import io.integration.wire.SchemaRegistryClient;
import io.integration.worker.app.WorkerApp;
import io.integration.worker.config.WorkerConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two topology instances beside a worker, on the real broker: requests made through the worker have their status queried
 * from either instance, and an instance's health follows its failures — one change event to DOWN, one back.
 */
class TopologyIT {

    private static final String MASTER_KEY = MasterKey.generate();
    private static final String ADMIN = "ist_topology-test-" + UUID.randomUUID();
    private static final String DATABASE = "topology-" + UUID.randomUUID();
    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> TOPICS = List.of("topo.requests." + SUFFIX, "topo.results." + SUFFIX, "topo.events." + SUFFIX,
            "topo.dlt." + SUFFIX, "topo.retry." + SUFFIX);
    private static final String HEALTH_TOPIC = "topo.health." + SUFFIX;
    /** The health window: short, so that recovery in the next window happens within the test. */
    private static final Duration WINDOW = Duration.ofSeconds(5);

    private static final Infrastructure infra = Infrastructure.shared();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static ManagementApi api;
    private static DemoApi demo;
    private static WorkerApp worker;
    private static final List<TopologyMain.Running> topologies = new ArrayList<>();
    private static KafkaProducer<String, String> producer;

    @BeforeAll
    static void start() throws Exception {
        infra.createTopics(3, TOPICS);
        infra.createTopics(3, List.of(HEALTH_TOPIC));
        Map<String, String> first = topologyEnvironment();
        Map<String, String> second = topologyEnvironment();
        api = ManagementApi.start(new ApiConfig(infra.mongoUri(), DATABASE, "127.0.0.1", 0, ADMIN, null, Secret.of(MASTER_KEY), null, true)
                .withTopology("http://127.0.0.1:" + second.get("TOPOLOGY_HTTP_PORT")), Clock.systemUTC());
        demo = DemoApi.start(0, "demo-key");
        DemoSeed.seed(api.port(), ADMIN, demo, "demo-key", "topology-demo", "topo-cred", "crm");
        worker = WorkerApp.start(WorkerConfig.from(TestWorker.settings(infra, DATABASE, "topology-" + SUFFIX, TOPICS, MASTER_KEY)),
                Clock.systemUTC());
        for (Map<String, String> env : List.of(first, second)) {
            topologies.add(TopologyMain.start(TopologySettings.fromEnvironment(env)));
        }
        producer = new KafkaProducer<>(Map.of("bootstrap.servers", infra.bootstrapServers()), new StringSerializer(), new StringSerializer());
        await().atMost(Duration.ofSeconds(90)).until(() -> topologies.stream().allMatch(t -> get(t, "/health/ready").statusCode() == 200));
    }

    private static Map<String, String> topologyEnvironment() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("TOPOLOGY_KAFKA_BOOTSTRAP_SERVERS", infra.bootstrapServers());
        env.put("TOPOLOGY_KAFKA_APPLICATION_ID", "topology-it-" + SUFFIX);
        env.put("TOPOLOGY_KAFKA_COMMIT_INTERVAL_MS", "100");
        env.put("TOPOLOGY_SCHEMA_REGISTRY_URL", infra.schemaRegistryUrl());
        env.put("TOPOLOGY_TOPIC_REQUESTS", TOPICS.get(0));
        env.put("TOPOLOGY_TOPIC_RESULTS", TOPICS.get(1));
        env.put("TOPOLOGY_TOPIC_EVENTS", TOPICS.get(2));
        env.put("TOPOLOGY_TOPIC_RETRY", TOPICS.get(4));
        env.put("TOPOLOGY_TOPIC_HEALTH", HEALTH_TOPIC);
        env.put("TOPOLOGY_HEALTH_WINDOW", WINDOW.toSeconds() + "s");
        env.put("TOPOLOGY_HEALTH_MIN_CALLS", "10");
        env.put("TOPOLOGY_STATE_DIR", Files.createTempDirectory("topology-it").toString());
        env.put("TOPOLOGY_HTTP_HOST", "127.0.0.1");
        try (ServerSocket free = new ServerSocket(0)) {
            env.put("TOPOLOGY_HTTP_PORT", Integer.toString(free.getLocalPort()));
        }
        return env;
    }

    @AfterAll
    static void stop() {
        if (producer != null) {
            producer.close();
        }
        topologies.forEach(TopologyMain.Running::close);
        if (worker != null) {
            worker.close();
        }
        api.close();
        demo.close();
    }

    @Test
    void aRequestsStatusIsTheSameFromEitherInstanceAndHealthGoesDownOnceAndBackOnce() throws Exception {
        // A request through the worker: either topology instance answers for it
        send("ok-1", "1");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (TopologyMain.Running topology : topologies) {
                HttpResponse<String> answer = get(topology, "/requests/ok-1");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                assertThat(json(answer).path("status").asText()).isEqualTo("SUCCEEDED");
                assertThat(json(answer).path("acceptedAt").isTextual()).as("the requests topic read too").isTrue();
            }
            assertThat(json(get(topologies.get(0), "/requests/ok-1"))).isEqualTo(json(get(topologies.get(1), "/requests/ok-1")));
        });
        assertThat(get(topologies.get(1), "/requests/nope").statusCode()).isEqualTo(404);
        // ... and the management API, which asks a topology instance
        assertThat(json(apiGet("/requests/ok-1"))).isEqualTo(json(get(topologies.get(0), "/requests/ok-1")));
        HttpResponse<String> unknown = apiGet("/requests/nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no status known for request 'nope'");
        CliRun statusCommand = CliRun.of(api.port(), ADMIN, "request", "status", "ok-1");
        assertThat(statusCommand.exit()).as(statusCommand.err()).isZero();
        assertThat(statusCommand.out()).contains("status:").contains("SUCCEEDED").contains("crm");

        // 100 failures: the instance turns DOWN, seen from both instances
        demo.lockUsers(id -> true);
        for (int n = 0; n < 100; n++) {
            send("bad-" + n, Integer.toString(n));
        }
        producer.flush();
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            for (TopologyMain.Running topology : topologies) {
                JsonNode health = json(get(topology, "/integrations/crm/health"));
                assertThat(health.path("status").asText()).as(health.toString()).isEqualTo("DOWN");
            }
        });
        JsonNode down = json(get(topologies.get(0), "/integrations/crm/health"));
        assertThat(json(apiGet("/integrations/crm/health")).path("status").asText()).isEqualTo("DOWN");
        CliRun health = CliRun.of(api.port(), ADMIN, "instances", "health", "crm");
        assertThat(health.out()).as(health.err()).startsWith("crm DOWN since").contains("UPSTREAM_ERROR").contains("p95");
        assertThat(down.at("/current/total/errorsByCode/UPSTREAM_ERROR").asLong() + down.at("/previous/total/errorsByCode/UPSTREAM_ERROR").asLong())
                .as("DOWN from at least 10 calls of which half failed").isGreaterThanOrEqualTo(5);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode status = json(get(topologies.get(1), "/requests/bad-99"));
            assertThat(status.path("status").asText()).isEqualTo("FAILED");
            assertThat(status.path("errorCode").asText()).isEqualTo("UPSTREAM_ERROR");
        });

        // Recovery: successes from the next window on turn it back (a window that holds both is judged as a whole:
        // with failures and successes mixed in one window it would pass through DEGRADED, which is right, but not the test)
        demo.lockUsers(id -> false);
        long windowMs = WINDOW.toMillis();
        Thread.sleep(windowMs - System.currentTimeMillis() % windowMs + 200);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int n = 0;
        while (!"HEALTHY".equals(json(get(topologies.get(1), "/integrations/crm/health")).path("status").asText())) {
            assertThat(System.nanoTime()).as("HEALTHY within 60 s of recovery").isLessThan(deadline);
            for (int i = 0; i < 5; i++) {
                send("good-" + n++, "1");
            }
            producer.flush();
            Thread.sleep(500);
        }

        // Exactly one change to DOWN and one back, on the events topic (once the traffic stops, it may age into UNKNOWN)
        List<IntegrationEvent> changes = healthChanges();
        List<String> to = changes.stream().map(e -> e.getAttributes().get("to")).toList();
        assertThat(to.subList(0, Math.min(2, to.size()))).as(to.toString()).containsExactly("DOWN", "HEALTHY");
        assertThat(to.subList(2, to.size())).as(to.toString()).allSatisfy(t -> assertThat(t).isEqualTo("UNKNOWN"));
        assertThat(changes).allSatisfy(e -> assertThat(e.getIntegrationInstanceId()).isEqualTo("crm"));
    }

    private static void send(String requestId, String userId) {
        producer.send(new ProducerRecord<>(TOPICS.get(0), requestId, "{\"requestId\":\"" + requestId
                + "\",\"integrationInstanceId\":\"crm\",\"methodName\":\"getUser\",\"params\":{\"id\":\"" + userId + "\"}}"));
    }

    private static List<IntegrationEvent> healthChanges() {
        AvroWireCodec<IntegrationEvent> codec = AvroWireCodec.of(IntegrationEvent.class, SchemaRegistryClient.forUrl(infra.schemaRegistryUrl()));
        List<IntegrationEvent> changes = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", infra.bootstrapServers()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = IntStream.range(0, 3).mapToObj(p -> new TopicPartition(TOPICS.get(2), p)).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long end = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
            long read = 0;
            long giveUp = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (read < end && System.nanoTime() < giveUp) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    read++;
                    IntegrationEvent event = codec.decode(r.value());
                    if (event.getType().equals("integration.health.changed")) {
                        changes.add(event);
                    }
                }
            }
        }
        return changes;
    }

    private static HttpResponse<String> get(TopologyMain.Running topology, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + topology.queries().port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> apiGet(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path)).header("Authorization", "Bearer " + ADMIN)
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(HttpResponse<String> response) {
        try {
            return ApiClient.JSON.readTree(response.body());
        } catch (Exception e) {
            throw new IllegalStateException(response.body(), e);
        }
    }
}
