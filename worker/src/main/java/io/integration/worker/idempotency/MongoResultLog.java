package io.integration.worker.idempotency;

import static com.mongodb.client.model.Filters.in;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.bulk.BulkWriteError;
import com.mongodb.client.model.InsertManyOptions;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.integration.worker.execution.AttemptRecord;
import io.integration.worker.execution.ErrorCode;
import io.integration.worker.execution.ExecutionRequest;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.ResultLog;
import io.integration.worker.store.Coalescer;
import io.integration.registry.store.MongoCalls;
import io.integration.registry.store.StoreRejectedException;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bson.Document;

/**
 * The result log in the MongoDB collection {@code results}, one document per request id ({@code _id},
 * hence unique). The first writer wins; later writers get the recorded result back. Concurrent lookups
 * and writes are {@linkplain Coalescer coalesced} into one {@code $in} query or one unordered
 * {@code insertMany} per round trip.
 */
public final class MongoResultLog implements ResultLog {

    public static final String COLLECTION = "results";
    /** Results a replay replaced, each under {@code <requestId>@<replayId>} with the result document as it was. */
    public static final String ARCHIVE = "results_archive";
    /** The field marking a recorded result a replay is running again. */
    static final String REOPENED_BY = "reopenedBy";
    static final String REOPENED_AT = "reopenedAt";
    /**
     * How long a replay holds a result it reopened before another replay may take it over: longer than a rerun can take,
     * deferrals to the retry topic included.
     */
    public static final java.time.Duration REOPEN_LEASE = java.time.Duration.ofHours(1);

    /** Most request ids one round trip reads or writes. */
    static final int MAX_BATCH = 512;
    /** Round trips of each kind at once: enough to keep latency low when batches are small, few enough to batch under load. */
    static final int MAX_CONCURRENT_BATCHES = 4;

    private final MongoCollection<Document> collection;
    private final MongoCollection<Document> archive;
    private final Coalescer<String, Optional<ExecutionResult>> finds = new Coalescer<>(MAX_BATCH, MAX_CONCURRENT_BATCHES, this::findAll);
    private final Coalescer<ExecutionResult, ExecutionResult> records = new Coalescer<>(MAX_BATCH, MAX_CONCURRENT_BATCHES, this::recordAll);

    public MongoResultLog(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
        this.archive = database.getCollection(ARCHIVE);
    }

    @Override
    public Optional<ExecutionResult> find(String requestId) {
        return finds.submit(requestId);
    }

    @Override
    public ExecutionResult recordIfAbsent(ExecutionResult result) {
        if (result.replayId() != null) {
            Optional<ExecutionResult> replaced = replaceReopened(result);
            if (replaced.isPresent()) {
                return replaced.get();
            }
        }
        ExecutionResult recorded = records.submit(result);
        if (recorded == null) {
            throw new StoreRejectedException("MongoDB refused the result of " + result.requestId() + " (too large or not storable)", null);
        }
        return recorded;
    }

    @Override
    public Optional<ExecutionResult> substitute(ExecutionResult published, Outcome.Failure failure) {
        String requestId = published.requestId();
        return MongoCalls.call("substitute result " + requestId, () -> {
            collection.updateOne(new Document("_id", requestId).append("completedAt", Date.from(published.completedAt()))
                            .append("replayId", published.replayId()).append("substitute", new Document("$exists", false)),
                    new Document("$set", new Document("substitute", error(failure))));
            Document d = collection.find(new Document("_id", requestId)).first();
            return Optional.ofNullable(d).map(MongoResultLog::fromDocument);
        });
    }

    @Override
    public Map<String, ExecutionResult> findAll(Collection<String> requestIds) {
        Map<String, ExecutionResult> found = new HashMap<>();
        List<String> ids = List.copyOf(new LinkedHashSet<>(requestIds));
        for (int from = 0; from < ids.size(); from += MAX_BATCH) {
            found.putAll(recorded(ids.subList(from, Math.min(ids.size(), from + MAX_BATCH))));
        }
        return found;
    }

