package io.integration.worker.adapter;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The adapters installed in this worker, by type; built once from the {@link AdapterProvider}s on the classpath. */
public final class Adapters {

    private final Map<String, Adapter> byType;
    private final Map<String, String> versions;

    private Adapters(Map<String, Adapter> byType, Map<String, String> versions) {
        this.byType = Map.copyOf(byType);
        this.versions = Map.copyOf(versions);
    }

    /** Creates one adapter per provider found with {@link ServiceLoader}. */
    public static Adapters load(AdapterContext context) {
        Map<String, Adapter> found = new TreeMap<>();
        Map<String, String> versions = new TreeMap<>();
        for (AdapterProvider provider : ServiceLoader.load(AdapterProvider.class)) {
            if (found.putIfAbsent(provider.type(), provider.create(context)) != null) {
                throw new IllegalStateException("Two adapter providers for type '" + provider.type() + "'");
            }
            versions.put(provider.type(), provider.version());
        }
        return new Adapters(found, versions);
    }

    /** The installed adapter types and their versions, without creating any adapter (what publishing checks against). */
    public static Map<String, String> installed() {
        Map<String, String> versions = new TreeMap<>();
        for (AdapterProvider provider : ServiceLoader.load(AdapterProvider.class)) {
            versions.put(provider.type(), provider.version());
        }
        return versions;
    }

    /** Adapters given explicitly (tests), each at version 1.0.0. */
    public static Adapters of(Map<String, Adapter> byType) {
        Map<String, String> versions = new TreeMap<>();
        byType.keySet().forEach(type -> versions.put(type, "1.0.0"));
        return new Adapters(byType, versions);
    }

    /** The version of the adapter of {@code type} (null when none is installed). */
    public String version(String type) {
        return versions.get(type);
    }

    public Optional<Adapter> get(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public java.util.Set<String> types() {
        return byType.keySet();
    }
}
