package io.integration.worker.oauth;

import io.integration.registry.IntegrationInstance;
import io.integration.registry.IntegrationInstance.InstanceStatus;
import io.integration.registry.InstanceRepository;
import io.integration.registry.OAuth2Settings;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.MongoCredentialRepository;
import io.integration.registry.credentials.OAuthTokens;
import io.integration.registry.secret.Secret;
import io.integration.registry.store.StoreUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access tokens workers send: an OAuth2 credential's stored token while it is fresh; a refreshed one from
 * {@code margin} before it expires; a client-credentials token fetched and cached per credential.
 *
 * <p><b>One refresh per credential at a time, across every worker process.</b> Within a process, callers of one credential
 * share one refresh (single flight). Across processes, the refresher first takes a lease on the credential's MongoDB
 * record, valid only at the version it read (the fencing version); its write of the new tokens is a compare-and-set on
 * that version and on still holding the lease, and advances the version. The new tokens, with a rotated refresh token,
 * are stored before the new access token is handed out; an answer without a refresh token keeps the old one. Others
 * meanwhile keep using the current access token while it is valid, or wait for the new version.
 *
 * <p>{@code invalid_grant} marks the credential (no further refresh is tried), sets every instance using it to
 * {@code NEEDS_REAUTH} and publishes one {@code integration.auth.failed} per instance whose status this changed.
 * Thread-safe.
 */
public final class AccessTokens {

    private static final Logger log = LoggerFactory.getLogger(AccessTokens.class);
    /** The shortest refresh lease; it is at least three times the token request's timeout, so a live holder never loses it. */
    static final Duration MIN_LEASE = Duration.ofSeconds(30);
    private static final Duration WAIT_STEP = Duration.ofMillis(50);

    private final MongoCredentialRepository credentials;
    private final InstanceRepository instances;
    private final TokenEndpoint endpoint;
    private final AuthEvents events;
    private final Clock clock;
    private final Duration margin;
    private final String owner = "worker-" + UUID.randomUUID();
    private final Duration lease;
    private final Map<String, CompletableFuture<Credential.OAuth2>> refreshing = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<OAuthTokens>> fetched = new ConcurrentHashMap<>();

    /** {@code margin}: how long before expiry a token is refreshed (default 5 minutes). */
    public AccessTokens(MongoCredentialRepository credentials, InstanceRepository instances, TokenEndpoint endpoint, AuthEvents events,
                        Clock clock, Duration margin) {
        this.credentials = credentials;
        this.instances = instances;
        this.endpoint = endpoint;
        this.events = events;
        this.clock = clock;
        this.margin = margin;
        Duration three = endpoint.timeout().multipliedBy(3);
        this.lease = three.compareTo(MIN_LEASE) > 0 ? three : MIN_LEASE;
    }

    /** Why no token can be given; carries the result's error code. */
    public static final class Unusable extends RuntimeException {
        private final boolean needsReauth;
        private final boolean retryable;

        Unusable(String message, boolean needsReauth, boolean retryable) {
            super(message, null, false, false);
            this.needsReauth = needsReauth;
            this.retryable = retryable;
        }

        /** True: the account must be connected again ({@code NEEDS_REAUTH}); false: authentication failed otherwise. */
        public boolean needsReauth() {
            return needsReauth;
        }

        /** Whether trying later may succeed (the token endpoint was unavailable). */
        public boolean retryable() {
            return retryable;
        }
    }

    /**
     * The access token to send for {@code credential} on behalf of {@code instanceId}. {@code rejectedVersion}: after the
     * API answered 401 to the token of that version, a newer one is obtained (a forced refresh, unless another worker
     * already made one); -1 otherwise.
     *
     * @throws Unusable when there is no usable token
     */
    public Token bearer(Credential.OAuth2 credential, OAuth2Settings settings, String instanceId, long rejectedVersion) {
        if (credential.needsReauth()) {
            throw new Unusable("credential '" + credential.id() + "' was refused by its authorization server; connect the account again"
                    + " (POST /instances/" + instanceId + "/oauth/start)", true, false);
        }
        OAuthTokens tokens = credential.tokens();
        if (tokens == null) {
            throw new Unusable("credential '" + credential.id() + "' is not connected yet (POST /instances/" + instanceId + "/oauth/start)",
                    true, false);
        }
        boolean forced = rejectedVersion >= 0;
        if (!forced && !tokens.due(clock.instant(), margin)) {
            return new Token(tokens.accessToken(), credential.version());
        }
        if (tokens.refreshToken() == null) {
            if (!forced && !tokens.expired(clock.instant())) {
                return new Token(tokens.accessToken(), credential.version());
            }
            String why = "the access token of credential '" + credential.id() + "' " + (forced ? "was refused" : "expired")
                    + " and there is no refresh token; connect the account again";
            refused(credential, instanceId, forced ? "token_refused" : "token_expired", why);
            throw new Unusable(why, true, false);
        }
        try {
            Credential.OAuth2 fresh = refreshOnce(credential, settings, instanceId, forced ? rejectedVersion : credential.version(), forced);
            return new Token(fresh.tokens().accessToken(), fresh.version());
        } catch (TokenException e) {
            if (!forced && e.kind() == TokenException.Kind.UNAVAILABLE && !tokens.expired(clock.instant())) {
                log.warn("Refresh of credential '{}' failed; its access token is still valid, used meanwhile: {}", credential.id(), e.getMessage());
                return new Token(tokens.accessToken(), credential.version());
            }
            throw new Unusable(e.getMessage(), e.kind() == TokenException.Kind.INVALID_GRANT, e.kind() == TokenException.Kind.UNAVAILABLE);
        }
    }

