package io.integration.worker.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.integration.embedded.EmbeddedMongo;
import io.integration.worker.execution.Outcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The claim check's store on the real MongoDB driver against the wire-protocol server. */
class MongoResultDataStoreTest {

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
    void largeDataIsKeptUnderTheRequestIdAndTheReferenceProvesWhatWasKept() throws Exception {
        MongoDatabase db = client.getDatabase("claim-check");
        String data = "{\"rows\":\"" + "é".repeat(100_000) + "\"}";

        Outcome.DataReference ref = new MongoResultDataStore(db).put("req-1", data);
        new MongoResultDataStore(db).put("req-1", data); // a repeat after a fault writes the same document again

        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        assertThat(ref).isEqualTo(new Outcome.DataReference("mongodb:result_data", "req-1", bytes.length,
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))));
        // The documented way to fetch it: db.result_data.findOne({_id: "<requestId>"})
        Document kept = db.getCollection("result_data").find(new Document("_id", "req-1")).first();
        assertThat(kept.getString("data")).isEqualTo(data);
        assertThat(kept.getString("sha256")).isEqualTo(ref.sha256());
        assertThat(db.getCollection("result_data").countDocuments()).isEqualTo(1);
    }

    @Test
    void theResultLogKeepsTheReferenceAcrossARoundTrip() {
        MongoResultLog log = new MongoResultLog(client.getDatabase("claim-check-log"));
        Instant at = Instant.parse("2026-11-28T10:00:00Z");
        var result = new io.integration.worker.execution.ExecutionResult("req-2", null, "i", "m", "d", "1.0.0",
                new Outcome.Success(null, new Outcome.DataReference("mongodb:result_data", "req-2", 5, "ab")), 1, at, at, List.of());

        log.recordIfAbsent(result);

        assertThat(log.find("req-2")).contains(result);
    }
}
