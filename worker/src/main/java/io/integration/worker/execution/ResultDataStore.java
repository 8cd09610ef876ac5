package io.integration.worker.execution;

/**
 * Keeps the data of results too large to publish inline (the claim-check pattern): the result carries a
 * {@link Outcome.DataReference} instead. Writing the same request's data again is harmless (same key, same
 * bytes). Thread-safe; infrastructure failures throw {@link io.integration.registry.store.StoreUnavailableException}.
 */
public interface ResultDataStore {

    /** Stores {@code data} (JSON text) for {@code requestId} and returns the reference a result carries. */
    Outcome.DataReference put(String requestId, String data);
}
