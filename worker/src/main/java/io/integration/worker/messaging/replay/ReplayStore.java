package io.integration.worker.messaging.replay;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Sorts;
import io.integration.registry.store.MongoCalls;
import io.integration.worker.execution.ExecutionRequest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bson.Document;

/**
 * Replays in the MongoDB collection {@code replays}: one document each, written when it starts and updated at least every
 * {@link #HEARTBEAT} while it runs, so every API process can show (and cancel) any replay. Thread-safe.
 */
public final class ReplayStore {

    public static final String COLLECTION = "replays";
    /** How often a running replay updates its record. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** A RUNNING record not updated for this long belongs to a process that stopped: it reads as INTERRUPTED. */
    public static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(30);
    /** How long after its last update a replay's marks are still trusted (records it produced are normally read within seconds). */
    public static final Duration MARKS_ACCEPTED_FOR = Duration.ofHours(1);

    private final MongoCollection<Document> collection;
    private final Clock clock;

    public ReplayStore(MongoDatabase database, Clock clock) {
        this.collection = database.getCollection(COLLECTION);
        this.clock = clock;
    }

    void insert(ReplayStatus status) {
        MongoCalls.run("record replay " + status.id(), () -> collection.insertOne(toDocument(status)));
    }

    /**
     * Writes the replay's progress while it is recorded as RUNNING (an ended replay's record is never written over by a late
     * heartbeat); returns whether a cancel was asked for meanwhile.
     */
    boolean update(ReplayStatus status) {
        return MongoCalls.call("update replay " + status.id(), () -> {
            Document before = collection.findOneAndUpdate(new Document("_id", status.id()).append("state", ReplayStatus.State.RUNNING.name()),
                    new Document("$set", progress(status)));
            return before != null && Boolean.TRUE.equals(before.getBoolean("cancelRequested"));
        });
    }

    /** Asks the process running replay {@code id} to stop; returns false when it is not running. */
    public boolean requestCancel(String id) {
        return MongoCalls.call("cancel replay " + id, () -> collection.updateOne(
                new Document("_id", id).append("state", ReplayStatus.State.RUNNING.name()),
                new Document("$set", new Document("cancelRequested", true))).getMatchedCount() == 1);
    }

    public Optional<ReplayStatus> find(String id) {
        return MongoCalls.call("find replay " + id, () -> Optional.ofNullable(collection.find(new Document("_id", id)).first())
                .map(this::fromDocument));
    }

    /**
     * The replay {@code id} as it was started, for a worker to trust a record's replay marks: empty for an unknown id, for a
     * dry run (which produces nothing), and for a replay whose record was last updated (it runs, or it ended) more than
     * {@link #MARKS_ACCEPTED_FOR} ago.
     */
    public Optional<ExecutionRequest.Replay> started(String id) {
        return MongoCalls.call("find replay " + id, () -> Optional.ofNullable(collection.find(new Document("_id", id)).first()))
                .filter(d -> d.getDate("updatedAt").toInstant().plus(MARKS_ACCEPTED_FOR).isAfter(clock.instant()))
                .map(d -> d.get("request", Document.class))
                .filter(request -> !Boolean.TRUE.equals(request.getBoolean("dryRun")))
                .map(request -> new ExecutionRequest.Replay(id, Boolean.TRUE.equals(request.getBoolean("force"))));
    }

    public long count() {
        return MongoCalls.call("count replays", () -> collection.countDocuments());
    }

    /** The newest replays first. */
    public List<ReplayStatus> list(int offset, int limit) {
        return MongoCalls.call("list replays", () -> collection.find().sort(Sorts.descending("createdAt")).skip(offset).limit(limit)
                .into(new ArrayList<>())).stream().map(this::fromDocument).toList();
    }

    private static Document toDocument(ReplayStatus s) {
        Document doc = new Document("_id", s.id()).append("actor", s.actor()).append("reason", s.reason()).append("topic", s.topic())
                .append("request", new Document(s.request())).append("total", s.total()).append("createdAt", Date.from(s.createdAt()))
                .append("cancelRequested", false);
        doc.putAll(progress(s));
        return doc;
    }

    private static Document progress(ReplayStatus s) {
        ReplayStatus.Counts c = s.counts();
        return new Document("state", s.state().name()).append("updatedAt", Date.from(s.updatedAt()))
                .append("finishedAt", s.finishedAt() == null ? null : Date.from(s.finishedAt())).append("error", s.error())
                .append("counts", new Document("scanned", c.scanned()).append("replayed", c.replayed()).append("notMatching", c.notMatching())
                        .append("succeeded", c.succeeded()).append("pending", c.pending()).append("duplicate", c.duplicate())
                        .append("undecodable", c.undecodable()).append("expired", c.expired()).append("lost", c.lost()));
    }

    private ReplayStatus fromDocument(Document d) {
        Document c = d.get("counts", Document.class);
        ReplayStatus.State state = ReplayStatus.State.valueOf(d.getString("state"));
        Instant updatedAt = d.getDate("updatedAt").toInstant();
        if (state == ReplayStatus.State.RUNNING && updatedAt.plus(HEARTBEAT_TIMEOUT).isBefore(clock.instant())) {
            state = ReplayStatus.State.INTERRUPTED;
        }
        Date finished = d.getDate("finishedAt");
        return new ReplayStatus(d.getString("_id"), state, d.getString("actor"), d.getString("reason"), d.getString("topic"),
                new java.util.LinkedHashMap<>(d.get("request", Document.class)), number(d, "total"),
                new ReplayStatus.Counts(number(c, "scanned"), number(c, "replayed"), number(c, "notMatching"), number(c, "succeeded"),
                        number(c, "pending"), number(c, "duplicate"), number(c, "undecodable"), number(c, "expired"), number(c, "lost")),
                d.getDate("createdAt").toInstant(), updatedAt, finished == null ? null : finished.toInstant(), d.getString("error"));
    }

    private static long number(Document d, String field) {
        Object value = d.get(field);
        return value instanceof Number n ? n.longValue() : 0;
    }
}
