package io.integration.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.integration.bench.arms.NaiveLoop;
import io.integration.bench.arms.NaivePerRecordLoop;
import io.integration.bench.arms.SkeletonLoop;
import io.integration.embedded.DevSchemaRegistry;
import io.integration.embedded.EmbeddedKafka;
import io.integration.embedded.EmbeddedMongo;
import io.integration.embedded.KafkaTopics;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.service.InstanceService;
import io.integration.worker.app.WorkerApp;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The end-to-end benchmark. Starts the embedded broker, MongoDB wire server and registry, and the stub API in its own
 * JVM; then, per workload, runs each arm in its own JVM(s), arms in rotating order, and measures it in a {@link Run}.
 * Prints tables with ratios measured in this run.
 * Usage: see {@link Options} and {@code scripts/bench}.
 */
public final class Bench {

    /** The run's master key: the seeding and the worker arm share it, as a deployment's processes do. */
    private static final String MASTER_KEY = MasterKey.generate();

    private static final int PARTITIONS = 6;
    private static final String PC_CLASSPATH = "bench.pc.classpath";

    private final EmbeddedKafka kafka;
    private final EmbeddedMongo mongo;
    private final DevSchemaRegistry registry;
    private final StubClient stub;
    private final Backlog backlog;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);

    private Bench() throws IOException, InterruptedException {
        stub = StubClient.start();
        mongo = EmbeddedMongo.start(0);
        registry = DevSchemaRegistry.start(0);
        kafka = EmbeddedKafka.start(Files.createTempDirectory("integration-bench-"));
        backlog = new Backlog(kafka.bootstrapServers());
        seed();
    }

    public static void main(String[] args) {
        int code;
        try {
            code = runAll(args);
        } catch (Arms.ArmFailed e) {
            System.err.println("bench: FAILED: " + e.getMessage());
            code = 2;
        } catch (Throwable e) {
            System.err.println("bench: failed: " + e);
            e.printStackTrace();
            code = 2;
        }
        // The embedded broker's threads are not daemons: without an explicit exit a failed run would hang here for good.
        System.exit(code);
    }

    /** Runs every workload and arm; returns the exit code (1 when a smoke floor or check fails). */
    private static int runAll(String[] args) throws Exception {
        Options options = Options.parse(args);
        if (options.arms().contains("parallel-consumer") && System.getProperty(PC_CLASSPATH) == null) {
            throw new IllegalArgumentException("the parallel-consumer arm needs -D" + PC_CLASSPATH + " (scripts/bench sets it)");
        }
        // Arms are child JVMs: a driver that dies (an error, Ctrl-C) takes them with it instead of leaving them running.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        Bench bench = new Bench();
        try {
            List<Measurement> results = new ArrayList<>();
            int rotation = 0;
            for (Workload workload : options.workloads()) {
                List<String> arms = new ArrayList<>(options.arms().stream().filter(workload::runs).toList());
                Collections.rotate(arms, rotation++);
                for (String arm : arms) {
                    boolean scales = arm.equals("worker") || arm.equals("queue");
                    for (int workers : scales ? options.workers() : List.of(1)) {
                        for (int inFlight : scales ? options.maxInFlight() : List.of(0)) {
                            Measurement m = bench.run(workload, arm, workers, inFlight, options);
                            results.add(m);
                            System.out.printf(Locale.ROOT, "  %-8s %-18s %8.0f req/s ±%.0f%% (window spread) over %.0f s  CPU µs/req: arm %.0f, driver %.0f, stub %.0f  (%d/%d answered)%n",
                                    m.workload(), m.arm(), m.throughput(), m.spreadPercent(), m.seconds(), m.cpu().arm(), m.cpu().driver(),
                                    m.cpu().stub(), m.answered(), m.produced());
                        }
                    }
                }
            }
            Report.print(results, options);
            int failures = options.smoke() ? Report.checkSmoke(results) : Report.checkCorrectness(results);
            if (options.smoke()) {
                System.out.println("bench-smoke: " + (failures == 0 ? "1 passed, 0 failed" : "0 passed, 1 failed"));
            }
            return failures == 0 ? 0 : 1;
        } finally {
            bench.close();
        }
    }

    /**
     * One arm on one workload; {@code workers}: processes of the worker or queue arm (named {@code arm×N} beyond one);
     * {@code inFlight}: their {@code worker.max.in.flight} (0: the default; named {@code arm/M} when several are measured).
     */
    private Measurement run(Workload workload, String arm, int workers, int inFlight, Options options) throws Exception {
        String label = (workers == 1 ? arm : arm + "×" + workers) + (options.maxInFlight().size() > 1 && inFlight > 0 ? "/" + inFlight : "");
        String prefix = "bench-" + runId + "-" + workload.name().replace('@', '-') + "-" + arm + "-" + workers + "-" + inFlight;
        List<String> topics = List.of(prefix + ".requests", prefix + ".results", prefix + ".events", prefix + ".dlt", prefix + ".retry");
        kafka.createTopics(options.partitions(), topics.subList(0, 1));
        kafka.createTopics(PARTITIONS, topics.subList(1, topics.size()));
        boolean queue = arm.equals("queue");
        if (queue) {
            kafka.createTopics(1, List.of("dlq." + prefix), KafkaTopics.SHARE_DLQ_CONFIG);
        }
        stub.reset(workload);
        try (Arms process = Arms.start(workers, i -> startArm(arm, topics, prefix + "-group", prefix, inFlight, options));
             ResultReader reader = new ResultReader(kafka.bootstrapServers(), topics.get(1))) {
            Run run = new Run(workload, label, options, new Run.Target(topics.get(0), prefix, !queue), backlog, stub, process, reader);
            return run.measure(!arm.startsWith("naive"));
        } finally {
            forgetResults();
        }
    }

    /**
     * Empties the worker's result log after a run: the MongoDB wire server keeps every document in the driver's heap, and a
     * run leaves 100k+ results (a full run of every workload once filled 2 GiB and stopped the embedded broker).
     */
    private void forgetResults() {
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            var database = client.getDatabase("bench");
            // Only what exists: the wire server logs an error for a collection it does not have (a baseline arm keeps no log).
            for (String name : database.listCollectionNames().into(new ArrayList<>())) {
                if (name.equals("results") || name.equals("results_archive")) {
                    database.getCollection(name).drop();
                }
            }
        }
    }

    private ArmProcess startArm(String arm, List<String> topics, String group, String prefix, int inFlight, Options options) {
        List<String> baseline = List.of(kafka.bootstrapServers(), topics.get(0), topics.get(1), topics.get(2), group, stub.url());
        return switch (arm) {
            case "naive" -> ArmProcess.start(arm, null, NaiveLoop.class.getName(), baseline, Map.of(), "READY");
            case "naive-per-record" -> ArmProcess.start(arm, null, NaivePerRecordLoop.class.getName(), baseline, Map.of(), "READY");
            case "skeleton" -> ArmProcess.start(arm, null, SkeletonLoop.class.getName(),
                    append(baseline, Integer.toString(options.skeletonInFlight())), Map.of(), "READY");
            case "skeleton-jdk" -> ArmProcess.start(arm, null, SkeletonLoop.class.getName(),
                    jdkFirst(append(baseline, Integer.toString(options.skeletonInFlight()))), Map.of(), "READY");
            case "parallel-consumer" -> ArmProcess.start(arm, System.getProperty(PC_CLASSPATH), "io.integration.bench.arms.ParallelConsumerLoop",
                    baseline, Map.of(), "READY");
            case "worker" -> ArmProcess.start(arm, null, "io.integration.worker.app.WorkerMain", List.of(), workerEnv(topics, group, inFlight),
                    "Assigned");
            case "worker-jdk" -> {
                Map<String, String> env = workerEnv(topics, group, inFlight);
                env.put("WORKER_HTTP_CLIENT", "jdk");
                yield ArmProcess.start(arm, null, "io.integration.worker.app.WorkerMain", List.of(), env, "Assigned");
            }
            case "queue" -> {
                // The requests topic is the queue: the share group reads it, the consumer group only the retry topic.
                Map<String, String> env = workerEnv(topics, group, inFlight);
                env.put("WORKER_WORKER_INPUT_MODE", "share");
                env.put("WORKER_TOPIC_QUEUE", topics.get(0));
                env.put("WORKER_WORKER_SHARE_GROUP", group + "-queue");
                env.put("WORKER_WORKER_SHARE_DLQ_TOPIC", "dlq." + prefix);
                yield ArmProcess.start(arm, null, "io.integration.worker.app.WorkerMain", List.of(), env, "Assigned");
            }
            default -> throw new IllegalArgumentException("arm: '" + arm + "' (expected one of " + Options.ARMS + ")");
        };
    }

    private static List<String> jdkFirst(List<String> args) {
        List<String> all = new ArrayList<>(List.of("--client=jdk"));
        all.addAll(args);
        return all;
    }

    private static List<String> append(List<String> list, String value) {
        List<String> all = new ArrayList<>(list);
        all.add(value);
        return all;
    }

    /** The worker arm's configuration, exactly as a deployment passes it. */
    private Map<String, String> workerEnv(List<String> topics, String group, int inFlight) {
        Map<String, String> env = new HashMap<>();
        if (inFlight > 0) {
            env.put("WORKER_WORKER_MAX_IN_FLIGHT", Integer.toString(inFlight));
        }
        env.put("WORKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("WORKER_OPS_PORT", "0"); // several workers on one machine
        env.put("WORKER_KAFKA_GROUP_ID", group);
        env.put("WORKER_SCHEMA_REGISTRY_URL", registry.url());
        env.put("WORKER_MONGO_URI", mongo.connectionString());
        env.put("WORKER_MONGO_DATABASE", "bench");
        env.put("WORKER_CREDENTIALS_MASTER_KEY", MASTER_KEY);
        env.put("WORKER_TOPIC_REQUESTS", topics.get(0));
        env.put("WORKER_TOPIC_RESULTS", topics.get(1));
        env.put("WORKER_TOPIC_EVENTS", topics.get(2));
        env.put("WORKER_TOPIC_DLT", topics.get(3));
        env.put("WORKER_TOPIC_RETRY", topics.get(4));
        env.put("WORKER_OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true");
        return env;
    }

    /**
     * The benchmark's definitions: one idempotent GET. Retries and a short breaker suit the fault workloads (W4 fails
     * once, W5 is a 10 s outage); the other workloads never trigger them. Instance {@code bench-limited} adds W6's rate limit.
     */
    private void seed() {
        String yaml = """
                name: %s
                version: 1.0.0
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                defaults:
                  timeout: 10s
                  retry: { maxAttempts: 5, initialBackoff: 100ms, maxBackoff: 2s }
                  circuitBreaker: { openFor: 2s }
                  %s
                methods:
                  - name: call
                    http: { method: GET, path: "/work/{params.key}/{params.seq}/{params.rid}" }
                    idempotent: true
                """;
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            var management = WorkerApp.management(client.getDatabase("bench"), MASTER_KEY, true, Clock.systemUTC());
            management.seed(yaml.formatted("bench", stub.url(), ""), null,
                    new InstanceService.Spec("bench", null, "bench", "1.0.0", Map.of(), null));
            management.seed(yaml.formatted("bench-limited", stub.url(), "rateLimit: { limit: " + Workload.W6_LIMIT + ", per: 1s }"), null,
                    new InstanceService.Spec("bench-limited", null, "bench-limited", "1.0.0", Map.of(), null));
        }
    }

    private void close() throws InterruptedException {
        stub.close();
        kafka.close();
        registry.close();
        mongo.close();
    }
}
