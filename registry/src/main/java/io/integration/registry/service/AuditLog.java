package io.integration.registry.service;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import io.integration.registry.store.MongoCalls;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.bson.Document;

/**
 * One record per management action in the MongoDB collection {@code audit}: who (the token id), what (the action),
 * on what (the target), how it ended (the result and HTTP status), when. Never a secret: the caller passes names and
 * ids only, never bodies.
 */
public final class AuditLog {

    public static final String COLLECTION = "audit";

    /**
     * One management action.
     *
     * @param detail what the action was about beyond its target, for actions that say it (a replay: its range, filters and
     *        reason); null otherwise. Never a secret.
     */
    public record Entry(String id, Instant at, String actor, String action, String target, String result, int status, String detail) {
    }

    private final MongoCollection<Document> collection;
    private final Clock clock;

    public AuditLog(MongoDatabase database, Clock clock) {
        this.collection = database.getCollection(COLLECTION);
        this.clock = clock;
    }

    public Entry record(String actor, String action, String target, String result, int status) {
        return record(actor, action, target, result, status, null);
    }

    public Entry record(String actor, String action, String target, String result, int status, String detail) {
        Entry entry = new Entry(UUID.randomUUID().toString(), clock.instant(), actor, action, target, result, status, detail);
        Document doc = new Document("_id", entry.id()).append("at", Date.from(entry.at())).append("actor", actor)
                .append("action", action).append("target", target).append("result", result).append("status", status);
        if (detail != null) {
            doc.append("detail", detail);
        }
        MongoCalls.run("write audit record", () -> collection.insertOne(doc));
        return entry;
    }

    /** One page of records, newest first; paged in MongoDB (the log only grows). */
    public Page<Entry> list(int offset, int limit) {
        Page.of(List.of(), offset, limit); // checks offset and limit
        long total = MongoCalls.call("count audit records", () -> collection.countDocuments());
        List<Document> docs = MongoCalls.call("list audit records", () -> collection.find().sort(Sorts.descending("at"))
                .skip(offset).limit(limit).into(new ArrayList<>()));
        List<Entry> items = docs.stream().map(d -> new Entry(d.getString("_id"), d.getDate("at").toInstant(), d.getString("actor"),
                d.getString("action"), d.getString("target"), d.getString("result"), d.getInteger("status", 0),
                d.getString("detail"))).toList();
        int end = offset + items.size();
        return new Page<>(items, offset, limit, (int) total, end < total ? end : null);
    }
}
