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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MongoInstanceRepository.class);

    private final MongoCollection<Document> collection;

    public MongoInstanceRepository(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    @Override
    public Optional<IntegrationInstance> find(String id) {
        return Optional.ofNullable(MongoCalls.call("find instance " + id, () -> collection.find(eq("_id", id)).first()))
                .map(MongoInstanceRepository::toInstance);
    }

    /** Every readable instance, by id; an unreadable one (an unknown status) is logged and left out. */
    @Override
    public List<IntegrationInstance> all() {
        List<Document> docs = MongoCalls.call("list instances", () -> collection.find().into(new ArrayList<>()));
        List<IntegrationInstance> read = new ArrayList<>();
        for (Document doc : docs) {
            try {
                read.add(toInstance(doc));
            } catch (RuntimeException e) {
                log.warn("Instance {} is unreadable and left out of the list: {}", doc.get("_id"), e.toString());
            }
        }
        read.sort(Comparator.comparing(IntegrationInstance::id));
        return read;
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
    public boolean insert(IntegrationInstance instance) {
        Document doc = new Document("_id", instance.id()).append("tenant", instance.tenant())
                .append("definitionName", instance.definitionName()).append("definitionVersion", instance.definitionVersion())
                .append("config", new Document(instance.config())).append("status", instance.status().name())
                .append("credentialId", instance.credentialId());
        try {
            MongoCalls.run("create instance " + instance.id(), () -> collection.insertOne(doc));
            return true;
        } catch (com.mongodb.MongoWriteException e) {
            if (e.getError().getCategory() == com.mongodb.ErrorCategory.DUPLICATE_KEY) {
                return false; // MongoCalls lets duplicate keys through unchanged: the id is taken
            }
            throw e;
        }
    }

    @Override
    public boolean compareAndSetStatus(String id, IntegrationInstance.InstanceStatus expected, IntegrationInstance.InstanceStatus next) {
        return MongoCalls.call("set status of instance " + id, () -> collection.updateOne(
                Filters.and(eq("_id", id), eq("status", expected.name())), Updates.set("status", next.name()))).getModifiedCount() == 1;
    }

    @Override
    public void saveConfig(String id, Map<String, Object> config) {
        MongoCalls.run("save config of instance " + id, () -> collection.updateOne(eq("_id", id), Updates.set("config", new Document(config))));
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
