package io.integration.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import com.sun.net.httpserver.HttpServer;
import io.integration.api.ApiConfig;
import io.integration.api.ManagementApi;
import io.integration.embedded.Infrastructure;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.secret.Secret;
import io.integration.worker.app.WorkerApp;
import io.integration.worker.config.WorkerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The canary test of secret redaction (issue #11, item 5): twenty credentials with unique canary values go through
 * success, 401, 5xx, timeout, poison and echoing-API-error flows with the service's loggers at DEBUG; then every log
 * line, every record on every topic, every MongoDB document and every API answer is searched for the canaries.
 * The external API here is hostile: its error bodies echo the credential it was sent.
 */
class RedactionIT {

    private static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    private static final List<String> TOPICS = List.of("red.requests." + SUFFIX, "red.results." + SUFFIX, "red.events." + SUFFIX,
            "red.dlt." + SUFFIX, "red.retry." + SUFFIX);
    private static final String ADMIN = "ist_redaction-" + UUID.randomUUID();
    private static final String MASTER_KEY = MasterKey.generate();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void noCanaryReachesALogATopicMongoOrAnApiAnswer() throws Exception {
        Infrastructure infra = Infrastructure.shared();
        String database = "red-" + SUFFIX;
        infra.createTopics(2, TOPICS);
        io.integration.embedded.LogCapture capture = io.integration.embedded.LogCapture.start();
        HttpServer upstream = hostileApi();
        List<String> answers = new ArrayList<>();
        List<String> canaries = new ArrayList<>();
        try (ManagementApi api = ManagementApi.start(new ApiConfig(infra.mongoUri(), database, "127.0.0.1", 0, ADMIN, null,
                Secret.of(MASTER_KEY), null, true), Clock.systemUTC())) {
            String base = "http://127.0.0.1:" + upstream.getAddress().getPort();
            // Given: four auth placements, five instances each, every credential a unique canary
            List<String> instances = new ArrayList<>();
            String[][] kinds = {{"api_key", "auth: { type: api_key, apiKey: { in: header, name: X-Api-Key } }", "key"},
                    {"api_query", "auth: { type: api_key, apiKey: { in: query, name: key } }", "key"},
                    {"bearer", "auth: { type: bearer }", "token"},
                    {"basic", "auth: { type: basic }", "password"}};
            for (String[] kind : kinds) {
                answers.add(call(api, "POST", "/definitions/apply", definition(kind[0], kind[1], base)));
                for (int i = 0; i < 5; i++) {
                    String canary = "canary" + kind[0].replace("_", "") + i + "x" + UUID.randomUUID().toString().replace("-", "");
                    canaries.add(canary);
                    String id = kind[0].replace('_', '-') + "-" + i;
                    String credential = kind[0].equals("basic") ? "{\"hosts\":[\"127.0.0.1\"],\"type\":\"basic\",\"username\":\"ada\",\"password\":\"" + canary + "\"}"
                            : "{\"hosts\":[\"127.0.0.1\"],\"type\":\"" + (kind[0].equals("bearer") ? "bearer" : "api_key") + "\",\"" + kind[2] + "\":\"" + canary + "\"}";
                    answers.add(call(api, "PUT", "/credentials/" + id, credential));
                    answers.add(call(api, "POST", "/instances", "{\"id\":\"" + id + "\",\"definition\":\"" + kind[0].replace('_', '-')
                            + "\",\"credentialId\":\"" + id + "\"}"));
                    answers.add(call(api, "POST", "/instances/" + id + "/test", null));
                    answers.add(call(api, "GET", "/instances/" + id, null));
                    instances.add(id);
                }
            }

            // When: every flow, through a worker on a real broker
            Map<String, String> settings = TestWorker.settings(infra, database, "red-" + SUFFIX, TOPICS, MASTER_KEY);
            settings.put("http.timeout", "1s");
            Set<String> expected = new java.util.HashSet<>();
            try (WorkerApp worker = WorkerApp.start(WorkerConfig.from(settings), Clock.systemUTC());
                 KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", infra.bootstrapServers()),
                         new ByteArraySerializer(), new ByteArraySerializer())) {
                for (String instance : instances) {
                    for (String method : List.of("ok", "unauthorized", "failing", "slow")) {
                        String id = instance + "-" + method;
                        expected.add(id);
                        String json = "{\"requestId\":\"" + id + "\",\"integrationInstanceId\":\"" + instance + "\",\"methodName\":\""
                                + method + "\",\"params\":{}}";
                        producer.send(new ProducerRecord<>(TOPICS.get(0), instance.getBytes(), json.getBytes()));
                    }
                }
                producer.send(new ProducerRecord<>(TOPICS.get(0), "poison".getBytes(), new byte[] {'{', 'x', (byte) 0xde}));
                producer.flush();
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2))
                        .until(() -> keys(infra, TOPICS.get(1)).containsAll(expected));
            }
            answers.add(call(api, "GET", "/audit?limit=500", null));
            answers.add(call(api, "GET", "/keys", null));
            answers.add(call(api, "GET", "/instances?limit=500", null));

            // Then
            StringBuilder everything = new StringBuilder();
            capture.lines().forEach(l -> everything.append(l).append('\n'));
            assertThat(LoggerFactory.getLogger("io.integration.worker").isDebugEnabled()).isTrue();
            assertThat(capture.lines()).as("the capture saw the worker's logs").anyMatch(l -> l.contains("Poison record"));
            for (String topic : TOPICS) {
                everything.append(records(infra, topic));
            }
            everything.append(mongo(infra, database));
            answers.forEach(a -> everything.append(a).append('\n'));
            String all = everything.toString();
            assertThat(all).as("the flows ran: an upstream answer was redacted").contains("[redacted]");
            List<String> leaked = canaries.stream().filter(all::contains).toList();
            assertThat(leaked).as("canaries found in logs, topics, MongoDB or API answers").isEmpty();
        } finally {
            capture.close();
            upstream.stop(0);
        }
    }

    /** An external API that echoes the credential it was sent in its error bodies. */
    private static HttpServer hostileApi() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            String presented = String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")) + " "
                    + exchange.getRequestHeaders().getFirst("X-Api-Key") + " " + exchange.getRequestURI().getRawQuery();
            String path = exchange.getRequestURI().getPath();
            int status = switch (path) {
                case "/ok", "/me" -> 200;
                case "/unauthorized" -> 401;
                case "/failing" -> 500;
                default -> 0;
            };
            if (status == 0) {
                try {
                    Thread.sleep(3000); // slower than the 1 s timeout
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                status = 200;
            }
            byte[] body = (status == 200 ? "{\"ok\":true}" : "{\"error\":\"rejected credentials: " + presented + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String definition(String name, String auth, String base) {
        return """
                name: %s
                version: 1.0.0
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                %s
                testMethod: me
                defaults: { retry: { maxAttempts: 2, initialBackoff: 10ms, maxBackoff: 20ms } }
                methods:
                  - { name: me, http: { method: GET, path: /me }, idempotent: true }
                  - { name: ok, http: { method: GET, path: /ok }, idempotent: true }
                  - { name: unauthorized, http: { method: GET, path: /unauthorized }, idempotent: true }
                  - { name: failing, http: { method: GET, path: /failing }, idempotent: true }
                  - { name: slow, http: { method: GET, path: /slow }, idempotent: true }
                """.formatted(name.replace('_', '-'), base, auth);
    }

    private static String call(ManagementApi api, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .header("Authorization", "Bearer " + ADMIN)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isLessThan(500);
        return response.body();
    }

    private static List<ConsumerRecord<byte[], byte[]>> all(Infrastructure infra, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", infra.bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static Set<String> keys(Infrastructure infra, String topic) {
        Set<String> keys = new java.util.HashSet<>();
        all(infra, topic).forEach(r -> keys.add(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8)));
        return keys;
    }

    private static String records(Infrastructure infra, String topic) {
        StringBuilder text = new StringBuilder();
        for (ConsumerRecord<byte[], byte[]> r : all(infra, topic)) {
            text.append(r.key() == null ? "" : new String(r.key(), StandardCharsets.ISO_8859_1)).append(' ')
                    .append(r.value() == null ? "" : new String(r.value(), StandardCharsets.ISO_8859_1)).append(' ');
            for (Header h : r.headers()) {
                text.append(h.key()).append('=').append(h.value() == null ? "" : new String(h.value(), StandardCharsets.ISO_8859_1)).append(' ');
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static String mongo(Infrastructure infra, String database) {
        StringBuilder text = new StringBuilder();
        try (MongoClient client = MongoClients.create(infra.mongoUri())) {
            MongoDatabase db = client.getDatabase(database);
            for (String name : db.listCollectionNames()) {
                for (Document doc : db.getCollection(name).find()) {
                    text.append(doc.toJson()).append('\n');
                }
            }
        }
        return text.toString();
    }
}
