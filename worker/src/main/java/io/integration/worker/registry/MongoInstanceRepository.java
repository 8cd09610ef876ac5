package io.integration.worker.registry;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import java.util.Optional;
import io.integration.worker.store.MongoCalls;
import org.bson.Document;

/**
 * Instances in the MongoDB collection {@code instances}:
 * {@code {_id, definitionName, definitionVersion?, config: {...}, status, credentialId?}}.
 */
public final class MongoInstanceRepository implements InstanceRepository {

    public static final String COLLECTION = "instances";

    private final MongoCollection<Document> collection;

    public MongoInstanceRepository(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    @Override
    public Optional<IntegrationInstance> find(String id) {
        Document doc = MongoCalls.call("find instance " + id, () -> collection.find(eq("_id", id)).first());
        if (doc == null) {
            return Optional.empty();
        }
        Document config = doc.get("config", Document.class);
        String status = doc.getString("status");
        return Optional.of(new IntegrationInstance(id, doc.getString("definitionName"), doc.getString("definitionVersion"),
                config == null ? null : config,
                status == null ? null : IntegrationInstance.InstanceStatus.valueOf(status),
                doc.getString("credentialId")));
    }

    @Override
    public void save(IntegrationInstance instance) {
        Document doc = new Document("_id", instance.id())
                .append("definitionName", instance.definitionName())
                .append("definitionVersion", instance.definitionVersion())
                .append("config", new Document(instance.config()))
                .append("status", instance.status().name())
                .append("credentialId", instance.credentialId());
        MongoCalls.run("save instance " + instance.id(),
                () -> collection.replaceOne(eq("_id", instance.id()), doc, new ReplaceOptions().upsert(true)));
    }
}
