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
 * @param issuedAt when the token request was sent (the lifetime counts from there); null when not known
 */
public record OAuthTokens(Secret accessToken, Secret refreshToken, Instant expiresAt, List<String> scopes, Instant issuedAt) {

    public OAuthTokens {
        requireNonNull(accessToken, "accessToken");
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
    }

    /**
     * Whether the access token is due for a refresh at {@code now}, {@code margin} before it expires — at most half its
     * lifetime before: a token living no longer than the margin (Keycloak's default 5 minutes against a 5-minute margin)
     * would otherwise be due as soon as it is issued, and be refreshed on every request.
     */
    public boolean due(Instant now, Duration margin) {
        if (expiresAt == null) {
            return false;
        }
        Duration effective = margin;
        if (issuedAt != null) {
            Duration half = Duration.between(issuedAt, expiresAt).dividedBy(2);
            effective = half.compareTo(margin) < 0 ? half : margin;
        }
        return !now.isBefore(expiresAt.minus(effective));
    }

    /** Whether the access token has expired at {@code now}. */
    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** These tokens after a refresh answered {@code next}: a response without a new refresh token keeps the old one. */
    public OAuthTokens refreshedBy(OAuthTokens next) {
        return new OAuthTokens(next.accessToken(), next.refreshToken() != null ? next.refreshToken() : refreshToken,
                next.expiresAt(), next.scopes().isEmpty() ? scopes : next.scopes(), next.issuedAt());
    }
}
