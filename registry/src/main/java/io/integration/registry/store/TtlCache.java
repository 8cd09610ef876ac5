package io.integration.registry.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Remembers loaded values (including "absent") for a fixed time, so the hot path reads the store at most
 * once per key and period instead of once per request. Thread-safe and single-flight: when a key is
 * missing or expired, one caller loads it and the others arriving meanwhile wait for that load instead of
 * each reading the store (a thousand requests in flight would otherwise reload a definition a thousand
 * times every period). A failed load is not remembered. Bounded by {@code maxEntries}: when full, it is
 * cleared.
 */
public final class TtlCache<K, V> {

    private record Entry<V>(V value, Instant expires) {
    }

    private final Map<K, CompletableFuture<Entry<V>>> entries = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final int maxEntries;
    private final Clock clock;
    private final CacheStats stats;

    public TtlCache(Duration ttl, int maxEntries, Clock clock) {
        this(ttl, maxEntries, clock, new CacheStats());
    }

    /** {@code stats}: counts this cache's hits and misses (a caller waiting for another's load counts as a hit). */
    public TtlCache(Duration ttl, int maxEntries, Clock clock, CacheStats stats) {
        this.ttl = ttl;
        this.maxEntries = maxEntries;
        this.clock = clock;
        this.stats = stats;
    }

    /** The cached value for {@code key}, loading it when missing or expired; rethrows the loader's exception. */
    public V get(K key, Function<K, V> loader) {
        while (true) {
            CompletableFuture<Entry<V>> current = entries.get(key);
            if (current != null && (!current.isDone() || fresh(current))) {
                try {
                    V value = current.join().value();
                    stats.hit();
                    return value;
                } catch (CompletionException e) {
                    continue; // that load failed and was removed: try our own
                }
            }
            CompletableFuture<Entry<V>> mine = new CompletableFuture<>();
            boolean won = current == null ? entries.putIfAbsent(key, mine) == null : entries.replace(key, current, mine);
            if (won) {
                stats.miss();
                return load(key, loader, mine);
            }
        }
    }

    private boolean fresh(CompletableFuture<Entry<V>> done) {
        return !done.isCompletedExceptionally() && clock.instant().isBefore(done.join().expires());
    }

    private V load(K key, Function<K, V> loader, CompletableFuture<Entry<V>> mine) {
        try {
            V value = loader.apply(key);
            if (entries.size() > maxEntries) {
                entries.clear();
            }
            mine.complete(new Entry<>(value, clock.instant().plus(ttl)));
            return value;
        } catch (RuntimeException | Error e) {
            entries.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }
}
