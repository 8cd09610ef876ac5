package io.integration.registry.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.integration.registry.TestMongo;
import io.integration.registry.secret.Secret;
import io.integration.registry.service.KeyRotation;
import io.integration.registry.service.ManagementException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.bson.Document;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Credentials sealed with Tink under a keyring the master key opens, on a MongoDB wire server. */
class EncryptionAtRestTest {

    private MongoDatabase db;
    private String masterKey;

    @BeforeEach
    void freshDatabase() {
        db = TestMongo.freshDatabase("crypto");
        masterKey = MasterKey.generate();
    }

    private Keyring keyring() {
        return Keyring.open(db, MasterKey.load("key", masterKey, "file", null));
    }

    private MongoCredentialRepository repository(Keyring keyring) {
        return new MongoCredentialRepository(db, new TinkSecretCodec(keyring));
    }

    private Document stored(String id) {
        return db.getCollection(MongoCredentialRepository.COLLECTION).find(Filters.eq("_id", id)).first();
    }

    @Test
    void aSecretIsStoredSealedUnderTheKeyIdAndOpensAgain() {
        Keyring keyring = keyring();
        MongoCredentialRepository credentials = repository(keyring);

        credentials.save(new Credential.ApiKey("acme", Secret.of("sk_live_canary_1")));

        String secret = stored("acme").getString("secret");
        assertThat(secret).startsWith("tink:" + keyring.primaryKeyId() + ":").doesNotContain("sk_live_canary_1");
        assertThat(db.getCollection(Keyring.COLLECTION).find().first().toJson()).doesNotContain("sk_live_canary_1");
        assertThat(((Credential.ApiKey) credentials.find("acme").orElseThrow()).key().reveal()).isEqualTo("sk_live_canary_1");
    }

    @Test
    void aCiphertextCopiedToAnotherRecordOrTamperedWithFailsClosed() {
        MongoCredentialRepository credentials = repository(keyring());
        credentials.save(new Credential.ApiKey("victim", Secret.of("victim-key")));
        credentials.save(new Credential.ApiKey("attacker", Secret.of("attacker-key")));
        String victims = stored("victim").getString("secret");

        db.getCollection(MongoCredentialRepository.COLLECTION).updateOne(Filters.eq("_id", "attacker"), Updates.set("secret", victims));
        assertThatThrownBy(() -> credentials.find("attacker")).isInstanceOf(CredentialException.class)
                .hasMessageContaining("credential 'attacker'").hasMessageContaining("cannot be opened").hasMessageNotContaining("victim-key");

        byte[] bytes = Base64.getDecoder().decode(victims.substring(victims.lastIndexOf(':') + 1));
        bytes[bytes.length - 1] ^= 1;
        String tampered = victims.substring(0, victims.lastIndexOf(':') + 1) + Base64.getEncoder().encodeToString(bytes);
        db.getCollection(MongoCredentialRepository.COLLECTION).updateOne(Filters.eq("_id", "victim"), Updates.set("secret", tampered));
        assertThatThrownBy(() -> credentials.find("victim")).isInstanceOf(CredentialException.class).hasMessageContaining("tampered");
    }

    @Test
    void aMissingKeysetIsNeverReplacedWhileCredentialsAreSealedUnderIt() {
        repository(keyring()).save(new Credential.ApiKey("acme", Secret.of("k")));
        db.getCollection(Keyring.COLLECTION).drop();

        assertThatThrownBy(this::keyring).isInstanceOf(CredentialException.class).hasMessageContaining("keyset is missing while 1 credential");
    }

    @Test
    void aValueInNoKnownFormIsRefusedWithoutRepeatingIt() {
        MongoCredentialRepository credentials = repository(keyring());
        db.getCollection(MongoCredentialRepository.COLLECTION).insertOne(new Document("_id", "hand").append("type", "api_key")
                .append("secret", "alice:hunter2"));

        assertThatThrownBy(() -> credentials.find("hand")).isInstanceOf(CredentialException.class)
                .hasMessageNotContaining("alice").hasMessageNotContaining("hunter2");
    }

