package io.integration.registry.service;

import io.integration.registry.Problem;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.CredentialRepository;
import io.integration.registry.secret.Secret;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Stores credentials, write-only: nothing here returns a secret, and what callers get back is the id and type. The
 * secrets are sealed by the repository's codec before they reach MongoDB.
 */
public final class CredentialService {

    private static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");
    private static final Pattern HOST = Pattern.compile("^[A-Za-z0-9]([A-Za-z0-9.-]{0,252}[A-Za-z0-9])?$");

    private final CredentialRepository credentials;

    public CredentialService(CredentialRepository credentials) {
        this.credentials = credentials;
    }

    /** Creates or replaces {@code credential}. */
    public Applied put(Credential credential) {
        if (!ID.matcher(credential.id()).matches()) {
            throw ManagementException.invalid("$.id", "'" + credential.id() + "' (expected: 1-128 of letters, digits, '.', '_', '-')");
        }
        java.util.Optional<Credential> existing = credentials.find(credential.id());
        if (credential instanceof Credential.OAuth2 next && existing.isPresent() && existing.get() instanceof Credential.OAuth2 before) {
            // The same client again (e.g. a new client secret): only the client changes; tokens, version and lease stay, so a
            // refresh running meanwhile is neither lost nor undone, and the account stays connected.
            if (before.clientId().equals(next.clientId()) && credentials.updateClient(next)) {
                return Applied.UPDATED;
            }
            // Another client: a new token history, at a version above the old one (a refresh still holding it cannot write).
            credential = new Credential.OAuth2(next.id(), next.clientId(), next.clientSecret(), null, next.hosts(), before.version(), false);
        }
        boolean existed = existing.isPresent();
        credentials.save(credential);
        return existed ? Applied.UPDATED : Applied.CREATED;
    }

    /**
     * A credential from the fields of a request body: {@code type} ({@code api_key}, {@code bearer}, {@code basic}), its
     * secret fields ({@code key}; {@code token}; {@code username} and {@code password}) and {@code hosts}, the hosts it
     * may be sent to (required: a credential is pinned where it belongs). Every missing field is reported; the error
     * messages never repeat a value.
     */
    public static Credential fromFields(String id, Map<String, ?> fields) {
        List<Problem> problems = new ArrayList<>();
        Object type = fields.get("type");
        Credential credential = null;
        switch (type == null ? "" : type.toString()) {
            case "api_key" -> credential = secret(fields, "key", problems) instanceof Secret s ? new Credential.ApiKey(id, s) : null;
            case "bearer" -> credential = secret(fields, "token", problems) instanceof Secret s ? new Credential.Bearer(id, s) : null;
            case "basic" -> {
                Object user = fields.get("username");
                Secret password = secret(fields, "password", problems);
                if (!(user instanceof String u) || u.isBlank()) {
                    problems.add(new Problem("$.username", "missing (expected: a string for type basic)"));
                } else if (password != null) {
                    credential = new Credential.Basic(id, u, password);
                }
            }
            case "oauth2" -> {
                // The tokens come from the authorization flow (POST /instances/{id}/oauth/start); a public client has no secret.
                String clientId = clientId(fields, problems);
                Secret clientSecret = fields.get("clientSecret") == null ? null : secret(fields, "clientSecret", problems);
                if (clientId != null && problems.isEmpty()) {
                    credential = new Credential.OAuth2(id, clientId, clientSecret);
                }
            }
            case "oauth2_client_credentials" -> {
                String clientId = clientId(fields, problems);
                Secret clientSecret = secret(fields, "clientSecret", problems);
                if (clientId != null && clientSecret != null) {
                    credential = new Credential.ClientCredentials(id, clientId, clientSecret);
                }
            }
            default -> problems.add(new Problem("$.type", (type == null ? "missing" : "'" + type + "'")
                    + " (expected: api_key, bearer, basic, oauth2 or oauth2_client_credentials)"));
        }
        if (id == null || id.isBlank()) {
            problems.add(0, new Problem("$.id", "missing (expected: a credential id)"));
        }
        java.util.Set<String> hosts = new java.util.TreeSet<>();
        if (!(fields.get("hosts") instanceof List<?> list) || list.isEmpty()) {
            problems.add(new Problem("$.hosts", "missing (expected: the hosts this credential may be sent to, e.g. [\"api.github.com\"])"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) instanceof String h && HOST.matcher(h).matches()) {
                    hosts.add(h);
                } else {
                    problems.add(new Problem("$.hosts[" + i + "]", "not a host name (expected: e.g. api.github.com or 127.0.0.1)"));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw ManagementException.invalid("credential has " + problems.size() + " problem(s)", problems);
        }
        return credential.pinnedTo(hosts);
    }

    /**
     * What the API shows of credential {@code id}: its type, hosts and whether it holds a secret; for OAuth2 the client id,
     * whether it is connected, the access token's expiry and the granted scopes. Never a secret.
     */
    public Map<String, Object> describe(String id) {
        Credential credential = credentials.find(id).orElseThrow(() -> ManagementException.notFound("credential '" + id + "' not found"));
        Map<String, Object> view = new java.util.LinkedHashMap<>();
        view.put("id", id);
        view.put("type", Credential.typeName(credential));
        view.put("hosts", new java.util.TreeSet<>(credential.hosts()));
        switch (credential) {
            case Credential.OAuth2 o -> {
                view.put("clientId", o.clientId());
                view.put("hasSecret", o.clientSecret() != null);
                view.put("connected", o.tokens() != null && !o.needsReauth());
                view.put("needsReauth", o.needsReauth());
                view.put("hasRefreshToken", o.tokens() != null && o.tokens().refreshToken() != null);
                view.put("expiresAt", o.tokens() == null || o.tokens().expiresAt() == null ? null : o.tokens().expiresAt().toString());
                view.put("scopes", o.tokens() == null ? List.of() : o.tokens().scopes());
            }
            case Credential.ClientCredentials c -> {
                view.put("clientId", c.clientId());
                view.put("hasSecret", true);
            }
            case Credential.Basic b -> {
                view.put("username", b.username());
                view.put("hasSecret", true);
            }
            default -> view.put("hasSecret", true);
        }
        return view;
    }

    private static String clientId(Map<String, ?> fields, List<Problem> problems) {
        if (fields.get("clientId") instanceof String c && !c.isBlank()) {
            return c;
        }
        problems.add(new Problem("$.clientId", "missing (expected: the client id the provider issued)"));
        return null;
    }

    private static Secret secret(Map<String, ?> fields, String name, List<Problem> problems) {
        Object value = fields.get(name);
        if (value instanceof String s && !s.isEmpty()) {
            return Secret.of(s);
        }
        problems.add(new Problem("$." + name, value == null ? "missing (expected: a non-empty string)" : "not a string (expected: a non-empty string)"));
        return null;
    }
}
