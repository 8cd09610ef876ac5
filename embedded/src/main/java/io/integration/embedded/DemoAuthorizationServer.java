package io.integration.embedded;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small, strict OAuth2 authorization server with a protected API behind it, for tests and the embedded stack. It
 * enforces what a careful real provider does: registered client and exact redirect URI, PKCE S256 (verifier checked at
 * the exchange), single-use codes (a second use revokes what the code issued), client authentication (Basic or form), and
 * refresh-token rotation where presenting a refresh token that was already used <b>revokes the whole token family</b>
 * (RFC 9700 §4.14.2). The authorization step approves at once and redirects with {@code code}, {@code state} and
 * {@code iss} (RFC 9207), so a flow runs without a browser. Metadata is served at
 * {@code /.well-known/oauth-authorization-server}.
 *
 * <p>The API under {@code /api/} answers 200 with {@code {"ok":true}} to a valid, unexpired, unrevoked access token and 401
 * otherwise. Counters tell what happened. Thread-safe.
 */
public final class DemoAuthorizationServer extends LoopbackHttpServer {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final String clientId;
    private final String clientSecret;
    private final Set<String> redirectUris;
    private volatile long accessTokenSeconds;
    private final Map<String, Code> codes = new ConcurrentHashMap<>();
    /** Codes already exchanged, with the token family each issued: a second use revokes that family (RFC 6749 §4.1.2). */
    private final Map<String, String> usedCodes = new ConcurrentHashMap<>();
    private final Set<String> issuedCodes = ConcurrentHashMap.newKeySet();
    private final Map<String, Access> accessTokens = new ConcurrentHashMap<>();
    private final Map<String, Refresh> refreshTokens = new ConcurrentHashMap<>();
    private final Set<String> revokedFamilies = ConcurrentHashMap.newKeySet();
    private final AtomicLong tokenCalls = new AtomicLong();
    private final AtomicLong refreshes = new AtomicLong();
    private final AtomicLong reuseRevocations = new AtomicLong();
    private final AtomicLong apiCalls = new AtomicLong();
    private final AtomicLong apiRefusals = new AtomicLong();
    private final AtomicLong clientGrants = new AtomicLong();

    private record Code(String redirectUri, String challenge, String scope, long expiresAtMs) {
    }

    private record Access(String family, long expiresAtMs) {
    }

    private static final class Refresh {
        final String family;
        volatile boolean used;

        Refresh(String family) {
            this.family = family;
        }
    }

    private DemoAuthorizationServer(int port, String clientId, String clientSecret, Set<String> redirectUris, long accessTokenSeconds) {
        super(port);
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.redirectUris = Set.copyOf(redirectUris);
        this.accessTokenSeconds = accessTokenSeconds;
    }

    /** A server for one client, accepting exactly {@code redirectUris}, issuing access tokens valid {@code accessTokenSeconds}. */
    public static DemoAuthorizationServer start(String clientId, String clientSecret, Set<String> redirectUris, long accessTokenSeconds) {
        return new DemoAuthorizationServer(0, clientId, clientSecret, redirectUris, accessTokenSeconds);
    }

    /** The issuer identifier: the server's URL. */
    public String issuer() {
        return url();
    }

    public void accessTokenSeconds(long seconds) {
        this.accessTokenSeconds = seconds;
    }

    /** Calls of the token endpoint, all grants, refused ones included. */
    public long tokenCalls() {
        return tokenCalls.get();
    }

    /** Successful refresh-token grants. */
    public long refreshes() {
        return refreshes.get();
    }

    /** Token families revoked because a used refresh token was presented again. */
    public long reuseRevocations() {
        return reuseRevocations.get();
    }

    public long apiCalls() {
        return apiCalls.get();
    }

    /** API calls answered 401. */
    public long apiRefusals() {
        return apiRefusals.get();
    }

    /** Makes every access token issued so far expired (the API answers 401 to them); refresh tokens stay valid. */
    public void expireAccessTokens() {
        accessTokens.replaceAll((token, access) -> new Access(access.family(), 0));
    }

    /** Every access token, refresh token and authorization code issued so far, to look for leaks. */
    public Set<String> issuedTokens() {
        Set<String> all = new java.util.HashSet<>(accessTokens.keySet());
        all.addAll(refreshTokens.keySet());
        all.addAll(issuedCodes);
        return all;
    }

    /** Calls of the token endpoint with {@code grant_type=client_credentials}. */
    public long clientCredentialGrants() {
        return clientGrants.get();
    }

    /** Revokes every token issued so far (as a user revoking the app would). */
    public void revokeAll() {
        accessTokens.values().forEach(a -> revokedFamilies.add(a.family()));
        refreshTokens.values().forEach(r -> revokedFamilies.add(r.family));
    }

