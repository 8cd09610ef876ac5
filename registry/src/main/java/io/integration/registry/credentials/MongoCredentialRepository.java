package io.integration.registry.credentials;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.exists;
import static com.mongodb.client.model.Filters.lt;
import static com.mongodb.client.model.Filters.or;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Updates;
import io.integration.registry.secret.Secret;
import io.integration.registry.store.MongoCalls;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Credentials in the MongoDB collection {@code credentials}. Every secret field ({@code secret}, {@code clientSecret},
 * {@code accessToken}, {@code refreshToken}) is stored as {@code tink:<keyId>:<ciphertext>}, sealed by the
 * {@link SecretCodec} with the record id and field name as associated data:
 * <ul>
 *   <li>{@code {_id, type: api_key|bearer|basic, username?, secret, hosts}}</li>
 *   <li>{@code {_id, type: oauth2, clientId, clientSecret?, accessToken?, refreshToken?, expiresAt?, scopes, hosts,
 *       tokenVersion, needsReauth, lease?: {owner, until}}}</li>
 *   <li>{@code {_id, type: oauth2_client_credentials, clientId, clientSecret, hosts}}</li>
 * </ul>
 * OAuth2 token writes are compare-and-set on {@code tokenVersion} (the fencing version) and, for a refresh, on the
 * holder of the refresh lease.
 */
public final class MongoCredentialRepository implements CredentialRepository {

    public static final String COLLECTION = "credentials";
    /** The fields that hold sealed secrets. */
    static final List<String> SEALED = List.of("secret", "clientSecret", "accessToken", "refreshToken");
    private static final String TYPES = "api_key, bearer, basic, oauth2 or oauth2_client_credentials";

    private final MongoCollection<Document> collection;
    private final SecretCodec codec;

    public MongoCredentialRepository(MongoDatabase database, SecretCodec codec) {
        this.collection = database.getCollection(COLLECTION);
        this.codec = codec;
    }

    @Override
    public Optional<Credential> find(String id) {
        Document doc = MongoCalls.call("find credential " + id, () -> collection.find(eq("_id", id)).first());
        return doc == null ? Optional.empty() : Optional.of(read(id, doc));
    }

    private Credential read(String id, Document doc) {
        String type = doc.getString("type");
        if (type == null) {
            throw new CredentialException("credential '" + id + "': type is missing (expected: " + TYPES + ")");
        }
        Set<String> hosts = Set.copyOf(doc.getList("hosts", String.class, List.of()));
        return switch (type) {
            case "api_key" -> new Credential.ApiKey(id, required(id, doc, "secret"), hosts);
            case "bearer" -> new Credential.Bearer(id, required(id, doc, "secret"), hosts);
            case "basic" -> new Credential.Basic(id, text(id, doc, "username", type), required(id, doc, "secret"), hosts);
            case "oauth2" -> {
                Secret access = optional(id, doc, "accessToken");
                OAuthTokens tokens = access == null ? null : new OAuthTokens(access, optional(id, doc, "refreshToken"),
                        doc.getDate("expiresAt") == null ? null : doc.getDate("expiresAt").toInstant(),
                        doc.getList("scopes", String.class, List.of()),
                        doc.getDate("issuedAt") == null ? null : doc.getDate("issuedAt").toInstant());
                yield new Credential.OAuth2(id, text(id, doc, "clientId", type), optional(id, doc, "clientSecret"), tokens, hosts,
                        version(doc), Boolean.TRUE.equals(doc.getBoolean("needsReauth")));
            }
            case "oauth2_client_credentials" -> new Credential.ClientCredentials(id, text(id, doc, "clientId", type),
                    required(id, doc, "clientSecret"), hosts);
            default -> throw new CredentialException("credential '" + id + "': type '" + type + "' (expected: " + TYPES + ")");
        };
    }

    private Secret required(String id, Document doc, String field) {
        Secret secret = optional(id, doc, field);
        if (secret == null) {
            throw new CredentialException("credential '" + id + "': " + field + " is missing (expected: a sealed secret)");
        }
        return secret;
    }

