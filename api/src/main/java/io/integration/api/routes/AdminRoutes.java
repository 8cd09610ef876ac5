package io.integration.api.routes;

import static io.integration.registry.service.ApiTokens.Scope.ADMIN;
import static io.integration.registry.service.ApiTokens.Scope.READ;
import static io.integration.registry.service.ApiTokens.Scope.WRITE;

import com.fasterxml.jackson.databind.JsonNode;
import io.integration.api.http.Call;
import io.integration.api.http.Json;
import io.integration.api.http.Reply;
import io.integration.api.http.Route;
import io.integration.registry.credentials.Credential;
import io.integration.registry.service.ApiTokens;
import io.integration.registry.service.Applied;
import io.integration.registry.service.AuditLog;
import io.integration.registry.service.CredentialService;
import io.integration.registry.service.KeyRotation;
import io.integration.registry.service.ManagementException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Credentials (write-only), API tokens and the audit log. */
public final class AdminRoutes {

    private final CredentialService credentials;
    private final ApiTokens tokens;
    private final AuditLog audit;
    private final KeyRotation keys;

    public AdminRoutes(CredentialService credentials, ApiTokens tokens, AuditLog audit, KeyRotation keys) {
        this.keys = keys;
        this.credentials = credentials;
        this.tokens = tokens;
        this.audit = audit;
    }

    public List<Route> routes() {
        return List.of(
                Route.get("/credentials/{id}", READ, "credentials.show",
                        "A credential's type, hosts and hasSecret; for oauth2 whether it is connected, the token's expiry and scopes; never a secret",
                        call -> credentials.describe(call.path("id"))),
                Route.put("/credentials/{id}", WRITE, "credentials.put",
                        "Create or replace a credential (api_key, bearer, basic, oauth2, oauth2_client_credentials); write-only: the answer never holds a secret",
                        "JSON {type, key | token | username + password}", this::putCredential),
                Route.get("/tokens", ADMIN, "tokens.list", "Every API token (never its value)", call -> call.page(tokens.list())),
                Route.post("/tokens", ADMIN, "tokens.create", "Create a token; its value is in this answer and nowhere else",
                        "JSON {name, scope: read | write | admin}", this::createToken),
                Route.delete("/tokens/{id}", ADMIN, "tokens.revoke", "Revoke a token", call -> tokens.revoke(call.path("id"))),
                Route.get("/audit", ADMIN, "audit.list", "Management actions, newest first; paged by offset, limit",
                        call -> audit.list(call.intQuery("offset", 0), call.intQuery("limit", 50))),
                Route.get("/keys", ADMIN, "keys.list",
                        "The keys that seal credentials: ids, primary, how many credentials each seals, the last rewrap's progress",
                        call -> keys.status()),
                Route.post("/keys", ADMIN, "keys.add", "Add a key (enabled, not primary)", null,
                        call -> Reply.created(Map.of("keyId", keys.addKey()))),
                Route.post("/keys/{id}/promote", ADMIN, "keys.promote", "Seal new secrets with this key", null, call -> {
                    keys.promote(keyId(call));
                    return keys.status();
                }),
                Route.post("/keys/rewrap", ADMIN, "keys.rewrap",
                        "Seal every credential again under the primary, in the background; GET /keys shows the progress", null,
                        call -> Reply.status(202, keys.startRewrap())),
                Route.delete("/keys/{id}", ADMIN, "keys.retire", "Retire a key; refused while it is primary or seals any credential",
                        call -> {
                            keys.retire(keyId(call));
                            return keys.status();
                        }));
    }

    private static int keyId(Call call) {
        try {
            return Integer.parseInt(call.path("id"));
        } catch (NumberFormatException e) {
            throw ManagementException.invalid("id", "'" + call.path("id") + "' (expected: a key id, an integer from GET /keys)");
        }
    }

    @SuppressWarnings("unchecked")
    private Object putCredential(Call call) throws java.io.IOException {
        JsonNode body = call.json();
        Credential credential = CredentialService.fromFields(call.path("id"), Json.MAPPER.convertValue(body, Map.class));
        Applied applied = credentials.put(credential);
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", credential.id());
        view.put("type", body.path("type").asText());
        view.put("outcome", applied);
        return applied == Applied.CREATED ? Reply.created(view) : view;
    }

    private Object createToken(Call call) throws java.io.IOException {
        JsonNode body = call.json();
        if (!body.path("scope").isTextual()) {
            throw ManagementException.invalid("$.scope", "missing (expected: read, write or admin)");
        }
        ApiTokens.Created created = tokens.create(body.path("name").asText(null), ApiTokens.Scope.parse(body.path("scope").asText()));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", created.token().id());
        view.put("name", created.token().name());
        view.put("scope", created.token().scope());
        view.put("token", created.value().reveal());
        view.put("note", "shown once: only its SHA-256 is stored");
        return Reply.created(view);
    }
}
