package io.integration.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.integration.embedded.EmbeddedMongo;
import io.integration.registry.secret.Secret;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ApiTokensTest {

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
    void aRevokedBootstrapTokenStaysRevokedAcrossRestarts() {
        var db = client.getDatabase("tokens-" + UUID.randomUUID());
        Secret bootstrap = Secret.of("ist_bootstrap-" + UUID.randomUUID());
        ApiTokens tokens = new ApiTokens(db, Clock.systemUTC());
        String id = tokens.ensure("bootstrap", ApiTokens.Scope.ADMIN, bootstrap).orElseThrow().id();
        assertThat(tokens.ensure("bootstrap", ApiTokens.Scope.ADMIN, bootstrap)).map(ApiTokens.Token::id).hasValue(id);

        tokens.revoke(id);
        ApiTokens restarted = new ApiTokens(db, Clock.systemUTC());

        assertThat(restarted.ensure("bootstrap", ApiTokens.Scope.ADMIN, bootstrap)).isEmpty();
        assertThat(restarted.authenticate(bootstrap.reveal())).isEmpty();
        assertThat(restarted.list()).hasSize(1);
    }

    @Test
    void scopesNest() {
        assertThat(ApiTokens.Scope.ADMIN.allows(ApiTokens.Scope.WRITE)).isTrue();
        assertThat(ApiTokens.Scope.WRITE.allows(ApiTokens.Scope.READ)).isTrue();
        assertThat(ApiTokens.Scope.READ.allows(ApiTokens.Scope.WRITE)).isFalse();
    }
}
