package io.integration.topology;

import io.integration.wire.SchemaRegistryClient;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Runs the health topology. Settings from the environment: {@code TOPOLOGY_KAFKA_<NAME>} becomes the
 * Streams property {@code <name>} ({@code _} → {@code .}, lower-case), plus
 * {@code TOPOLOGY_SCHEMA_REGISTRY_URL}, {@code TOPOLOGY_TOPIC_EVENTS}, {@code TOPOLOGY_TOPIC_HEALTH}.
 * SIGTERM closes the Streams instance cleanly.
 */
public final class TopologyMain {

    private TopologyMain() {
    }

    public static void main(String[] args) throws Exception {
        // The worker's jar carries logback.xml; the topology's own file has another name so both can share a classpath.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "logback-topology.xml");
        }
        Map<String, String> env = System.getenv();
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "integration-topology");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        // Health should show within a second, not at the 30 s default commit interval.
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("integration-topology-").toString());
        env.forEach((name, value) -> {
            if (name.startsWith("TOPOLOGY_KAFKA_")) {
                props.put(name.substring("TOPOLOGY_KAFKA_".length()).toLowerCase().replace('_', '.'), value);
            }
        });
        String registryUrl = env.getOrDefault("TOPOLOGY_SCHEMA_REGISTRY_URL", "http://localhost:8081");
        String events = env.getOrDefault("TOPOLOGY_TOPIC_EVENTS", "integration.events");
        String health = env.getOrDefault("TOPOLOGY_TOPIC_HEALTH", "integration.health");

        KafkaStreams streams = new KafkaStreams(HealthTopology.build(events, health, SchemaRegistryClient.forUrl(registryUrl)), props);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            streams.close();
            closed.countDown();
        }, "topology-shutdown"));
        streams.start();
        System.out.println("Topology running: " + events + " -> " + health);
        closed.await();
    }
}
