package io.integration.registry.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import io.integration.registry.TestMongo;
import io.integration.registry.secret.Secret;
import io.integration.registry.service.Applied;
import io.integration.registry.service.CredentialService;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The OAuth2 credential's token lifecycle in MongoDB: fencing, leases, and storing the client again. */
class OAuthCredentialTest {

    private final MongoCredentialRepository store = new MongoCredentialRepository(TestMongo.freshDatabase("oauth"),
            new TinkSecretCodec(Keyring.open(TestMongo.freshDatabase("oauth-keys"), MasterKey.load("k", MasterKey.generate(), "f", null))));
    private final Instant now = Instant.parse("2026-12-02T10:00:00Z");

    private Credential.OAuth2 connected() {
        store.save(new Credential.OAuth2("acct", "client", Secret.of("secret-1")).pinnedTo(Set.of("api.example.com")));
        Credential.OAuth2 saved = (Credential.OAuth2) store.find("acct").orElseThrow();
        assertThat(store.storeTokens("acct", saved.version(), null, tokens("at-1", "rt-1"))).isTrue();
        return (Credential.OAuth2) store.find("acct").orElseThrow();
    }

    private OAuthTokens tokens(String access, String refresh) {
        return new OAuthTokens(Secret.of(access), Secret.of(refresh), now.plusSeconds(3600), List.of("read"), now);
    }

    @Test
    void aTokenWriteIsFencedByTheVersionAndByTheLeaseHolder() {
        Credential.OAuth2 current = connected();
        long v = current.version();

        assertThat(store.tryLease("acct", v, "worker-a", now, now.plusSeconds(30))).isTrue();
        assertThat(store.tryLease("acct", v, "worker-b", now.plusSeconds(5), now.plusSeconds(35))).as("held by a").isFalse();
        assertThat(store.storeTokens("acct", v, "worker-b", tokens("at-b", "rt-b"))).as("b holds no lease").isFalse();
        // a's lease runs out; b takes it at the same version: a's late write is fenced off.
        assertThat(store.tryLease("acct", v, "worker-b", now.plusSeconds(31), now.plusSeconds(61))).isTrue();
        assertThat(store.storeTokens("acct", v, "worker-a", tokens("at-a", "rt-a"))).isFalse();
        assertThat(store.storeTokens("acct", v, "worker-b", tokens("at-b", "rt-b"))).isTrue();
        assertThat(store.storeTokens("acct", v, "worker-b", tokens("at-c", "rt-c"))).as("the version moved on").isFalse();

        Credential.OAuth2 after = (Credential.OAuth2) store.find("acct").orElseThrow();
        assertThat(after.version()).isEqualTo(v + 1);
        assertThat(after.tokens().refreshToken().reveal()).isEqualTo("rt-b");
    }

    @Test
    void aMarkedCredentialCannotBeLeasedAndANewFlowClearsTheMark() {
        Credential.OAuth2 current = connected();
        assertThat(store.markNeedsReauth("acct", current.version())).isTrue();
        assertThat(store.markNeedsReauth("acct", current.version())).as("only one caller marks").isFalse();
        Credential.OAuth2 marked = (Credential.OAuth2) store.find("acct").orElseThrow();
        assertThat(marked.needsReauth()).isTrue();
        assertThat(store.tryLease("acct", marked.version(), "worker-a", now, now.plusSeconds(30))).isFalse();

        assertThat(store.storeTokens("acct", marked.version(), null, tokens("at-2", "rt-2"))).isTrue();
        assertThat(((Credential.OAuth2) store.find("acct").orElseThrow()).needsReauth()).isFalse();
    }

    @Test
    void storingTheSameClientAgainKeepsTokensVersionAndLease() {
        Credential.OAuth2 current = connected();
        assertThat(store.tryLease("acct", current.version(), "worker-a", now, now.plusSeconds(30))).isTrue();
        CredentialService service = new CredentialService(store);

        assertThat(service.put(new Credential.OAuth2("acct", "client", Secret.of("secret-2")).pinnedTo(Set.of("api.example.com"))))
                .isEqualTo(Applied.UPDATED);

        Credential.OAuth2 after = (Credential.OAuth2) store.find("acct").orElseThrow();
        assertThat(after.clientSecret().reveal()).isEqualTo("secret-2");
        assertThat(after.tokens().refreshToken().reveal()).isEqualTo("rt-1");
        assertThat(after.version()).isEqualTo(current.version());
        assertThat(store.storeTokens("acct", current.version(), "worker-a", tokens("at-3", "rt-3"))).as("the refresh still lands").isTrue();

        service.put(new Credential.OAuth2("acct", "another-client", Secret.of("s")).pinnedTo(Set.of("api.example.com")));
        Credential.OAuth2 replaced = (Credential.OAuth2) store.find("acct").orElseThrow();
        assertThat(replaced.tokens()).isNull();
        assertThat(replaced.version()).as("versions only grow").isGreaterThan(current.version() + 1);
    }

    @Test
    void aTokenIsDueAtTheMarginButNeverBeforeHalfItsLifetime() {
        OAuthTokens hour = tokens("a", "r");
        assertThat(hour.due(now.plus(Duration.ofMinutes(54)), Duration.ofMinutes(5))).isFalse();
        assertThat(hour.due(now.plus(Duration.ofMinutes(55)), Duration.ofMinutes(5))).isTrue();
        OAuthTokens fiveMinutes = new OAuthTokens(Secret.of("a"), Secret.of("r"), now.plus(Duration.ofMinutes(5)), List.of(), now);
        assertThat(fiveMinutes.due(now.plusSeconds(1), Duration.ofMinutes(5))).as("not at once").isFalse();
        assertThat(fiveMinutes.due(now.plus(Duration.ofSeconds(150)), Duration.ofMinutes(5))).isTrue();
    }
}
