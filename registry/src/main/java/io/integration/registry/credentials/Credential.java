package io.integration.registry.credentials;

import static java.util.Objects.requireNonNull;

import io.integration.registry.secret.Secret;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The secret material of one integration instance, decrypted for use. Records print their secrets as
 * {@code [hidden]}. A credential is pinned to the hosts it may be sent to: a definition pointing anywhere else cannot
 * use it, so publishing a definition is not a way to send a stored secret to a host of one's choosing.
 */
public sealed interface Credential {

    /** Id of the credential record (also part of the associated data its secrets are sealed with). */
    String id();

    /** The hosts this credential may be sent to (lower case); empty only for records stored before pinning. */
    Set<String> hosts();

    /** Whether every host in {@code destinations} is one this credential may be sent to. */
    default boolean allows(Set<String> destinations) {
        return hosts().isEmpty() || destinations.stream().map(h -> h.toLowerCase(Locale.ROOT)).allMatch(hosts()::contains);
    }

    /** This credential pinned to {@code hosts}. */
    Credential pinnedTo(Set<String> hosts);

    private static Set<String> normalized(Set<String> hosts) {
        return hosts == null ? Set.of() : hosts.stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    /** An API key; where it goes (header or query, name, prefix) is the definition's business. */
    record ApiKey(String id, Secret key, Set<String> hosts) implements Credential {
        public ApiKey {
            requireNonNull(id, "id");
            requireNonNull(key, "key");
            hosts = normalized(hosts);
        }

        public ApiKey(String id, Secret key) {
            this(id, key, Set.of());
        }

        @Override
        public ApiKey pinnedTo(Set<String> to) {
            return new ApiKey(id, key, to);
        }
    }

    /** A bearer token sent as {@code Authorization: Bearer <token>}. */
    record Bearer(String id, Secret token, Set<String> hosts) implements Credential {
        public Bearer {
            requireNonNull(id, "id");
            requireNonNull(token, "token");
            hosts = normalized(hosts);
        }

        public Bearer(String id, Secret token) {
            this(id, token, Set.of());
        }

        @Override
        public Bearer pinnedTo(Set<String> to) {
            return new Bearer(id, token, to);
        }
    }

    /** HTTP Basic user and password. */
    record Basic(String id, String username, Secret password, Set<String> hosts) implements Credential {
        public Basic {
            requireNonNull(id, "id");
            requireNonNull(username, "username");
            requireNonNull(password, "password");
            hosts = normalized(hosts);
        }

        public Basic(String id, String username, Secret password) {
            this(id, username, password, Set.of());
        }

        @Override
        public Basic pinnedTo(Set<String> to) {
            return new Basic(id, username, password, to);
        }
    }

    /**
     * An OAuth2 authorization-code client and, once connected, its tokens. The client id and secret are the operator's
     * (stored with the credential); the tokens come from the authorization flow and from refreshes.
     *
     * @param clientSecret null for a public client (PKCE only)
     * @param tokens null until the instance is connected
     * @param version the fencing version: every token write is a compare-and-set on it
     * @param needsReauth the refresh token was refused ({@code invalid_grant}): no refresh is tried until a new flow
     */
    record OAuth2(String id, String clientId, Secret clientSecret, OAuthTokens tokens, Set<String> hosts, long version,
                  boolean needsReauth) implements Credential {
        public OAuth2 {
            requireNonNull(id, "id");
            requireNonNull(clientId, "clientId");
            hosts = normalized(hosts);
        }

        public OAuth2(String id, String clientId, Secret clientSecret) {
            this(id, clientId, clientSecret, null, Set.of(), 0, false);
        }

        @Override
        public OAuth2 pinnedTo(Set<String> to) {
            return new OAuth2(id, clientId, clientSecret, tokens, to, version, needsReauth);
        }
    }

    /** An OAuth2 client-credentials client; its access tokens are fetched when needed and cached by each worker. */
    record ClientCredentials(String id, String clientId, Secret clientSecret, Set<String> hosts) implements Credential {
        public ClientCredentials {
            requireNonNull(id, "id");
            requireNonNull(clientId, "clientId");
            requireNonNull(clientSecret, "clientSecret");
            hosts = normalized(hosts);
        }

        public ClientCredentials(String id, String clientId, Secret clientSecret) {
            this(id, clientId, clientSecret, Set.of());
        }

        @Override
        public ClientCredentials pinnedTo(Set<String> to) {
            return new ClientCredentials(id, clientId, clientSecret, to);
        }
    }

    /** The type name used in documents, the API and messages. */
    static String typeName(Credential credential) {
        return switch (credential) {
            case ApiKey k -> "api_key";
            case Bearer b -> "bearer";
            case Basic b -> "basic";
            case OAuth2 o -> "oauth2";
            case ClientCredentials c -> "oauth2_client_credentials";
        };
    }
}
