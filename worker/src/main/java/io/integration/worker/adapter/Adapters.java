package io.integration.worker.adapter;

import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** The adapters installed in this worker, by type; built once from the {@link AdapterProvider}s on the classpath. */
public final class Adapters {

    private final Map<String, Adapter> byType;

    private Adapters(Map<String, Adapter> byType) {
        this.byType = Map.copyOf(byType);
    }

    /** Creates one adapter per provider found with {@link ServiceLoader}. */
    public static Adapters load(AdapterContext context) {
        Map<String, Adapter> found = new TreeMap<>();
        for (AdapterProvider provider : ServiceLoader.load(AdapterProvider.class)) {
            if (found.putIfAbsent(provider.type(), provider.create(context)) != null) {
                throw new IllegalStateException("Two adapter providers for type '" + provider.type() + "'");
            }
        }
        return new Adapters(found);
    }

    /** Adapters given explicitly (tests). */
    public static Adapters of(Map<String, Adapter> byType) {
        return new Adapters(byType);
    }

    public Optional<Adapter> get(String type) {
        return Optional.ofNullable(byType.get(type));
    }

    public java.util.Set<String> types() {
        return byType.keySet();
    }
}