    /**
     * Marks the recorded document {@code reopenedBy} the replay (and when) on condition that it is still the one
     * {@code recorded} describes (same completion time and replay) and no other replay holds it — or one did for longer than
     * {@link #REOPEN_LEASE} (its run was dead-lettered or answered without running, and will never replace it). Then copies
     * the document as it was into {@value #ARCHIVE}. A concurrent replacement is never overwritten, and until the replay's
     * result replaces it every other delivery of the request is answered with it.
     */
    @Override
    public Reopening reopen(ExecutionResult recorded, ExecutionRequest.Replay replay) {
        Date now = new Date();
        Document same = new Document("_id", recorded.requestId()).append("completedAt", Date.from(recorded.completedAt()))
                .append("replayId", recorded.replayId())
                .append("$or", List.of(new Document(REOPENED_BY, new Document("$in", java.util.Arrays.asList(null, replay.id()))),
                        new Document(REOPENED_AT, new Document("$lt", new Date(now.getTime() - REOPEN_LEASE.toMillis())))));
        return MongoCalls.call("reopen result " + recorded.requestId(), () -> {
            Document current = collection.find(same).first();
            if (current == null) {
                return Reopening.CHANGED;
            }
            if (!replay.force() && "SUCCESS".equals(current.getString("status")) && current.get("substitute") != null) {
                return collection.updateOne(same.append("substitute", new Document("$exists", true)), new Document("$unset",
                        new Document("substitute", "").append(REOPENED_BY, "").append(REOPENED_AT, ""))
                        .append("$set", new Document("replayId", replay.id()))).getModifiedCount() == 1
                        ? Reopening.RESTORED : Reopening.CHANGED;
            }
            Document before = collection.findOneAndUpdate(same, new Document("$set", new Document(REOPENED_BY, replay.id())
                    .append(REOPENED_AT, now)));
            if (before == null) {
                return Reopening.CHANGED;
            }
            before.remove(REOPENED_BY);
            before.remove(REOPENED_AT);
            archive.replaceOne(new Document("_id", recorded.requestId() + "@" + replay.id()), new Document("requestId", recorded.requestId())
                    .append("replayId", replay.id()).append("archivedAt", now).append("result", before), new ReplaceOptions().upsert(true));
            return Reopening.REOPENED;
        });
    }

    /** The result of a replay replaces the recorded one the replay reopened; empty when that one is not there (or not its). */
    private Optional<ExecutionResult> replaceReopened(ExecutionResult result) {
        return MongoCalls.call("record replayed result " + result.requestId(), () -> collection.replaceOne(
                new Document("_id", result.requestId()).append(REOPENED_BY, result.replayId()), toDocument(result)).getMatchedCount() == 1
                ? Optional.of(result) : Optional.empty());
    }

    /** One {@code $in} query for the given request ids; answers in their order. */
    private List<Optional<ExecutionResult>> findAll(List<String> requestIds) {
        Map<String, ExecutionResult> found = recorded(new LinkedHashSet<>(requestIds));
        return requestIds.stream().map(id -> Optional.ofNullable(found.get(id))).toList();
    }

    private Map<String, ExecutionResult> recorded(Collection<String> requestIds) {
        return MongoCalls.call("find " + requestIds.size() + " result(s)", () -> {
            Map<String, ExecutionResult> found = new HashMap<>();
            for (Document d : collection.find(in("_id", requestIds))) {
                found.put(d.getString("_id"), fromDocument(d));
            }
            return found;
        });
    }

    /**
     * One unordered {@code insertMany}; a request id already recorded (by another worker, or earlier in
     * this batch) answers with the recorded result, read back in one more query.
     */
    private List<ExecutionResult> recordAll(List<ExecutionResult> results) {
        try {
            return recordBatch(results);
        } catch (StoreRejectedException e) {
            if (results.size() == 1) {
                return java.util.Collections.singletonList(null);
            }
            // One document the server refuses must not fail the others of its batch: record them one by one.
            List<ExecutionResult> out = new java.util.ArrayList<>(results.size());
            for (ExecutionResult r : results) {
                out.add(recordAll(List.of(r)).getFirst());
            }
            return out;
        }
    }

    private List<ExecutionResult> recordBatch(List<ExecutionResult> results) {
        Map<String, ExecutionResult> firstById = new LinkedHashMap<>();
        results.forEach(r -> firstById.putIfAbsent(r.requestId(), r));
        List<ExecutionResult> toInsert = List.copyOf(firstById.values());
        Set<String> lost = MongoCalls.call("record " + toInsert.size() + " result(s)", () -> insertAll(toInsert));
        Map<String, ExecutionResult> winners = new HashMap<>(firstById);
        if (!lost.isEmpty()) {
            Map<String, ExecutionResult> earlier = recorded(lost);
            for (String id : lost) {
                ExecutionResult winner = earlier.get(id);
                if (winner == null) {
                    throw new IllegalStateException("result " + id + " was reported as recorded but is not there");
                }
                winners.put(id, winner);
            }
        }
        return results.stream().map(r -> winners.get(r.requestId())).toList();
    }

