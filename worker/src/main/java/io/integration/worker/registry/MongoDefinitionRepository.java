package io.integration.worker.registry;

import static com.mongodb.client.model.Filters.eq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import java.io.IOException;
import java.util.Comparator;
import java.util.Optional;
import java.util.ArrayList;
import java.util.List;
import io.integration.worker.store.MongoCalls;
import org.bson.Document;

/**
 * Definitions in the MongoDB collection {@code definitions}:
 * {@code {_id: "name@version", name, version, status, document: {...}}}.
 */
public final class MongoDefinitionRepository implements DefinitionRepository {

    public static final String COLLECTION = "definitions";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MongoCollection<Document> collection;

    public MongoDefinitionRepository(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    @Override
    public Optional<IntegrationDefinition> find(String name, String version) {
        String key = IntegrationDefinition.key(name, version);
        return Optional.ofNullable(MongoCalls.call("find definition " + key, () -> collection.find(eq("_id", key)).first()))
                .map(MongoDefinitionRepository::toDefinition);
    }

    @Override
    public Optional<IntegrationDefinition> findLatest(String name) {
        List<Document> versions = MongoCalls.call("find definition " + name, () -> collection.find(eq("name", name)).into(new ArrayList<>()));
        return versions.stream()
                .filter(d -> DefinitionStatus.valueOf(d.getString("status")).executable())
                .max(Comparator.comparing(d -> SemanticVersion.parse(d.getString("version"))))
                .map(MongoDefinitionRepository::toDefinition);
    }

    @Override
    public void save(IntegrationDefinition definition) {
        Document doc = new Document("_id", definition.key())
                .append("name", definition.name())
                .append("version", definition.version())
                .append("status", definition.status().name())
                .append("document", Document.parse(DefinitionDocuments.toTree(definition).toString()));
        MongoCalls.run("save definition " + definition.key(),
                () -> collection.replaceOne(eq("_id", definition.key()), doc, new ReplaceOptions().upsert(true)));
    }

    private static IntegrationDefinition toDefinition(Document doc) {
        try {
            JsonNode tree = JSON.readTree(doc.get("document", Document.class).toJson());
            return DefinitionDocuments.fromTree(tree);
        } catch (IOException e) {
            throw new InvalidDefinitionException("definition '" + doc.get("_id") + "': stored document unreadable: " + e.getMessage(), e);
        }
    }
}
