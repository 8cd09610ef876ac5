package io.integration.registry.credentials;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.util.SecretBytes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The master key: 256 bits given as base64, from the environment or a file, never from MongoDB. It only encrypts the
 * credentials keyset (envelope encryption), so rotating data keys never needs it to change, and MongoDB alone (a
 * dump, a backup) opens nothing.
 */
public final class MasterKey {

    private MasterKey() {
    }

    /**
     * The master key AEAD from {@code base64} or, when that is blank, the first line of {@code file}.
     *
     * @param setting how the operator names the key setting, for the error ({@code credentials.master.key})
     * @param fileSetting how the operator names the file setting ({@code credentials.master.key.file})
     * @throws IllegalArgumentException naming the setting when neither is given or the key is not 32 bytes
     */
    public static Aead load(String setting, String base64, String fileSetting, String file) {
        String text = base64;
        if ((text == null || text.isBlank()) && file != null && !file.isBlank()) {
            try {
                text = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new IllegalArgumentException(fileSetting + ": cannot read '" + file + "' (" + e.getMessage() + ")");
            }
        }
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(setting + ": missing (expected: a base64 256-bit key, or " + fileSetting
                    + " naming a file holding one; generate one with: head -c 32 /dev/urandom | base64)");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": not base64 (expected: a base64 256-bit key)");
        }
        if (key.length != 32) {
            throw new IllegalArgumentException(setting + ": " + key.length + " bytes (expected: 32, a base64 256-bit key)");
        }
        return aead(key);
    }

    /** A new random master key, base64 (the embedded stack and the tests make one per run). */
    public static String generate() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    private static Aead aead(byte[] key) {
        try {
            AeadConfig.register();
            AesGcmParameters parameters = AesGcmParameters.builder().setKeySizeBytes(32).setIvSizeBytes(12).setTagSizeBytes(16)
                    .setVariant(AesGcmParameters.Variant.NO_PREFIX).build();
            AesGcmKey aesKey = AesGcmKey.builder().setParameters(parameters)
                    .setKeyBytes(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get())).build();
            return KeysetHandle.newBuilder().addEntry(KeysetHandle.importKey(aesKey).withRandomId().makePrimary()).build()
                    .getPrimitive(RegistryConfiguration.get(), Aead.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is unavailable in this JVM", e);
        }
    }
}
