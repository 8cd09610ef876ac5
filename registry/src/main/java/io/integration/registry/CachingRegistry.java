package io.integration.registry;

import io.integration.registry.store.TtlCache;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Read-through caches in front of the definition and instance stores: bounded (10,000 definition keys, 100,000
 * instances; a full cache is cleared) and expiring after the TTL ({@code registry.cache.ttl}), so the hot path does
 * not read MongoDB per request and an update is seen by every worker within the TTL. Listing and writes go through. A changed instance (disabled,
 * re-bound) or a newly published "latest" version takes effect within the TTL; an exact definition
 * version never changes once published, so it is cached for the same TTL only to bound memory.
 */
public final class CachingRegistry {

    private CachingRegistry() {
    }

    public static DefinitionRepository definitions(DefinitionRepository store, Duration ttl, Clock clock) {
        return definitions(store, ttl, clock, new io.integration.registry.store.CacheStats());
    }

    /** {@link #definitions(DefinitionRepository, Duration, Clock)} counting its lookups in {@code stats}. */
    public static DefinitionRepository definitions(DefinitionRepository store, Duration ttl, Clock clock,
                                                   io.integration.registry.store.CacheStats stats) {
        TtlCache<String, Optional<IntegrationDefinition>> exact = new TtlCache<>(ttl, 10_000, clock, stats);
        TtlCache<String, Optional<IntegrationDefinition>> latest = new TtlCache<>(ttl, 10_000, clock, stats);
        return new DefinitionRepository() {
            @Override
            public Optional<IntegrationDefinition> find(String name, String version) {
                return exact.get(IntegrationDefinition.key(name, version), k -> store.find(name, version));
            }

            @Override
            public Optional<IntegrationDefinition> findLatest(String name, VersionRange range) {
                return latest.get(name + " " + range.text(), k -> store.findLatest(name, range));
            }

            @Override
            public List<IntegrationDefinition> versions(String name) {
                return store.versions(name);
            }

            @Override
            public List<IntegrationDefinition> all() {
                return store.all();
            }

            @Override
            public void save(IntegrationDefinition definition) {
                store.save(definition);
            }
        };
    }

    public static InstanceRepository instances(InstanceRepository store, Duration ttl, Clock clock) {
        return instances(store, ttl, clock, new io.integration.registry.store.CacheStats());
    }

    /** {@link #instances(InstanceRepository, Duration, Clock)} counting its lookups in {@code stats}. */
    public static InstanceRepository instances(InstanceRepository store, Duration ttl, Clock clock, io.integration.registry.store.CacheStats stats) {
        TtlCache<String, Optional<IntegrationInstance>> cache = new TtlCache<>(ttl, 100_000, clock, stats);
        return new InstanceRepository() {
            @Override
            public Optional<IntegrationInstance> find(String id) {
                return cache.get(id, store::find);
            }

            @Override
            public List<IntegrationInstance> all() {
                return store.all();
            }

            @Override
            public void save(IntegrationInstance instance) {
                store.save(instance);
            }

            @Override
            public void touch(Map<String, Instant> lastUsed) {
                store.touch(lastUsed);
            }

            @Override
            public Optional<Instant> lastUsed(String id) {
                return store.lastUsed(id);
            }
        };
    }
}
