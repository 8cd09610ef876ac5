package io.integration.worker.registry;

import java.util.Optional;

/**
 * Stored definition versions. Thread-safe; infrastructure failures propagate as the store's runtime
 * exceptions (the caller retries later), unreadable documents as {@link InvalidDefinitionException}.
 */
public interface DefinitionRepository {

    /** The version {@code version} of definition {@code name}. */
    Optional<IntegrationDefinition> find(String name, String version);

    /** The highest (semver) PUBLISHED or DEPRECATED version of {@code name}. */
    Optional<IntegrationDefinition> findLatest(String name);

    /** Stores {@code definition}, replacing a stored version with the same key. */
    void save(IntegrationDefinition definition);
}
