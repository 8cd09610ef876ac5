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

    /**
     * Replaces only the client of an OAuth2 credential (client secret and hosts; the client id is the same), leaving its
     * tokens, fencing version and refresh lease alone, so that a refresh running meanwhile is neither lost nor undone.
     * False when there is no such OAuth2 record with that client id.
     */
    default boolean updateClient(Credential.OAuth2 client) {
        throw new UnsupportedOperationException("this credential store cannot update an OAuth2 client in place");
    }
}
