package io.integration.chaos;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.integration.embedded.KafkaTopics;
import io.integration.embedded.Ports;
import io.integration.worker.registry.DefinitionDocuments;
import io.integration.worker.registry.IntegrationInstance;
import io.integration.worker.registry.MongoDefinitionRepository;
import io.integration.worker.registry.MongoInstanceRepository;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of a chaos run: broker, MongoDB + registry, stub API and any number of workers, each its own
 * JVM, on fixed loopback ports so that a restarted process comes back where the others expect it.
 */
final class Cluster implements AutoCloseable {

    static final int PARTITIONS = 8;
    static final int INSTANCES = 8;
    static final String GROUP = "chaos-workers";
    static final String REQUESTS = "chaos.requests";
    static final String RESULTS = "chaos.results";
    static final String EVENTS = "chaos.events";
    static final String DLT = "chaos.requests-dlt";
    static final String RETRY = "chaos.requests.retry";
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
        KafkaTopics.create(bootstrap(), PARTITIONS, List.of(REQUESTS, RESULTS, EVENTS, DLT, RETRY), Map.of());
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

    /** Starts one more worker and waits until it runs. */
    Child startWorker() {
        Child worker = Child.start("worker-" + (++workerCount), "io.integration.worker.app.WorkerMain", List.of(), workerEnv(),
                "Worker started", dir.resolve("worker-" + workerCount + ".log"), "384m");
        workers.add(worker);
        return worker;
    }

    /** Starts {@code n} more workers, one after another; returns them. */
    List<Child> startWorkers(int n) {
        List<Child> started = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            started.add(startWorker());
        }
        return started;
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

    private Child startBroker() {
        return Child.start("broker", BrokerMain.class.getName(), List.of(dir.resolve("kafka").toString(),
                Integer.toString(brokerPort), Integer.toString(controllerPort)), Map.of(), "READY", dir.resolve("broker.log"), "768m");
    }

    /** A worker's configuration, as a deployment passes it: environment variables only. */
    private Map<String, String> workerEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("WORKER_KAFKA_BOOTSTRAP_SERVERS", bootstrap());
        env.put("WORKER_KAFKA_GROUP_ID", GROUP);
        env.put("WORKER_KAFKA_CONSUMER_SESSION_TIMEOUT_MS", "10000");
        env.put("WORKER_KAFKA_CONSUMER_HEARTBEAT_INTERVAL_MS", "2000");
        env.put("WORKER_SCHEMA_REGISTRY_URL", "http://127.0.0.1:" + registryPort);
        env.put("WORKER_MONGO_URI", mongoUri() + "/?serverSelectionTimeoutMS=2000");
        env.put("WORKER_MONGO_DATABASE", "chaos");
        env.put("WORKER_TOPIC_REQUESTS", REQUESTS);
        env.put("WORKER_TOPIC_RESULTS", RESULTS);
        env.put("WORKER_TOPIC_EVENTS", EVENTS);
        env.put("WORKER_TOPIC_DLT", DLT);
        env.put("WORKER_TOPIC_RETRY", RETRY);
        env.put("WORKER_EVENTS_FORMAT", "json");
        env.put("WORKER_OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true");
        return env;
    }

    /** One definition (an idempotent GET to the stub) and {@link #INSTANCES} instances of it. */
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
            var db = client.getDatabase("chaos");
            new MongoDefinitionRepository(db).save(DefinitionDocuments.parse(yaml));
            for (int i = 0; i < INSTANCES; i++) {
                new MongoInstanceRepository(db).save(new IntegrationInstance(instance(i), "chaos", "1.0.0", Map.of(),
                        IntegrationInstance.InstanceStatus.CONNECTED, null));
            }
        }
    }

    static String instance(int i) {
        return "chaos-" + i;
    }

    @Override
    public void close() {
        workers.forEach(Child::kill);
        stub.kill();
        services.kill();
        broker.kill();
    }
}