    @Override
    protected void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (path.equals("/.well-known/oauth-authorization-server")) {
            respond(exchange, 200, "{\"issuer\":\"" + issuer() + "\",\"authorization_endpoint\":\"" + url() + "/authorize\","
                    + "\"token_endpoint\":\"" + url() + "/token\",\"code_challenge_methods_supported\":[\"S256\"],"
                    + "\"authorization_response_iss_parameter_supported\":true}");
        } else if (path.equals("/authorize")) {
            authorize(exchange);
        } else if (path.equals("/token") && exchange.getRequestMethod().equals("POST")) {
            token(exchange);
        } else if (path.startsWith("/api/")) {
            api(exchange);
        } else {
            respond(exchange, 404, "{\"error\":\"not_found\"}");
        }
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> q = form(exchange.getRequestURI().getRawQuery());
        String redirect = q.get("redirect_uri");
        if (!clientId.equals(q.get("client_id")) || redirect == null || !redirectUris.contains(redirect)) {
            // Never redirect to an unregistered URI (RFC 6749 §4.1.2.1): answer the browser directly.
            respond(exchange, 400, "{\"error\":\"invalid_request\",\"error_description\":\"unknown client or redirect_uri\"}");
            return;
        }
        String location;
        if (!"code".equals(q.get("response_type")) || !"S256".equals(q.get("code_challenge_method")) || q.get("code_challenge") == null
                || q.get("state") == null) {
            location = redirect + "?error=invalid_request&state=" + enc(q.getOrDefault("state", "")) + "&iss=" + enc(issuer());
        } else {
            String code = random();
            codes.put(code, new Code(redirect, q.get("code_challenge"), q.getOrDefault("scope", ""), System.currentTimeMillis() + 60_000));
            issuedCodes.add(code);
            location = redirect + "?code=" + enc(code) + "&state=" + enc(q.get("state")) + "&iss=" + enc(issuer());
        }
        exchange.getResponseHeaders().set("Location", location);
        exchange.sendResponseHeaders(302, -1);
    }

    private void token(HttpExchange exchange) throws IOException {
        tokenCalls.incrementAndGet();
        Map<String, String> f = form(body(exchange));
        if (!clientAuthenticated(exchange, f)) {
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic");
            respond(exchange, 401, "{\"error\":\"invalid_client\"}");
            return;
        }
        switch (f.getOrDefault("grant_type", "")) {
            case "authorization_code" -> {
                String presented = f.getOrDefault("code", "");
                Code code = codes.remove(presented);
                String reused = usedCodes.get(presented);
                if (reused != null) {
                    revokedFamilies.add(reused); // a code used twice: what it issued is revoked
                }
                if (code == null || code.expiresAtMs() < System.currentTimeMillis() || !code.redirectUri().equals(f.get("redirect_uri"))
                        || f.get("code_verifier") == null || !code.challenge().equals(s256(f.get("code_verifier")))) {
                    respond(exchange, 400, "{\"error\":\"invalid_grant\"}");
                    return;
                }
                String family = random();
                usedCodes.put(presented, family);
                respond(exchange, 200, issue(family, code.scope(), true));
            }
            case "refresh_token" -> {
                Refresh refresh = refreshTokens.get(f.getOrDefault("refresh_token", ""));
                if (refresh == null || revokedFamilies.contains(refresh.family)) {
                    respond(exchange, 400, "{\"error\":\"invalid_grant\"}");
                    return;
                }
                synchronized (refresh) {
                    if (refresh.used) {
                        // Reuse of a rotated refresh token: someone has a copy. Revoke the whole family.
                        revokedFamilies.add(refresh.family);
                        reuseRevocations.incrementAndGet();
                        respond(exchange, 400, "{\"error\":\"invalid_grant\",\"error_description\":\"refresh token reused\"}");
                        return;
                    }
                    refresh.used = true;
                }
                refreshes.incrementAndGet();
                respond(exchange, 200, issue(refresh.family, "", true));
            }
            case "client_credentials" -> {
                clientGrants.incrementAndGet();
                respond(exchange, 200, issue(random(), f.getOrDefault("scope", ""), false));
            }
            default -> respond(exchange, 400, "{\"error\":\"unsupported_grant_type\"}");
        }
    }

    private String issue(String family, String scope, boolean withRefresh) {
        String access = random();
        accessTokens.put(access, new Access(family, System.currentTimeMillis() + accessTokenSeconds * 1000));
        StringBuilder json = new StringBuilder("{\"access_token\":\"" + access + "\",\"token_type\":\"Bearer\",\"expires_in\":"
                + accessTokenSeconds);
        if (withRefresh) {
            String refresh = random();
            refreshTokens.put(refresh, new Refresh(family));
            json.append(",\"refresh_token\":\"").append(refresh).append('"');
        }
        if (!scope.isEmpty()) {
            json.append(",\"scope\":\"").append(scope.replace("\"", "")).append('"');
        }
        return json.append('}').toString();
    }

    private boolean clientAuthenticated(HttpExchange exchange, Map<String, String> form) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header != null && header.startsWith("Basic ")) {
            String pair = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            int colon = pair.indexOf(':');
            return colon > 0 && clientId.equals(dec(pair.substring(0, colon))) && clientSecret.equals(dec(pair.substring(colon + 1)));
        }
        return clientId.equals(form.get("client_id")) && clientSecret.equals(form.get("client_secret"));
    }

    private void api(HttpExchange exchange) throws IOException {
        apiCalls.incrementAndGet();
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        Access access = header != null && header.startsWith("Bearer ") ? accessTokens.get(header.substring(7).trim()) : null;
        if (access == null || access.expiresAtMs() < System.currentTimeMillis() || revokedFamilies.contains(access.family())) {
            apiRefusals.incrementAndGet();
            exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            respond(exchange, 401, "{\"error\":\"invalid_token\"}");
            return;
        }
        respond(exchange, 200, "{\"ok\":true}");
    }

    private static Map<String, String> form(String raw) {
        Map<String, String> values = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return values;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            values.put(dec(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : dec(pair.substring(eq + 1)));
        }
        return values;
    }

    private static String s256(String verifier) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String dec(String value) {
        return URLDecoder.decode(value, StandardCharsets.UTF_8);
    }
}
