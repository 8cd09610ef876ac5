package io.integration.chaos;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import java.time.Clock;
import io.integration.worker.app.WorkerApp;
import io.integration.registry.service.Management;
import io.integration.registry.service.InstanceService;
import io.integration.embedded.KafkaTopics;
import io.integration.embedded.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.utils.Utils;

/**
 * The processes of a chaos run: broker, MongoDB + registry, stub API and any number of workers, each its own
 * JVM, on fixed loopback ports so that a restarted process comes back where the others expect it.
 */
final class Cluster implements AutoCloseable {

    /** The run's master key: the seeding and every worker share it, as a deployment's processes do. */
    private static final String MASTER_KEY = io.integration.registry.credentials.MasterKey.generate();

    static final int PARTITIONS = 8;
    static final int INSTANCES = 8;
    static final String GROUP = "chaos-workers";
    static final String REQUESTS = "chaos.requests";
    /** Queue mode's topic: one partition, shared by every worker of the share group. */
    static final String QUEUE = "chaos.requests.queue";
    static final String SHARE_GROUP = "chaos-queue";
    static final String QUEUE_DLQ = "dlq.chaos.requests.queue";

    /** How the workers read requests: {@code --mode group} (the default) or {@code --mode share}. */
    enum Mode { GROUP, SHARE }

    /** The mode of this run (one per process: set by {@link ChaosMain} before the first cluster). */
    static volatile Mode mode = Mode.GROUP;

    /** Where the generator sends requests in this run's mode. */
    static String input() {
        return mode == Mode.SHARE ? QUEUE : REQUESTS;
    }

    static final String RESULTS = "chaos.results";
    static final String EVENTS = "chaos.events";
    static final String DLT = "chaos.requests-dlt";
    static final String RETRY = "chaos.requests.retry";
    /** A reply topic the worker's default {@code worker.reply.topics} allows ({@code replies.*}). */
    static final String REPLIES = "replies.chaos";
    /**
     * Output topics stamp records when the broker appends them, so the verifier measures latency at the broker
     * (a dead letter keeps its original's CreateTime, a result the worker's clock).
     */
    static final Map<String, String> OUTPUT_TOPIC_CONFIG = Map.of("message.timestamp.type", "LogAppendTime");
    /** The worker's default; the bound on extra calls per fault counts on it. */
    static final int MAX_IN_FLIGHT = 1024;

    private final Path dir;
    private final int brokerPort = Ports.free();
    private final int controllerPort = Ports.free();
    private final int mongoPort = Ports.free();
    private final int registryPort = Ports.free();
    private final int stubPort = Ports.free();
    private final List<Child> workers = new ArrayList<>();
    private Child broker;
    private final Child services;
    private final Child stub;
    private int workerCount;

    Cluster(Path dir, long stubDelayMs) {
        this.dir = dir;
        broker = startBroker();
        services = Child.start("services", ServicesMain.class.getName(), List.of(Integer.toString(mongoPort), Integer.toString(registryPort)),
                Map.of(), "READY", dir.resolve("services.log"), "256m");
        stub = Child.start("stub", StubMain.class.getName(), List.of(Integer.toString(stubPort), Long.toString(stubDelayMs)),
                Map.of(), "READY", dir.resolve("stub.log"), "256m");
        KafkaTopics.create(bootstrap(), PARTITIONS, List.of(REQUESTS, RETRY), Map.of());
        if (mode == Mode.SHARE) {
            KafkaTopics.create(bootstrap(), 1, List.of(QUEUE), Map.of());
            KafkaTopics.create(bootstrap(), 1, List.of(QUEUE_DLQ), KafkaTopics.SHARE_DLQ_CONFIG);
        }
        createOutputTopic(RESULTS, EVENTS, DLT, REPLIES);
        seed();
    }

    String bootstrap() {
        return "127.0.0.1:" + brokerPort;
    }

    String stubUrl() {
        return "http://127.0.0.1:" + stubPort;
    }

    String mongoUri() {
        return "mongodb://127.0.0.1:" + mongoPort;
    }

