package io.integration.registry.credentials;

import io.integration.registry.secret.Secret;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Seals secrets with the {@link Keyring}'s primary key as {@code tink:<keyId>:<base64 ciphertext>}. The associated
 * data binds a ciphertext to its record and field ({@code credential/<id>/<field>}): copied to another record or
 * field, it does not open. Opening a key id this process does not know reloads the keyring once (another process
 * may have added and promoted it). Values written before encryption ({@code plain:}) still open, so that existing
 * records keep working until the rewrap seals them. Thread-safe.
 */
public final class TinkSecretCodec implements SecretCodec {

    static final String PREFIX = "tink:";
    private static final String PLAIN = "plain:";

    private final Keyring keyring;

    public TinkSecretCodec(Keyring keyring) {
        this.keyring = keyring;
    }

    @Override
    public Secret open(String recordId, String field, String stored) {
        if (stored == null) {
            throw new CredentialException("credential '" + recordId + "': " + field + " is missing");
        }
        if (stored.startsWith(PLAIN)) {
            if (!keyring.acceptsPlain()) {
                throw new CredentialException("credential '" + recordId + "': " + field + " is stored unencrypted, which this "
                        + "keyset no longer accepts (every value was sealed by a rewrap; an unencrypted one can only be injected)");
            }
            return Secret.of(stored.substring(PLAIN.length()));
        }
        int keyId = keyId(recordId, field, stored);
        if (!keyring.hasKey(keyId)) {
            keyring.reload();
        }
        byte[] ciphertext;
        try {
            ciphertext = Base64.getDecoder().decode(stored.substring(stored.indexOf(':', PREFIX.length()) + 1));
        } catch (IllegalArgumentException e) {
            throw new CredentialException("credential '" + recordId + "': " + field + " is not a sealed value (bad base64)");
        }
        try {
            byte[] clear = keyring.aead().decrypt(ciphertext, associatedData(recordId, field));
            return Secret.of(new String(clear, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new CredentialException("credential '" + recordId + "': " + field + " cannot be opened (tampered, sealed for "
                    + "another record or field, or under key " + keyId + " which this keyset no longer has)");
        }
    }

    /**
     * Seals under the primary as stored now: the keyring is read again first, so that a process that missed a promote
     * never seals under a key about to be retired (sealing is rare: management writes, token refreshes, rewraps).
     */
    @Override
    public String seal(String recordId, String field, Secret secret) {
        keyring.reload();
        try {
            Keyring.Sealed sealed = keyring.seal(secret.reveal().getBytes(StandardCharsets.UTF_8), associatedData(recordId, field));
            return PREFIX + sealed.keyId() + ":" + Base64.getEncoder().encodeToString(sealed.ciphertext());
        } catch (GeneralSecurityException e) {
            throw new CredentialException("credential '" + recordId + "': " + field + " cannot be sealed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The key id a stored value was sealed under; -1 for a value written before encryption. */
    public static int keyIdOf(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) {
            return -1;
        }
        int colon = stored.indexOf(':', PREFIX.length());
        try {
            return colon < 0 ? -1 : Integer.parseInt(stored.substring(PREFIX.length(), colon));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int keyId(String recordId, String field, String stored) {
        int keyId = keyIdOf(stored);
        if (keyId == -1 && stored.startsWith(PREFIX)) {
            throw new CredentialException("credential '" + recordId + "': " + field + " has no key id (expected: tink:<keyId>:<ciphertext>)");
        }
        if (!stored.startsWith(PREFIX)) {
            // Nothing of the value is repeated: a clear secret stored by hand would otherwise reach a result or a log.
            throw new CredentialException("credential '" + recordId + "': " + field + " is in no known form (expected: tink:<keyId>:<ciphertext>)");
        }
        return keyId;
    }

    private static byte[] associatedData(String recordId, String field) {
        return ("credential/" + recordId + "/" + field).getBytes(StandardCharsets.UTF_8);
    }
}
