package io.integration.registry.credentials;

import java.util.Optional;

/**
 * Reads credentials by id, with their secrets opened. Thread-safe.
 *
 * <p>Throws {@link CredentialException} when a record exists but cannot be used (unknown type,
 * missing field, secret that cannot be opened); infrastructure failures propagate as the store's own
 * runtime exceptions so that the caller can retry later.
 */
public interface CredentialRepository {

    /** The credential with {@code id}, or empty when there is none. */
    Optional<Credential> find(String id);

    /** Stores {@code credential}, sealing its secrets; replaces a record with the same id. */
    void save(Credential credential);
}
