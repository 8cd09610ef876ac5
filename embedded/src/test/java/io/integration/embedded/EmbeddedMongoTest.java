package io.integration.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoClientSettings;
import com.mongodb.ConnectionString;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import java.util.concurrent.TimeUnit;
import org.bson.Document;
import org.junit.jupiter.api.Test;

class EmbeddedMongoTest {

    @Test
    void anOutageRefusesConnectionsAndTheRestartServesTheSameData() {
        try (EmbeddedMongo mongo = EmbeddedMongo.start(0);
             MongoClient client = MongoClients.create(MongoClientSettings.builder()
                     .applyConnectionString(new ConnectionString(mongo.connectionString()))
                     .applyToClusterSettings(c -> c.serverSelectionTimeout(1, TimeUnit.SECONDS)).build())) {
            MongoCollection<Document> things = client.getDatabase("t").getCollection("things");
            things.insertOne(new Document("_id", "a"));

            mongo.stop();
            assertThatThrownBy(() -> things.find().first()).isInstanceOf(MongoException.class);

            mongo.restart();
            assertThat(things.find(new Document("_id", "a")).first()).isNotNull();
        }
    }
}