    @Test
    void theWrongMasterKeyOrATamperedKeysetStopsTheStart() {
        keyring();
        String other = MasterKey.generate();
        assertThatThrownBy(() -> Keyring.open(db, MasterKey.load("key", other, "file", null)))
                .isInstanceOf(CredentialException.class).hasMessageContaining("master key cannot open");

        db.getCollection(Keyring.COLLECTION).updateOne(new Document(), Updates.set("sentinel", Base64.getEncoder().encodeToString(new byte[40])));
        assertThatThrownBy(this::keyring).isInstanceOf(CredentialException.class).hasMessageContaining("sentinel");
        assertThatThrownBy(() -> MasterKey.load("WORKER_CREDENTIALS_MASTER_KEY", null, "WORKER_CREDENTIALS_MASTER_KEY_FILE", null))
                .hasMessageContaining("WORKER_CREDENTIALS_MASTER_KEY: missing");
        assertThatThrownBy(() -> MasterKey.load("k", Base64.getEncoder().encodeToString(new byte[16]), "f", null))
                .hasMessageContaining("16 bytes (expected: 32");
    }

    @Test
    void aThousandCredentialsAreRotatedWhileReadsFlowWithoutOneFailure() throws Exception {
        // Given: a credential from before encryption; the operator's process (API) and a worker's process, each with its
        // own keyring over the same database
        db.getCollection(MongoCredentialRepository.COLLECTION).insertOne(new Document("_id", "legacy").append("type", "bearer")
                .append("secret", "plain:legacy-token"));
        Keyring operator = keyring();
        Keyring worker = keyring();
        MongoCredentialRepository operatorStore = repository(operator);
        MongoCredentialRepository workerStore = repository(worker);
        for (int i = 0; i < 1000; i++) {
            operatorStore.save(new Credential.Bearer("c" + i, Secret.of("token-" + i)));
        }
        int oldKey = operator.primaryKeyId();
        io.integration.registry.TestClock clock = new io.integration.registry.TestClock(java.time.Instant.parse("2026-12-02T00:00:00Z"));
        KeyRotation rotation = new KeyRotation(operator, operatorStore, clock);

        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread reader = Thread.ofPlatform().start(() -> {
            while (reading.get()) {
                int i = ThreadLocalRandom.current().nextInt(1000);
                try {
                    Credential c = workerStore.find("c" + i).orElseThrow();
                    if (!((Credential.Bearer) c).token().reveal().equals("token-" + i)) {
                        failures.add("c" + i + ": wrong value");
                    }
                    reads.incrementAndGet();
                } catch (RuntimeException e) {
                    failures.add("c" + i + ": " + e.getMessage());
                }
            }
        });

        // When: add → promote → rewrap → retire, as the operator runs them
        int newKey = rotation.addKey();
        rotation.promote(newKey);
        clock.advance(KeyRotation.RETIRE_GRACE.minusSeconds(1));
        assertThatThrownBy(() -> rotation.retire(oldKey)).isInstanceOfSatisfying(ManagementException.class,
                e -> assertThat(e.code()).isEqualTo("KEY_RECENTLY_PRIMARY"));
        clock.advance(java.time.Duration.ofSeconds(1));
        assertThatThrownBy(() -> rotation.retire(oldKey)).isInstanceOfSatisfying(ManagementException.class,
                e -> assertThat(e.code()).isEqualTo("KEY_IN_USE"));
        clock.set(java.time.Instant.parse("2026-12-02T00:00:00Z"));
        KeyRotation.Progress done = rotation.rewrap();
        // Within the grace after a promotion, a process that has not reread the keyset may still seal with the old key.
        assertThatThrownBy(() -> rotation.retire(oldKey)).isInstanceOfSatisfying(ManagementException.class,
                e -> assertThat(e.code()).isEqualTo("KEY_RECENTLY_PRIMARY"));
        clock.advance(KeyRotation.RETIRE_GRACE);
        rotation.retire(oldKey);
        int readsAfterRetire = reads.get();
        while (reads.get() < readsAfterRetire + 200) {
            Thread.onSpinWait();
        }
        reading.set(false);
        reader.join();

        // Then
        assertThat(failures).isEmpty();
        assertThat(done.examined()).isEqualTo(1001);
        assertThat(done.resealed()).isEqualTo(1001);
        assertThat(done.failed()).isEmpty();
        assertThat(operatorStore.keyUsage()).containsOnlyKeys(newKey).containsEntry(newKey, 1001L);
        worker.reload(); // what its periodic refresh does
        assertThat(worker.keys()).extracting(Keyring.KeyInfo::id).doesNotContain(oldKey);
        assertThat(((Credential.Bearer) workerStore.find("legacy").orElseThrow()).token().reveal()).isEqualTo("legacy-token");
        assertThat(reads.get()).isGreaterThan(200);

        // And: with every value sealed, an unencrypted value can only be injected: it is refused
        db.getCollection(MongoCredentialRepository.COLLECTION).updateOne(Filters.eq("_id", "c1"), Updates.set("secret", "plain:attacker"));
        assertThatThrownBy(() -> operatorStore.find("c1")).isInstanceOf(CredentialException.class).hasMessageContaining("unencrypted");
    }

