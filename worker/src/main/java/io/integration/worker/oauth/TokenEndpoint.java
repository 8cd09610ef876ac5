package io.integration.worker.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.integration.registry.OAuth2Settings;
import io.integration.registry.credentials.OAuthTokens;
import io.integration.registry.secret.Secret;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.adapter.OutboundPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Talks to authorization servers (RFC 6749, RFC 7636, RFC 8414): discovers endpoints from an issuer's metadata, exchanges
 * an authorization code, refreshes, fetches client-credentials tokens. Requests go only to hosts the credential is pinned
 * to, through the outbound policy (no private addresses unless allowed), never follow redirects, and are bounded by a
 * timeout; answers are read up to 64 KiB. Nothing here logs or repeats a token, a code or a secret. Thread-safe.
 */
public final class TokenEndpoint {

    private static final ObjectMapper JSON = io.integration.registry.JsonMappers.create();
    private static final int MAX_ANSWER_BYTES = 64 * 1024;
    private static final Pattern ERROR_CODE = Pattern.compile("^[A-Za-z0-9_.-]{1,64}$");
    /** Provider spellings of {@code invalid_grant} for a refresh token (GitHub, Slack). */
    private static final Set<String> REFUSED_GRANT = Set.of("invalid_grant", "bad_refresh_token", "invalid_refresh_token",
            "bad_verification_code", "invalid_code");

    private final HttpClient http;
    private final OutboundPolicy outbound;
    private final Duration timeout;
    private final Clock clock;
    private final Map<String, Endpoints> discovered = new ConcurrentHashMap<>();