    /** An access token and the credential version it belongs to (what a 401 names). */
    public record Token(Secret value, long version) {
    }

    /**
     * A client-credentials token for {@code credential}, fetched when there is none or it is due, shared by the callers of
     * this process; {@code rejected}: the API refused the cached one (fetch another).
     */
    public Secret clientToken(Credential.ClientCredentials credential, OAuth2Settings settings, boolean rejected) {
        String key = credential.id() + "|" + settings.tokenUrl() + "|" + settings.issuer() + "|" + settings.scopeParameter();
        while (true) {
            CompletableFuture<OAuthTokens> cached = fetched.get(key);
            if (cached != null && cached.isDone() && !cached.isCompletedExceptionally()) {
                OAuthTokens tokens = cached.join();
                if (!rejected && !tokens.due(clock.instant(), margin)) {
                    return tokens.accessToken();
                }
                fetched.remove(key, cached);
                rejected = false;
                continue;
            }
            if (cached != null && cached.isCompletedExceptionally()) {
                fetched.remove(key, cached);
                continue;
            }
            CompletableFuture<OAuthTokens> mine = new CompletableFuture<>();
            CompletableFuture<OAuthTokens> winner = cached != null ? cached : fetched.putIfAbsent(key, mine);
            if (winner == null) {
                try {
                    TokenEndpoint.Client client = new TokenEndpoint.Client(credential.clientId(), credential.clientSecret(),
                            settings.clientAuth(), credential.hosts());
                    mine.complete(endpoint.clientCredentials(endpoint.endpoints(settings, credential.hosts()), client, settings));
                } catch (Throwable e) {
                    mine.completeExceptionally(e);
                    fetched.remove(key, mine);
                    if (e instanceof Error error) {
                        throw error;
                    }
                }
                winner = mine;
            }
            try {
                return await(winner).accessToken();
            } catch (TokenException t) {
                throw new Unusable(t.getMessage(), false, t.kind() == TokenException.Kind.UNAVAILABLE);
            } catch (CompletionException e) {
                if (e.getCause() instanceof TokenException t) {
                    throw new Unusable(t.getMessage(), false, t.kind() == TokenException.Kind.UNAVAILABLE);
                }
                throw e;
            }
        }
    }