    /** Inserts the documents; returns the request ids that were already recorded. */
    private Set<String> insertAll(List<ExecutionResult> results) {
        try {
            collection.insertMany(results.stream().map(MongoResultLog::toDocument).toList(), new InsertManyOptions().ordered(false));
            return Set.of();
        } catch (MongoBulkWriteException e) {
            Set<String> duplicates = new HashSet<>();
            for (BulkWriteError error : e.getWriteErrors()) {
                if (error.getCategory() != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
                duplicates.add(results.get(error.getIndex()).requestId());
            }
            if (e.getWriteConcernError() != null) {
                throw e;
            }
            return duplicates;
        }
    }

    static Document toDocument(ExecutionResult r) {
        Document doc = new Document("_id", r.requestId())
                .append("correlationId", r.correlationId())
                .append("instanceId", r.instanceId())
                .append("methodName", r.methodName())
                .append("definitionName", r.definitionName())
                .append("definitionVersion", r.definitionVersion())
                .append("attempts", r.attempts())
                .append("startedAt", Date.from(r.startedAt()))
                .append("completedAt", Date.from(r.completedAt()))
                .append("trail", r.trail().stream().map(a -> new Document("attempt", a.attempt()).append("httpStatus", a.httpStatus())
                        .append("outcome", a.outcome()).append("durationMs", a.durationMs()).append("waitMs", a.waitMs())).toList());
        if (r.replayId() != null) {
            doc.append("replayId", r.replayId());
        }
        switch (r.outcome()) {
            case Outcome.Success s -> {
                doc.append("status", "SUCCESS").append("data", s.data());
                if (s.dataRef() != null) {
                    doc.append("dataRef", new Document("store", s.dataRef().store()).append("id", s.dataRef().id())
                            .append("sizeBytes", s.dataRef().sizeBytes()).append("sha256", s.dataRef().sha256()));
                }
                if (s.served() != null) {
                    doc.append("served", new Document("from", s.served().from().name()).append("ageMs", s.served().ageMs())
                            .append("reason", s.served().reason()));
                }
            }
            case Outcome.Failure f -> doc.append("status", "ERROR").append("error", error(f));
        }
        return doc;
    }

    private static Document error(Outcome.Failure f) {
        return new Document("code", f.code().name())
                .append("message", f.message())
                .append("retryable", f.retryable())
                .append("retryAfterMs", f.retryAfterMs())
                .append("details", f.details());
    }

    private static Outcome.Failure failure(Document e) {
        Number retryAfter = (Number) e.get("retryAfterMs");
        return new Outcome.Failure(ErrorCode.valueOf(e.getString("code")), e.getString("message"),
                Boolean.TRUE.equals(e.getBoolean("retryable")), retryAfter == null ? null : retryAfter.longValue(), e.getString("details"));
    }

    static ExecutionResult fromDocument(Document d) {
        Outcome outcome;
        Document substitute = d.get("substitute", Document.class);
        if (substitute != null) {
            outcome = failure(substitute);
        } else if ("SUCCESS".equals(d.getString("status"))) {
            Document ref = d.get("dataRef", Document.class);
            Document served = d.get("served", Document.class);
            outcome = new Outcome.Success(d.getString("data"), ref == null ? null : new Outcome.DataReference(ref.getString("store"),
                    ref.getString("id"), ((Number) ref.get("sizeBytes")).longValue(), ref.getString("sha256")),
                    served == null ? null : new Outcome.Served(Outcome.Served.Source.valueOf(served.getString("from")),
                            served.get("ageMs") instanceof Number n ? n.longValue() : null, served.getString("reason")));
        } else {
            outcome = failure(d.get("error", Document.class));
        }
        return new ExecutionResult(d.getString("_id"), d.getString("correlationId"), d.getString("instanceId"),
                d.getString("methodName"), d.getString("definitionName"), d.getString("definitionVersion"), outcome,
                d.getInteger("attempts", 0), d.getDate("startedAt").toInstant(), d.getDate("completedAt").toInstant(),
                d.getList("trail", Document.class, List.of()).stream().map(a -> new AttemptRecord(a.getInteger("attempt"), a.getInteger("httpStatus"),
                        a.getString("outcome"), ((Number) a.get("durationMs")).longValue(), ((Number) a.get("waitMs")).longValue())).toList(),
                d.getString("replayId"));
    }
}
