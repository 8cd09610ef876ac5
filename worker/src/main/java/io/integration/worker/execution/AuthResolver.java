package io.integration.worker.execution;

import io.integration.worker.adapter.AdapterCall;
import io.integration.registry.credentials.Credential;
import io.integration.registry.secret.Secret;
import io.integration.registry.AuthSpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/** Turns a definition's auth type and an instance's credential into the secret headers or query parameters of a call. */
final class AuthResolver {

    private AuthResolver() {
    }

    /**
     * The decorations for {@code credential} under {@code spec}.
     *
     * @throws ExecutionFailure with CREDENTIALS_MISSING when the credential does not fit the auth type
     */
    static AdapterCall.Auth resolve(AuthSpec spec, Credential credential) {
        return switch (spec.type()) {
            case NONE -> AdapterCall.Auth.NONE;
            case API_KEY -> apiKey(spec.apiKey(), expect(Credential.ApiKey.class, credential, spec).key());
            // OAuth2 credentials are resolved by the executor (their tokens are fetched and refreshed); a bearer works for all three.
            case BEARER, OAUTH2, OAUTH2_CLIENT_CREDENTIALS -> bearer(expect(Credential.Bearer.class, credential, spec).token());
            case BASIC -> basic(expect(Credential.Basic.class, credential, spec));
            case WEBHOOK_SIGNATURE -> new AdapterCall.Auth(Map.of(), Map.of(), expect(Credential.ApiKey.class, credential, spec).key());
        };
    }

    private static AdapterCall.Auth apiKey(AuthSpec.ApiKeyPlacement placement, Secret key) {
        Secret value = placement.prefix().isEmpty() ? key : Secret.of(placement.prefix() + key.reveal());
        return switch (placement.in()) {
            case HEADER -> new AdapterCall.Auth(Map.of(placement.name(), value), Map.of());
            case QUERY -> new AdapterCall.Auth(Map.of(), Map.of(placement.name(), value));
        };
    }

    static AdapterCall.Auth bearer(Secret token) {
        return new AdapterCall.Auth(Map.of("Authorization", Secret.of("Bearer " + token.reveal())), Map.of());
    }

    private static AdapterCall.Auth basic(Credential.Basic basic) {
        String pair = basic.username() + ":" + basic.password().reveal();
        String encoded = Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        return new AdapterCall.Auth(Map.of("Authorization", Secret.of("Basic " + encoded)), Map.of());
    }

    private static <C extends Credential> C expect(Class<C> type, Credential credential, AuthSpec spec) {
        if (type.isInstance(credential)) {
            return type.cast(credential);
        }
        throw new ExecutionFailure(Outcome.Failure.of(ErrorCode.CREDENTIALS_MISSING,
                "credential '" + credential.id() + "' is " + kind(credential) + " but the definition's auth type "
                        + spec.type().name().toLowerCase() + " needs " + kind(type)));
    }

    private static String kind(Credential credential) {
        return Credential.typeName(credential);
    }

    private static String kind(Class<?> type) {
        return type == Credential.ApiKey.class ? "api_key" : type == Credential.Bearer.class ? "bearer" : "basic";
    }
}
