package io.integration.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.integration.embedded.DevSchemaRegistry;
import io.integration.embedded.EmbeddedKafka;
import io.integration.embedded.EmbeddedMongo;
import io.integration.worker.registry.DefinitionDocuments;
import io.integration.worker.registry.IntegrationInstance;
import io.integration.worker.registry.MongoDefinitionRepository;
import io.integration.worker.registry.MongoInstanceRepository;
import io.integration.bench.arms.NaiveLoop;
import io.integration.bench.arms.SkeletonLoop;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The end-to-end benchmark. Starts the embedded broker, MongoDB wire server and registry and a stub API,
 * then, per workload, runs each arm in its own JVM against the same backlog of requests, arms in rotating
 * order, and prints a table of throughput, latency, CPU per request and correctness with ratios measured
 * in this run. Usage: {@code Bench [--smoke] [--requests N] [--workloads W1,W2-16,...] [--arms worker,skeleton,naive]}.
 */
public final class Bench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 6;

    private final EmbeddedKafka kafka;
    private final EmbeddedMongo mongo;
    private final DevSchemaRegistry registry;
    private final StubApi stub = new StubApi();
    private final String runId = UUID.randomUUID().toString().substring(0, 6);

    private Bench() throws IOException {
        mongo = EmbeddedMongo.start(0);
        registry = DevSchemaRegistry.start(0);
        kafka = EmbeddedKafka.start(Files.createTempDirectory("integration-bench-"));
        seed();
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        Bench bench = new Bench();
        List<Measurement> results = new ArrayList<>();
        int rotation = 0;
        for (Workload workload : options.workloads()) {
            List<String> arms = new ArrayList<>(options.arms());
            java.util.Collections.rotate(arms, rotation++);
            for (String arm : arms) {
                Measurement m = bench.run(workload, arm, options.maxSeconds(arm));
                results.add(m);
                System.out.printf(Locale.ROOT, "  %-8s %-9s %8.0f req/s  (%d/%d answered in %.1f s)%n",
                        m.workload(), m.arm(), m.throughput(), m.answered(), m.requests(), m.seconds());
            }
        }
        Report.print(results);
        int failures = options.smoke() ? Report.checkSmoke(results) : 0;
        bench.close();
        if (options.smoke()) {
            System.out.println("bench-smoke: " + (failures == 0 ? "1 passed, 0 failed" : "0 passed, 1 failed"));
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private Measurement run(Workload workload, String arm, Duration maxTime) throws Exception {
        String prefix = "bench-" + runId + "-" + workload.name() + "-" + arm;
        List<String> topics = List.of(prefix + ".requests", prefix + ".results", prefix + ".events", prefix + ".dlt", prefix + ".retry");
        kafka.createTopics(PARTITIONS, topics);
        Map<String, Long> createdAt = produce(topics.get(0), prefix, workload);
        stub.reset(workload.delayMs());
        try (ArmProcess process = startArm(arm, topics, prefix + "-group")) {
            if (!process.awaitReady(Duration.ofSeconds(90))) {
                throw new IllegalStateException(arm + " did not become ready within 90 s");
            }
            long started = System.nanoTime();
            Duration cpuAtStart = process.cpu();
            ResultCount count = collect(topics.get(1), createdAt, started, maxTime);
            Duration cpu = process.cpu().minus(cpuAtStart);
            boolean complete = count.answered == workload.requests();
            return new Measurement(workload.name(), arm, workload.requests(), count.answered, count.seconds, cpu.toNanos() / 1000,
                    count.percentile(50), count.percentile(99), complete || arm.equals("worker") ? workload.requests() - count.answered : -1,
                    count.duplicates, stub.duplicateCalls(), stub.reordered());
        }
    }

    private ArmProcess startArm(String arm, List<String> topics, String group) {
        List<String> baseline = List.of(kafka.bootstrapServers(), topics.get(0), topics.get(1), topics.get(2), group, stub.url());
        return switch (arm) {
            case "naive" -> ArmProcess.start(NaiveLoop.class.getName(), baseline, Map.of(), "READY");
            case "skeleton" -> ArmProcess.start(SkeletonLoop.class.getName(), baseline, Map.of(), "READY");
            case "worker" -> ArmProcess.start("io.integration.worker.app.WorkerMain", List.of(), workerEnv(topics, group), "Assigned");
            default -> throw new IllegalArgumentException("arm: '" + arm + "' (expected: worker, skeleton or naive)");
        };
    }

    /** The worker arm's configuration, exactly as a deployment passes it. */
    private Map<String, String> workerEnv(List<String> topics, String group) {
        Map<String, String> env = new HashMap<>();
        env.put("WORKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("WORKER_KAFKA_GROUP_ID", group);
        env.put("WORKER_SCHEMA_REGISTRY_URL", registry.url());
        env.put("WORKER_MONGO_URI", mongo.connectionString());
        env.put("WORKER_MONGO_DATABASE", "bench");
        env.put("WORKER_TOPIC_REQUESTS", topics.get(0));
        env.put("WORKER_TOPIC_RESULTS", topics.get(1));
        env.put("WORKER_TOPIC_EVENTS", topics.get(2));
        env.put("WORKER_TOPIC_DLT", topics.get(3));
        env.put("WORKER_TOPIC_RETRY", topics.get(4));
        env.put("WORKER_OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true");
        return env;
    }

    private Map<String, Long> produce(String topic, String prefix, Workload workload) {
        Map<String, Long> createdAt = new HashMap<>();
        // Not idempotent, one request in flight: the idempotent producer looped on OUT_OF_ORDER_SEQUENCE_NUMBER here (see README).
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.<String, Object>of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(), ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < workload.requests(); i++) {
                String key = "k" + (i % workload.keys());
                String id = prefix + "-" + i;
                String json = "{\"requestId\":\"" + id + "\",\"integrationInstanceId\":\"bench\",\"methodName\":\"call\",\"orderingKey\":\""
                        + key + "\",\"params\":{\"key\":\"" + key + "\",\"seq\":" + (i / workload.keys()) + ",\"rid\":\"" + id + "\"}}";
                createdAt.put(id, System.currentTimeMillis());
                producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        return createdAt;
    }

    /** Distinct results, duplicates and latencies read from the results topic. */
    private static final class ResultCount {
        int answered;
        long duplicates;
        double seconds;
        final List<Long> latencies = new ArrayList<>();

        long percentile(int p) {
            if (latencies.isEmpty()) {
                return -1;
            }
            List<Long> sorted = latencies.stream().sorted().toList();
            return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
        }
    }

    private ResultCount collect(String topic, Map<String, Long> createdAt, long started, Duration maxTime) throws IOException {
        ResultCount count = new ResultCount();
        Set<String> seen = new HashSet<>();
        long deadline = started + maxTime.toNanos();
        long last = started;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (seen.size() < createdAt.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    JsonNode result = JSON.readTree(r.value());
                    String id = result.get("requestId").asText();
                    if (seen.add(id)) {
                        last = System.nanoTime();
                        count.latencies.add(r.timestamp() - createdAt.getOrDefault(id, r.timestamp()));
                    } else {
                        count.duplicates++;
                    }
                }
            }
        }
        count.answered = seen.size();
        count.seconds = (last - started) / 1e9;
        return count;
    }

    private void seed() {
        String yaml = """
                name: bench
                version: 1.0.0
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                defaults: { timeout: 10s }
                methods:
                  - name: call
                    http: { method: GET, path: "/work/{params.key}/{params.seq}/{params.rid}" }
                    idempotent: true
                """.formatted(stub.url());
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            var db = client.getDatabase("bench");
            var definition = DefinitionDocuments.parse(yaml);
            new MongoDefinitionRepository(db).save(definition);
            new MongoInstanceRepository(db).save(new IntegrationInstance("bench", "bench", "1.0.0", Map.of(),
                    IntegrationInstance.InstanceStatus.CONNECTED, null));
        }
    }

    private void close() {
        stub.close();
        kafka.close();
        registry.close();
        mongo.close();
    }

    /** Command-line options. */
    record Options(boolean smoke, List<Workload> workloads, List<String> arms, Duration naiveTime, Duration armTime) {

        Duration maxSeconds(String arm) {
            return arm.equals("naive") ? naiveTime : armTime;
        }

        static Options parse(String[] args) {
            boolean smoke = Arrays.asList(args).contains("--smoke");
            int requests = smoke ? 4096 : 20_000;
            List<String> names = smoke ? List.of("W1", "W2-4096") : List.of("W1", "W2-16", "W2-256", "W2-4096");
            List<String> arms = smoke ? List.of("worker", "naive") : List.of("worker", "skeleton", "naive");
            for (int i = 0; i < args.length - 1; i++) {
                switch (args[i]) {
                    case "--requests" -> requests = Integer.parseInt(args[i + 1]);
                    case "--workloads" -> names = List.of(args[i + 1].split(","));
                    case "--arms" -> arms = List.of(args[i + 1].split(","));
                    default -> { }
                }
            }
            int n = requests;
            List<Workload> workloads = names.stream().map(name -> switch (name) {
                case "W1" -> new Workload("W1", 0, 1000, n);
                case "W2-16" -> new Workload("W2-16", 50, 16, n);
                case "W2-256" -> new Workload("W2-256", 50, 256, n);
                case "W2-4096" -> new Workload("W2-4096", 50, 4096, n);
                default -> throw new IllegalArgumentException("workload: '" + name + "' (expected: W1, W2-16, W2-256, W2-4096)");
            }).toList();
            return new Options(smoke, workloads, arms, Duration.ofSeconds(smoke ? 10 : 20), Duration.ofSeconds(smoke ? 60 : 180));
        }
    }
}