    private Secret optional(String id, Document doc, String field) {
        String stored = doc.getString(field);
        return stored == null ? null : codec.open(id, field, stored);
    }

    private static String text(String id, Document doc, String field, String type) {
        String value = doc.getString(field);
        if (value == null) {
            throw new CredentialException("credential '" + id + "': " + field + " is missing (expected: a string for type " + type + ")");
        }
        return value;
    }

    private static long version(Document doc) {
        return doc.get("tokenVersion") instanceof Number n ? n.longValue() : 0L;
    }

    @Override
    public void save(Credential credential) {
        String id = credential.id();
        Document doc = new Document("_id", id).append("type", Credential.typeName(credential));
        switch (credential) {
            case Credential.ApiKey k -> doc.append("secret", codec.seal(id, "secret", k.key()));
            case Credential.Bearer b -> doc.append("secret", codec.seal(id, "secret", b.token()));
            case Credential.Basic b -> doc.append("username", b.username()).append("secret", codec.seal(id, "secret", b.password()));
            case Credential.OAuth2 o -> {
                doc.append("clientId", o.clientId());
                if (o.clientSecret() != null) {
                    doc.append("clientSecret", codec.seal(id, "clientSecret", o.clientSecret()));
                }
                if (o.tokens() != null) {
                    tokenFields(id, o.tokens()).forEach(doc::append);
                }
                // A replaced client starts a new token history: a refresh still holding the old version cannot write.
                doc.append("tokenVersion", o.version() + 1).append("needsReauth", o.needsReauth());
            }
            case Credential.ClientCredentials c -> doc.append("clientId", c.clientId())
                    .append("clientSecret", codec.seal(id, "clientSecret", c.clientSecret()));
        }
        doc.put("hosts", credential.hosts().stream().sorted().toList());
        MongoCalls.run("save credential " + id, () -> collection.replaceOne(eq("_id", id), doc, new ReplaceOptions().upsert(true)));
    }