    @Test
    void aRunningProcessNeverGoesBackToAnOlderKeysetAndAVersionCannotBeForged() {
        Keyring keyring = keyring();
        Document original = db.getCollection(Keyring.COLLECTION).find().first();
        int added = keyring.addKey();
        keyring.promote(added, java.time.Instant.now());
        long version = db.getCollection(Keyring.COLLECTION).find().first().getLong("version");

        // A restored backup (the older document, intact) is not adopted by a process that has seen a newer one.
        db.getCollection(Keyring.COLLECTION).replaceOne(new Document(), original);
        keyring.reload();
        assertThat(keyring.primaryKeyId()).isEqualTo(added);

        // The older keyset with a forged higher version does not open at all: the version is bound to it.
        db.getCollection(Keyring.COLLECTION).replaceOne(new Document(), new Document(original).append("version", version + 5));
        assertThatThrownBy(this::keyring).isInstanceOf(CredentialException.class).hasMessageContaining("master key cannot open");
    }

    @Test
    void aKeysetFromBeforeTheVersionWasBoundIsRewrittenBoundAtStart() throws Exception {
        com.google.crypto.tink.aead.AeadConfig.register();
        com.google.crypto.tink.Aead master = MasterKey.load("key", masterKey, "file", null);
        com.google.crypto.tink.KeysetHandle handle = com.google.crypto.tink.KeysetHandle.generateNew(
                com.google.crypto.tink.aead.PredefinedAeadParameters.AES256_GCM);
        byte[] sentinel = "integration.credentials.sentinel".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        db.getCollection(Keyring.COLLECTION).insertOne(new Document("_id", "credentials")
                .append("keyset", com.google.crypto.tink.TinkJsonProtoKeysetFormat.serializeEncryptedKeyset(handle, master,
                        "integration.credentials.keyset".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .append("sentinel", Base64.getEncoder().encodeToString(handle.getPrimitive(
                        com.google.crypto.tink.RegistryConfiguration.get(), com.google.crypto.tink.Aead.class).encrypt(sentinel, sentinel)))
                .append("version", 1L).append("acceptPlain", false));
        Document legacy = db.getCollection(Keyring.COLLECTION).find().first();

        Keyring keyring = keyring();

        assertThat(keyring.primaryKeyId()).isEqualTo(handle.getPrimary().getId());
        assertThat(db.getCollection(Keyring.COLLECTION).find().first().getLong("version")).isEqualTo(2L);
        // The unbound document, put back, is refused by a process holding the bound one.
        db.getCollection(Keyring.COLLECTION).replaceOne(new Document(), legacy);
        assertThatThrownBy(keyring::reload).isInstanceOf(CredentialException.class).hasMessageContaining("unbound format");
    }
}
