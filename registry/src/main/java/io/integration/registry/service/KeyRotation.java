package io.integration.registry.service;

import io.integration.registry.credentials.CredentialException;
import io.integration.registry.credentials.Keyring;
import io.integration.registry.credentials.MongoCredentialRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rotating the keys that seal credentials, as operator commands: add a key, promote it, rewrap every credential in
 * the background (progress readable meanwhile), retire the old key once no record uses it. Requests keep working
 * throughout: until it is retired, the old key still opens what it sealed, and a process that meets a key it does
 * not know reloads the keyring.
 */
public final class KeyRotation {

    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);

    /**
     * A rewrap's progress.
     *
     * @param failed ids of records whose secret could not be opened (never a value)
     */
    public record Progress(boolean running, int total, int examined, int resealed, int current, List<String> failed) {
        static final Progress NONE = new Progress(false, 0, 0, 0, 0, List.of());
    }

    /**
     * How long after a promotion the previous primary may not be retired: every process rereads the keyset within a minute
     * of using it, so until then one may still seal a secret under the old primary (checked by the usage count too late).
     */
    public static final java.time.Duration RETIRE_GRACE = java.time.Duration.ofMinutes(2);

    private final Keyring keyring;
    private final MongoCredentialRepository credentials;
    private final java.time.Clock clock;
    private final AtomicReference<Progress> progress = new AtomicReference<>(Progress.NONE);

    public KeyRotation(Keyring keyring, MongoCredentialRepository credentials, java.time.Clock clock) {
        this.keyring = keyring;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** The keys, with how many credentials each one seals ({@code usage}; key -1 = written before encryption). */
    public Map<String, Object> status() {
        keyring.reload();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("primaryKeyId", keyring.primaryKeyId());
        status.put("keys", keyring.keys());
        status.put("usage", credentials.keyUsage());
        status.put("rewrap", progress.get());
        return status;
    }

    public int addKey() {
        return keyring.addKey();
    }

    public void promote(int keyId) {
        try {
            keyring.promote(keyId, clock.instant());
        } catch (IllegalArgumentException e) {
            throw ManagementException.notFound(e.getMessage());
        }
    }

    /** Retires {@code keyId}; refused (409) while it is the primary or any credential is still sealed under it. */
    public void retire(int keyId) {
        keyring.reload();
        if (keyring.keys().stream().noneMatch(k -> k.id() == keyId)) {
            throw ManagementException.notFound("key " + keyId + " is not in the keyset");
        }
        if (keyring.primaryKeyId() == keyId) {
            throw ManagementException.conflict("KEY_IS_PRIMARY", "key " + keyId + " is the primary; promote another key first", Map.of());
        }
        java.time.Instant promoted = keyring.promotedAt();
        if (promoted != null && clock.instant().isBefore(promoted.plus(RETIRE_GRACE))) {
            java.time.Instant after = promoted.plus(RETIRE_GRACE);
            throw ManagementException.conflict("KEY_RECENTLY_PRIMARY", "the primary changed at " + promoted + "; a process may still seal"
                    + " with key " + keyId + " until every process has reread the keyset: retire it after " + after, Map.of("retireAfter", after.toString()));
        }
        long inUse = credentials.keyUsage().getOrDefault(keyId, 0L);
        if (inUse > 0) {
            throw ManagementException.conflict("KEY_IN_USE", inUse + " credential(s) are still sealed under key " + keyId
                    + "; rewrap first", Map.of("records", inUse));
        }
        keyring.retire(keyId);
    }

    /** Starts a rewrap in the background (or returns the one running): every credential sealed again under the primary. */
    public Progress startRewrap() {
        Progress started = new Progress(true, 0, 0, 0, 0, List.of());
        Progress before = progress.get();
        if (before.running() || !progress.compareAndSet(before, started)) {
            return progress.get();
        }
        Thread.ofVirtual().name("credential-rewrap").start(this::rewrap);
        return started;
    }

    /** Seals every credential again under the current primary; runs in the caller's thread and returns the outcome. */
    public Progress rewrap() {
        try {
            return rewrapAll();
        } catch (RuntimeException e) {
            Progress before = progress.get();
            progress.set(new Progress(false, before.total(), before.examined(), before.resealed(), before.current(), before.failed()));
            log.warn("Rewrap stopped after {} of {} credentials ({}); run it again", before.examined(), before.total(), e.toString());
            throw e;
        }
    }

    private Progress rewrapAll() {
        keyring.reload();
        int primary = keyring.primaryKeyId();
        List<String> ids = credentials.ids();
        int examined = 0;
        int resealed = 0;
        int current = 0;
        List<String> failed = new ArrayList<>();
        progress.set(new Progress(true, ids.size(), 0, 0, 0, List.of()));
        for (String id : ids) {
            try {
                MongoCredentialRepository.Reseal outcome = credentials.reseal(id, primary);
                // Saved meanwhile: possibly by a process that sealed under the old key, so look at it again.
                for (int again = 0; again < 3 && outcome == MongoCredentialRepository.Reseal.CHANGED_MEANWHILE; again++) {
                    outcome = credentials.reseal(id, primary);
                }
                switch (outcome) {
                    case RESEALED -> resealed++;
                    case CURRENT -> current++;
                    case CHANGED_MEANWHILE -> failed.add(id);
                    case GONE -> { }
                }
            } catch (CredentialException e) {
                failed.add(id);
                log.warn("Rewrap: {}", e.getMessage());
            } catch (RuntimeException e) {
                failed.add(id);
                log.warn("Rewrap: credential '{}' failed ({})", id, e.toString());
            }
            examined++;
            progress.set(new Progress(true, ids.size(), examined, resealed, current, List.copyOf(failed)));
        }
        Progress done = new Progress(false, ids.size(), examined, resealed, current, List.copyOf(failed));
        if (failed.isEmpty() && !credentials.keyUsage().containsKey(-1)) {
            keyring.closePlain();
        }
        progress.set(done);
        log.info("Rewrap done: {} examined, {} resealed under key {}, {} already current, {} failed", examined, resealed, primary,
                current, failed.size());
        return done;
    }
}
