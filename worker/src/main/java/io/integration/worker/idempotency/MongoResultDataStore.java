package io.integration.worker.idempotency;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.ReplaceOptions;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.ResultDataStore;
import io.integration.registry.store.MongoCalls;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import org.bson.Document;

/**
 * Result data kept in the MongoDB collection {@code result_data}: one document per request id
 * ({@code {_id, data, sizeBytes, sha256, storedAt}}), read back with
 * {@code db.result_data.findOne({_id: "<requestId>"})}. A document holds up to 16 MiB, which bounds the
 * response cap when the claim check is on.
 */
public final class MongoResultDataStore implements ResultDataStore {

    public static final String COLLECTION = "result_data";

    private final MongoCollection<Document> collection;

    public MongoResultDataStore(MongoDatabase database) {
        this.collection = database.getCollection(COLLECTION);
    }

    @Override
    public Outcome.DataReference put(String requestId, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        String sha256 = sha256(bytes);
        Document doc = new Document("_id", requestId).append("data", data).append("sizeBytes", (long) bytes.length)
                .append("sha256", sha256).append("storedAt", new Date());
        MongoCalls.call("store the data of result " + requestId, () -> collection.replaceOne(new Document("_id", requestId), doc,
                new ReplaceOptions().upsert(true)));
        return new Outcome.DataReference("mongodb:" + COLLECTION, requestId, bytes.length, sha256);
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
