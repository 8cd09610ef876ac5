package io.integration.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A definition's {@code auth.oauth2} block, typed.
 *
 * @param authorizationUrl where the user's browser is sent (authorization code); null when discovered from {@code issuer}
 * @param tokenUrl the token endpoint; null when discovered from {@code issuer}
 * @param issuer the authorization server's issuer identifier (RFC 8414 / OpenID Connect); when given, endpoints not
 *        listed are discovered from its metadata and a callback's {@code iss} must equal it
 * @param scopes the scopes asked for
 * @param scopeSeparator how scopes are joined in the {@code scope} parameter (space by RFC 6749; a few providers want a comma)
 * @param pkce whether the authorization request carries a PKCE S256 challenge (default true)
 * @param extraAuthorizeParams extra parameters of the authorization request (e.g. {@code access_type=offline})
 * @param clientAuth how the client authenticates at the token endpoint
 */
public record OAuth2Settings(String authorizationUrl, String tokenUrl, String issuer, List<String> scopes, String scopeSeparator,
                             boolean pkce, Map<String, String> extraAuthorizeParams, ClientAuth clientAuth) {

    /** RFC 6749 §2.3.1: HTTP Basic (which servers must support) or the client id and secret in the form body. */
    public enum ClientAuth {
        CLIENT_SECRET_BASIC, CLIENT_SECRET_POST;

        static ClientAuth parse(Object value, List<Problem> problems) {
            if (value == null) {
                return CLIENT_SECRET_BASIC;
            }
            return switch (value.toString()) {
                case "client_secret_basic" -> CLIENT_SECRET_BASIC;
                case "client_secret_post" -> CLIENT_SECRET_POST;
                default -> {
                    problems.add(new Problem("$.auth.oauth2.clientAuth", "'" + value + "' (expected: client_secret_basic or client_secret_post)"));
                    yield CLIENT_SECRET_BASIC;
                }
            };
        }
    }

    public OAuth2Settings {
        scopes = scopes == null ? List.of() : List.copyOf(scopes);
        scopeSeparator = scopeSeparator == null ? " " : scopeSeparator;
        extraAuthorizeParams = extraAuthorizeParams == null ? Map.of() : Map.copyOf(extraAuthorizeParams);
        clientAuth = clientAuth == null ? ClientAuth.CLIENT_SECRET_BASIC : clientAuth;
    }

    /** The scopes as the {@code scope} parameter, or null when none are asked for. */
    public String scopeParameter() {
        return scopes.isEmpty() ? null : String.join(scopeSeparator, scopes);
    }

    /** The hosts named by this block (token endpoint, issuer): a client secret may be sent there. */
    public Set<String> hosts() {
        Set<String> hosts = new LinkedHashSet<>();
        for (String url : new String[] {tokenUrl, issuer}) {
            if (url != null) {
                try {
                    String host = new URI(url).getHost();
                    if (host != null) {
                        hosts.add(host.toLowerCase(java.util.Locale.ROOT));
                    }
                } catch (URISyntaxException ignored) {
                    // reported by problems()
                }
            }
        }
        return hosts;
    }

    /**
     * Parses {@code block} ({@code auth.oauth2} as written) for auth type {@code type}; every problem is added to
     * {@code problems} with its path.
     */
    public static OAuth2Settings parse(AuthSpec.Type type, Map<String, Object> block, List<Problem> problems) {
        Map<String, Object> b = block == null ? Map.of() : block;
        String authorizationUrl = url(b, "authorizationUrl", problems);
        String tokenUrl = url(b, "tokenUrl", problems);
        String issuer = url(b, "issuer", problems);
        if (tokenUrl == null && issuer == null) {
            problems.add(new Problem("$.auth.oauth2.tokenUrl", "missing (expected: the token endpoint URL, or an issuer to discover it from)"));
        }
        if (type == AuthSpec.Type.OAUTH2 && authorizationUrl == null && issuer == null) {
            problems.add(new Problem("$.auth.oauth2.authorizationUrl",
                    "missing (expected: the authorization endpoint URL, or an issuer to discover it from)"));
        }
        List<String> scopes = new ArrayList<>();
        if (b.get("scopes") instanceof List<?> list) {
            list.forEach(s -> scopes.add(String.valueOf(s)));
        }
        Map<String, String> extra = new LinkedHashMap<>();
        if (b.get("extraAuthorizeParams") instanceof Map<?, ?> map) {
            map.forEach((k, v) -> extra.put(String.valueOf(k), String.valueOf(v)));
        }
        Object pkce = b.get("pkce");
        Object separator = b.get("scopeSeparator");
        return new OAuth2Settings(authorizationUrl, tokenUrl, issuer, scopes, separator == null ? null : separator.toString(),
                !(pkce instanceof Boolean p) || p, extra, ClientAuth.parse(b.get("clientAuth"), problems));
    }

    /** {@link #parse} for a definition that was already checked: a problem is an {@link IllegalArgumentException}. */
    public static OAuth2Settings of(AuthSpec auth) {
        List<Problem> problems = new ArrayList<>();
        OAuth2Settings settings = parse(auth.type(), auth.oauth2(), problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.getFirst().path() + ": " + problems.getFirst().message());
        }
        return settings;
    }

    private static String url(Map<String, Object> block, String field, List<Problem> problems) {
        Object value = block.get(field);
        if (value == null) {
            return null;
        }
        try {
            URI uri = new URI(value.toString());
            if (uri.isAbsolute() && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getUserInfo() == null && uri.getFragment() == null) {
                return value.toString();
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        problems.add(new Problem("$.auth.oauth2." + field, "'" + value + "' (expected: an absolute http or https URL without user info or fragment)"));
        return null;
    }
}
