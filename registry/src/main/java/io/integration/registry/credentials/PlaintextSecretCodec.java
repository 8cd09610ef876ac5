package io.integration.registry.credentials;

import io.integration.registry.secret.Secret;

/**
 * Reads secrets stored as {@code plain:<value>}: the development form, until encryption at rest lands.
 * Values in any other scheme are refused with a message naming the scheme, never the value.
 */
public final class PlaintextSecretCodec implements SecretCodec {

    static final String PREFIX = "plain:";

    @Override
    public Secret open(String credentialId, String stored) {
        if (stored == null) {
            throw new CredentialException("credential '" + credentialId + "': secret is missing");
        }
        if (!stored.startsWith(PREFIX)) {
            int colon = stored.indexOf(':');
            String scheme = colon > 0 && colon < 24 ? stored.substring(0, colon) : "(none)";
            throw new CredentialException("credential '" + credentialId + "': secret scheme '" + scheme
                    + "' cannot be opened (expected: plain:)");
        }
        return Secret.of(stored.substring(PREFIX.length()));
    }

    @Override
    public String seal(String credentialId, Secret secret) {
        return PREFIX + secret.reveal();
    }
}