    /** Single flight within this process: one refresh per credential; the others wait for its outcome. */
    private Credential.OAuth2 refreshOnce(Credential.OAuth2 seen, OAuth2Settings settings, String instanceId, long staleVersion, boolean forced) {
        CompletableFuture<Credential.OAuth2> mine = new CompletableFuture<>();
        CompletableFuture<Credential.OAuth2> running = refreshing.putIfAbsent(seen.id(), mine);
        if (running == null) {
            try {
                mine.complete(refreshAcrossWorkers(seen, settings, instanceId, staleVersion, forced));
            } catch (Throwable e) {
                mine.completeExceptionally(e); // an Error too: the callers waiting on this refresh must not wait forever
                if (e instanceof Error error) {
                    throw error;
                }
            } finally {
                refreshing.remove(seen.id(), mine);
            }
            running = mine;
        }
        try {
            Credential.OAuth2 result = await(running);
            if (result.version() > staleVersion || running == mine) {
                return result;
            }
            // The refresh we joined started from an even older version than ours and still left a token we were refused.
            return refreshOnce(result, settings, instanceId, staleVersion, forced);
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** The outcome of a refresh another caller runs, waited for at most as long as that refresh may take. */
    private <T> T await(CompletableFuture<T> running) {
        try {
            return running.get(lease.multipliedBy(3).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TokenException(TokenException.Kind.UNAVAILABLE, "a refresh of this credential did not finish within " + lease.multipliedBy(3));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException(TokenException.Kind.UNAVAILABLE, "interrupted while waiting for a refresh");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new CompletionException(e.getCause());
        }
    }

    /**
     * Refreshes through the credential's lease: reads the record afresh; uses a token another worker stored meanwhile;
     * otherwise takes the lease at the version read, refreshes, and stores by compare-and-set. While another process holds
     * the lease, the current access token is used if still valid and not refused; else this waits for the new version.
     */
    private Credential.OAuth2 refreshAcrossWorkers(Credential.OAuth2 seen, OAuth2Settings settings, String instanceId, long staleVersion,
                                                   boolean forced) {
        Instant giveUpAt = clock.instant().plus(lease).plus(lease);
        // Before the lease: discovery must not eat into the time the lease gives the token request.
        Endpoints endpoints = endpoint.endpoints(settings, seen.hosts());
        while (true) {
            Credential.OAuth2 current = read(seen.id());
            Instant now = clock.instant();
            if (current.needsReauth()) {
                throw new TokenException(TokenException.Kind.INVALID_GRANT, "credential '" + current.id()
                        + "' was refused by its authorization server; connect the account again");
            }
            if (current.tokens() == null || current.tokens().refreshToken() == null) {
                throw new TokenException(TokenException.Kind.INVALID_GRANT, "credential '" + current.id() + "' has no refresh token");
            }
            boolean newer = current.version() > staleVersion;
            if (newer && (forced || !current.tokens().due(now, margin))) {
                return current;
            }
            if (credentials.tryLease(current.id(), current.version(), owner, now, now.plus(lease))) {
                return refreshHolding(current, settings, endpoints, instanceId);
            }
            if (!forced && !current.tokens().expired(now)) {
                return current;
            }
            if (now.isAfter(giveUpAt)) {
                throw new TokenException(TokenException.Kind.UNAVAILABLE, "credential '" + current.id()
                        + "': another worker's refresh did not finish within " + lease.multipliedBy(2));
            }
            sleep(WAIT_STEP);
        }
    }

    private Credential.OAuth2 refreshHolding(Credential.OAuth2 current, OAuth2Settings settings, Endpoints endpoints, String instanceId) {
        OAuthTokens answered;
        try {
            TokenEndpoint.Client client = new TokenEndpoint.Client(current.clientId(), current.clientSecret(), settings.clientAuth(),
                    current.hosts());
            answered = endpoint.refresh(endpoints, client, current.tokens().refreshToken());
        } catch (TokenException e) {
            if (e.kind() == TokenException.Kind.INVALID_GRANT) {
                refused(current, instanceId, "invalid_grant", e.getMessage());
            } else {
                credentials.releaseLease(current.id(), owner);
            }
            throw e;
        } catch (RuntimeException e) {
            credentials.releaseLease(current.id(), owner);
            throw e;
        }
        OAuthTokens next = current.tokens().refreshedBy(answered);
        if (!storePatiently(current, next)) {
            // Only a lease lost to expiry gets here: the server may have rotated the refresh token we could not store.
            log.error("Refreshed tokens of credential '{}' not stored: the lease was lost (refresh slower than {}); the next refresh"
                    + " may need the account to be connected again", current.id(), lease);
            throw new TokenException(TokenException.Kind.UNAVAILABLE, "credential '" + current.id() + "': refreshed tokens not stored (lease lost)");
        }
        log.info("Credential '{}' refreshed (version {}), expires at {}", current.id(), current.version() + 1, next.expiresAt());
        events.publish(AuthEvents.AUTH_REFRESHED, instanceId, Map.of("credentialId", current.id(),
                "expiresAt", String.valueOf(next.expiresAt())));
        return new Credential.OAuth2(current.id(), current.clientId(), current.clientSecret(), next, current.hosts(),
                current.version() + 1, false);
    }

    /** Stores refreshed tokens, waiting out a MongoDB outage while the lease lasts: the old refresh token may be spent already. */
    private boolean storePatiently(Credential.OAuth2 current, OAuthTokens next) {
        Instant until = clock.instant().plus(lease);
        while (true) {
            try {
                return credentials.storeTokens(current.id(), current.version(), owner, next);
            } catch (StoreUnavailableException e) {
                if (clock.instant().isAfter(until)) {
                    throw e;
                }
                sleep(Duration.ofMillis(250));
            }
        }
    }

    /**
     * The credential's grant is gone: marks it (no refresh is tried again), sets every instance using it that is not
     * disabled to {@code NEEDS_REAUTH}, and publishes one {@code integration.auth.failed} per instance this changed.
     * Only the caller whose mark won does this (a refresh or another marking meanwhile makes the mark lose: nothing to do).
     */
    private void refused(Credential.OAuth2 current, String instanceId, String reason, String message) {
        if (!credentials.markNeedsReauth(current.id(), current.version())) {
            return;
        }
        log.warn("Credential '{}' needs to be connected again: {}", current.id(), message);
        for (IntegrationInstance instance : instances.all()) {
            String uses = instance.credentialId() != null ? instance.credentialId() : instance.id();
            InstanceStatus status = instance.status();
            if (uses.equals(current.id()) && status != InstanceStatus.DISABLED && status != InstanceStatus.NEEDS_REAUTH
                    && instances.compareAndSetStatus(instance.id(), status, InstanceStatus.NEEDS_REAUTH)) {
                events.publish(AuthEvents.AUTH_FAILED, instance.id(), Map.of("credentialId", current.id(), "reason", reason,
                        "status", InstanceStatus.NEEDS_REAUTH.name()));
            }
        }
    }

    private Credential.OAuth2 read(String id) {
        Optional<Credential> found = credentials.find(id);
        if (found.isEmpty() || !(found.get() instanceof Credential.OAuth2 oauth)) {
            throw new TokenException(TokenException.Kind.REJECTED, "credential '" + id + "' is gone or no longer an oauth2 credential");
        }
        return oauth;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException(TokenException.Kind.UNAVAILABLE, "interrupted while waiting for a refresh");
        }
    }
}
