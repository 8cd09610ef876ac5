package io.integration.devstack;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.integration.embedded.DemoApi;
import io.integration.embedded.DevSchemaRegistry;
import io.integration.embedded.EmbeddedKafka;
import io.integration.embedded.EmbeddedMongo;
import io.integration.embedded.Ports;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.secret.Secret;
import io.integration.registry.service.InstanceService;
import io.integration.worker.app.WorkerApp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded default: a real Kafka broker, a MongoDB wire server, the dev Schema Registry and the demo
 * API in this JVM; the worker and the topology as separate processes configured exactly as in production
 * (bootstrap servers, registry URL, Mongo URI through {@code WORKER_*} / {@code TOPOLOGY_*} variables).
 * Seeds the demo definition, instance and credential, creates the topics, prints where everything
 * listens and a kcat command to try it. Ctrl-C stops it all.
 *
 * <p>Usage: {@code DevStack [--data-dir DIR]}. Ports: Kafka 9092, registry 8081, MongoDB 27017, demo API
 * 8090, each replaced by a free one when taken.
 */
public final class DevStack {

    static final String INSTANCE = "demo";
    static final String API_KEY = "demo-api-key";
    static final List<String> TOPICS = List.of("integration.requests", "integration.results", "integration.events",
            "integration.requests-dlt", "integration.requests.retry", "integration.requests.queue");

