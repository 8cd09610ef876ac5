package io.integration.worker.it;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.integration.embedded.Infrastructure;
import io.integration.worker.config.WorkerConfig;
import io.integration.worker.app.WorkerApp;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.secret.Secret;
import io.integration.registry.service.InstanceService;
import io.integration.worker.messaging.Topics;
import io.integration.registry.DefinitionDocuments;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One test's own slice of the shared infrastructure: its topics, consumer group and MongoDB database,
 * plus helpers to seed definitions, send requests and read what the worker published. Every endpoint
 * comes from {@link Infrastructure}.
 */
final class WorkerFixture implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int PARTITIONS = 3;

    final Infrastructure infra = Infrastructure.shared();
    /** This fixture's master key: the seeding and every worker it starts share it, as a deployment's processes do. */
    final String masterKey = MasterKey.generate();
    final String name;
    final Topics topics;
    final String group;
    final MongoClient mongo;
    final MongoDatabase db;
    private final KafkaProducer<byte[], byte[]> producer;

    WorkerFixture(String testName) {
        this.name = testName + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.topics = Topics.prefixed(name);
        this.group = name + "-workers";
        infra.createTopics(PARTITIONS, List.of(topics.requests(), topics.results(), topics.events(), topics.deadLetter(), topics.retry()));
        this.mongo = MongoClients.create(infra.mongoUri());
        this.db = mongo.getDatabase(name.replace('.', '_'));
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Settings exactly as a deployment would give them, pointing at this fixture's slice. */
    Map<String, String> settings() {
        Map<String, String> s = new HashMap<>();
        s.put("kafka.bootstrap.servers", infra.bootstrapServers());
        s.put("kafka.group.id", group);
        s.put("schema.registry.url", infra.schemaRegistryUrl());
        s.put("mongo.uri", infra.mongoUri());
        s.put("mongo.database", db.getName());
        s.put("topic.requests", topics.requests());
        s.put("topic.results", topics.results());
        s.put("topic.events", topics.events());
        s.put("topic.dlt", topics.deadLetter());
        s.put("topic.retry", topics.retry());
        s.put("outbound.allow.private.networks", "true");
        s.put("http.timeout", "5s");
        s.put("credentials.master.key", masterKey);
        s.put("ops.port", "0"); // several workers share this JVM
        return s;
    }

    WorkerApp startWorker() {
        return startWorker(Map.of());
    }

    WorkerApp startWorker(Map<String, String> overrides) {
        Map<String, String> s = settings();
        s.putAll(overrides);
        return WorkerApp.start(WorkerConfig.from(s), Clock.systemUTC());
    }

    /** Seeds a published definition (YAML with {@code ${baseUrl}} replaced), an instance and its API key. */
    void seed(String definitionResource, String baseUrl, String instanceId, String apiKey) {
        String yaml;
        try (var in = getClass().getResourceAsStream(definitionResource)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${baseUrl}", baseUrl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        seed(yaml, instanceId, Map.of("tenant", "acme"), new Credential.ApiKey(instanceId + "-key", Secret.of(apiKey)));
    }

    /**
     * Seeds the definition {@code definitionText} (published through the management service, so it passes every
     * publishing check), a connected instance of it with {@code config}, and the instance's {@code credential}.
     */
    void seed(String definitionText, String instanceId, Map<String, Object> config, Credential credential) {
        WorkerApp.management(db, masterKey, true, Clock.systemUTC()).seed(definitionText, credential,
                new InstanceService.Spec(instanceId, "acme", DefinitionDocuments.parse(definitionText).name(), null, config, credential.id()));
    }

    /** Produces a JSON request keyed by its instance. */
    void sendJson(String instanceId, String json) {
        send(topics.requests(), instanceId.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    void send(String topic, byte[] key, byte[] value) {
        send(topic, key, value, new RecordHeaders());
    }

    /** Produces a JSON request keyed by its instance, without waiting ({@link #flush} to wait). */
    void sendJsonAsync(String instanceId, String json) {
        sendAsync(topics.requests(), instanceId.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    /** Produces without waiting: many records at the rate the producer can batch them ({@link #flush} to wait). */
    void sendAsync(String topic, byte[] key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, null, key, value, new RecordHeaders()));
    }

    void flush() {
        producer.flush();
    }

    void send(String topic, byte[] key, byte[] value, Headers headers) {
        producer.send(new ProducerRecord<>(topic, null, key, value, headers));
        producer.flush();
    }

    static String request(String requestId, String instanceId, String method, String paramsJson) {
        return "{\"requestId\":\"" + requestId + "\",\"integrationInstanceId\":\"" + instanceId + "\",\"methodName\":\""
                + method + "\",\"params\":" + paramsJson + ",\"attributes\":{\"test\":\"yes\"}}";
    }

    /** Reads {@code topic} from the beginning until {@code count} records arrived or {@code timeout} passed. */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, int count, Duration timeout) {
        // Assigned, not subscribed: no group to join, so the window is all reading. Whatever the topic held when the read
        // began is read in full even if the window is over (a busy machine must not make a test miss what was there).
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
            long deadline = System.nanoTime() + timeout.toNanos();
            List<TopicPartition> partitions = List.of();
            while (partitions.isEmpty() && System.nanoTime() < deadline) {
                partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    sleep(100);
                }
            }
            if (partitions.isEmpty()) {
                return out;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long lastChance = deadline + Duration.ofSeconds(30).toNanos();
            while (out.size() < count && (System.nanoTime() < deadline || !atEnd(consumer, end) && System.nanoTime() < lastChance)) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            return out;
        }
    }

    private static boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** JSON results by request id, reading until {@code requestIds} all have one. */
    Map<String, JsonNode> results(Set<String> requestIds, Duration timeout) {
        Map<String, JsonNode> byId = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!byId.keySet().containsAll(requestIds) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : read(topics.results(), Integer.MAX_VALUE, Duration.ofSeconds(2))) {
                JsonNode json = json(r.value());
                byId.put(json.get("requestId").asText(), json);
            }
        }
        return byId;
    }

    static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Committed offsets of the worker group, per partition of the requests topic. */
    Map<Integer, Long> committed() {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getValue() != null && e.getKey().topic().equals(topics.requests()))
                    .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** End offsets of the requests topic, per non-empty partition. */
    Map<Integer, Long> endOffsets() {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topics.requests(), p), OffsetSpec.latest());
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all().get();
            // Partitions that never had a record have nothing to commit.
            return ends.entrySet().stream().filter(e -> e.getValue().offset() > 0)
                    .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Committed offsets of the worker group on {@code topic}, per partition. */
    Map<Integer, Long> committed(String topic) {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            return offsets.entrySet().stream().filter(e -> e.getValue() != null && e.getKey().topic().equals(topic))
                    .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** End offsets of {@code topic}, per non-empty partition. */
    Map<Integer, Long> endOffsets(String topic) {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().entrySet().stream().filter(e -> e.getValue().offset() > 0)
                    .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Deletes {@code topic} of this fixture and waits until the broker no longer lists it. */
    void deleteTopic(String topic) {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(topic)).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> !admin.listTopics().names().get().contains(topic));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
    }

    @Override
    public void close() {
        producer.close();
        mongo.close();
    }
}
