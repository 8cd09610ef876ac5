package io.integration.registry;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.integration.embedded.EmbeddedMongo;
import java.util.UUID;

/** One MongoDB wire server for the tests of this JVM; each test takes a database of its own. */
public final class TestMongo {

    private static MongoClient client;

    private TestMongo() {
    }

    /** A new, empty database named {@code prefix-<uuid>}. */
    public static synchronized MongoDatabase freshDatabase(String prefix) {
        if (client == null) {
            EmbeddedMongo mongo = EmbeddedMongo.start(0);
            client = MongoClients.create(mongo.connectionString());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                client.close();
                mongo.close();
            }));
        }
        return client.getDatabase(prefix + "-" + UUID.randomUUID());
    }
}
