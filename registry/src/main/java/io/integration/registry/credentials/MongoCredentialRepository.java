package io.integration.registry.credentials;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import io.integration.registry.secret.Secret;
import java.util.Optional;
import io.integration.registry.store.MongoCalls;
import org.bson.Document;

/**
 * Credentials in the MongoDB collection {@code credentials}:
 * {@code {_id, type: api_key|bearer|basic, username?, secret: "<scheme>:<sealed value>"}}.
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
        Secret secret = codec.open(id, doc.getString("secret"));
        return Optional.of(switch (type) {
            case "api_key" -> new Credential.ApiKey(id, secret);
            case "bearer" -> new Credential.Bearer(id, secret);
            case "basic" -> {
                String username = doc.getString("username");
                if (username == null) {
                    throw new CredentialException("credential '" + id + "': username is missing (expected: a string for type basic)");
                }
                yield new Credential.Basic(id, username, secret);
            }
            default -> throw new CredentialException("credential '" + id + "': type '" + type + "' (expected: api_key, bearer or basic)");
        });
    }

    @Override
    public void save(Credential credential) {
        Document doc = switch (credential) {
            case Credential.ApiKey k -> new Document("type", "api_key").append("secret", codec.seal(k.id(), k.key()));
            case Credential.Bearer b -> new Document("type", "bearer").append("secret", codec.seal(b.id(), b.token()));
            case Credential.Basic b -> new Document("type", "basic").append("username", b.username())
                    .append("secret", codec.seal(b.id(), b.password()));
        };
        doc.put("_id", credential.id());
        MongoCalls.run("save credential " + credential.id(),
                () -> collection.replaceOne(eq("_id", credential.id()), doc, new ReplaceOptions().upsert(true)));
    }
}