    private DevStack() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        Path dataDir = options.containsKey("--data-dir") ? Path.of(options.get("--data-dir")) : Files.createTempDirectory("integration-devstack-");
        long started = System.nanoTime();
        EmbeddedMongo mongo = EmbeddedMongo.start(port(27017));
        DevSchemaRegistry registry = DevSchemaRegistry.start(port(8081));
        DemoApi api = DemoApi.start(port(8090), API_KEY);
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), port(9092), 0);
        kafka.createTopics(3, TOPICS);
        kafka.createTopics(3, List.of("integration.health"), Map.of("cleanup.policy", "compact"));
        kafka.createTopics(1, List.of("dlq.integration.requests.queue"), io.integration.embedded.KafkaTopics.SHARE_DLQ_CONFIG);
        // One master key per run (the data lives in memory and dies with the run), shared by every process as in production.
        String masterKey = MasterKey.generate();
        seed(mongo.connectionString(), api.url(), masterKey);

        int opsPort = port(9400);
        ChildProcess worker = ChildProcess.java("worker", "io.integration.worker.app.WorkerMain", Map.of(
                "WORKER_OPS_HOST", "127.0.0.1",
                "WORKER_OPS_PORT", String.valueOf(opsPort),
                "WORKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "WORKER_SCHEMA_REGISTRY_URL", registry.url(),
                "WORKER_MONGO_URI", mongo.connectionString(),
                "WORKER_CREDENTIALS_MASTER_KEY", masterKey,
                "WORKER_OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true"));
        int topologyPort = port(8070);
        String token = "ist_dev_" + UUID.randomUUID().toString().replace("-", "");
        int apiPort = port(8080);
        ChildProcess managementApi = ChildProcess.java("api", "io.integration.api.ApiMain", Map.of(
                "API_MONGO_URI", mongo.connectionString(),
                "API_HOST", "127.0.0.1",
                "API_PORT", String.valueOf(apiPort),
                "API_BOOTSTRAP_TOKEN", token,
                "API_CREDENTIALS_MASTER_KEY", masterKey,
                "API_OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true",
                "API_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "API_SCHEMA_REGISTRY_URL", registry.url(),
                "API_TOPOLOGY_URL", "http://127.0.0.1:" + topologyPort));
        ChildProcess topology = ChildProcess.java("topology", "io.integration.topology.TopologyMain", Map.of(
                "TOPOLOGY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TOPOLOGY_SCHEMA_REGISTRY_URL", registry.url(),
                "TOPOLOGY_STATE_DIR", dataDir.resolve("topology-state").toString(),
                "TOPOLOGY_HTTP_HOST", "127.0.0.1",
                "TOPOLOGY_HTTP_PORT", String.valueOf(topologyPort),
                "TOPOLOGY_HEALTH_WINDOW", "30s"));
        OutputTail tail = new OutputTail(kafka.bootstrapServers(), registry.url(), List.of("integration.results", "integration.events"));
        Thread.ofPlatform().daemon().name("output-tail").start(tail);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping: worker (draining), topology, broker, registry, MongoDB, demo API ...");
            tail.stop();
            worker.stop();
            managementApi.stop();
            topology.stop();
            kafka.close();
            registry.close();
            api.close();
            mongo.close();
            stopped.countDown();
        }, "devstack-shutdown"));

        String apiUrl = "http://127.0.0.1:" + apiPort;
        awaitHealthy(apiUrl + "/health/ready", managementApi);
        if (options.containsKey("--env-file")) {
            writeEnv(Path.of(options.get("--env-file")), apiUrl, token, kafka.bootstrapServers(), registry.url());
        }
        printBanner(kafka, registry, mongo, api, worker, opsPort, topology, topologyPort, (System.nanoTime() - started) / 1_000_000);
        printApi(apiUrl, token, managementApi, options.get("--env-file"));
        stopped.await();
    }

    /** {@code --data-dir DIR} and {@code --env-file FILE}; anything else is a usage error. */
    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!List.of("--data-dir", "--env-file").contains(args[i]) || i + 1 >= args.length) {
                System.err.println("Usage: DevStack [--data-dir DIR] [--env-file FILE]");
                System.exit(2);
            }
            options.put(args[i], args[i + 1]);
        }
        return options;
    }

    /** Waits until the management API answers {@code url} with 200; fails when its process exits or after 60 s. */
    private static void awaitHealthy(String url, ChildProcess process) throws InterruptedException {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && process.alive()) {
            try {
                if (http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("The management API did not become ready at " + url + (process.alive() ? " within 60 s" : ": it exited"));
    }

    /** The variables {@code scripts/cli} reads, so that the CLI talks to this stack without flags. Owner-readable only. */
    private static void writeEnv(Path file, String apiUrl, String token, String bootstrap, String registryUrl) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        Files.writeString(file, """
                INTEGRATION_API_URL=%s
                INTEGRATION_API_TOKEN=%s
                INTEGRATION_KAFKA_BOOTSTRAP_SERVERS=%s
                INTEGRATION_SCHEMA_REGISTRY_URL=%s
                """.formatted(apiUrl, token, bootstrap, registryUrl));
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
            // best effort on file systems without POSIX permissions
        }
    }

    private static void printApi(String apiUrl, String token, ChildProcess api, String envFile) {
        System.out.printf("""
                 Management API   %s   (pid %d; admin token below, also in %s)
                   token: %s
                 Try the CLI (it reads %s):
                   scripts/cli apply -f catalogue/github.yaml
                   scripts/cli definitions list
                   scripts/cli instances test demo
                   scripts/cli request send --instance demo --method getUser --params '{"id":"42"}'

                 Results and events are printed below as they arrive. Ctrl-C stops everything.
                ==================================================================================
                %n""", apiUrl, api.pid(), envFile == null ? "(no --env-file)" : envFile, token,
                envFile == null ? "INTEGRATION_API_URL and INTEGRATION_API_TOKEN" : envFile);
    }

    private static void seed(String mongoUri, String apiUrl, String masterKey) throws IOException {
        String yaml;
        try (InputStream in = DevStack.class.getResourceAsStream("/demo-definition.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${baseUrl}", apiUrl);
        }
        try (MongoClient client = MongoClients.create(mongoUri)) {
            WorkerApp.management(client.getDatabase("integration"), masterKey, true, Clock.systemUTC()).seed(yaml,
                    new Credential.ApiKey("demo-credential", Secret.of(API_KEY)),
                    new InstanceService.Spec(INSTANCE, "demo-tenant", "demo", "^1", Map.of(), "demo-credential"));
        }
    }

    private static void printBanner(EmbeddedKafka kafka, DevSchemaRegistry registry, EmbeddedMongo mongo, DemoApi api,
                                    ChildProcess worker, int opsPort, ChildProcess topology, int topologyPort,
                                    long millis) {
        String b = kafka.bootstrapServers();
        System.out.printf("""

                ==================================================================================
                 Integration Service — embedded stack up in %d ms
                   Kafka broker     %s   (real broker, KRaft, in this JVM)
                   Schema registry  %s   (dev stand-in speaking the Confluent REST API)
                   MongoDB          %s   (wire-protocol server, in memory)
                   Demo API         %s   (X-Api-Key: %s)
                   Worker           pid %d   (separate process; metrics and probes: http://127.0.0.1:%d/metrics, /health/ready)
                   Topology         pid %d   (separate process; health on integration.health; http://127.0.0.1:%d/integrations/demo/health)
                 Seeded: definition demo@1.0.0 (getUser, createNote, status), instance "demo".

                 Send a request (JSON) and read its result:
                   echo '{"requestId":"demo-1","integrationInstanceId":"demo","methodName":"getUser","params":{"id":"42"}}' \\
                     | kcat -P -b %s -t integration.requests -k demo
                   kcat -C -b %s -t integration.results -o beginning -e -q -f '%%k %%s\\n'
                   kcat -C -b %s -t integration.events -o beginning -e -q -f '%%k %%s\\n'   # Avro; decoded below

                """, millis, b, registry.url(), mongo.connectionString(), api.url(), API_KEY, worker.pid(), opsPort, topology.pid(), topologyPort, b, b, b);
    }

    /** {@code preferred} when free on loopback, else any free port. */
    private static int port(int preferred) {
        try (ServerSocket s = new ServerSocket(preferred, 1, InetAddress.getLoopbackAddress())) {
            return preferred;
        } catch (IOException taken) {
            return Ports.free();
        }
    }
}
