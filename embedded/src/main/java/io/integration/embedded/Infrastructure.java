package io.integration.embedded;

import java.util.List;

/**
 * The endpoints of the infrastructure the worker needs: a Kafka cluster, a Schema Registry and MongoDB.
 * Integration tests and the embedded mode get every address from here and nowhere else, so the same
 * tests can run against another implementation (containers, a real cluster).
 *
 * <p>Thread-safe. Implementations are started when returned and stopped by {@link #close()}.
 */
public interface Infrastructure extends AutoCloseable {

    /** {@code bootstrap.servers} for Kafka clients. */
    String bootstrapServers();

    /** Base URL of a registry speaking the Confluent REST API. */
    String schemaRegistryUrl();

    /** A MongoDB connection string. */
    String mongoUri();

    /** Creates the topics that do not exist yet. */
    void createTopics(int partitions, List<String> names);

    @Override
    void close();

    /**
     * The infrastructure shared by every test of this JVM, started on first use and stopped at JVM exit:
     * the one named by the system property {@code integration.infrastructure} — {@code embedded} (default)
     * or {@code containers} (with {@code integration-containers} on the classpath).
     */
    static Infrastructure shared() {
        return SharedInfrastructure.get();
    }
}
