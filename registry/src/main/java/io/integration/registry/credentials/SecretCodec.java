package io.integration.registry.credentials;

import io.integration.registry.secret.Secret;

/**
 * Turns a secret into its stored form and back. The stored form carries a scheme prefix ({@code tink:<keyId>:}) so
 * that values sealed under different keys, or written before encryption, can live side by side during a rotation.
 * Thread-safe.
 */
public interface SecretCodec {

    /**
     * Opens {@code stored}, the value of {@code field} of record {@code recordId} (both are bound to the ciphertext).
     *
     * @throws CredentialException when the value cannot be opened (tampered, moved, or sealed under a retired key)
     */
    Secret open(String recordId, String field, String stored);

    /** The stored form of {@code secret} as the value of {@code field} of record {@code recordId}. */
    String seal(String recordId, String field, Secret secret);
}
