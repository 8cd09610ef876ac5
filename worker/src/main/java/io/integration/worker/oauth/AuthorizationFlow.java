package io.integration.worker.oauth;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.lt;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import io.integration.registry.AuthSpec;
import io.integration.registry.IntegrationDefinition;
import io.integration.registry.IntegrationInstance;
import io.integration.registry.IntegrationInstance.InstanceStatus;
import io.integration.registry.InstanceRepository;
import io.integration.registry.OAuth2Settings;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.MongoCredentialRepository;
import io.integration.registry.credentials.OAuthTokens;
import io.integration.registry.credentials.SecretCodec;
import io.integration.registry.secret.Secret;
import io.integration.registry.service.AccountConnections;
import io.integration.registry.service.ManagementException;
import io.integration.registry.store.MongoCalls;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OAuth2 authorization-code flow of the management API (RFC 6749 §4.1, RFC 7636, RFC 9700 practices).
 *
 * <p>{@link #start} builds the authorization URL: a one-time {@code state} of 256 random bits, stored server-side (by its
 * SHA-256, with the instance, the expected issuer and the sealed PKCE verifier) for 10 minutes, and a PKCE S256 challenge.
 * {@link #complete} (the fixed callback) deletes the state before anything else (a replayed callback finds nothing and
 * makes no token request), refuses an expired one, checks {@code iss} when the server sends it, exchanges the code
 * server-side with the exact redirect URI, stores the tokens sealed, sets the instance {@code CONNECTED} and publishes
 * {@code integration.connected}. A failure after the state was found sets {@code AUTH_ERROR} and publishes
 * {@code integration.auth.failed}. Nothing here returns or logs a code, a token or a state. Thread-safe.
 */
public final class AuthorizationFlow implements AccountConnections {

    private static final Logger log = LoggerFactory.getLogger(AuthorizationFlow.class);
    public static final String COLLECTION = "oauth_states";
    public static final Duration STATE_LIFETIME = Duration.ofMinutes(10);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MongoCollection<Document> states;
    private final SecretCodec codec;
    private final InstanceRepository instances;
    private final Function<String, IntegrationDefinition> definitionOf;
    private final MongoCredentialRepository credentials;
    private final TokenEndpoint endpoint;
    private final AuthEvents events;
    private final java.util.function.Supplier<String> redirectUri;
    private final Clock clock;

    /**
     * @param definitionOf the definition version an instance uses now (by instance id)
     * @param redirectUri the callback's public URL, registered with each provider exactly as given (read when a flow starts;
     *        the state keeps it, so the exchange sends exactly what the authorization request did)
     */
    public AuthorizationFlow(MongoDatabase db, SecretCodec codec, InstanceRepository instances, Function<String, IntegrationDefinition> definitionOf,
                             MongoCredentialRepository credentials, TokenEndpoint endpoint, AuthEvents events,
                             java.util.function.Supplier<String> redirectUri, Clock clock) {
        this.states = db.getCollection(COLLECTION);
        this.codec = codec;
        this.instances = instances;
        this.definitionOf = definitionOf;
        this.credentials = credentials;
        this.endpoint = endpoint;
        this.events = events;
        this.redirectUri = redirectUri;
        this.clock = clock;
        // Expired states are also refused when read and swept on every start: the embedded server does not expire documents.
        MongoCalls.run("index oauth states", () -> states.createIndex(Indexes.ascending("expiresAt"),
                new IndexOptions().expireAfter(0L, TimeUnit.SECONDS)));
    }

