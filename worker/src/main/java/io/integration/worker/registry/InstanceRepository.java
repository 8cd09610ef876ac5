package io.integration.worker.registry;

import java.util.Optional;

/** Stored integration instances. Thread-safe; infrastructure failures propagate as runtime exceptions. */
public interface InstanceRepository {

    Optional<IntegrationInstance> find(String id);

    /** Stores {@code instance}, replacing one with the same id. */
    void save(IntegrationInstance instance);
}
