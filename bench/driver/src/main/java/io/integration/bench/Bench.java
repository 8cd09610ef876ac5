package io.integration.bench;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.time.Clock;
import io.integration.worker.app.WorkerApp;
import io.integration.registry.service.InstanceService;
import io.integration.bench.arms.NaiveLoop;
import io.integration.bench.arms.SkeletonLoop;
import io.integration.embedded.DevSchemaRegistry;
import io.integration.embedded.EmbeddedKafka;
import io.integration.embedded.EmbeddedMongo;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The end-to-end benchmark. Starts the embedded broker, MongoDB wire server and registry and a stub API,
 * then, per workload, runs each arm in its own JVM, arms in rotating order: first a backlog (a warm-up
 * share, then the measured requests) for throughput, CPU, live heap and correctness, then a paced phase at
 * a fixed rate for end-to-end latency. Prints a table with ratios measured in this run.
 * Usage: {@code Bench [--smoke] [--requests N] [--workloads W1,...] [--arms worker,queue,...] [--paced-rate R] [--paced-seconds S]
 * [--workers 1,3] [--partitions P] [--max-in-flight M]}.
 */
public final class Bench {

    /** The run's master key: the seeding and the worker arm share it, as a deployment's processes do. */
    private static final String MASTER_KEY = io.integration.registry.credentials.MasterKey.generate();

    private static final int PARTITIONS = 6;
    private static final String PC_CLASSPATH = "bench.pc.classpath";

    private final EmbeddedKafka kafka;
    private final EmbeddedMongo mongo;
    private final DevSchemaRegistry registry;
    private final StubApi stub = new StubApi();
    private final Backlog backlog;
    private final String runId = UUID.randomUUID().toString().substring(0, 6);

    private Bench() throws IOException {
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
        Bench bench = new Bench();
        try {
            List<Measurement> results = new ArrayList<>();
            int rotation = 0;
            for (Workload workload : options.workloads()) {
                List<String> arms = new ArrayList<>(options.arms());
                Collections.rotate(arms, rotation++);
                for (String arm : arms) {
                    boolean scales = arm.equals("worker") || arm.equals("queue");
                    for (int workers : scales ? options.workers() : List.of(1)) {
                        Measurement m = bench.run(workload, arm, workers, options);
                        results.add(m);
                        System.out.printf(Locale.ROOT, "  %-8s %-18s %8.0f req/s  (%d/%d answered)%n",
                                m.workload(), m.arm(), m.throughput(), m.answered(), m.requests());
                    }
                }
            }
            Report.print(results, options);
            int failures = options.smoke() ? Report.checkSmoke(results) : 0;
            if (options.smoke()) {
                System.out.println("bench-smoke: " + (failures == 0 ? "1 passed, 0 failed" : "0 passed, 1 failed"));
            }
            return failures == 0 ? 0 : 1;
        } finally {
            bench.close();
        }
    }

    /** One arm on one workload; {@code workers}: processes of the worker or queue arm (named {@code arm×N} beyond one). */
    private Measurement run(Workload workload, String arm, int workers, Options options) throws Exception {
        String label = workers == 1 ? arm : arm + "×" + workers;
        String prefix = "bench-" + runId + "-" + workload.name() + "-" + arm + "-" + workers;
        List<String> topics = List.of(prefix + ".requests", prefix + ".results", prefix + ".events", prefix + ".dlt", prefix + ".retry");
        kafka.createTopics(options.partitions(), topics.subList(0, 1));
        kafka.createTopics(PARTITIONS, topics.subList(1, topics.size()));
        boolean queue = arm.equals("queue");
        if (queue) {
            kafka.createTopics(1, List.of("dlq." + prefix), io.integration.embedded.KafkaTopics.SHARE_DLQ_CONFIG);
        }
        // The naive loop answers tens per second: a short warm-up, or its timed run would measure nothing.
        // An outage is measured from the start: a warm-up could end after it and hide the stall.
        int warmup = workload.outage().isPositive() ? 0
                : arm.equals("naive") ? Math.min(50, workload.requests() / 5) : Math.min(2000, workload.requests() / 5);
        int total = warmup + workload.requests();
        backlog.produce(topics.get(0), prefix, workload, total, !queue);
        stub.reset(workload);
        Duration maxTime = options.maxTime(arm);
        try (Arms process = Arms.start(workers, i -> startArm(arm, topics, prefix + "-group", prefix, options));
             ResultReader reader = new ResultReader(kafka.bootstrapServers(), topics.get(1))) {
            if (!process.awaitReady(Duration.ofSeconds(90))) {
                throw new IllegalStateException(arm + " did not become ready within 90 s (or its JVM exited; see its output above)");
            }
            long deadline = System.nanoTime() + maxTime.toNanos();
            if (workload.outage().isPositive()) {
                stub.scheduleOutage(Duration.ofSeconds(2), workload.outage());
            }
            reader.awaitAnswered(warmup, deadline);
            long measuredFrom = System.nanoTime();
            int answeredAtWarmup = reader.answered();
            Duration cpuAtWarmup = process.cpu();
            long heap = -1;
            if (reader.awaitAnswered(warmup + workload.requests() / 2, deadline)) {
                heap = HeapProbe.liveHeapMiB(process.pid());
            }
            boolean complete = reader.awaitAnswered(total, deadline);
            double seconds = (reader.lastNewNanos() - measuredFrom) / 1e9;
            int measured = reader.answered() - answeredAtWarmup;
            double throughput = seconds <= 0 ? 0 : measured / seconds;
            double cpuPerRequest = measured == 0 ? 0 : process.cpu().minus(cpuAtWarmup).toNanos() / 1000.0 / measured;
            long lost = complete || !arm.equals("naive") ? total - reader.answered() : -1;
            int answered = reader.answered();

            Latency latency = Latency.NONE;
            if (options.pacedSeconds() > 0 && complete && throughput >= 1.25 * options.pacedRate()) {
                latency = paced(topics.get(0), prefix, workload, options, reader, !queue);
            }
            return new Measurement(workload.name(), label, total, answered, throughput, cpuPerRequest, heap,
                    latency == Latency.NONE ? 0 : options.pacedRate(), latency.p50(), latency.p99(), lost, reader.errors(),
                    reader.duplicates(), stub.duplicateCalls(), stub.failedCalls(), stub.reordered());
        }
    }

