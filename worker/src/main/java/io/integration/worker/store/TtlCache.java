package io.integration.worker.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers loaded values (including "absent") for a fixed time, so the hot path reads the store at most
 * once per key and period instead of once per request. Thread-safe; two threads missing the same key at
 * once may both load it. Bounded by {@code maxEntries}: when full, it is cleared.
 */
public final class TtlCache<K, V> {

    private record Entry<V>(V value, Instant expires) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;

    public TtlCache(Duration ttl, int maxEntries, Clock clock) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
    }

    /** The cached value for {@code key}, loading it when missing or expired. */
    public V get(K key, Function<K, V> loader) {
        Instant now = clock.instant();
        Entry<V> entry = entries.get(key);
        if (entry != null && now.isBefore(entry.expires())) {
            return entry.value();
        }
        V value = loader.apply(key);
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        entries.put(key, new Entry<>(value, now.plus(ttl)));
        return value;
    }
}