    private Map<String, Object> tokenFields(String id, OAuthTokens tokens) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("accessToken", codec.seal(id, "accessToken", tokens.accessToken()));
        fields.put("refreshToken", tokens.refreshToken() == null ? null : codec.seal(id, "refreshToken", tokens.refreshToken()));
        fields.put("expiresAt", tokens.expiresAt() == null ? null : Date.from(tokens.expiresAt()));
        fields.put("scopes", tokens.scopes());
        fields.put("issuedAt", tokens.issuedAt() == null ? null : Date.from(tokens.issuedAt()));
        return fields;
    }

    @Override
    public boolean updateClient(Credential.OAuth2 client) {
        String id = client.id();
        Bson secret = client.clientSecret() == null ? Updates.unset("clientSecret")
                : Updates.set("clientSecret", codec.seal(id, "clientSecret", client.clientSecret()));
        return MongoCalls.call("update client of credential " + id, () -> collection.updateOne(
                and(eq("_id", id), eq("type", "oauth2"), eq("clientId", client.clientId())),
                Updates.combine(secret, Updates.set("hosts", client.hosts().stream().sorted().toList()))).getMatchedCount()) == 1;
    }

    // ---- OAuth2 token lifecycle: compare-and-set on the fencing version --------------------------------------------

    /**
     * Takes the refresh lease of OAuth2 credential {@code id} for {@code owner} until {@code until}, if the credential is
     * still at {@code version} and nobody else holds an unexpired lease.
     */
    public boolean tryLease(String id, long version, String owner, Instant now, Instant until) {
        Bson free = or(exists("lease", false), eq("lease", null), lt("lease.until", Date.from(now)), eq("lease.owner", owner));
        return MongoCalls.call("lease credential " + id, () -> collection.updateOne(
                and(eq("_id", id), eq("tokenVersion", version), eq("needsReauth", false), free),
                Updates.set("lease", new Document("owner", owner).append("until", Date.from(until)))).getModifiedCount()) == 1;
    }

    /**
     * Stores {@code tokens} for OAuth2 credential {@code id} if it is still at {@code version} and, when {@code leaseOwner}
     * is given, that owner still holds the lease (the fencing check); advances the version and drops the lease.
     */
    public boolean storeTokens(String id, long version, String leaseOwner, OAuthTokens tokens) {
        List<Bson> updates = new ArrayList<>();
        tokenFields(id, tokens).forEach((field, value) -> updates.add(Updates.set(field, value)));
        updates.add(Updates.inc("tokenVersion", 1L));
        updates.add(Updates.set("needsReauth", false));
        updates.add(Updates.unset("lease"));
        Bson filter = leaseOwner == null ? and(eq("_id", id), eq("tokenVersion", version))
                : and(eq("_id", id), eq("tokenVersion", version), eq("lease.owner", leaseOwner));
        return MongoCalls.call("store tokens of credential " + id,
                () -> collection.updateOne(filter, Updates.combine(updates)).getModifiedCount()) == 1;
    }

    /** Marks OAuth2 credential {@code id} as refused by its server (if still at {@code version}); true when this call did. */
    public boolean markNeedsReauth(String id, long version) {
        return MongoCalls.call("mark credential " + id, () -> collection.updateOne(
                and(eq("_id", id), eq("tokenVersion", version), eq("needsReauth", false)),
                Updates.combine(Updates.set("needsReauth", true), Updates.inc("tokenVersion", 1L), Updates.unset("lease")))
                .getModifiedCount()) == 1;
    }

    /** Gives up the refresh lease of {@code id} held by {@code owner} (after a failed refresh). */
    public void releaseLease(String id, String owner) {
        MongoCalls.run("release lease of credential " + id,
                () -> collection.updateOne(and(eq("_id", id), eq("lease.owner", owner)), Updates.unset("lease")));
    }

    // ---- Key rotation ----------------------------------------------------------------------------------------------

    /** What {@link #reseal} did to one record. */
    public enum Reseal { CURRENT, RESEALED, CHANGED_MEANWHILE, GONE }

    /** Every credential id, in id order. */
    public List<String> ids() {
        List<Document> docs = MongoCalls.call("list credentials", () -> collection.find().projection(new Document("_id", 1))
                .sort(new Document("_id", 1)).into(new ArrayList<>()));
        return docs.stream().map(d -> d.getString("_id")).toList();
    }

    /**
     * Seals every secret field of {@code id} again under the primary key {@code primaryKeyId}, unless all already are;
     * the write is a compare-and-set on the old values, so a secret replaced meanwhile (a refresh, an operator) is never
     * overwritten with the old one.
     *
     * @throws CredentialException when a stored value cannot be opened
     */
    public Reseal reseal(String id, int primaryKeyId) {
        Document doc = MongoCalls.call("find credential " + id, () -> collection.find(eq("_id", id)).first());
        if (doc == null) {
            return Reseal.GONE;
        }
        List<Bson> same = new ArrayList<>(List.of(eq("_id", id)));
        List<Bson> sets = new ArrayList<>();
        for (String field : SEALED) {
            String stored = doc.getString(field);
            if (stored != null && TinkSecretCodec.keyIdOf(stored) != primaryKeyId) {
                same.add(eq(field, stored));
                sets.add(Updates.set(field, codec.seal(id, field, codec.open(id, field, stored))));
            }
        }
        if (sets.isEmpty()) {
            return Reseal.CURRENT;
        }
        long modified = MongoCalls.call("reseal credential " + id,
                () -> collection.updateOne(and(same), Updates.combine(sets)).getModifiedCount());
        return modified == 1 ? Reseal.RESEALED : Reseal.CHANGED_MEANWHILE;
    }

    /** How many sealed fields are sealed under each key id (-1: written before encryption). */
    public Map<Integer, Long> keyUsage() {
        Document projection = new Document();
        SEALED.forEach(f -> projection.append(f, 1));
        List<Document> docs = MongoCalls.call("list credentials", () -> collection.find().projection(projection).into(new ArrayList<>()));
        Map<Integer, Long> usage = new TreeMap<>();
        for (Document d : docs) {
            for (String field : SEALED) {
                if (d.getString(field) != null) {
                    usage.merge(TinkSecretCodec.keyIdOf(d.getString(field)), 1L, Long::sum);
                }
            }
        }
        return usage;
    }
}