    public TokenEndpoint(OutboundPolicy outbound, Duration timeout, Clock clock) {
        this.outbound = outbound;
        this.timeout = timeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY).build();
    }

    /** Who the client is: id, secret (null for a public client) and how it authenticates. */
    public record Client(String id, Secret secret, OAuth2Settings.ClientAuth auth, Set<String> hosts) {
    }

    /**
     * The endpoints of {@code settings}: those it lists, the rest from the issuer's metadata (RFC 8414
     * {@code /.well-known/oauth-authorization-server}, then OpenID {@code /.well-known/openid-configuration}), whose
     * {@code issuer} must equal the definition's. Metadata is cached per issuer for the life of the process.
     */
    public Endpoints endpoints(OAuth2Settings settings, Set<String> hosts) {
        if (settings.tokenUrl() != null && (settings.authorizationUrl() != null || settings.issuer() == null)) {
            return new Endpoints(settings.authorizationUrl() == null ? null : URI.create(settings.authorizationUrl()),
                    URI.create(settings.tokenUrl()), settings.issuer(), false);
        }
        Endpoints metadata = discovered.computeIfAbsent(settings.issuer(), issuer -> discover(issuer, hosts));
        return new Endpoints(settings.authorizationUrl() != null ? URI.create(settings.authorizationUrl()) : metadata.authorization(),
                settings.tokenUrl() != null ? URI.create(settings.tokenUrl()) : metadata.token(), settings.issuer(), metadata.issRequired());
    }

    private Endpoints discover(String issuer, Set<String> hosts) {
        URI base = URI.create(issuer);
        String path = base.getPath() == null || base.getPath().equals("/") ? "" : base.getPath();
        List<URI> candidates = List.of(base.resolve("/.well-known/oauth-authorization-server" + path),
                URI.create(issuer.replaceAll("/+$", "") + "/.well-known/openid-configuration"));
        TokenException last = null;
        for (URI candidate : candidates) {
            try {
                JsonNode meta = get(candidate, hosts);
                if (!issuer.equals(meta.path("issuer").asText(null))) {
                    throw new TokenException(TokenException.Kind.REJECTED, "metadata at " + candidate + " names issuer '"
                            + meta.path("issuer").asText("") + "' (expected: '" + issuer + "', RFC 8414 §3.3)");
                }
                String token = meta.path("token_endpoint").asText(null);
                if (token == null) {
                    throw new TokenException(TokenException.Kind.REJECTED, "metadata at " + candidate + " has no token_endpoint");
                }
                String authorization = meta.path("authorization_endpoint").asText(null);
                return new Endpoints(authorization == null ? null : URI.create(authorization), URI.create(token), issuer,
                        meta.path("authorization_response_iss_parameter_supported").asBoolean(false));
            } catch (TokenException e) {
                last = e;
            }
        }
        throw last;
    }

    /** Exchanges an authorization code (with its PKCE verifier, when one was sent) for tokens. */
    public OAuthTokens exchangeCode(Endpoints endpoints, Client client, String code, String redirectUri, Secret verifier) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        if (verifier != null) {
            form.put("code_verifier", verifier.reveal());
        }
        return tokens(endpoints.token(), client, form, "authorization code", List.of());
    }

    /** Uses {@code refreshToken}; the answer may or may not carry a new refresh token. */
    public OAuthTokens refresh(Endpoints endpoints, Client client, Secret refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken.reveal());
        return tokens(endpoints.token(), client, form, "refresh", List.of());
    }

    /** A client-credentials token for {@code scopes}. */
    public OAuthTokens clientCredentials(Endpoints endpoints, Client client, OAuth2Settings settings) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        if (settings.scopeParameter() != null) {
            form.put("scope", settings.scopeParameter());
        }
        return tokens(endpoints.token(), client, form, "client credentials", settings.scopes());
    }

    private OAuthTokens tokens(URI endpoint, Client client, Map<String, String> form, String grant, List<String> askedScopes) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Accept", "application/json")
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (client.secret() != null && client.auth() == OAuth2Settings.ClientAuth.CLIENT_SECRET_BASIC) {
            // RFC 6749 §2.3.1: id and secret are form-encoded before they are joined.
            String pair = encode(client.id()) + ":" + encode(client.secret().reveal());
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
        } else {
            form.put("client_id", client.id());
            if (client.secret() != null) {
                form.put("client_secret", client.secret().reveal());
            }
        }
        String body = form.entrySet().stream().map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        Instant sentAt = clock.instant();
        Answer answer = send(request.POST(HttpRequest.BodyPublishers.ofString(body)).build(), client.hosts(), grant);
        JsonNode json = answer.json();
        String error = json == null ? null : json.path("error").asText(null);
        if (answer.status() / 100 != 2 || error != null || json == null) {
            throw refused(endpoint, grant, answer.status(), error);
        }
        String access = json.path("access_token").asText(null);
        String type = json.path("token_type").asText("bearer");
        if (access == null || access.isEmpty()) {
            throw new TokenException(TokenException.Kind.UNAVAILABLE, grant + " at " + endpoint.getHost() + " answered "
                    + answer.status() + " without an access_token");
        }
        if (!type.equalsIgnoreCase("bearer")) {
            throw new TokenException(TokenException.Kind.REJECTED, grant + " at " + endpoint.getHost() + " issued a '"
                    + safe(type) + "' token (expected: bearer)");
        }
        // The expiry counts from when the request was sent: a slow answer makes the token expire earlier, never later.
        JsonNode expires = json.path("expires_in");
        Instant expiresAt = expires.isNumber() || expires.isTextual() && expires.asText().matches("\\d{1,9}")
                ? sentAt.plusSeconds(expires.asLong()) : null;
        String refresh = json.path("refresh_token").asText(null);
        String scope = json.path("scope").asText(null);
        List<String> scopes = scope == null ? askedScopes : Arrays.stream(scope.split("[ ,]+")).filter(s -> !s.isEmpty()).toList();
        return new OAuthTokens(Secret.of(access), refresh == null || refresh.isEmpty() ? null : Secret.of(refresh), expiresAt, scopes, sentAt);
    }

    private static TokenException refused(URI endpoint, String grant, int status, String error) {
        String code = safe(error);
        String message = grant + " refused by " + endpoint.getHost() + ": HTTP " + status + (code == null ? "" : ", error " + code);
        if (status >= 500 || status == 429 || status == 408) {
            return new TokenException(TokenException.Kind.UNAVAILABLE, message);
        }
        return new TokenException(error != null && REFUSED_GRANT.contains(error) ? TokenException.Kind.INVALID_GRANT
                : TokenException.Kind.REJECTED, message);
    }

    /** An OAuth error code or token type as the server spelled it, when it looks like one; never free text. */
    private static String safe(String value) {
        return value != null && ERROR_CODE.matcher(value).matches() ? value : value == null ? null : "(unreadable)";
    }

    private JsonNode get(URI uri, Set<String> hosts) {
        Answer answer = send(HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET().build(),
                hosts, "metadata");
        if (answer.status() != 200 || answer.json() == null) {
            throw new TokenException(answer.status() >= 500 ? TokenException.Kind.UNAVAILABLE : TokenException.Kind.REJECTED,
                    "metadata at " + uri + ": HTTP " + answer.status() + (answer.json() == null ? ", not JSON" : ""));
        }
        return answer.json();
    }

    private record Answer(int status, JsonNode json) {
    }

    private Answer send(HttpRequest request, Set<String> hosts, String what) {
        OutboundPolicy.Hold hold;
        try {
            hold = outbound.check(request.uri(), hosts);
        } catch (AdapterException.DestinationNotAllowed e) {
            throw new TokenException(TokenException.Kind.REJECTED, what + ": " + e.getMessage()
                    + " (a credential goes only to the hosts it is pinned to)");
        } catch (AdapterException.Unreachable e) {
            throw new TokenException(TokenException.Kind.UNAVAILABLE, what + ": " + e.getMessage());
        }
        try (hold) {
            // The request timeout covers the wait for the headers only: the whole answer, body included, is bounded here.
            long deadline = System.nanoTime() + timeout.toNanos();
            java.util.concurrent.CompletableFuture<HttpResponse<InputStream>> pending = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
            HttpResponse<InputStream> response;
            try {
                response = pending.get(timeout.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                pending.cancel(true);
                throw new java.net.http.HttpTimeoutException("no answer");
            } catch (java.util.concurrent.ExecutionException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
            byte[] bytes = readBounded(response.body(), deadline);
            if (bytes.length > MAX_ANSWER_BYTES) {
                throw new TokenException(TokenException.Kind.UNAVAILABLE, what + " at " + request.uri().getHost()
                        + ": answer larger than " + MAX_ANSWER_BYTES + " bytes");
            }
            JsonNode json = null;
            try {
                json = bytes.length == 0 ? null : JSON.readTree(bytes);
                json = json != null && json.isObject() ? json : null;
            } catch (IOException unreadable) {
                // a form-encoded or HTML answer: reported by status
            }
            return new Answer(response.statusCode(), json);
        } catch (java.net.http.HttpTimeoutException e) {
            throw new TokenException(TokenException.Kind.UNAVAILABLE, what + " at " + request.uri().getHost() + ": no answer within " + timeout);
        } catch (IOException e) {
            throw new TokenException(TokenException.Kind.UNAVAILABLE, what + " at " + request.uri().getHost() + ": " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException(TokenException.Kind.UNAVAILABLE, what + " at " + request.uri().getHost() + ": interrupted");
        }
    }

    /** At most {@link #MAX_ANSWER_BYTES} + 1 bytes of {@code in}, before {@code deadlineNanos}; the stream is closed either way. */
    private static byte[] readBounded(InputStream in, long deadlineNanos) throws IOException, InterruptedException {
        java.util.concurrent.CompletableFuture<byte[]> read = new java.util.concurrent.CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (in) {
                read.complete(in.readNBytes(MAX_ANSWER_BYTES + 1));
            } catch (IOException | RuntimeException e) {
                read.completeExceptionally(e);
            }
        });
        try {
            return read.get(Math.max(0, deadlineNanos - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            in.close(); // ends the blocked read
            reader.interrupt();
            throw new java.net.http.HttpTimeoutException("answer not complete in time");
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /** The whole time a token request may take: a refresh lease must outlast it. */
    public Duration timeout() {
        return timeout;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
