package io.integration.worker.registry;

import io.integration.worker.store.TtlCache;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Read-through caches in front of the definition and instance stores. A changed instance (disabled,
 * re-bound) or a newly published "latest" version takes effect within the TTL; an exact definition
 * version never changes once published, so it is cached for the same TTL only to bound memory.
 */
public final class CachingRegistry {

    private CachingRegistry() {
    }

    public static DefinitionRepository definitions(DefinitionRepository store, Duration ttl, Clock clock) {
        TtlCache<String, Optional<IntegrationDefinition>> exact = new TtlCache<>(ttl, 10_000, clock);
        TtlCache<String, Optional<IntegrationDefinition>> latest = new TtlCache<>(ttl, 10_000, clock);
        return new DefinitionRepository() {
            @Override
            public Optional<IntegrationDefinition> find(String name, String version) {
                return exact.get(IntegrationDefinition.key(name, version), k -> store.find(name, version));
            }

            @Override
            public Optional<IntegrationDefinition> findLatest(String name) {
                return latest.get(name, store::findLatest);
            }

            @Override
            public void save(IntegrationDefinition definition) {
                store.save(definition);
            }
        };
    }

    public static InstanceRepository instances(InstanceRepository store, Duration ttl, Clock clock) {
        TtlCache<String, Optional<IntegrationInstance>> cache = new TtlCache<>(ttl, 100_000, clock);
        return new InstanceRepository() {
            @Override
            public Optional<IntegrationInstance> find(String id) {
                return cache.get(id, store::find);
            }

            @Override
            public void save(IntegrationInstance instance) {
                store.save(instance);
            }
        };
    }
}
