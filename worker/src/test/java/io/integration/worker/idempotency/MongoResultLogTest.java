package io.integration.worker.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.integration.embedded.EmbeddedMongo;
import io.integration.worker.execution.ErrorCode;
import io.integration.worker.execution.ExecutionRequest.Replay;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.ResultLog.Reopening;
import io.integration.worker.execution.Outcome;
import io.integration.registry.store.StoreRejectedException;
import io.integration.registry.store.StoreUnavailableException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The result log on the real MongoDB driver against the wire-protocol server, under concurrent callers. */
class MongoResultLogTest {

    private static EmbeddedMongo mongo;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        mongo = EmbeddedMongo.start(0);
        client = MongoClients.create(mongo.connectionString());
    }

    @AfterAll
    static void stop() {
        client.close();
        mongo.close();
    }

    @Test
    void concurrentWritersOfOneRequestAllGetTheFirstRecordedResult() throws Exception {
        MongoResultLog log = new MongoResultLog(client.getDatabase("concurrent"));
        int requests = 400;
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ExecutionResult>> success = new ArrayList<>();
            List<Future<ExecutionResult>> failure = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                String id = "r-" + i;
                success.add(callers.submit(() -> log.recordIfAbsent(result(id, new Outcome.Success("{\"n\":1}")))));
                failure.add(callers.submit(() -> log.recordIfAbsent(result(id,
                        new Outcome.Failure(ErrorCode.UPSTREAM_ERROR, "boom", true, null, null)))));
            }
            for (int i = 0; i < requests; i++) {
                ExecutionResult a = success.get(i).get();
                ExecutionResult b = failure.get(i).get();
                assertThat(a).as("both writers of r-%d see one outcome", i).isEqualTo(b);
                assertThat(log.find("r-" + i)).contains(a);
            }
        }
        assertThat(client.getDatabase("concurrent").getCollection(MongoResultLog.COLLECTION).countDocuments()).isEqualTo(requests);
    }

    @Test
    void concurrentLookupsAnswerEachRequestId() throws Exception {
        MongoResultLog log = new MongoResultLog(client.getDatabase("lookups"));
        ExecutionResult recorded = log.recordIfAbsent(result("known", new Outcome.Success("{}")));
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Boolean>> known = new ArrayList<>();
            List<Future<Boolean>> unknown = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                known.add(callers.submit(() -> log.find("known").equals(java.util.Optional.of(recorded))));
                int n = i;
                unknown.add(callers.submit(() -> log.find("unknown-" + n).isEmpty()));
            }
            for (int i = 0; i < 300; i++) {
                assertThat(known.get(i).get()).isTrue();
                assertThat(unknown.get(i).get()).isTrue();
            }
        }
    }

    @Test
    void aSubstituteReplacesTheRecordedOutcomeOnceAndForAll() {
        MongoResultLog log = new MongoResultLog(client.getDatabase("substitutes"));
        ExecutionResult original = log.recordIfAbsent(result("s-1", new Outcome.Success("{\"big\":true}")));
        Outcome.Failure tooLarge = new Outcome.Failure(ErrorCode.RESULT_TOO_LARGE, "2 MB", false, null, "{\"recordBytes\":2000000}");

        assertThat(log.substitute(original, tooLarge)).contains(original.withOutcome(tooLarge));
        assertThat(log.substitute(original, Outcome.Failure.of(ErrorCode.REPLY_TO_NOT_ALLOWED, "later"))).as("the first substitute wins")
                .contains(original.withOutcome(tooLarge));
        assertThat(log.find("s-1")).contains(original.withOutcome(tooLarge));
        assertThat(log.substitute(result("unknown", new Outcome.Success("{}")), tooLarge)).isEmpty();
        ExecutionResult fresh = log.recordIfAbsent(result("s-2", new Outcome.Success("{\"v\":2}")));
        assertThat(log.substitute(new ExecutionResult("s-2", "c-s-2", "inst", "m", "def", "1.0.0", new Outcome.Success("{\"v\":1}"), 1,
                Instant.EPOCH, Instant.EPOCH, List.of(), "rp-old"), tooLarge)).as("another result than the one recorded: nothing marked")
                .contains(fresh);
    }

    @Test
    void aDocumentTheServerCannotHoldIsRejectedWithoutFailingTheOthersOfItsBatch() throws Exception {
        MongoResultLog log = new MongoResultLog(client.getDatabase("rejected"));
        String huge = "{\"x\":\"" + "x".repeat(17 * 1024 * 1024) + "\"}";
        try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<ExecutionResult> tooLarge = callers.submit(() -> log.recordIfAbsent(result("huge", new Outcome.Success(huge))));
            List<Future<ExecutionResult>> others = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String id = "ok-" + i;
                others.add(callers.submit(() -> log.recordIfAbsent(result(id, new Outcome.Success("{}")))));
            }
            assertThatThrownBy(tooLarge::get).hasCauseInstanceOf(StoreRejectedException.class);
            for (Future<ExecutionResult> other : others) {
                assertThat(other.get().succeeded()).isTrue();
            }
        }
        assertThat(log.find("huge")).isEmpty();
    }

    @Test
    void aReopenedResultIsKeptAsideAndAnsweredUntilTheReplaysResultReplacesItButAStaleOneChangesNothing() {
        MongoResultLog log = new MongoResultLog(client.getDatabase("reopen"));
        ExecutionResult failed = log.recordIfAbsent(result("r", new Outcome.Failure(ErrorCode.UPSTREAM_ERROR, "locked", false, null, null)));
        Replay replay = new Replay("rp-1", false);

        assertThat(log.reopen(failed, replay)).isEqualTo(Reopening.REOPENED);
        assertThat(log.find("r")).as("other deliveries are answered with the recorded result meanwhile").contains(failed);
        assertThat(log.reopen(failed, new Replay("rp-other", false))).as("one replay at a time").isEqualTo(Reopening.CHANGED);
        assertThat(log.reopen(failed, replay)).as("the same replay again (a redelivery)").isEqualTo(Reopening.REOPENED);
        ExecutionResult other = result("r", new Outcome.Success("{\"not\":\"the replay\"}"));
        assertThat(log.recordIfAbsent(other)).as("a result of no replay does not replace it").isEqualTo(failed);
        ExecutionResult again = new ExecutionResult("r", "c-r", "inst", "m", "def", "1.0.0", new Outcome.Success("{}"), 1,
                Instant.parse("2026-11-27T00:00:00Z"), Instant.parse("2026-11-27T00:00:01Z"), List.of(), "rp-1");
        assertThat(log.recordIfAbsent(again)).isEqualTo(again);

        assertThat(log.find("r")).contains(again);
        assertThat(log.reopen(failed, new Replay("rp-2", true)))
                .as("the recorded result is no longer the failure: nothing is removed").isEqualTo(Reopening.CHANGED);
        assertThat(log.recordIfAbsent(new ExecutionResult("r", "c-r", "inst", "m", "def", "1.0.0", new Outcome.Success("{\"late\":1}"), 1,
                Instant.EPOCH, Instant.EPOCH, List.of(), "rp-1"))).as("a late repeat of the replay replaces nothing").isEqualTo(again);
        assertThat(log.find("r")).contains(again);
        org.bson.Document archived = client.getDatabase("reopen").getCollection(MongoResultLog.ARCHIVE).find(new org.bson.Document("_id", "r@rp-1")).first();
        assertThat(archived).isNotNull();
        assertThat(archived.get("result", org.bson.Document.class).get("error", org.bson.Document.class).getString("code")).isEqualTo("UPSTREAM_ERROR");
    }

    @Test
    void aReopenedResultWhoseReplayNeverRecordedIsTakenOverAfterTheLease() {
        MongoResultLog log = new MongoResultLog(client.getDatabase("lease"));
        ExecutionResult failed = log.recordIfAbsent(result("l", new Outcome.Failure(ErrorCode.UPSTREAM_ERROR, "down", false, null, null)));
        assertThat(log.reopen(failed, new Replay("rp-lost", false))).isEqualTo(Reopening.REOPENED);
        assertThat(log.reopen(failed, new Replay("rp-next", false))).isEqualTo(Reopening.CHANGED);

        // rp-lost's run was dead-lettered: its mark ages past the lease
        client.getDatabase("lease").getCollection(MongoResultLog.COLLECTION).updateOne(new org.bson.Document("_id", "l"),
                new org.bson.Document("$set", new org.bson.Document(MongoResultLog.REOPENED_AT,
                        java.util.Date.from(Instant.now().minus(MongoResultLog.REOPEN_LEASE).minusSeconds(1)))));

        assertThat(log.reopen(failed, new Replay("rp-next", false))).isEqualTo(Reopening.REOPENED);
        ExecutionResult replayed = new ExecutionResult("l", "c-l", "inst", "m", "def", "1.0.0", new Outcome.Success("{}"), 1,
                Instant.parse("2026-11-27T00:00:00Z"), Instant.parse("2026-11-27T00:00:01Z"), List.of(), "rp-next");
        assertThat(log.recordIfAbsent(replayed)).isEqualTo(replayed);
        assertThat(client.getDatabase("lease").getCollection(MongoResultLog.ARCHIVE).countDocuments()).isEqualTo(2);
    }

    @Test
    void aSuccessReplacedAtPublicationIsRestoredByAReplayAndRunAgainOnlyWhenForced() {
        MongoResultLog log = new MongoResultLog(client.getDatabase("restore"));
        ExecutionResult success = log.recordIfAbsent(result("s", new Outcome.Success("{\"id\":1}")));
        ExecutionResult refused = log.substitute(success, Outcome.Failure.of(ErrorCode.REPLY_TO_NOT_ALLOWED, "replyTo refused")).orElseThrow();

        assertThat(log.reopen(refused, new Replay("rp-1", false))).isEqualTo(Reopening.RESTORED);
        assertThat(log.find("s")).get().satisfies(r -> {
            assertThat(r.outcome()).isEqualTo(success.outcome());
            assertThat(r.replayId()).isEqualTo("rp-1");
        });
        assertThat(client.getDatabase("restore").getCollection(MongoResultLog.ARCHIVE).countDocuments()).as("nothing to keep aside").isZero();

        ExecutionResult refusedAgain = log.substitute(log.find("s").orElseThrow(), Outcome.Failure.of(ErrorCode.REPLY_TO_NOT_ALLOWED, "still refused"))
                .orElseThrow();
        assertThat(log.reopen(refusedAgain, new Replay("rp-2", true))).as("forced: the call runs again").isEqualTo(Reopening.REOPENED);
    }

    @Test
    void findAllReadsManyResultsInBatches() {
        MongoResultLog log = new MongoResultLog(client.getDatabase("find-all"));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MongoResultLog.MAX_BATCH + 10; i++) {
            ids.add("f-" + i);
            if (i % 2 == 0) {
                log.recordIfAbsent(result("f-" + i, new Outcome.Success("{}")));
            }
        }
        ids.add("f-0");

        assertThat(log.findAll(ids)).hasSize((MongoResultLog.MAX_BATCH + 10) / 2).containsKeys("f-0", "f-" + MongoResultLog.MAX_BATCH)
                .doesNotContainKey("f-1");
    }

    @Test
    void anUnreachableStoreIsReportedAsUnavailable() {
        EmbeddedMongo down = EmbeddedMongo.start(0);
        try (MongoClient shortTimeout = MongoClients.create(down.connectionString() + "/?serverSelectionTimeoutMS=300")) {
            MongoResultLog log = new MongoResultLog(shortTimeout.getDatabase("down"));
            down.stop();
            assertThatThrownBy(() -> log.find("x")).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("MongoDB find 1 result(s)");
            assertThatThrownBy(() -> log.recordIfAbsent(result("x", new Outcome.Success("{}"))))
                    .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("MongoDB record 1 result(s)");
        } finally {
            down.close();
        }
    }

    private static ExecutionResult result(String id, Outcome outcome) {
        Instant now = Instant.parse("2026-11-26T00:00:00Z");
        return new ExecutionResult(id, "c-" + id, "inst", "m", "def", "1.0.0", outcome, 1, now, now.plusMillis(5), List.of());
    }
}
