package io.integration.registry;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Stored integration instances. Thread-safe; infrastructure failures propagate as runtime exceptions. */
public interface InstanceRepository {

    Optional<IntegrationInstance> find(String id);

    /** Every instance, by id. */
    List<IntegrationInstance> all();

    /** Stores {@code instance}, replacing the managed fields of one with the same id (its last-used time is kept). */
    void save(IntegrationInstance instance);

    /** Stores a new instance; false when the id is taken (nothing is changed then). */
    default boolean insert(IntegrationInstance instance) {
        throw new UnsupportedOperationException("this instance store is read-only");
    }

    /**
     * Sets the status of {@code id} to {@code next} only if it is {@code expected} now (compare-and-set), so that a
     * slow action (a connection test) cannot undo an operator's change made meanwhile. False when it was not.
     */
    default boolean compareAndSetStatus(String id, IntegrationInstance.InstanceStatus expected, IntegrationInstance.InstanceStatus next) {
        throw new UnsupportedOperationException("this instance store is read-only");
    }

    /** Replaces only the config of {@code id}. */
    default void saveConfig(String id, Map<String, Object> config) {
        throw new UnsupportedOperationException("this instance store is read-only");
    }

    /** Records when instances were last used (batched by the caller; a time never moves backwards). */
    void touch(Map<String, Instant> lastUsed);

    /** When the instance was last used, if ever. */
    Optional<Instant> lastUsed(String id);
}
