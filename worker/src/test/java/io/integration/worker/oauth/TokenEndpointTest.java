package io.integration.worker.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.integration.embedded.DemoAuthorizationServer;
import io.integration.registry.AuthSpec;
import io.integration.registry.OAuth2Settings;
import io.integration.registry.credentials.OAuthTokens;
import io.integration.registry.secret.Secret;
import io.integration.worker.adapter.OutboundPolicy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The token endpoint client against the strict demo server: what each refusal becomes, and what its message never holds. */
class TokenEndpointTest {

    private static final String SECRET = "s3cret-" + java.util.UUID.randomUUID();
    private final DemoAuthorizationServer server = DemoAuthorizationServer.start("client", SECRET, Set.of("http://localhost/cb"), 60);
    private final TokenEndpoint endpoint = new TokenEndpoint(new OutboundPolicy(true), Duration.ofSeconds(5), Clock.systemUTC());

    @AfterEach
    void stop() {
        server.close();
    }

    private OAuth2Settings settings(String clientAuth) {
        return OAuth2Settings.of(new AuthSpec(AuthSpec.Type.OAUTH2_CLIENT_CREDENTIALS, null,
                Map.of("issuer", server.issuer(), "scopes", List.of("a", "b"), "clientAuth", clientAuth)));
    }

    @Test
    void discoversTheEndpointsAndGetsATokenWithEitherClientAuthentication() {
        for (String auth : List.of("client_secret_basic", "client_secret_post")) {
            OAuth2Settings settings = settings(auth);
            Endpoints endpoints = endpoint.endpoints(settings, Set.of("127.0.0.1"));
            assertThat(endpoints.token().toString()).isEqualTo(server.url() + "/token");
            OAuthTokens tokens = endpoint.clientCredentials(endpoints,
                    new TokenEndpoint.Client("client", Secret.of(SECRET), settings.clientAuth(), Set.of("127.0.0.1")), settings);
            assertThat(tokens.scopes()).containsExactly("a", "b");
            assertThat(tokens.expiresAt()).isAfter(java.time.Instant.now().plusSeconds(50));
            assertThat(tokens.toString()).doesNotContain(tokens.accessToken().reveal());
        }
    }

    @Test
    void aWrongSecretIsRejectedAnUnknownRefreshTokenIsAnInvalidGrantAndNeitherMessageRepeatsASecret() {
        OAuth2Settings settings = settings("client_secret_basic");
        Endpoints endpoints = endpoint.endpoints(settings, Set.of("127.0.0.1"));

        assertThatThrownBy(() -> endpoint.clientCredentials(endpoints,
                new TokenEndpoint.Client("client", Secret.of("wrong-" + SECRET), settings.clientAuth(), Set.of("127.0.0.1")), settings))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TokenException.Kind.REJECTED);
                    assertThat(e.getMessage()).contains("HTTP 401").contains("invalid_client").doesNotContain(SECRET);
                });
        assertThatThrownBy(() -> endpoint.refresh(endpoints,
                new TokenEndpoint.Client("client", Secret.of(SECRET), settings.clientAuth(), Set.of("127.0.0.1")), Secret.of("rt-canary-1")))
                .isInstanceOfSatisfying(TokenException.class, e -> {
                    assertThat(e.kind()).isEqualTo(TokenException.Kind.INVALID_GRANT);
                    assertThat(e.getMessage()).doesNotContain("rt-canary-1").doesNotContain(SECRET);
                });
    }

    @Test
    void aHostTheCredentialIsNotPinnedToGetsNoRequest() {
        OAuth2Settings settings = settings("client_secret_post");
        long before = server.tokenCalls();
        Endpoints endpoints = new Endpoints(null, java.net.URI.create(server.url() + "/token"), null, false);

        assertThatThrownBy(() -> endpoint.clientCredentials(endpoints,
                new TokenEndpoint.Client("client", Secret.of(SECRET), settings.clientAuth(), Set.of("api.example.com")), settings))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.REJECTED));
        assertThat(server.tokenCalls()).isEqualTo(before);
    }

    @Test
    void aServerThatIsDownIsUnavailableNotRefused() {
        OAuth2Settings settings = settings("client_secret_post");
        Endpoints endpoints = endpoint.endpoints(settings, Set.of("127.0.0.1"));
        server.stop();

        assertThatThrownBy(() -> endpoint.clientCredentials(endpoints,
                new TokenEndpoint.Client("client", Secret.of(SECRET), settings.clientAuth(), Set.of("127.0.0.1")), settings))
                .isInstanceOfSatisfying(TokenException.class, e -> assertThat(e.kind()).isEqualTo(TokenException.Kind.UNAVAILABLE));
    }
}
