package io.integration.worker.messaging;

import io.integration.wire.SchemaRegistryClient;
import io.integration.wire.SchemaRegistryException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;

/**
 * Schema lookups for the poll thread, which must never wait seconds for a registry: a schema not known yet is
 * fetched on a virtual thread and waited for at most {@code wait}; a fetch still running, or one that failed
 * transiently less than {@code negativeTtl} ago, answers at once with a retriable {@link SchemaRegistryException}
 * (the record is decoded again later). Answered schemas are kept forever, as ids never change. Thread-safe.
 */
final class BoundedSchemaLookup implements SchemaRegistryClient {

    private record Failure(SchemaRegistryException error, long atNanos) {
    }

    private final SchemaRegistryClient registry;
    private final Duration wait;
    private final Duration negativeTtl;
    private final Map<Integer, Schema> known = new ConcurrentHashMap<>();
    private final Map<Integer, CompletableFuture<Schema>> fetching = new ConcurrentHashMap<>();
    private final Map<Integer, Failure> failed = new ConcurrentHashMap<>();

    BoundedSchemaLookup(SchemaRegistryClient registry, Duration wait, Duration negativeTtl) {
        this.registry = registry;
        this.wait = wait;
        this.negativeTtl = negativeTtl;
    }

    @Override
    public int register(String subject, Schema schema) {
        return registry.register(subject, schema);
    }

    @Override
    public Schema schemaById(int id) {
        Schema schema = known.get(id);
        if (schema != null) {
            return schema;
        }
        Failure recent = failed.get(id);
        if (recent != null && System.nanoTime() - recent.atNanos() < negativeTtl.toNanos()) {
            throw recent.error();
        }
        CompletableFuture<Schema> mine = new CompletableFuture<>();
        CompletableFuture<Schema> fetch = fetching.putIfAbsent(id, mine);
        if (fetch == null) {
            // Registered before the fetch starts, so its own removal at the end cannot come first.
            fetch = mine;
            fetch(id, mine);
        }
        try {
            return fetch.get(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new SchemaRegistryException("schema " + id + " is still being fetched from the registry", 0, 0, true, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted fetching schema " + id, 0, 0, true, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SchemaRegistryException s) {
                throw s;
            }
            throw new SchemaRegistryException("fetching schema " + id + " failed: " + e.getCause(), 0, 0, true, e.getCause());
        }
    }

    private void fetch(int id, CompletableFuture<Schema> future) {
        Thread.ofVirtual().name("schema-fetch-" + id).start(() -> {
            try {
                Schema schema = registry.schemaById(id);
                known.put(id, schema);
                failed.remove(id);
                future.complete(schema);
            } catch (SchemaRegistryException e) {
                if (e.retriable()) {
                    failed.put(id, new Failure(e, System.nanoTime()));
                }
                future.completeExceptionally(e);
            } catch (RuntimeException e) {
                failed.put(id, new Failure(new SchemaRegistryException("fetching schema " + id + " failed: " + e, 0, 0, true, e),
                        System.nanoTime()));
                future.completeExceptionally(e);
            } finally {
                fetching.remove(id, future);
            }
        });
    }

    @Override
    public void close() {
        // The wrapped client belongs to the caller.
    }
}
