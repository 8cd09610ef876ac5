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
        boolean existed = credentials.find(credential.id()).isPresent();
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
            default -> problems.add(new Problem("$.type", (type == null ? "missing" : "'" + type + "'")
                    + " (expected: api_key, bearer or basic; OAuth2 credentials come from the OAuth flow)"));
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

    private static Secret secret(Map<String, ?> fields, String name, List<Problem> problems) {
        Object value = fields.get(name);
        if (value instanceof String s && !s.isEmpty()) {
            return Secret.of(s);
        }
        problems.add(new Problem("$." + name, value == null ? "missing (expected: a non-empty string)" : "not a string (expected: a non-empty string)"));
        return null;
    }
}
