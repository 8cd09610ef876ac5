package io.integration.registry.credentials;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.KeyStatus;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.PredefinedAeadParameters;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.integration.registry.store.MongoCalls;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bson.Document;

/**
 * The data keys that seal credentials: a Tink AES-256-GCM keyset, stored in MongoDB ({@code keysets}, one document)
 * only encrypted by the {@link MasterKey}, with a sentinel ciphertext proving it opens. Every process holding the
 * master key shares it; a change (add, promote, retire) is a compare-and-set on the document's version, and the
 * others pick it up on {@link #reload} (the codec reloads when it meets a key id it does not know).
 *
 * <p>Rotation: {@link #addKey} (every process can now open it) → {@link #promote} (new secrets are sealed with it)
 * → rewrap every credential → {@link #retire} the old key (refused while the caller reports records on it).
 * {@link #open} fails closed: a master key that cannot open the keyset, or a keyset that cannot open its sentinel,
 * stops the process before it consumes anything.
 */
public final class Keyring {

    public static final String COLLECTION = "keysets";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Keyring.class);
    private static final String ID = "credentials";
    private static final byte[] KEYSET_AD = "integration.credentials.keyset".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SENTINEL = "integration.credentials.sentinel".getBytes(StandardCharsets.UTF_8);

    /** One data key: its id (in every ciphertext it sealed), whether it seals new secrets, whether it still opens. */
    public record KeyInfo(int id, boolean primary, String status) {
    }

    private record Loaded(KeysetHandle handle, Aead aead, long version, long loadedAtNanos, boolean acceptsPlain, java.time.Instant promotedAt) {
        Loaded refreshedNow() {
            return new Loaded(handle, aead, version, System.nanoTime(), acceptsPlain, promotedAt);
        }
    }

    /** A value sealed under one keyset snapshot: the key id is the one that actually sealed it. */
    public record Sealed(int keyId, byte[] ciphertext) {
    }

    /** How long a process keeps a keyset before reading it again, so that a retired key leaves every process's memory. */
    private static final long REFRESH_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(60);

    private final MongoCollection<Document> collection;
    private final Aead master;
    private volatile Loaded current;
    /** The keyset read at start was written before its version was bound to it. */
    private volatile boolean unbound;

    private Keyring(MongoDatabase db, Aead master) {
        this.collection = db.getCollection(COLLECTION);
        this.master = master;
    }

    /**
     * Opens the keyring of {@code db}, creating it (one key) when there is none.
     *
     * @throws CredentialException when the master key cannot open the keyset or the keyset cannot open its sentinel
     */
    public static Keyring open(MongoDatabase db, Aead master) {
        try {
            AeadConfig.register();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Tink AEAD cannot be registered", e);
        }
        Keyring keyring = new Keyring(db, master);
        if (MongoCalls.call("find keyset", () -> keyring.collection.find(eq("_id", ID)).first()) == null) {
            MongoCollection<Document> credentials = db.getCollection(MongoCredentialRepository.COLLECTION);
            long sealed = MongoCalls.call("count sealed credentials", () -> credentials.countDocuments(com.mongodb.client.model.Filters.or(
                    MongoCredentialRepository.SEALED.stream().map(f -> com.mongodb.client.model.Filters.regex(f, "^tink:")).toList())));
            if (sealed > 0) {
                // A new keyset would open its own sentinel and every process would adopt it: these would never open again.
                throw new CredentialException("the credentials keyset is missing while " + sealed + " credential(s) are sealed "
                        + "under it: restore the '" + COLLECTION + "' collection from the backup of the same time");
            }
            long plain = MongoCalls.call("count unencrypted credentials",
                    () -> credentials.countDocuments(com.mongodb.client.model.Filters.regex("secret", "^plain:")));
            keyring.create(plain > 0);
        }
        keyring.reload();
        if (keyring.unbound) {
            // Rewrite it once with its version bound (a compare-and-set like any change; another process may win: fine).
            keyring.change(handle -> handle, next -> 0);
            keyring.unbound = false;
        }
        return keyring;
    }

    /**
     * The AEAD of the current keyset: seals with the primary key, opens with any enabled key. Read again from MongoDB
     * when used and older than a minute. An outage keeps the keyset in hand (credentials must keep opening); a stored
     * keyset that no longer verifies is logged at ERROR and the authentic one in hand is kept.
     */
    public Aead aead() {
        return fresh().aead();
    }

    /** Seals {@code clear} with the primary of one keyset snapshot, so the key id returned is the key that sealed it. */
    public Sealed seal(byte[] clear, byte[] associatedData) throws GeneralSecurityException {
        Loaded snapshot = fresh();
        return new Sealed(snapshot.handle().getPrimary().getId(), snapshot.aead().encrypt(clear, associatedData));
    }

    /** Whether values stored before encryption ({@code plain:}) may still be opened: only until a rewrap sealed them all. */
    public boolean acceptsPlain() {
        return current.acceptsPlain();
    }

    /** Records that no unencrypted value is left: from now on a {@code plain:} value is refused (it could only be injected). */
    public void closePlain() {
        Loaded before = current;
        if (before.acceptsPlain()) {
            MongoCalls.run("close plain credentials", () -> collection.updateOne(eq("_id", ID),
                    com.mongodb.client.model.Updates.set("acceptPlain", false)));
            reload();
        }
    }

    private Loaded fresh() {
        Loaded loaded = current;
        if (System.nanoTime() - loaded.loadedAtNanos() > REFRESH_NANOS) {
            try {
                reload();
            } catch (io.integration.registry.store.StoreUnavailableException e) {
                current = loaded.refreshedNow();
            } catch (CredentialException e) {
                log.error("The stored credentials keyset no longer verifies ({}); keeping the one loaded at version {}", e.getMessage(),
                        loaded.version());
                current = loaded.refreshedNow();
            }
        }
        return current;
    }

    /** Whether the keyset in hand has the key {@code keyId} (no allocation: asked on every credential opened). */
    public boolean hasKey(int keyId) {
        KeysetHandle handle = current.handle();
        for (int i = 0; i < handle.size(); i++) {
            if (handle.getAt(i).getId() == keyId) {
                return true;
            }
        }
        return false;
    }

    public int primaryKeyId() {
        return current.handle().getPrimary().getId();
    }

    public List<KeyInfo> keys() {
        KeysetHandle handle = current.handle();
        List<KeyInfo> keys = new ArrayList<>();
        for (int i = 0; i < handle.size(); i++) {
            KeysetHandle.Entry e = handle.getAt(i);
            keys.add(new KeyInfo(e.getId(), e.isPrimary(), e.getStatus().toString()));
        }
        return keys;
    }

    /** Reads the keyset again and checks its sentinel. */
    public void reload() {
        Document doc = MongoCalls.call("find keyset", () -> collection.find(eq("_id", ID)).first());
        if (doc == null) {
            throw new CredentialException("the credentials keyset is missing from MongoDB collection " + COLLECTION);
        }
        long version = doc.getLong("version");
        KeysetHandle handle;
        try {
            // The version is part of the associated data: a stored version that does not match its keyset does not open.
            handle = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(doc.getString("keyset"), master, keysetAd(version));
        } catch (GeneralSecurityException e) {
            try {
                // A keyset written before the version was bound: opened once, at start, and rewritten bound by open().
                handle = TinkJsonProtoKeysetFormat.parseEncryptedKeyset(doc.getString("keyset"), master, KEYSET_AD);
            } catch (GeneralSecurityException legacy) {
                throw new CredentialException("the master key cannot open the credentials keyset (wrong master key, or a tampered keyset)");
            }
            if (current != null && !unbound) {
                throw new CredentialException("the stored credentials keyset is in the unbound format of an older release while this "
                        + "process holds a bound one (a restored or replayed document)");
            }
            unbound = true;
        }
        Aead aead;
        try {
            aead = handle.getPrimitive(RegistryConfiguration.get(), Aead.class);
            aead.decrypt(Base64.getDecoder().decode(doc.getString("sentinel")), SENTINEL);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new CredentialException("the credentials keyset cannot open its sentinel (a tampered or truncated keyset)");
        }
        java.util.Date promoted = doc.getDate("promotedAt");
        Loaded next = new Loaded(handle, aead, version, System.nanoTime(), Boolean.TRUE.equals(doc.getBoolean("acceptPlain")),
                promoted == null ? null : promoted.toInstant());
        synchronized (this) {
            // Never backwards: a keyset document older than the one in hand (a restored backup, a replayed write) is not
            // adopted by a running process; the newer version wins between two racing reloads.
            if (current == null || version >= current.version()) {
                current = next;
            } else {
                log.error("The stored credentials keyset is at version {}, older than the version {} in hand; keeping the newer one",
                        version, current.version());
                current = current.refreshedNow();
            }
        }
    }

    /** Adds a new key, enabled but not primary: every process can open with it before anything is sealed with it. */
    public int addKey() {
        return change(handle -> {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
            builder.addEntry(KeysetHandle.generateEntryFromParameters(PredefinedAeadParameters.AES256_GCM).withRandomId());
            return builder.build();
        }, next -> next.getAt(next.size() - 1).getId());
    }

    /** Makes {@code keyId} the key new secrets are sealed with, noting {@code at} (the previous primary's grace starts then). */
    public void promote(int keyId, java.time.Instant at) {
        change(handle -> {
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
            builder.getAt(index(handle, keyId)).setStatus(KeyStatus.ENABLED).makePrimary();
            return builder.build();
        }, next -> keyId, at);
    }

    /** When the current primary was promoted (null: the keyset's first key, or a keyset from before this was noted). */
    public java.time.Instant promotedAt() {
        return current.promotedAt();
    }

    /**
     * Removes {@code keyId} from the keyset: nothing it sealed opens again. The caller checks first that no record
     * uses it; the primary cannot be retired.
     */
    public void retire(int keyId) {
        change(handle -> {
            int index = index(handle, keyId);
            if (handle.getAt(index).isPrimary()) {
                throw new IllegalArgumentException("key " + keyId + " is the primary (promote another key first)");
            }
            KeysetHandle.Builder builder = KeysetHandle.newBuilder(handle);
            builder.deleteAt(index);
            return builder.build();
        }, next -> keyId);
    }

    private interface Change {
        KeysetHandle apply(KeysetHandle handle) throws GeneralSecurityException;
    }

    private interface Result {
        int of(KeysetHandle next);
    }

    private int change(Change change, Result result) {
        return change(change, result, null);
    }

    /**
     * Applies {@code change} to the stored keyset with compare-and-set on its version, retrying a lost race;
     * {@code promotedAt}: when a promotion happens now (else the stored time is kept).
     */
    private int change(Change change, Result result, java.time.Instant promotedAt) {
        for (int attempt = 0; attempt < 5; attempt++) {
            reload();
            Loaded before = current;
            KeysetHandle next;
            try {
                next = change.apply(before.handle());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("the keyset change failed: " + e.getMessage(), e);
            }
            java.time.Instant promoted = promotedAt != null ? promotedAt : before.promotedAt();
            Document update = stored(next, before.version() + 1).append("acceptPlain", before.acceptsPlain())
                    .append("promotedAt", promoted == null ? null : java.util.Date.from(promoted));
            boolean won = MongoCalls.call("update keyset", () -> collection.replaceOne(
                    and(eq("_id", ID), eq("version", before.version())), update)).getModifiedCount() == 1;
            if (won) {
                reload();
                return result.of(next);
            }
        }
        throw new IllegalStateException("the keyset kept changing under this change; try again");
    }

    private void create(boolean acceptPlain) {
        try {
            KeysetHandle handle = KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM);
            Document doc = stored(handle, 1).append("acceptPlain", acceptPlain);
            MongoCalls.run("create keyset", () -> collection.insertOne(doc));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot create a keyset", e);
        } catch (com.mongodb.MongoWriteException raced) {
            // Another process created it first: theirs is the keyset.
        }
    }

    /** The stored form of {@code handle}: encrypted by the master key, with a sentinel sealed by its primary. */
    private Document stored(KeysetHandle handle, long version) {
        try {
            String keyset = TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(handle, master, keysetAd(version));
            byte[] sentinel = handle.getPrimitive(RegistryConfiguration.get(), Aead.class).encrypt(SENTINEL, SENTINEL);
            return new Document("_id", ID).append("keyset", keyset).append("sentinel", Base64.getEncoder().encodeToString(sentinel))
                    .append("version", version);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot store the keyset", e);
        }
    }

    /** The keyset's associated data: its purpose and its version, so neither can be swapped without the master key. */
    private static byte[] keysetAd(long version) {
        return ("integration.credentials.keyset/v" + version).getBytes(StandardCharsets.UTF_8);
    }

    private static int index(KeysetHandle handle, int keyId) {
        for (int i = 0; i < handle.size(); i++) {
            if (handle.getAt(i).getId() == keyId) {
                return i;
            }
        }
        throw new IllegalArgumentException("key " + keyId + " is not in the keyset");
    }
}
