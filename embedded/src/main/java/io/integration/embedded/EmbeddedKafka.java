package io.integration.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node Kafka cluster (KRaft, combined broker and controller) running in this JVM with
 * Kafka's own server classes, on loopback ports. Not a fake: clients speak the real protocol to it.
 *
 * <p>Lifecycle: {@link #start(Path)} formats the log directory if needed and blocks until the broker
 * answers metadata requests; {@link #close()} shuts it down. Starting again on the same directory and
 * port keeps the data, which is how broker restarts are simulated.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private final Path dataDir;
    private final int brokerPort;
    private final int controllerPort;
    private KafkaRaftServer server;

    private EmbeddedKafka(Path dataDir, int brokerPort, int controllerPort) {
        this.dataDir = dataDir;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /** Starts a broker with its logs under {@code dataDir}, on free ports. */
    public static EmbeddedKafka start(Path dataDir) {
        return start(dataDir, Ports.free(), Ports.free());
    }

    /** Starts a broker on the given ports (0 picks a free one); reuses {@code dataDir} if formatted. */
    public static EmbeddedKafka start(Path dataDir, int brokerPort, int controllerPort) {
        EmbeddedKafka kafka = new EmbeddedKafka(dataDir,
                brokerPort == 0 ? Ports.free() : brokerPort, controllerPort == 0 ? Ports.free() : controllerPort);
        kafka.startServer();
        return kafka;
    }

    /** {@code host:port} to give clients as {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    public int brokerPort() {
        return brokerPort;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** Creates the topics that do not exist yet, with replication factor 1. */
    public void createTopics(int partitions, Collection<String> names) {
        createTopics(partitions, names, Map.of());
    }

    /** Creates the topics that do not exist yet, with replication factor 1 and the given topic configs. */
    public void createTopics(int partitions, Collection<String> names, Map<String, String> configs) {
        KafkaTopics.create(bootstrapServers(), partitions, names, configs);
    }

    /** An admin client for this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    private void startServer() {
        try {
            Files.createDirectories(dataDir);
            Path config = dataDir.resolve("server.properties");
            Properties props = serverProperties();
            try (var out = Files.newBufferedWriter(config)) {
                props.store(out, "embedded Kafka broker");
            }
            if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
                format(config);
            }
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the embedded Kafka broker in " + dataDir, e);
        }
    }

    private Properties serverProperties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
        p.put("log.dirs", dataDir.resolve("logs").toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "4");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // The default dedupe buffer takes 128 MiB of heap; compaction of small test topics needs far less.
        p.put("log.cleaner.dedupe.buffer.size", "2097152");
        p.put("auto.create.topics.enable", "false");
        return p;
    }

    private void format(Path config) {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String[] args = {"format", "--standalone", "-t", Uuid.randomUuid().toString(), "-c", config.toString()};
        try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            StorageTool.execute(args, out);
        } catch (Exception e) {
            throw new IllegalStateException("Formatting the embedded broker's storage failed: " + captured.toString(StandardCharsets.UTF_8), e);
        }
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = admin()) {
                if (!admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).isEmpty()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
        }
        throw new IllegalStateException("The embedded broker did not become ready within 60 s", last);
    }

    @Override
    public void close() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }
}
