package io.integration.worker.idempotency;

import static com.mongodb.client.model.Filters.eq;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import io.integration.worker.execution.ErrorCode;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.ResultLog;
import io.integration.worker.store.MongoCalls;
import io.integration.worker.resilience.Attempt;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import org.bson.Document;

/**
 * The result log in the MongoDB collection {@code results}, one document per request id ({@code _id},
 * hence unique). The first writer wins; later writers get the recorded result back.
 */
public final class MongoResultLog implements ResultLog {

    public static final String COLLECTION = "results";

    private final MongoCollection<Document> collection;

    public MongoResultLog(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    @Override
    public Optional<ExecutionResult> find(String requestId) {
        return MongoCalls.call("find result " + requestId,
                () -> Optional.ofNullable(collection.find(eq("_id", requestId)).first()).map(MongoResultLog::fromDocument));
    }

    @Override
    public ExecutionResult recordIfAbsent(ExecutionResult result) {
        try {
            MongoCalls.run("record result " + result.requestId(), () -> collection.insertOne(toDocument(result)));
            return result;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            return find(result.requestId()).orElseThrow(() -> new IllegalStateException("result " + result.requestId() + " vanished"));
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
        switch (r.outcome()) {
            case Outcome.Success s -> doc.append("status", "SUCCESS").append("data", s.data());
            case Outcome.Failure f -> doc.append("status", "ERROR").append("error", new Document("code", f.code().name())
                    .append("message", f.message())
                    .append("retryable", f.retryable())
                    .append("retryAfterMs", f.retryAfterMs())
                    .append("details", f.details()));
        }
        return doc;
    }

    static ExecutionResult fromDocument(Document d) {
        Outcome outcome;
        if ("SUCCESS".equals(d.getString("status"))) {
            outcome = new Outcome.Success(d.getString("data"));
        } else {
            Document e = d.get("error", Document.class);
            Number retryAfter = (Number) e.get("retryAfterMs");
            outcome = new Outcome.Failure(ErrorCode.valueOf(e.getString("code")), e.getString("message"),
                    Boolean.TRUE.equals(e.getBoolean("retryable")), retryAfter == null ? null : retryAfter.longValue(), e.getString("details"));
        }
        return new ExecutionResult(d.getString("_id"), d.getString("correlationId"), d.getString("instanceId"),
                d.getString("methodName"), d.getString("definitionName"), d.getString("definitionVersion"), outcome,
                d.getInteger("attempts", 0), d.getDate("startedAt").toInstant(), d.getDate("completedAt").toInstant(),
                d.getList("trail", Document.class, List.of()).stream().map(a -> new Attempt(a.getInteger("attempt"), a.getInteger("httpStatus"),
                        a.getString("outcome"), ((Number) a.get("durationMs")).longValue(), ((Number) a.get("waitMs")).longValue())).toList());
    }
}
