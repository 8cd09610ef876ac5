package io.integration.registry.credentials;

/** A stored credential cannot be used as it is (its message names the record and field, never a secret). */
public final class CredentialException extends RuntimeException {

    public CredentialException(String message) {
        super(message);
    }
}