    /** Starts connecting instance {@code instanceId}: a fresh state and PKCE pair, and the URL to open. */
    @Override
    public Started start(String instanceId) {
        IntegrationInstance instance = instances.find(instanceId)
                .orElseThrow(() -> ManagementException.notFound("instance '" + instanceId + "' not found"));
        if (instance.status() == InstanceStatus.DISABLED) {
            throw ManagementException.conflict("INSTANCE_DISABLED", "instance '" + instanceId + "' is DISABLED (enable it first)", Map.of());
        }
        IntegrationDefinition definition = definitionOf.apply(instanceId);
        if (definition.auth().type() != AuthSpec.Type.OAUTH2) {
            throw ManagementException.conflict("NOT_OAUTH2", "definition " + definition.key() + " authenticates with "
                    + definition.auth().type().name().toLowerCase() + " (expected: oauth2 for an authorization flow)", Map.of());
        }
        Credential.OAuth2 credential = oauthCredential(instance);
        OAuth2Settings settings = OAuth2Settings.of(definition.auth());
        Endpoints endpoints;
        try {
            endpoints = endpoint.endpoints(settings, credential.hosts());
        } catch (TokenException e) {
            throw ManagementException.upstream("AUTHORIZATION_SERVER_UNAVAILABLE", e.getMessage());
        }
        if (endpoints.authorization() == null) {
            throw ManagementException.conflict("NO_AUTHORIZATION_ENDPOINT", "definition " + definition.key()
                    + " has no authorizationUrl and its issuer's metadata names no authorization_endpoint", Map.of());
        }
        String state = random(32);
        Secret verifier = Secret.of(random(32));
        String stateHash = sha256Hex(state);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(STATE_LIFETIME);
        MongoCalls.run("sweep oauth states", () -> states.deleteMany(lt("expiresAt", Date.from(now))));
        String redirect = redirectUri.get();
        Document doc = new Document("_id", stateHash).append("instanceId", instanceId).append("credentialId", credential.id())
                .append("issuer", endpoints.issuer()).append("issRequired", endpoints.issRequired()).append("redirectUri", redirect)
                .append("verifier", settings.pkce() ? codec.seal("oauth_state/" + stateHash, "verifier", verifier) : null)
                .append("createdAt", Date.from(now)).append("expiresAt", Date.from(expiresAt));
        MongoCalls.run("store oauth state", () -> states.insertOne(doc));
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", credential.clientId());
        query.put("redirect_uri", redirect);
        if (settings.scopeParameter() != null) {
            query.put("scope", settings.scopeParameter());
        }
        query.put("state", state);
        if (settings.pkce()) {
            query.put("code_challenge", challenge(verifier));
            query.put("code_challenge_method", "S256");
        }
        settings.extraAuthorizeParams().forEach(query::putIfAbsent);
        String base = endpoints.authorization().toString();
        String url = base + (base.contains("?") ? "&" : "?") + query.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue())).collect(Collectors.joining("&"));
        log.info("OAuth flow started for instance {} (state expires at {})", instanceId, expiresAt);
        return new Started(url, expiresAt, redirect);
    }

    /**
     * Completes a flow from the callback's query parameters ({@code state}, {@code code}, {@code iss}, or {@code error}).
     * Never throws for bad input: the outcome says what happened, in words safe to show.
     */
    @Override
    public Completed complete(Map<String, String> query) {
        String state = query.get("state");
        if (state == null || state.isEmpty() || state.length() > 512) {
            return new Completed(false, null, "INVALID_STATE", "the callback has no usable state; start the connection again");
        }
        // Deleted before anything else: whatever happens next, this state cannot be used a second time.
        Document doc = MongoCalls.call("take oauth state", () -> states.findOneAndDelete(eq("_id", sha256Hex(state))));
        if (doc == null) {
            return new Completed(false, null, "INVALID_STATE", "unknown or already used state; start the connection again");
        }
        String instanceId = doc.getString("instanceId");
        if (!clock.instant().isBefore(doc.getDate("expiresAt").toInstant())) {
            return new Completed(false, instanceId, "STATE_EXPIRED", "the connection link expired (after " + STATE_LIFETIME.toMinutes()
                    + " minutes); start the connection again");
        }
        String issuer = doc.getString("issuer");
        String iss = query.get("iss");
        if (iss == null && Boolean.TRUE.equals(doc.getBoolean("issRequired"))) {
            // RFC 9207 §2.4: a server that says it sends iss and a response without it is a mix-up attempt.
            return failed(instanceId, doc.getString("credentialId"), "ISSUER_MISSING",
                    "the authorization server sends iss (RFC 9207) and this callback has none");
        }
        if (issuer != null && iss != null && !issuer.equals(iss)) {
            return failed(instanceId, doc.getString("credentialId"), "ISSUER_MISMATCH",
                    "the callback came from issuer '" + safe(iss) + "' (expected: '" + issuer + "')");
        }
        if (query.get("error") != null) {
            return failed(instanceId, doc.getString("credentialId"), "AUTHORIZATION_DENIED",
                    "the authorization server answered error '" + safe(query.get("error")) + "'");
        }
        String code = query.get("code");
        if (code == null || code.isEmpty()) {
            return failed(instanceId, doc.getString("credentialId"), "NO_CODE", "the callback has no code");
        }
        try {
            return exchange(doc, instanceId, code);
        } catch (TokenException e) {
            return failed(instanceId, doc.getString("credentialId"), "TOKEN_EXCHANGE_FAILED", e.getMessage());
        } catch (ManagementException e) {
            return failed(instanceId, doc.getString("credentialId"), e.code(), e.getMessage());
        }
    }

    private Completed exchange(Document state, String instanceId, String code) {
        IntegrationInstance instance = instances.find(instanceId)
                .orElseThrow(() -> ManagementException.notFound("instance '" + instanceId + "' no longer exists"));
        Credential.OAuth2 credential = oauthCredential(instance);
        if (!credential.id().equals(state.getString("credentialId"))) {
            throw ManagementException.conflict("CREDENTIAL_CHANGED", "instance '" + instanceId + "' was bound to another credential"
                    + " during the flow; start the connection again", Map.of());
        }
        IntegrationDefinition definition = definitionOf.apply(instanceId);
        OAuth2Settings settings = OAuth2Settings.of(definition.auth());
        Endpoints endpoints = endpoint.endpoints(settings, credential.hosts());
        String sealed = state.getString("verifier");
        Secret verifier = sealed == null ? null : codec.open("oauth_state/" + state.getString("_id"), "verifier", sealed);
        OAuthTokens tokens = endpoint.exchangeCode(endpoints, new TokenEndpoint.Client(credential.clientId(), credential.clientSecret(),
                settings.clientAuth(), credential.hosts()), code, state.getString("redirectUri"), verifier);
        store(credential, tokens);
        for (IntegrationInstance user : users(credential.id())) {
            if (user.status() != InstanceStatus.DISABLED && user.status() != InstanceStatus.CONNECTED) {
                instances.compareAndSetStatus(user.id(), user.status(), InstanceStatus.CONNECTED);
            }
        }
        log.info("Instance {} connected (credential '{}', scopes {})", instanceId, credential.id(), tokens.scopes());
        events.publish(AuthEvents.CONNECTED, instanceId, Map.of("credentialId", credential.id(), "scopes", String.join(" ", tokens.scopes())));
        return new Completed(true, instanceId, null, "instance '" + instanceId + "' is connected");
    }

    /** Stores the new tokens by compare-and-set on the credential's version, reading it again if a refresh moved it. */
    private void store(Credential.OAuth2 credential, OAuthTokens tokens) {
        Credential.OAuth2 current = credential;
        for (int tries = 0; tries < 5; tries++) {
            if (credentials.storeTokens(current.id(), current.version(), null, tokens)) {
                return;
            }
            current = credentials.find(current.id()).filter(Credential.OAuth2.class::isInstance).map(Credential.OAuth2.class::cast)
                    .orElseThrow(() -> ManagementException.conflict("CREDENTIAL_CHANGED", "credential '" + credential.id()
                            + "' was removed or replaced during the flow", Map.of()));
        }
        throw ManagementException.conflict("CREDENTIAL_BUSY", "credential '" + credential.id() + "' kept changing; try again", Map.of());
    }

    /**
     * A flow that failed after its state was found: an instance not connected yet becomes {@code AUTH_ERROR}; one that
     * is connected (a re-consent the user declined) or needs re-authorization keeps its status and its working tokens.
     * The event is published either way.
     */
    private Completed failed(String instanceId, String credentialId, String error, String message) {
        instances.find(instanceId).ifPresent(instance -> {
            if (instance.status() == InstanceStatus.PENDING_AUTH) {
                instances.compareAndSetStatus(instanceId, InstanceStatus.PENDING_AUTH, InstanceStatus.AUTH_ERROR);
            }
            if (instance.status() != InstanceStatus.DISABLED) {
                events.publish(AuthEvents.AUTH_FAILED, instanceId, Map.of("credentialId", String.valueOf(credentialId), "reason", error));
            }
        });
        log.warn("OAuth flow for instance {} failed: {} ({})", instanceId, error, message);
        return new Completed(false, instanceId, error, message);
    }

    private java.util.List<IntegrationInstance> users(String credentialId) {
        return instances.all().stream().filter(i -> credentialId.equals(i.credentialId() != null ? i.credentialId() : i.id())).toList();
    }

    private Credential.OAuth2 oauthCredential(IntegrationInstance instance) {
        String credentialId = instance.credentialId() != null ? instance.credentialId() : instance.id();
        Credential credential = credentials.find(credentialId).orElseThrow(() -> ManagementException.conflict("NO_CREDENTIAL",
                "instance '" + instance.id() + "' has no credential '" + credentialId + "' (store the OAuth client first: PUT /credentials/"
                        + credentialId + " with type oauth2, clientId, clientSecret, hosts)", Map.of()));
        if (!(credential instanceof Credential.OAuth2 oauth)) {
            throw ManagementException.conflict("NOT_OAUTH2", "credential '" + credentialId + "' is " + Credential.typeName(credential)
                    + " (expected: oauth2, holding the OAuth client id and secret)", Map.of());
        }
        return oauth;
    }

    private static String challenge(Secret verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.reveal().getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Hex(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A value from the callback URL shown back only when it looks like an identifier or URL (never free text). */
    private static String safe(String value) {
        return value.matches("^[A-Za-z0-9_.:/-]{1,200}$") ? value : "(unreadable)";
    }

    /** The callback path every provider is registered with. */
    public static String callbackPath() {
        return CALLBACK_PATH;
    }
}
