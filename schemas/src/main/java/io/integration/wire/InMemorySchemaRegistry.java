package io.integration.wire;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A registry held in memory, for tests and the embedded mode ({@code mock://<scope>} URLs).
 *
 * <p>Ids are global and start at 1 like Confluent's; the same schema text gets the same id in every
 * subject. Thread-safe. Instances with the same scope are shared within the JVM.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    static final String URL_PREFIX = "mock://";
    private static final Map<String, InMemorySchemaRegistry> SCOPES = new ConcurrentHashMap<>();

    private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, List<Integer>> versionsBySubject = new ConcurrentHashMap<>();

    /** The registry shared by every {@code mock://scope} user of this JVM. */
    public static InMemorySchemaRegistry forScope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistry());
    }

    /** A registry of its own, shared with nobody. */
    public static InMemorySchemaRegistry create() {
        return new InMemorySchemaRegistry();
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        String canonical = schema.toString();
        int id = idsBySchema.computeIfAbsent(canonical, s -> {
            int next = schemasById.size() + 1;
            schemasById.put(next, schema);
            return next;
        });
        List<Integer> versions = versionsBySubject.computeIfAbsent(subject, s -> new java.util.concurrent.CopyOnWriteArrayList<>());
        if (!versions.contains(id)) {
            versions.add(id);
        }
        return id;
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaRegistryException("Schema " + id + " not found", 404, 40403, false, null);
        }
        return schema;
    }

    /** Subjects registered so far, for the dev registry's {@code GET /subjects}. */
    public List<String> subjects() {
        return List.copyOf(versionsBySubject.keySet());
    }

    /** Ids of the versions of {@code subject}, oldest first; empty when unknown. */
    public List<Integer> versions(String subject) {
        return List.copyOf(versionsBySubject.getOrDefault(subject, List.of()));
    }
}
