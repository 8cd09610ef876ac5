package io.integration.devstack;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.integration.embedded.DemoApi;
import io.integration.embedded.DevSchemaRegistry;
import io.integration.embedded.EmbeddedKafka;
import io.integration.embedded.EmbeddedMongo;
import io.integration.embedded.Ports;
import io.integration.registry.credentials.Credential;
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
            "integration.requests-dlt", "integration.requests.retry");

    private DevStack() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = args.length == 2 && args[0].equals("--data-dir") ? Path.of(args[1]) : Files.createTempDirectory("integration-devstack-");
        long started = System.nanoTime();
        EmbeddedMongo mongo = EmbeddedMongo.start(port(27017));
        DevSchemaRegistry registry = DevSchemaRegistry.start(port(8081));
        DemoApi api = DemoApi.start(port(8090), API_KEY);
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), port(9092), 0);
        kafka.createTopics(3, TOPICS);
        kafka.createTopics(3, List.of("integration.health"), Map.of("cleanup.policy", "compact"));
        seed(mongo.connectionString(), api.url());

        ChildProcess worker = ChildProcess.java("worker", "io.integration.worker.app.WorkerMain", Map.of(
                "WORKER_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "WORKER_SCHEMA_REGISTRY_URL", registry.url(),
                "WORKER_MONGO_URI", mongo.connectionString(),
                "WORKER_OUTBOUND_ALLOW_PRIVATE_NETWORKS", "true"));
        ChildProcess topology = ChildProcess.java("topology", "io.integration.topology.TopologyMain", Map.of(
                "TOPOLOGY_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                "TOPOLOGY_SCHEMA_REGISTRY_URL", registry.url()));
        OutputTail tail = new OutputTail(kafka.bootstrapServers(), registry.url(), List.of("integration.results", "integration.events"));
        Thread.ofPlatform().daemon().name("output-tail").start(tail);

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping: worker (draining), topology, broker, registry, MongoDB, demo API ...");
            tail.stop();
            worker.stop();
            topology.stop();
            kafka.close();
            registry.close();
            api.close();
            mongo.close();
            stopped.countDown();
        }, "devstack-shutdown"));

        printBanner(kafka, registry, mongo, api, worker, topology, (System.nanoTime() - started) / 1_000_000);
        stopped.await();
    }

    private static void seed(String mongoUri, String apiUrl) throws IOException {
        String yaml;
        try (InputStream in = DevStack.class.getResourceAsStream("/demo-definition.yaml")) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("${baseUrl}", apiUrl);
        }
        try (MongoClient client = MongoClients.create(mongoUri)) {
            WorkerApp.management(client.getDatabase("integration"), true, Clock.systemUTC()).seed(yaml,
                    new Credential.ApiKey("demo-credential", Secret.of(API_KEY)),
                    new InstanceService.Spec(INSTANCE, "demo-tenant", "demo", "^1", Map.of(), "demo-credential"));
        }
    }

    private static void printBanner(EmbeddedKafka kafka, DevSchemaRegistry registry, EmbeddedMongo mongo, DemoApi api,
                                    ChildProcess worker, ChildProcess topology, long millis) {
        String b = kafka.bootstrapServers();
        System.out.printf("""

                ==================================================================================
                 Integration Service — embedded stack up in %d ms
                   Kafka broker     %s   (real broker, KRaft, in this JVM)
                   Schema registry  %s   (dev stand-in speaking the Confluent REST API)
                   MongoDB          %s   (wire-protocol server, in memory)
                   Demo API         %s   (X-Api-Key: %s)
                   Worker           pid %d   (separate process)
                   Topology         pid %d   (separate process; health on integration.health)
                 Seeded: definition demo@1.0.0 (getUser, createNote, status), instance "demo".

                 Send a request (JSON) and read its result:
                   echo '{"requestId":"demo-1","integrationInstanceId":"demo","methodName":"getUser","params":{"id":"42"}}' \\
                     | kcat -P -b %s -t integration.requests -k demo
                   kcat -C -b %s -t integration.results -o beginning -e -q -f '%%k %%s\\n'
                   kcat -C -b %s -t integration.events -o beginning -e -q -f '%%k %%s\\n'   # Avro; decoded below

                 Results and events are printed below as they arrive. Ctrl-C stops everything.
                ==================================================================================
                %n""", millis, b, registry.url(), mongo.connectionString(), api.url(), API_KEY, worker.pid(), topology.pid(), b, b, b);
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
