package io.integration.registry.credentials;

import static java.util.Objects.requireNonNull;

import io.integration.registry.secret.Secret;

/**
 * The secret material of one integration instance, decrypted for use. Records print their secrets as
 * {@code [hidden]}.
 */
public sealed interface Credential {

    /** Id of the credential record (also the associated data under which its secrets are sealed). */
    String id();

    /** An API key; where it goes (header or query, name, prefix) is the definition's business. */
    record ApiKey(String id, Secret key) implements Credential {
        public ApiKey {
            requireNonNull(id, "id");
            requireNonNull(key, "key");
        }
    }

    /** A bearer token sent as {@code Authorization: Bearer <token>}. */
    record Bearer(String id, Secret token) implements Credential {
        public Bearer {
            requireNonNull(id, "id");
            requireNonNull(token, "token");
        }
    }

    /** HTTP Basic user and password. */
    record Basic(String id, String username, Secret password) implements Credential {
        public Basic {
            requireNonNull(id, "id");
            requireNonNull(username, "username");
            requireNonNull(password, "password");
        }
    }
}
