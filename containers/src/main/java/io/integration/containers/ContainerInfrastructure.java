package io.integration.containers;

import io.integration.embedded.Infrastructure;
import io.integration.embedded.InfrastructureProvider;
import io.integration.embedded.KafkaTopics;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.mongodb.MongoDBContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The {@link Infrastructure} on real containers: Apache Kafka (KRaft), a MongoDB replica set (transactions,
 * TTL and change streams work, unlike the embedded wire server) and Confluent Schema Registry. Started
 * once per JVM; fails at once, saying so, when no Docker engine answers.
 */
public final class ContainerInfrastructure implements Infrastructure {

    public static final DockerImageName KAFKA = DockerImageName.parse("apache/kafka:4.1.0");
    public static final DockerImageName MONGO = DockerImageName.parse("mongo:8.0.4");
    public static final DockerImageName SCHEMA_REGISTRY = DockerImageName.parse("confluentinc/cp-schema-registry:7.9.0");

    private final KafkaContainer kafka;
    private final MongoDBContainer mongo;
    private final GenericContainer<?> registry;
    private final Network network;

    private ContainerInfrastructure(Network network, KafkaContainer kafka, MongoDBContainer mongo, GenericContainer<?> registry) {
        this.network = network;
        this.kafka = kafka;
        this.mongo = mongo;
        this.registry = registry;
    }

    /** Starts the three containers; throws {@link IllegalStateException} naming the problem when Docker is missing. */
    public static ContainerInfrastructure start() {
        requireDocker();
        Network network = Network.newNetwork();
        KafkaContainer kafka = new KafkaContainer(KAFKA).withNetwork(network).withListener("kafka:19092");
        MongoDBContainer mongo = new MongoDBContainer(MONGO).withNetwork(network);
        GenericContainer<?> registry = new GenericContainer<>(SCHEMA_REGISTRY)
                .withNetwork(network)
                .withExposedPorts(8081)
                .withEnv("SCHEMA_REGISTRY_HOST_NAME", "schema-registry")
                .withEnv("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081")
                .withEnv("SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS", "PLAINTEXT://kafka:19092")
                .waitingFor(Wait.forHttp("/subjects").forStatusCode(200));
        kafka.start();
        mongo.start();
        registry.start();
        return new ContainerInfrastructure(network, kafka, mongo, registry);
    }

    static void requireDocker() {
        boolean available;
        String reason;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
            reason = "no Docker environment answered";
        } catch (RuntimeException e) {
            available = false;
            reason = e.getMessage();
        }
        if (!available) {
            throw new IllegalStateException("Docker was not found (" + reason + "): integration.infrastructure=containers"
                    + " needs a running Docker engine. Run without -Pcontainers to use the embedded infrastructure.");
        }
    }

    @Override
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
    }

    @Override
    public String mongoUri() {
        return mongo.getReplicaSetUrl();
    }

    @Override
    public void createTopics(int partitions, List<String> names) {
        KafkaTopics.create(bootstrapServers(), partitions, names, Map.of());
    }

    @Override
    public void close() {
        registry.stop();
        mongo.stop();
        kafka.stop();
        network.close();
    }

    /** Registers this infrastructure under the name {@code containers}. */
    public static final class Provider implements InfrastructureProvider {
        @Override
        public String name() {
            return "containers";
        }

        @Override
        public Infrastructure start() {
            return ContainerInfrastructure.start();
        }
    }
}
