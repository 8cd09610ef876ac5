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

    /** Records when instances were last used (batched by the caller; a time never moves backwards). */
    void touch(Map<String, Instant> lastUsed);

    /** When the instance was last used, if ever. */
    Optional<Instant> lastUsed(String id);
}
