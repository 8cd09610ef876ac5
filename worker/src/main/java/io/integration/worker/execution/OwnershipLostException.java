package io.integration.worker.execution;

/** The request's partition went to another worker before the call: nothing was called, nothing is to be published. */
public final class OwnershipLostException extends RuntimeException {

    public OwnershipLostException(String requestId) {
        super("request " + requestId + " now belongs to another worker; its call was not made", null, false, false);
    }
}
