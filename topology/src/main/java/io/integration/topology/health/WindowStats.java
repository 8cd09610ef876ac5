package io.integration.topology.health;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonAutoDetect.Visibility;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** The calls of one instance in one tumbling window: in total and per method (at most {@link #MAX_METHODS}, the rest as {@link #OTHER}). */
@JsonAutoDetect(fieldVisibility = Visibility.ANY, getterVisibility = Visibility.NONE, isGetterVisibility = Visibility.NONE)
public final class WindowStats {

    static final int MAX_METHODS = 100;
    static final String OTHER = "(other)";

    private final long start;
    private final CallStats total = new CallStats();
    private final TreeMap<String, CallStats> methods = new TreeMap<>();

    @JsonCreator
    WindowStats(@JsonProperty("start") long start) {
        this.start = start;
    }

    long start() {
        return start;
    }

    CallStats total() {
        return total;
    }

    /** The stats of {@code method} (null: the instance only). */
    CallStats method(String method) {
        if (method == null) {
            return null;
        }
        String key = methods.containsKey(method) || methods.size() < MAX_METHODS ? method : OTHER;
        return methods.computeIfAbsent(key, m -> new CallStats());
    }

    void merge(WindowStats other) {
        total.merge(other.total);
        other.methods.forEach((m, s) -> {
            CallStats mine = method(m);
            mine.merge(s);
        });
    }

    HealthView.Window view(long windowMs) {
        Map<String, CallStats.Summary> byMethod = new LinkedHashMap<>();
        methods.forEach((m, s) -> byMethod.put(m, s.summary()));
        return new HealthView.Window(java.time.Instant.ofEpochMilli(start), java.time.Instant.ofEpochMilli(start + windowMs), total.summary(),
                byMethod);
    }
}