    String registryUrl() {
        return "http://127.0.0.1:" + registryPort;
    }

    /** Starts one more worker and waits until it runs. */
    Child startWorker() {
        return startWorker(Map.of());
    }

    /** Starts one more worker with {@code extraEnv} on top of the usual {@code WORKER_*} variables. */
    Child startWorker(Map<String, String> extraEnv) {
        Map<String, String> env = workerEnv();
        env.putAll(extraEnv);
        Child worker = Child.start("worker-" + (++workerCount), "io.integration.worker.app.WorkerMain", List.of(), env,
                "Worker started", dir.resolve("worker-" + workerCount + ".log"), "384m");
        workers.add(worker);
        return worker;
    }

    /** Starts {@code n} more workers, one after another; returns them. */
    List<Child> startWorkers(int n) {
        return startWorkers(n, Map.of());
    }

    /** Starts {@code n} more workers with {@code extraEnv}, one after another; returns them. */
    List<Child> startWorkers(int n, Map<String, String> extraEnv) {
        List<Child> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(startWorker(extraEnv));
        }
        return started;
    }

    /** Waits until the group is stable with {@code members} members, each assigned partitions (at most 60 s). */
    void awaitGroup(int members) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get(10, TimeUnit.SECONDS).get(GROUP);
                if (group.groupState() == GroupState.STABLE && group.members().size() == members
                        && group.members().stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("group " + GROUP + " not stable with " + members + " members after 60 s: " + group);
                }
                Thread.sleep(200);
            }
        }
    }

    /** Creates output topics (results, events, DLT, replies) that do not exist yet, stamped on append. */
    void createOutputTopic(String... names) {
        KafkaTopics.create(bootstrap(), PARTITIONS, List.of(names), OUTPUT_TOPIC_CONFIG);
    }

    /** Deletes {@code topic} and waits until the broker no longer lists it (auto-creation is off: it stays gone). */
    void deleteTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap()))) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " still listed 30 s after its deletion");
                }
                Thread.sleep(100);
            }
        }
    }

    /** The workers still running. */
    List<Child> workers() {
        workers.removeIf(w -> !w.alive());
        return List.copyOf(workers);
    }

    /** SIGKILL of the broker, then a new broker process on the same ports and data. */
    void restartBroker(Duration down) throws InterruptedException {
        broker.kill();
        Thread.sleep(down.toMillis());
        broker = startBroker();
    }

    void stopMongo() {
        services.send("mongo-stop");
    }

    void startMongo() {
        services.send("mongo-start");
    }

    /** Closes the registry's port (its schemas kept) and returns once connections to it are refused. */
    void stopRegistry() throws InterruptedException {
        services.send("registry-stop");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (registryAnswers()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the registry still answers 30 s after registry-stop");
            }
            Thread.sleep(50);
        }
    }

    void startRegistry() {
        services.send("registry-start");
    }

    private boolean registryAnswers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", registryPort), 1000);
            return true;
        } catch (IOException refused) {
            return false;
        }
    }

    private Child startBroker() {
        return Child.start("broker", BrokerMain.class.getName(), List.of(dir.resolve("kafka").toString(),
                Integer.toString(brokerPort), Integer.toString(controllerPort)), Map.of(), "READY", dir.resolve("broker.log"), "768m");
    }

    /** A worker's configuration, as a deployment passes it: environment variables only. */
    private Map<String, String> workerEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("WORKER_KAFKA_BOOTSTRAP_SERVERS", bootstrap());
        env.put("WORKER_OPS_PORT", "0"); // several workers on one machine
        env.put("WORKER_KAFKA_GROUP_ID", GROUP);
        env.put("WORKER_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "10000");
        env.put("WORKER_KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "2000");
        env.put("WORKER_SCHEMA_REGISTRY_URL", "http://127.0.0.1:" + registryPort);
        env.put("WORKER_MONGO_URI", mongoUri() + "/?serverSelectionTimeoutMS=2000");
        env.put("WORKER_MONGO_DATABASE", "chaos");
        env.put("WORKER_CREDENTIALS_MASTER_KEY", MASTER_KEY);
        env.put("WORKER_TOPIC_REQUESTS", REQUESTS);
        if (mode == Mode.SHARE) {
            env.put("WORKER_WORKER_INPUT_MODE", "share");
            env.put("WORKER_TOPIC_QUEUE", QUEUE);
            env.put("WORKER_WORKER_SHARE_GROUP", SHARE_GROUP);
            env.put("WORKER_WORKER_SHARE_DLQ_TOPIC", QUEUE_DLQ);
            // The broker's shortest lock by default: a killed worker's records are delivered again 15 s later.
            env.put("WORKER_WORKER_SHARE_LOCK_DURATION", "15s");
        }
        env.put("WORKER_TOPIC_RESULTS", RESULTS);
        env.put("WORKER_TOPIC_EVENTS", EVENTS);
        env.put("WORKER_TOPIC_DLT", DLT);
        env.put("WORKER_TOPIC_RETRY", RETRY);
        env.put("WORKER_EVENTS_FORMAT", "json");
        env.put("WORKER_OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true");
        return env;
    }

    /**
     * One definition (an idempotent GET to the stub) and {@link #INSTANCES} instances of it; and the hostile
     * scenario's definition (bodies up to 4 MiB; {@code big} and {@code limited} methods) with one instance per
     * {@link #HOSTILE_INSTANCES} role, each named so that its requests share a partition with an ordinary instance.
     */
    private void seed() {
        String yaml = """
                name: chaos
                version: 1.0.0
                adapter: { type: http }
                baseUrl: %s
                allowedHosts: [127.0.0.1]
                defaults: { timeout: 10s }
                methods:
                  - name: call
                    http: { method: GET, path: "/call/{params.instance}/{params.key}/{params.seq}/{params.rid}" }
                    idempotent: true
                """.formatted(stubUrl());
        try (MongoClient client = MongoClients.create(mongoUri())) {
            Management management = WorkerApp.management(client.getDatabase("chaos"), MASTER_KEY, true, Clock.systemUTC());
            for (int i = 0; i < INSTANCES; i++) {
                management.seed(yaml, null, new InstanceService.Spec(instance(i), null, "chaos", "1.0.0", Map.of(), null));
            }
            String hostile = HOSTILE_DEFINITION.formatted(stubUrl());
            for (String role : HOSTILE_INSTANCES.keySet()) {
                management.seed(hostile, null, new InstanceService.Spec(hostileInstance(role), null, "hostile", "1.0.0", Map.of(), null));
            }
        }
    }

    /** The hostile instances by role, each sharing the partition of this ordinary instance. */
    static final Map<String, Integer> HOSTILE_INSTANCES = Map.of("big", 1, "limited", 2);

    private static final String HOSTILE_DEFINITION = """
            name: hostile
            version: 1.0.0
            adapter: { type: http }
            baseUrl: %s
            allowedHosts: [127.0.0.1]
            defaults: { timeout: 10s, maxResponseBytes: 4194304 }
            methods:
              - name: big
                http: { method: GET, path: "/big/{params.instance}/{params.key}/{params.seq}/{params.rid}" }
                idempotent: true
              - name: limited
                http: { method: GET, path: "/limited/{params.instance}/{params.key}/{params.seq}/{params.rid}" }
                idempotent: true
            """;

    static String instance(int i) {
        return "chaos-" + i;
    }

    /** The partition the default partitioner gives {@code key} (murmur2, as the producers here use). */
    static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** The instance of the hostile definition for {@code role}: the first {@code hostile-<role>-<n>} on its ordinary partner's partition. */
    static String hostileInstance(String role) {
        int partition = partitionOf(instance(HOSTILE_INSTANCES.get(role)));
        for (int n = 0; ; n++) {
            String id = "hostile-" + role + "-" + n;
            if (partitionOf(id) == partition) {
                return id;
            }
        }
    }

    @Override
    public void close() {
        workers.forEach(Child::kill);
        stub.kill();
        services.kill();
        broker.kill();
    }
}
