package io.integration.registry.credentials;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import io.integration.registry.secret.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import io.integration.registry.store.MongoCalls;
import org.bson.Document;

/**
 * Credentials in the MongoDB collection {@code credentials}:
 * {@code {_id, type: api_key|bearer|basic, username?, secret: "tink:<keyId>:<ciphertext>"}}; the secret is sealed by
 * the {@link SecretCodec} with the record id and field name as associated data.
 */
public final class MongoCredentialRepository implements CredentialRepository {

    public static final String COLLECTION = "credentials";

    private final MongoCollection<Document> collection;
    private final SecretCodec codec;

    public MongoCredentialRepository(MongoDatabase database, SecretCodec codec) {
        this.collection = database.getCollection(COLLECTION);
        this.codec = codec;
    }

    @Override
    public Optional<Credential> find(String id) {
        Document doc = MongoCalls.call("find credential " + id, () -> collection.find(eq("_id", id)).first());
        if (doc == null) {
            return Optional.empty();
        }
        String type = doc.getString("type");
        if (type == null) {
            throw new CredentialException("credential '" + id + "': type is missing (expected: api_key, bearer or basic)");
        }
        Secret secret = codec.open(id, "secret", doc.getString("secret"));
        java.util.Set<String> hosts = java.util.Set.copyOf(doc.getList("hosts", String.class, List.of()));
        return Optional.of(switch (type) {
            case "api_key" -> new Credential.ApiKey(id, secret, hosts);
            case "bearer" -> new Credential.Bearer(id, secret, hosts);
            case "basic" -> {
                String username = doc.getString("username");
                if (username == null) {
                    throw new CredentialException("credential '" + id + "': username is missing (expected: a string for type basic)");
                }
                yield new Credential.Basic(id, username, secret, hosts);
            }
            default -> throw new CredentialException("credential '" + id + "': type '" + type + "' (expected: api_key, bearer or basic)");
        });
    }

    /** What {@link #reseal} did to one record. */
    public enum Reseal { CURRENT, RESEALED, CHANGED_MEANWHILE, GONE }

    /** Every credential id, in id order. */
    public List<String> ids() {
        List<Document> docs = MongoCalls.call("list credentials", () -> collection.find().projection(new Document("_id", 1))
                .sort(new Document("_id", 1)).into(new ArrayList<>()));
        return docs.stream().map(d -> d.getString("_id")).toList();
    }

    /**
     * Seals the secret of {@code id} again under the primary key {@code primaryKeyId}, unless it already is; the
     * write is a compare-and-set on the old value, so a secret replaced meanwhile is never overwritten with the old one.
     *
     * @throws CredentialException when the stored value cannot be opened
     */
    public Reseal reseal(String id, int primaryKeyId) {
        Document doc = MongoCalls.call("find credential " + id, () -> collection.find(eq("_id", id)).first());
        if (doc == null) {
            return Reseal.GONE;
        }
        String stored = doc.getString("secret");
        if (TinkSecretCodec.keyIdOf(stored) == primaryKeyId) {
            return Reseal.CURRENT;
        }
        String sealed = codec.seal(id, "secret", codec.open(id, "secret", stored));
        long modified = MongoCalls.call("reseal credential " + id, () -> collection.updateOne(
                com.mongodb.client.model.Filters.and(eq("_id", id), eq("secret", stored)),
                com.mongodb.client.model.Updates.set("secret", sealed)).getModifiedCount());
        return modified == 1 ? Reseal.RESEALED : Reseal.CHANGED_MEANWHILE;
    }

    /** How many records are sealed under each key id (-1: written before encryption). */
    public Map<Integer, Long> keyUsage() {
        List<Document> docs = MongoCalls.call("list credentials", () -> collection.find().projection(new Document("secret", 1))
                .into(new ArrayList<>()));
        Map<Integer, Long> usage = new TreeMap<>();
        docs.forEach(d -> usage.merge(TinkSecretCodec.keyIdOf(d.getString("secret")), 1L, Long::sum));
        return usage;
    }

    @Override
    public void save(Credential credential) {
        Document doc = switch (credential) {
            case Credential.ApiKey k -> new Document("type", "api_key").append("secret", codec.seal(k.id(), "secret", k.key()));
            case Credential.Bearer b -> new Document("type", "bearer").append("secret", codec.seal(b.id(), "secret", b.token()));
            case Credential.Basic b -> new Document("type", "basic").append("username", b.username())
                    .append("secret", codec.seal(b.id(), "secret", b.password()));
        };
        doc.put("_id", credential.id());
        doc.put("hosts", credential.hosts().stream().sorted().toList());
        MongoCalls.run("save credential " + credential.id(),
                () -> collection.replaceOne(eq("_id", credential.id()), doc, new ReplaceOptions().upsert(true)));
    }
}
