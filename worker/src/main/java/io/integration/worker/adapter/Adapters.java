package io.integration.worker.adapter;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The adapters created in this process, by type, with their versions. Immutable; built once at start. */
public final class Adapters {

    private final Map<String, Adapter> byType;
    private final Map<String, String> versions;

    private Adapters(Map<String, Adapter> byType, Map<String, String> versions) {
        if (!byType.keySet().equals(versions.keySet())) {
            throw new IllegalArgumentException("adapters " + byType.keySet() + " and versions " + versions.keySet() + " differ");
        }
        this.byType = Map.copyOf(byType);
        this.versions = Map.copyOf(versions);
    }

    /** {@code byType} at the versions {@code versions} (same keys). */
    public static Adapters of(Map<String, Adapter> byType, Map<String, String> versions) {
        return new Adapters(byType, versions);
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

    public Set<String> types() {
        return new java.util.TreeSet<>(byType.keySet());
    }
}
