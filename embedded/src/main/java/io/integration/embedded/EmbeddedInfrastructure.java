package io.integration.embedded;

import java.nio.file.Path;
import java.util.List;

/**
 * The default {@link Infrastructure}: a real Kafka broker in this JVM, a MongoDB wire-protocol server
 * and the dev Schema Registry over HTTP, all on loopback.
 */
public final class EmbeddedInfrastructure implements Infrastructure {

    private final EmbeddedKafka kafka;
    private final EmbeddedMongo mongo;
    private final DevSchemaRegistry registry;

    private EmbeddedInfrastructure(EmbeddedKafka kafka, EmbeddedMongo mongo, DevSchemaRegistry registry) {
        this.kafka = kafka;
        this.mongo = mongo;
        this.registry = registry;
    }

    /** Starts everything on free ports; Kafka's data lives under {@code dataDir}. */
    public static EmbeddedInfrastructure start(Path dataDir) {
        EmbeddedMongo mongo = EmbeddedMongo.start(0);
        DevSchemaRegistry registry = DevSchemaRegistry.start(0);
        EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"));
        return new EmbeddedInfrastructure(kafka, mongo, registry);
    }

    public EmbeddedKafka kafka() {
        return kafka;
    }

    public EmbeddedMongo mongo() {
        return mongo;
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return registry.url();
    }

    @Override
    public String mongoUri() {
        return mongo.connectionString();
    }

    @Override
    public void createTopics(int partitions, List<String> names) {
        kafka.createTopics(partitions, names);
    }

    @Override
    public void close() {
        kafka.close();
        registry.close();
        mongo.close();
    }
}
