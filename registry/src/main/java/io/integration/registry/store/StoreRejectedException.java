package io.integration.registry.store;

/**
 * The store refused an operation for good (a document too large, a value it cannot hold): the same operation
 * fails the same way if tried again. Not a reason to wait: the record it belongs to is tried a bounded number
 * of times and then dead-lettered.
 */
public final class StoreRejectedException extends RuntimeException {

    public StoreRejectedException(String message, Throwable cause) {
        super(message, cause);
    }
}
