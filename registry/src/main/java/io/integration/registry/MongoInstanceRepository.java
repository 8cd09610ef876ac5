package io.integration.registry;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.integration.registry.store.MongoCalls;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;

/**
 * Instances in the MongoDB collection {@code instances}:
 * {@code {_id, tenant, definitionName, definitionVersion?, config: {...}, status, credentialId?, lastUsedAt?}}.
 */
public final class MongoInstanceRepository implements InstanceRepository {

    public static final String COLLECTION = "instances";

    private final MongoCollection<Document> collection;

    public MongoInstanceRepository(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    @Override
    public Optional<IntegrationInstance> find(String id) {
        return Optional.ofNullable(MongoCalls.call("find instance " + id, () -> collection.find(eq("_id", id)).first()))
                .map(MongoInstanceRepository::toInstance);
    }

    @Override
    public List<IntegrationInstance> all() {
        List<Document> docs = MongoCalls.call("list instances", () -> collection.find().into(new ArrayList<>()));
        return docs.stream().map(MongoInstanceRepository::toInstance).sorted(Comparator.comparing(IntegrationInstance::id)).toList();
    }

    @Override
    public void save(IntegrationInstance instance) {
        // $set rather than replace: lastUsedAt belongs to the workers and must survive a config change.
        var update = Updates.combine(
                Updates.set("tenant", instance.tenant()),
                Updates.set("definitionName", instance.definitionName()),
                Updates.set("definitionVersion", instance.definitionVersion()),
                Updates.set("config", new Document(instance.config())),
                Updates.set("status", instance.status().name()),
                Updates.set("credentialId", instance.credentialId()));
        MongoCalls.run("save instance " + instance.id(),
                () -> collection.updateOne(eq("_id", instance.id()), update, new UpdateOptions().upsert(true)));
    }

    @Override
    public void touch(Map<String, Instant> lastUsed) {
        for (Map.Entry<String, Instant> e : lastUsed.entrySet()) {
            Date at = Date.from(e.getValue());
            MongoCalls.run("record last use of " + e.getKey(), () -> collection.updateOne(
                    Filters.and(eq("_id", e.getKey()), Filters.or(Filters.exists("lastUsedAt", false), Filters.lt("lastUsedAt", at))),
                    Updates.set("lastUsedAt", at)));
        }
    }

    @Override
    public Optional<Instant> lastUsed(String id) {
        Document doc = MongoCalls.call("find instance " + id, () -> collection.find(eq("_id", id)).first());
        Date at = doc == null ? null : doc.getDate("lastUsedAt");
        return Optional.ofNullable(at).map(Date::toInstant);
    }

    private static IntegrationInstance toInstance(Document doc) {
        Document config = doc.get("config", Document.class);
        String status = doc.getString("status");
        return new IntegrationInstance(doc.getString("_id"), doc.getString("tenant"), doc.getString("definitionName"),
                doc.getString("definitionVersion"), config,
                status == null ? null : IntegrationInstance.InstanceStatus.valueOf(status), doc.getString("credentialId"));
    }
}
