package io.integration.registry.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.registry.TestMongo;
import io.integration.registry.secret.Secret;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ApiTokensTest {


    @Test
    void aRevokedBootstrapTokenStaysRevokedAcrossRestarts() {
        var db = TestMongo.freshDatabase("tokens");
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
