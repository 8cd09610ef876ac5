package io.integration.registry;

import java.util.List;
import java.util.Optional;

/**
 * Stored definition versions. Thread-safe; infrastructure failures propagate as the store's runtime
 * exceptions (the caller retries later), unreadable documents as {@link InvalidDefinitionException}.
 */
public interface DefinitionRepository {

    /** The version {@code version} of definition {@code name}, in whatever lifecycle state. */
    Optional<IntegrationDefinition> find(String name, String version);

    /**
     * The highest (semver) executable version of {@code name} in {@code range}: PUBLISHED or DEPRECATED, so that a
     * draft is never picked up by traffic and a retired version never again.
     */
    Optional<IntegrationDefinition> findLatest(String name, VersionRange range);

    /** Every stored version of {@code name}, lowest first. */
    List<IntegrationDefinition> versions(String name);

    /** Every stored version of every definition, by name, then version. */
    List<IntegrationDefinition> all();

    /** Stores {@code definition}, replacing a stored version with the same key. */
    void save(IntegrationDefinition definition);
}
