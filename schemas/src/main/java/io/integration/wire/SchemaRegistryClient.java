package io.integration.wire;

import org.apache.avro.Schema;

/**
 * The two Schema Registry operations the wire format needs.
 *
 * <p>Implementations are thread-safe and cache: a schema id never changes its schema, so
 * {@link #schemaById(int)} is answered from memory after the first call, and {@link #register}
 * is answered from memory for a (subject, schema) pair already registered.
 *
 * <p>Failures throw {@link SchemaRegistryException}; its {@code retriable()} says whether the same
 * call may succeed later (registry unreachable, 5xx) or not (4xx: unknown id, incompatible schema).
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** Returns the schema with the given global id. */
    Schema schemaById(int id);

    @Override
    default void close() {
    }

    /**
     * A client for {@code url}: {@code mock://<scope>} gives the in-memory registry shared by everyone
     * in this JVM using the same scope; {@code http(s)://host:port[,...]} gives the REST client.
     */
    static SchemaRegistryClient forUrl(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("schema.registry.url: empty (expected: mock://<scope> or http(s)://host:port)");
        }
        if (url.startsWith(InMemorySchemaRegistry.URL_PREFIX)) {
            return InMemorySchemaRegistry.forScope(url.substring(InMemorySchemaRegistry.URL_PREFIX.length()));
        }
        if (url.startsWith("http://") || url.startsWith("https://")) {
            return HttpSchemaRegistryClient.of(url);
        }
        throw new IllegalArgumentException("schema.registry.url: '" + url + "' (expected: mock://<scope> or http(s)://host:port)");
    }
}
