package io.integration.registry.credentials;

import io.integration.registry.secret.Secret;

/**
 * Turns the stored form of a secret back into a {@link Secret}. The stored form carries a scheme prefix
 * ({@code plain:} now; an AEAD scheme with key ids when encryption lands) so that records written by
 * different codecs can live side by side during a migration. Thread-safe.
 */
public interface SecretCodec {

    /**
     * Opens {@code stored}, which belongs to the credential {@code credentialId} (the associated data of
     * encrypted schemes).
     *
     * @throws CredentialException when the value cannot be opened by this codec
     */
    Secret open(String credentialId, String stored);

    /** The stored form of {@code secret} for the credential {@code credentialId}. */
    String seal(String credentialId, Secret secret);
}
