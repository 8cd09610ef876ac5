package io.integration.registry.store;

import java.util.concurrent.atomic.LongAdder;

/** Lookups of a cache that found a fresh value (hits) or loaded one (misses). Thread-safe; cheap on the hot path. */
public final class CacheStats {

    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    void hit() {
        hits.increment();
    }

    void miss() {
        misses.increment();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }
}
