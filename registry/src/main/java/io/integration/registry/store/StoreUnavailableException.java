package io.integration.registry.store;

/**
 * The database could not be reached or did not answer in time. Transient: the record being processed is
 * neither answered nor sent to the DLT; it is retried once the store is back.
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
