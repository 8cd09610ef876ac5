package io.integration.registry;

import static com.mongodb.client.model.Filters.eq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import io.integration.registry.store.MongoCalls;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.bson.Document;
import org.bson.conversions.Bson;

/**
 * Definitions in the MongoDB collection {@code definitions}:
 * {@code {_id: "name@version", name, version, status, document: {...}}}. The top-level {@code status} is the
 * registry's: it wins over the one inside the document.
 */
public final class MongoDefinitionRepository implements DefinitionRepository {

    public static final String COLLECTION = "definitions";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(MongoDefinitionRepository.class);
    private static final ObjectMapper JSON = JsonMappers.create();
    private static final Comparator<IntegrationDefinition> BY_NAME_THEN_VERSION = Comparator
            .comparing(IntegrationDefinition::name)
            .thenComparing(d -> SemanticVersion.parse(d.version()));

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
    public Optional<IntegrationDefinition> findLatest(String name, VersionRange range) {
        // Filtered on the stored fields before parsing: one unreadable old version must not hide the good ones.
        List<Document> docs = MongoCalls.call("find definition " + name, () -> collection.find(eq("name", name)).into(new ArrayList<>()));
        return docs.stream()
                .filter(d -> executable(d.getString("status")) && range.matches(d.getString("version")))
                .max(Comparator.comparing(d -> SemanticVersion.parse(d.getString("version"))))
                .map(MongoDefinitionRepository::toDefinition);
    }

    @Override
    public List<IntegrationDefinition> versions(String name) {
        return query("list versions of " + name, eq("name", name));
    }

    @Override
    public List<IntegrationDefinition> all() {
        return query("list definitions", new Document());
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

    /** A missing status reads as PUBLISHED, as in {@link #toDefinition}; an unknown one as not executable. */
    private static boolean executable(String status) {
        try {
            return status == null || DefinitionStatus.valueOf(status).executable();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The readable documents matching {@code filter}; an unreadable one is logged and left out, not fatal to the list. */
    private List<IntegrationDefinition> query(String what, Bson filter) {
        List<Document> docs = MongoCalls.call(what, () -> collection.find(filter).into(new ArrayList<>()));
        List<IntegrationDefinition> read = new ArrayList<>();
        for (Document doc : docs) {
            try {
                read.add(toDefinition(doc));
            } catch (InvalidDefinitionException | IllegalArgumentException e) {
                log.warn("Definition {} is unreadable and left out of the list: {}", doc.get("_id"), e.getMessage());
            }
        }
        read.sort(BY_NAME_THEN_VERSION);
        return read;
    }

    private static IntegrationDefinition toDefinition(Document doc) {
        try {
            JsonNode tree = JSON.readTree(doc.get("document", Document.class).toJson());
            IntegrationDefinition definition = DefinitionDocuments.fromTree(tree);
            String status = doc.getString("status");
            try {
                return status == null ? definition : definition.withStatus(DefinitionStatus.valueOf(status));
            } catch (IllegalArgumentException e) {
                throw new InvalidDefinitionException("definition '" + doc.get("_id") + "': stored status '" + status
                        + "' (expected: DRAFT, PUBLISHED, DEPRECATED or RETIRED)", e);
            }
        } catch (IOException e) {
            throw new InvalidDefinitionException("definition '" + doc.get("_id") + "': stored document unreadable: " + e.getMessage(), e);
        }
    }
}
