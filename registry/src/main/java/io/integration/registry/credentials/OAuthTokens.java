package io.integration.registry.credentials;

import static java.util.Objects.requireNonNull;

import io.integration.registry.secret.Secret;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Tokens an authorization server issued. Prints no secret.
 *
 * @param refreshToken null when the server gave none
 * @param expiresAt when the access token expires by the local clock (receive time + {@code expires_in}); null when the
 *        server did not say
 * @param scopes the granted scopes (empty when the server did not say)
 */
public record OAuthTokens(Secret accessToken, Secret refreshToken, Instant expiresAt, List<String> scopes) {

    public OAuthTokens {
        requireNonNull(accessToken, "accessToken");
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    /** Whether the access token is due for a refresh at {@code now}, {@code margin} before it expires. */
    public boolean due(Instant now, Duration margin) {
        return expiresAt != null && !now.isBefore(expiresAt.minus(margin));
    }

    /** Whether the access token has expired at {@code now}. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** These tokens after a refresh answered {@code next}: a response without a new refresh token keeps the old one. */
    public OAuthTokens refreshedBy(OAuthTokens next) {
        return new OAuthTokens(next.accessToken(), next.refreshToken() != null ? next.refreshToken() : refreshToken,
                next.expiresAt(), next.scopes().isEmpty() ? scopes : next.scopes());
    }
}