    /** Produces at the paced rate for the paced time and measures each request's produce-to-result latency. */
    private Latency paced(String topic, String prefix, Workload workload, Options options, ResultReader reader, boolean ordered) {
        int count = options.pacedRate() * options.pacedSeconds();
        Map<String, Long> sentAt = backlog.producePaced(topic, prefix + "-paced", workload, count, options.pacedRate(), ordered);
        reader.awaitAnswered(reader.answered() + count, System.nanoTime() + Duration.ofSeconds(60).toNanos());
        List<Long> latencies = new ArrayList<>();
        sentAt.forEach((id, at) -> {
            Long answeredAt = reader.resultTimestamp(id);
            if (answeredAt != null) {
                latencies.add(answeredAt - at);
            }
        });
        return Latency.of(latencies);
    }

    private ArmProcess startArm(String arm, List<String> topics, String group, String prefix, Options options) {
        List<String> baseline = List.of(kafka.bootstrapServers(), topics.get(0), topics.get(1), topics.get(2), group, stub.url());
        return switch (arm) {
            case "naive" -> ArmProcess.start(null, NaiveLoop.class.getName(), baseline, Map.of(), "READY");
            case "skeleton" -> ArmProcess.start(null, SkeletonLoop.class.getName(), baseline, Map.of(), "READY");
            case "parallel-consumer" -> ArmProcess.start(System.getProperty(PC_CLASSPATH), "io.integration.bench.arms.ParallelConsumerLoop",
                    baseline, Map.of(), "READY");
            case "worker" -> ArmProcess.start(null, "io.integration.worker.app.WorkerMain", List.of(), workerEnv(topics, group, options),
                    "Assigned");
            case "queue" -> {
                // The requests topic is the queue: the share group reads it, the consumer group only the retry topic.
                Map<String, String> env = workerEnv(topics, group, options);
                env.put("WORKER_WORKER_INPUT_MODE", "share");
                env.put("WORKER_TOPIC_QUEUE", topics.get(0));
                env.put("WORKER_WORKER_SHARE_GROUP", group + "-queue");
                env.put("WORKER_WORKER_SHARE_DLQ_TOPIC", "dlq." + prefix);
                yield ArmProcess.start(null, "io.integration.worker.app.WorkerMain", List.of(), env, "Assigned");
            }
            default -> throw new IllegalArgumentException("arm: '" + arm + "' (expected one of " + Options.ARMS + ")");
        };
    }

    /** The worker arm's configuration, exactly as a deployment passes it. */
    private Map<String, String> workerEnv(List<String> topics, String group, Options options) {
        Map<String, String> env = new HashMap<>();
        if (options.maxInFlight() > 0) {
            env.put("WORKER_WORKER_MAX_IN_FLIGHT", Integer.toString(options.maxInFlight()));
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
     * The benchmark's definition: one idempotent GET. Retries and a short breaker suit the fault workloads
     * (W4 fails once, W5 is a 10 s outage); the other workloads never trigger them.
     */
    private void seed() {
        String yaml = """
                name: bench
                version: 1.0.0
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                defaults:
                  timeout: 10s
                  retry: { maxAttempts: 5, initialBackoff: 100ms, maxBackoff: 2s }
                  circuitBreaker: { openFor: 2s }
                methods:
                  - name: call
                    http: { method: GET, path: "/work/{params.key}/{params.seq}/{params.rid}" }
                    idempotent: true
                """.formatted(stub.url());
        try (MongoClient client = MongoClients.create(mongo.connectionString())) {
            WorkerApp.management(client.getDatabase("bench"), MASTER_KEY, true, Clock.systemUTC())
                    .seed(yaml, null, new InstanceService.Spec("bench", null, "bench", "1.0.0", Map.of(), null));
        }
    }

    private void close() {
        stub.close();
        kafka.close();
        registry.close();
        mongo.close();
    }

    /** Produce-to-result latency percentiles of the paced phase. */
    record Latency(long p50, long p99) {
        static final Latency NONE = new Latency(-1, -1);

        static Latency of(List<Long> latencies) {
            if (latencies.isEmpty()) {
                return NONE;
            }
            List<Long> sorted = latencies.stream().sorted().toList();
            return new Latency(at(sorted, 50), at(sorted, 99));
        }

        private static long at(List<Long> sorted, int p) {
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1)));
        }
    }
}
