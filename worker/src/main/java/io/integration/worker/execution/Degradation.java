package io.integration.worker.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.integration.registry.IntegrationDefinition;
import io.integration.registry.IntegrationInstance;
import io.integration.registry.MethodDefinition;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * How a request is answered when its external system should not or cannot be asked: from the worker's response cache
 * (with single flight for concurrent misses), through the instance's bulkhead, and by the method's fallbacks. The executor
 * asks it at three points — before the call ({@link #lookup}), for a call slot ({@link #slot}), and after a call that did
 * not answer ({@link #fallback}). Thread-safe.
 */
public final class Degradation {

    /** JSON with map entries sorted by key: equal params give equal text whatever the order their fields came in. */
    private static final ObjectMapper CANONICAL = io.integration.registry.JsonMappers.create().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private final ResponseCache responses;
    private final Bulkheads bulkheads;
    private final ExecutionSettings settings;
    private final Duration maxWait;
    private final Clock clock;

    /**
     * @param maxWait how long a request waits for a slot of its instance's bulkhead ({@code worker.max.hold}, as for a held
     *        instance) before it goes to the retry topic (or, ordered, waits in its chain)
     */
    public Degradation(ResponseCache responses, Bulkheads bulkheads, ExecutionSettings settings, Duration maxWait, Clock clock) {
        this.responses = responses;
        this.bulkheads = bulkheads;
        this.settings = settings;
        this.maxWait = maxWait;
        this.clock = clock;
    }

    /** No cache and no bulkhead: every request calls (tests, connection tests). */
    public static Degradation none(ExecutionSettings settings, Clock clock) {
        return new Degradation(ResponseCache.NONE, Bulkheads.none(), settings, Duration.ZERO, clock);
    }

    /**
     * What the cache holds for one request: a fresh answer to serve ({@code hit}), or none; {@code key} is null when the
     * method is not cached; {@code lead} the wait this request leads (it fetches the answer, others wait for it), or null.
     */
    public record Lookup(String key, ResponseCache.Entry hit, CompletableFuture<ResponseCache.Entry> lead) {
        static final Lookup NOT_CACHED = new Lookup(null, null, null);
    }

    /** How a call that could not be made is answered. */
    public sealed interface Fallback {
        /** Data from the cache or the static fallback value, marked how. */
        record Answer(String data, Outcome.Served served) implements Fallback {
        }

        /** To the retry topic (or, ordered, in its chain) until then. */
        record Defer(Execution.Deferred deferral) implements Fallback {
        }

        /** The failure stands. */
        record Fail(Outcome.Failure failure) implements Fallback {
        }
    }

    /**
     * A fresh cached answer of this call; when another request is fetching it right now, that one's answer (waiting at most
     * the method's timeout, never past the deadline; when it gets none, this request calls itself).
     */
    public Lookup lookup(ExecutionRequest request, IntegrationInstance instance, IntegrationDefinition definition, MethodDefinition method,
                         JsonNode params) throws InterruptedException {
        if (method.cache() == null || !responses.enabled()) {
            return Lookup.NOT_CACHED;
        }
        String key = cacheKey(instance, definition, method, params);
        Optional<ResponseCache.Entry> hit = responses.fresh(key, method.cache().ttl());
        if (hit.isPresent()) {
            return new Lookup(key, hit.get(), null);
        }
        ResponseCache.Flight flight = responses.flight(key);
        if (flight.leads()) {
            return new Lookup(key, null, flight.answer());
        }
        Duration wait = method.timeout() != null ? method.timeout() : settings.defaultTimeout();
        if (request.deadline() != null) {
            Duration left = Duration.between(clock.instant(), request.deadline());
            wait = left.compareTo(wait) < 0 ? left : wait;
        }
        try {
            return new Lookup(key, wait.isNegative() ? null : flight.answer().get(wait.toMillis(), TimeUnit.MILLISECONDS), null);
        } catch (TimeoutException | ExecutionException e) {
            return new Lookup(key, null, null); // the other request is slow: this one calls itself
        }
    }

    /** The served-from-cache mark of {@code lookup}'s hit. */
    public Outcome.Served cached(Lookup lookup) {
        return new Outcome.Served(Outcome.Served.Source.CACHE, lookup.hit().age(clock.instant()).toMillis(), null);
    }

    /** Keeps the answer the call gave (and hands it to those waiting for it). */
    public void remember(Lookup lookup, String data) {
        if (lookup.key() != null) {
            responses.put(lookup.key(), data);
        }
    }

    /** Ends the wait {@code lookup} leads, when the answer was not kept: its waiters call themselves. */
    public void release(Lookup lookup) {
        responses.abandon(lookup.key(), lookup.lead());
    }

    /**
     * A slot of the instance's bulkhead, waiting for one up to {@code maxWait} (never past the deadline): a burst above the
     * limit queues for slots in the worker, as calls end; null when none came free in time.
     */
    public Bulkheads.Permit slot(ExecutionRequest request, IntegrationInstance instance, IntegrationDefinition definition)
            throws InterruptedException {
        Duration wait = maxWait;
        if (request.deadline() != null) {
            Duration left = Duration.between(clock.instant(), request.deadline());
            wait = left.compareTo(wait) < 0 ? left : wait;
        }
        return bulkheads.acquire(instance.id(), definition.defaults().maxConcurrentCalls(), wait);
    }

    /**
     * How a request whose instance's bulkhead stayed full is answered: its fallbacks, else the retry topic in 1 to 5 s
     * (spread, within {@code worker.max.retry.after}) or {@code RATE_LIMIT_EXCEEDED}. No call was made.
     */
    public Fallback bulkheadFull(ExecutionRequest request, IntegrationInstance instance, IntegrationDefinition definition,
                                 MethodDefinition method, Lookup lookup, Predicate<Duration> mayDefer) {
        int limit = definition.defaults().maxConcurrentCalls() != null ? definition.defaults().maxConcurrentCalls() : bulkheads.defaultLimit();
        Duration retry = Duration.ofMillis(1_000 + ThreadLocalRandom.current().nextLong(4_000));
        retry = retry.compareTo(settings.maxRetryAfter()) > 0 ? settings.maxRetryAfter() : retry;
        return fallback(method, lookup, new Outcome.Failure(ErrorCode.RATE_LIMIT_EXCEEDED, "integration instance '" + instance.id()
                + "' has " + limit + " calls in flight in this worker, its limit (defaults.maxConcurrentCalls); no call was made", true,
                retry.toMillis(), null), new Execution.Deferred(clock.instant().plus(retry), request.priorAttempts(),
                "integration instance '" + instance.id() + "' has " + limit + " calls in flight"), mayDefer);
    }

    /**
     * What answers when the call could not be made: the method's fallbacks in their order — {@code stale} (a cached answer
     * within {@code cache.maxStale}), {@code static} (its {@code fallbackValue}), {@code defer} ({@code deferral}, when
     * {@code mayDefer} allows its wait), {@code fail} — then {@code failure}. Without a fallback list, a deferrable wait is
     * deferred. A failure that is an answer (a 4xx, a validation error) is never replaced.
     */
    public Fallback fallback(MethodDefinition method, Lookup lookup, Outcome.Failure failure, Execution.Deferred deferral,
                             Predicate<Duration> mayDefer) {
        boolean deferrable = deferral != null && mayDefer.test(Duration.between(clock.instant(), deferral.notBefore()));
        if (method.fallback().isEmpty()) {
            return deferrable ? new Fallback.Defer(deferral) : new Fallback.Fail(failure);
        }
        if (!outage(failure, method.idempotent())) {
            return new Fallback.Fail(failure);
        }
        String reason = failure.code() + ": " + failure.message();
        for (String next : method.fallback()) {
            switch (next) {
                case "stale" -> {
                    Optional<ResponseCache.Entry> cached = lookup.key() == null ? Optional.empty() : responses.any(lookup.key());
                    Duration maxStale = method.cache() == null ? null : method.cache().maxStale();
                    if (cached.isPresent() && maxStale != null && cached.get().age(clock.instant()).compareTo(maxStale) <= 0) {
                        return new Fallback.Answer(cached.get().data(), new Outcome.Served(Outcome.Served.Source.STALE_CACHE,
                                cached.get().age(clock.instant()).toMillis(), reason));
                    }
                }
                case "static" -> {
                    return new Fallback.Answer(method.fallbackValue().toString(), new Outcome.Served(Outcome.Served.Source.FALLBACK, null, reason));
                }
                case "defer" -> {
                    if (deferrable) {
                        return new Fallback.Defer(deferral);
                    }
                }
                default -> {
                    return new Fallback.Fail(failure);
                }
            }
        }
        return new Fallback.Fail(failure);
    }

    /**
     * Whether {@code failure} says the external system could not be asked or did not answer, rather than answering no. For a
     * method that is not idempotent only when no call was made (an open circuit, a rate limit, a full bulkhead): after a
     * timeout or a 5xx its effect may have happened, and a fallback answer would hide that.
     */
    private static boolean outage(Outcome.Failure failure, boolean idempotent) {
        return switch (failure.code()) {
            case CIRCUIT_OPEN, RATE_LIMIT_EXCEEDED -> true;
            case TIMEOUT, DEADLINE_EXCEEDED -> idempotent;
            case UPSTREAM_ERROR -> idempotent && failure.retryable();
            default -> false;
        };
    }

    /**
     * The cache key of a call: the instance, its credential, its config, the definition version, the method and the
     * canonical params (object keys sorted), hashed. A new definition version, credential or config misses.
     */
    private static String cacheKey(IntegrationInstance instance, IntegrationDefinition definition, MethodDefinition method, JsonNode params) {
        try {
            String canonical = CANONICAL.writeValueAsString(Arrays.asList(instance.id(), instance.credentialId(), definition.key(),
                    method.name(), CANONICAL.convertValue(params, Object.class), instance.config()));
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return instance.id() + "/" + definition.key() + "/" + method.name() + "/" + HexFormat.of().formatHex(digest);
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("the cache key of " + method.name() + " could not be made", e);
        }
    }
}
