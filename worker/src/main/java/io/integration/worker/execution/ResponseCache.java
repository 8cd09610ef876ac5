package io.integration.worker.execution;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's cache of successful answers of cacheable methods, shared by all its requests: bounded in entries and in
 * bytes (the data's UTF-16 size, which is what the heap holds), least recently used first out. Entries are kept past their
 * method's ttl (up to {@code maxStale}, the caller decides what is fresh), so that the {@code stale} fallback has something
 * to serve. Keys name the instance, the definition version and the canonical params: a new version misses. Thread-safe.
 */
public final class ResponseCache {

    /** A cached answer and when it was fetched. */
    public record Entry(String data, Instant storedAt) {
        public Duration age(Instant now) {
            Duration age = Duration.between(storedAt, now);
            return age.isNegative() ? Duration.ZERO : age;
        }
    }

    public static final ResponseCache NONE = new ResponseCache(0, 0, Clock.systemUTC());

    private final int maxEntries;
    private final long maxBytes;
    private final Clock clock;
    private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    /** The answers being fetched: one call per key at a time, the others wait for it (single flight). */
    private final Map<String, java.util.concurrent.CompletableFuture<Entry>> loading = new java.util.HashMap<>();
    private long bytes;
    private long hits;
    private long misses;

    public ResponseCache(int maxEntries, long maxBytes, Clock clock) {
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** The answer cached under {@code key} within {@code maxAge}, or empty (counted as a hit or a miss). */
    public synchronized Optional<Entry> fresh(String key, Duration maxAge) {
        Entry entry = entries.get(key);
        if (entry != null && entry.age(clock.instant()).compareTo(maxAge) < 0) {
            hits++;
            return Optional.of(entry);
        }
        misses++;
        return Optional.empty();
    }

    /** The answer cached under {@code key} whatever its age (for a fallback), or empty. */
    public synchronized Optional<Entry> any(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    /**
     * After a miss, in one step: whether the caller leads (it fetches the answer, then calls {@link #put} or
     * {@link #abandon} with {@code answer}) or follows ({@code answer} is the one another caller is fetching, completed with
     * null when that one got none: the follower then calls itself).
     */
    public record Flight(boolean leads, java.util.concurrent.CompletableFuture<Entry> answer) {
    }

    public synchronized Flight flight(String key) {
        java.util.concurrent.CompletableFuture<Entry> pending = loading.get(key);
        if (pending != null) {
            return new Flight(false, pending);
        }
        java.util.concurrent.CompletableFuture<Entry> lead = new java.util.concurrent.CompletableFuture<>();
        loading.put(key, lead);
        return new Flight(true, lead);
    }

    /** {@link #flight}, as an optional: empty when the caller leads; else the answer it waits for. */
    public Optional<java.util.concurrent.CompletableFuture<Entry>> join(String key) {
        Flight flight = flight(key);
        return flight.leads() ? Optional.empty() : Optional.of(flight.answer());
    }

    /**
     * The caller that {@link #join joined} first got no answer to keep: its waiters go and call themselves. Only its own
     * wait is ended ({@code lead}, what {@link #flight} gave it), never one a later caller leads.
     */
    public synchronized void abandon(String key, java.util.concurrent.CompletableFuture<Entry> lead) {
        if (lead != null && loading.remove(key, lead)) {
            lead.complete(null);
        }
    }

    /** Whether answers are kept at all ({@code cache.max.entries} above 0). */
    public boolean enabled() {
        return maxEntries > 0;
    }

    /** Keeps {@code data} under {@code key} (and hands it to those waiting for it); an answer larger than a tenth of the byte bound is not kept. */
    public synchronized void put(String key, String data) {
        java.util.concurrent.CompletableFuture<Entry> pending = loading.remove(key);
        if (pending != null) {
            pending.complete(data == null ? null : new Entry(data, clock.instant()));
        }
        long size = data == null ? 0 : size(key, data);
        if (maxEntries == 0 || data == null || size > maxBytes / 10) {
            Entry older = entries.remove(key); // never leave an older answer to stand for a newer one
            if (older != null) {
                bytes -= size(key, older.data());
            }
            return;
        }
        Entry previous = entries.put(key, new Entry(data, clock.instant()));
        bytes += size - (previous == null ? 0 : size(key, previous.data()));
        for (Iterator<Map.Entry<String, Entry>> eldest = entries.entrySet().iterator();
             (entries.size() > maxEntries || bytes > maxBytes) && eldest.hasNext(); ) {
            Map.Entry<String, Entry> e = eldest.next();
            bytes -= size(e.getKey(), e.getValue().data());
            eldest.remove();
        }
    }

    public synchronized int entries() {
        return entries.size();
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized long hits() {
        return hits;
    }

    public synchronized long misses() {
        return misses;
    }

    private static long size(String key, String data) {
        return 2L * (key.length() + data.length()) + 64;
    }
}
