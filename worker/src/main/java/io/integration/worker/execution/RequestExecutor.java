package io.integration.worker.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.integration.worker.adapter.Adapter;
import io.integration.worker.adapter.AdapterCall;
import io.integration.worker.adapter.AdapterException;
import io.integration.worker.oauth.AccessTokens;
import io.integration.registry.OAuth2Settings;
import io.integration.registry.transform.TransformException;
import io.integration.registry.transform.Transforms;
import io.integration.worker.adapter.AdapterResponse;
import io.integration.worker.adapter.Adapters;
import io.integration.registry.credentials.Credential;
import io.integration.registry.credentials.CredentialException;
import io.integration.registry.credentials.CredentialRepository;
import io.integration.registry.AuthSpec;
import io.integration.registry.DefinitionRepository;
import io.integration.registry.IntegrationDefinition;
import io.integration.registry.IntegrationInstance;
import io.integration.registry.InstanceRepository;
import io.integration.registry.InstanceUsage;
import io.integration.registry.MethodDefinition;
import io.integration.registry.policy.BreakerSettings;
import io.integration.worker.resilience.CallGuard;
import io.integration.worker.resilience.Guarded;
import io.integration.registry.policy.MethodPolicy;
import io.integration.registry.VersionRange;
import io.integration.registry.DefinitionPolicies;
import io.integration.registry.policy.RateSettings;
import io.integration.registry.policy.RetrySettings;
import io.integration.worker.resilience.Scope;
import io.integration.registry.store.StoreUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes one request end to end: recorded result → instance → definition → method → params →
 * credential → guarded adapter call (breaker, retries; {@link CallGuard}) → recorded result. Every way a request can fail becomes a
 * {@link Outcome.Failure} with a DESIGN.md error code, except an unavailable store, which propagates as
 * {@link StoreUnavailableException} so the record is retried rather than answered. Thread-safe; blocking
 * (run it on a virtual thread).
 */
public final class RequestExecutor {

    private static final Logger log = LoggerFactory.getLogger(RequestExecutor.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a write after a successful call waits out a store outage before the record is retried as a whole. */
    private static final Duration RECORD_PATIENCE = Duration.ofSeconds(60);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() { };

    private final InstanceRepository instances;
    private final DefinitionRepository definitions;
    private final CredentialRepository credentials;
    private final Adapters adapters;
    private final ResultLog results;
    private final ResultDataStore largeData;
    private final ExecutionSettings settings;
    private final CallGuard guard;
    private final InstanceUsage usage;
    private final Clock clock;
    private final ParamValidator validator = new ParamValidator();
    private final Map<String, MethodPolicy> policies = new java.util.concurrent.ConcurrentHashMap<>();
    private final CallsInFlight calls = new CallsInFlight();
    private final AccessTokens tokens;
    private final Transforms transforms = Transforms.defaults();
    private final ExecutionObserver observer;
    private final Replays replays;
    private final ResponseCache responses;
    private final Bulkheads bulkheads;

    /**
     * {@code largeData}: where data above {@link ExecutionSettings#claimCheckBytes()} goes (unused when the claim check is off);
     * {@code usage}: where the instance's last use is noted (batched).
     */
    public RequestExecutor(InstanceRepository instances, DefinitionRepository definitions, CredentialRepository credentials,
                           Adapters adapters, ResultLog results, ResultDataStore largeData, ExecutionSettings settings, CallGuard guard,
                           InstanceUsage usage, AccessTokens tokens, Clock clock) {
        this(instances, definitions, credentials, adapters, results, largeData, settings, guard, usage, tokens, Replays.NONE,
                ResponseCache.NONE, Bulkheads.none(), ExecutionObserver.NONE, clock);
    }

    /**
     * {@code replays}: the replays a record's replay marks must name to run a recorded request again; {@code responses}: the
     * answers of cacheable methods; {@code bulkheads}: the calls each instance may have in flight; {@code observer}: told of
     * every request run, for metrics.
     */
    public RequestExecutor(InstanceRepository instances, DefinitionRepository definitions, CredentialRepository credentials,
                           Adapters adapters, ResultLog results, ResultDataStore largeData, ExecutionSettings settings, CallGuard guard,
                           InstanceUsage usage, AccessTokens tokens, Replays replays, ResponseCache responses, Bulkheads bulkheads,
                           ExecutionObserver observer, Clock clock) {
        this.bulkheads = bulkheads;
        this.replays = replays;
        this.responses = responses;
        this.observer = observer;
        this.tokens = tokens;
        this.largeData = largeData;
        this.usage = usage;
        this.instances = instances;
        this.definitions = definitions;
        this.credentials = credentials;
        this.adapters = adapters;
        this.results = results;
        this.settings = settings;
        this.guard = guard;
        this.clock = clock;
    }

    /** Mutable facts gathered while executing one request, for the result. */
    private static final class Progress {
        IntegrationDefinition definition;
        List<AttemptRecord> trail = List.of();
        /** The successful answer, whose bytes stay reserved in the worker's budget until its result is recorded. */
        AdapterResponse response;
    }

    /** Signals, from inside the pipeline, that the request is deferred rather than finished. */
    private static final class DeferSignal extends RuntimeException {
        private final transient Execution.Deferred deferred;

        DeferSignal(Execution.Deferred deferred) {
            super(deferred.reason(), null, false, false);
            this.deferred = deferred;
        }
    }

    /**
     * Executes {@code request}: the recorded result if one exists; else a new result, recorded; or a
     * deferral when the instance is held longer than the worker waits and the deadline allows waiting.
     */
    public Execution execute(ExecutionRequest request) {
        return execute(request, Ownership.ASSUMED);
    }

    /**
     * {@link #execute(ExecutionRequest)}, asking {@code ownership} before each call to the external system;
     * throws {@link OwnershipLostException} when it says no.
     */
    public Execution execute(ExecutionRequest request, Ownership ownership) {
        ExecutionRequest.Replay replay = verifiedReplay(request);
        Optional<ExecutionResult> answer = recordedAnswer(request, replay);
        if (answer.isPresent()) {
            return new Execution.Finished(answer.get());
        }
        Instant startedAt = clock.instant();
        Progress progress = new Progress();
        try {
            Outcome outcome;
            try {
                outcome = run(request, progress, ownership);
            } catch (DeferSignal d) {
                observer.deferred(integrationLabel(progress), methodLabel(progress, request));
                return d.deferred;
            } catch (ExecutionFailure f) {
                outcome = f.failure();
            } catch (StoreUnavailableException | OwnershipLostException e) {
                throw e;
            } catch (RuntimeException e) {
                log.error("Request {} failed unexpectedly", request.requestId(), e);
                outcome = Outcome.Failure.of(ErrorCode.EXECUTION_ERROR, "unexpected " + e.getClass().getSimpleName() + " in the worker");
            }
            IntegrationDefinition d = progress.definition;
            ExecutionResult result = new ExecutionResult(request.requestId(), request.correlationId(), request.instanceId(),
                    request.methodName(), d == null ? null : d.name(), d == null ? null : d.version(), outcome,
                    request.priorAttempts() + progress.trail.size(), startedAt, clock.instant(), progress.trail,
                    replay == null ? null : replay.id());
            Execution.Finished finished = new Execution.Finished(patiently(() -> results.recordIfAbsent(result)));
            observer.finished(integrationLabel(progress), methodLabel(progress, request), status(outcome),
                    Duration.between(startedAt, clock.instant()), progress.trail);
            return finished;
        } finally {
            if (progress.response != null) {
                progress.response.release();
            }
        }
    }

    /**
     * The replay the request's marks name, as an operator started it ({@code force} from there, not from the headers); null
     * without marks, and for marks naming no replay that is trusted (logged: marks anyone could write change nothing).
     */
    private ExecutionRequest.Replay verifiedReplay(ExecutionRequest request) {
        if (request.replay() == null) {
            return null;
        }
        Optional<ExecutionRequest.Replay> replay = replays.find(request.replay().id());
        if (replay.isEmpty()) {
            log.warn("Request {} is marked as part of replay {}, which is unknown, a dry run or over; it is treated as a repeat",
                    request.requestId(), request.replay().id());
            return null;
        }
        if (replay.get().force() != request.replay().force()) {
            log.warn("Request {} is marked as part of replay {} with force={}, but the replay was started with force={}; the latter holds",
                    request.requestId(), replay.get().id(), request.replay().force(), replay.get().force());
        }
        return replay.get();
    }

    /** How often a replay tries to take a recorded result out of the way while others replace it. */
    private static final int REOPEN_TRIES = 3;

    /**
     * The recorded result to answer {@code request} with, or empty when it is to run: nothing is recorded, or the request is
     * part of a replay that {@linkplain ExecutionRequest.Replay#reruns reruns} the recorded result, which is then reopened.
     */
    private Optional<ExecutionResult> recordedAnswer(ExecutionRequest request, ExecutionRequest.Replay replay) {
        Optional<ExecutionResult> recorded = results.find(request.requestId());
        if (recorded.isEmpty() || replay == null || !replay.reruns(recorded.get())) {
            return recorded;
        }
        for (int tries = 0; recorded.isPresent() && replay.reruns(recorded.get()); tries++) {
            if (tries == REOPEN_TRIES) {
                log.warn("Replay {} of request {} gave way: its result changed {} times meanwhile, or another replay holds it;"
                        + " answered from the record", replay.id(), request.requestId(), tries);
                break;
            }
            switch (results.reopen(recorded.get(), replay)) {
                case REOPENED -> {
                    log.info("Replay {} runs request {} again (was {})", replay.id(), request.requestId(), status(recorded.get().outcome()));
                    return Optional.empty();
                }
                case RESTORED -> log.info("Replay {} answers request {} with its recorded success again (it was published as {})",
                        replay.id(), request.requestId(), status(recorded.get().outcome()));
                case CHANGED -> {
                }
            }
            recorded = results.find(request.requestId());
        }
        return recorded;
    }

    private static String status(Outcome outcome) {
        return switch (outcome) {
            case Outcome.Success ok -> "SUCCESS";
            case Outcome.Failure failed -> failed.code().name();
        };
    }

    /** A metric label: the definition's name, or {@code unknown} before one was found (a label never takes request text). */
    private static String integrationLabel(Progress progress) {
        return progress.definition == null ? "unknown" : progress.definition.name();
    }

    /** A metric label: the method's name when the definition has it, else {@code unknown}. */
    private static String methodLabel(Progress progress, ExecutionRequest request) {
        return progress.definition != null && request.methodName() != null && progress.definition.method(request.methodName()).isPresent()
                ? request.methodName() : "unknown";
    }

    /**
     * The terminal result of a request that cannot be executed as it arrived (e.g. a JSON request without
     * {@code methodName}): {@code failure}, recorded like any other result so a repeat is identical.
     * {@code at} is the record's own timestamp, so the result does not depend on when it is computed.
     */
    public ExecutionResult reject(String requestId, String correlationId, String instanceId, String methodName,
                                  Outcome.Failure failure, Instant at) {
        var recorded = results.find(requestId);
        if (recorded.isPresent()) {
            return recorded.get();
        }
        return results.recordIfAbsent(new ExecutionResult(requestId, correlationId, instanceId, methodName, null, null,
                failure, 0, at, at, List.of()));
    }

    /** The calls this executor has handed to adapters. */
    public CallsInFlight calls() {
        return calls;
    }

    /**
     * Records that the result of {@code requestId} is answered with {@code failure} instead (it could not be published as
     * it was); returns the result now recorded, or empty when none is.
     */
    public Optional<ExecutionResult> substitute(String requestId, Outcome.Failure failure) {
        return results.substitute(requestId, failure);
    }

    private Outcome run(ExecutionRequest request, Progress progress, Ownership ownership) {
        if (request.deadline() != null && !clock.instant().isBefore(request.deadline())) {
            throw fail(ErrorCode.DEADLINE_EXCEEDED, "deadline " + request.deadline() + " passed before execution");
        }
        IntegrationInstance instance = instance(request.instanceId());
        usage.record(instance.id());
        IntegrationDefinition definition = definition(instance, request.definitionVersion());
        progress.definition = definition;
        MethodDefinition method = definition.method(request.methodName()).orElseThrow(() -> fail(ErrorCode.METHOD_NOT_FOUND,
                "method '" + request.methodName() + "' not found in definition " + definition.key() + " (has: "
                        + definition.methods().stream().map(MethodDefinition::name).toList() + ")"));
        JsonNode params = params(request, definition, method);
        // The credential is looked up (and must still be usable) before a cached answer is served: the key names it
        RequestAuth auth = auth(instance, definition);
        String cacheKey = method.cache() == null || !responses.enabled() ? null : cacheKey(instance, definition, method, params);
        Lookup lookup = cacheKey == null ? Lookup.NOT_CACHED : lookup(request, method, cacheKey);
        if (lookup.hit() != null) {
            return success(request.requestId(), lookup.hit().data()).withServed(new Outcome.Served(Outcome.Served.Source.CACHE,
                    lookup.hit().age(clock.instant()).toMillis(), null));
        }
        try {
            return call(request, progress, ownership, instance, definition, method, params, cacheKey, auth);
        } finally {
            responses.abandon(cacheKey, lookup.lead()); // nothing left to do when the answer was put
        }
    }

    /** A cached answer to serve, or none; {@code lead}: the wait this request leads (it fetches the answer, others wait), or null. */
    private record Lookup(ResponseCache.Entry hit, java.util.concurrent.CompletableFuture<ResponseCache.Entry> lead) {
        static final Lookup NOT_CACHED = new Lookup(null, null);
    }

    /**
     * A fresh cached answer of {@code cacheKey}; when another request is fetching it right now, that one's answer (waiting
     * at most the method's timeout, never past the deadline; when it gets none, this request calls itself).
     */
    private Lookup lookup(ExecutionRequest request, MethodDefinition method, String cacheKey) {
        Optional<ResponseCache.Entry> hit = responses.fresh(cacheKey, method.cache().ttl());
        if (hit.isPresent()) {
            return new Lookup(hit.get(), null);
        }
        Optional<java.util.concurrent.CompletableFuture<ResponseCache.Entry>> pending = responses.join(cacheKey);
        if (pending.isEmpty()) {
            return new Lookup(null, responses.leading(cacheKey));
        }
        Duration wait = method.timeout() != null ? method.timeout() : settings.defaultTimeout();
        if (request.deadline() != null) {
            Duration left = Duration.between(clock.instant(), request.deadline());
            wait = left.compareTo(wait) < 0 ? left : wait;
        }
        try {
            return new Lookup(wait.isNegative() ? null : pending.get().get(wait.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS), null);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return new Lookup(null, null); // the other request is slow: this one calls itself
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(ErrorCode.EXECUTION_ERROR, "interrupted while waiting for a cached answer");
        }
    }

    private Outcome call(ExecutionRequest request, Progress progress, Ownership ownership, IntegrationInstance instance,
                         IntegrationDefinition definition, MethodDefinition method, JsonNode params, String cacheKey, RequestAuth auth) {
        Adapter adapter = adapter(definition);

        Duration timeout = method.timeout() != null ? method.timeout()
                : definition.defaults().timeout() != null ? definition.defaults().timeout() : settings.defaultTimeout();
        long maxBytes = definition.defaults().maxResponseBytes() != null ? definition.defaults().maxResponseBytes() : settings.maxResponseBytes();
        AdapterCall call = new AdapterCall(request.requestId(), method.name(), definition.baseUrl(), definition.effectiveAllowedHosts(),
                method.binding(definition.adapter().type()), JSON.convertValue(params, MAP), instance.config(), auth.current,
                method.idempotent(), timeout, maxBytes, requestBody(definition, method, params, instance), definition.adapter().config());
        Bulkheads.Permit slot = slot(request, instance, definition);
        if (slot == null) {
            int limit = definition.defaults().maxConcurrentCalls() != null ? definition.defaults().maxConcurrentCalls() : bulkheads.defaultLimit();
            Duration retry = bulkheadRetry();
            retry = retry.compareTo(settings.maxRetryAfter()) > 0 ? settings.maxRetryAfter() : retry;
            return fallback(request, method, cacheKey, new Outcome.Failure(ErrorCode.RATE_LIMIT_EXCEEDED, "integration instance '"
                    + instance.id() + "' has " + limit + " calls in flight in this worker, its limit (defaults.maxConcurrentCalls);"
                    + " no call was made", true, retry.toMillis(), null), new Execution.Deferred(clock.instant().plus(retry),
                    request.priorAttempts(), "integration instance '" + instance.id() + "' has " + limit + " calls in flight"));
        }
        Guarded guarded;
        try (slot) {
            guarded = guarded(request, ownership, instance, definition, method, timeout, call, adapter, auth);
        }
        if (auth.unusable != null) {
            throw unusable(auth.unusable);
        }
        return outcome(request, progress, definition, method, cacheKey, guarded);
    }

    /**
     * How long an ordered request waits for a slot of its instance's bulkhead before it waits in its chain; an unordered one
     * does not wait: it goes to the retry topic at once, so that its partition's slots go to other instances' requests.
     */
    private static final Duration BULKHEAD_WAIT_ORDERED = Duration.ofMillis(250);

    /** When a request that found its instance's bulkhead full is tried again: 1 to 5 s, spread so that they do not return together. */
    private static Duration bulkheadRetry() {
        return Duration.ofMillis(1_000 + java.util.concurrent.ThreadLocalRandom.current().nextLong(4_000));
    }

    /** A slot of the instance's bulkhead (an ordered request waits briefly, never past the deadline); null when none is free. */
    private Bulkheads.Permit slot(ExecutionRequest request, IntegrationInstance instance, IntegrationDefinition definition) {
        Duration wait = request.orderingKey() != null ? BULKHEAD_WAIT_ORDERED : Duration.ZERO;
        if (request.deadline() != null) {
            Duration left = Duration.between(clock.instant(), request.deadline());
            wait = left.compareTo(wait) < 0 ? left : wait;
        }
        try {
            return bulkheads.acquire(instance.id(), definition.defaults().maxConcurrentCalls(), wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(ErrorCode.EXECUTION_ERROR, "interrupted while waiting for a call slot of '" + instance.id() + "'");
        }
    }

    private Guarded guarded(ExecutionRequest request, Ownership ownership, IntegrationInstance instance, IntegrationDefinition definition,
                            MethodDefinition method, Duration timeout, AdapterCall call, Adapter adapter, RequestAuth auth) {
        return guard.call(instance.id(), policy(instance.id(), definition, method), method.idempotent(), timeout, request.deadline(),
                attemptTimeout -> {
                    if (!ownership.confirmed()) {
                        throw new OwnershipLostException(request.requestId());
                    }
                    calls.start();
                    try {
                        try {
                            return adapter.execute(call.withAuth(auth.current).withTimeout(attemptTimeout));
                        } catch (AdapterException.UpstreamStatus refused) {
                            // 401 to an OAuth2 token: one forced refresh and one more call, once per request.
                            if (refused.status() != 401 || !auth.renewOnce()) {
                                throw refused;
                            }
                            return adapter.execute(call.withAuth(auth.current).withTimeout(attemptTimeout));
                        }
                    } finally {
                        calls.end();
                    }
                });
    }

    private Outcome outcome(ExecutionRequest request, Progress progress, IntegrationDefinition definition, MethodDefinition method,
                            String cacheKey, Guarded guarded) {
        progress.trail = guarded.trail().stream()
                .map(a -> new AttemptRecord(a.attempt(), a.httpStatus(), a.outcome(), a.durationMs(), a.waitMs())).toList();
        return switch (guarded) {
            case Guarded.Answered a -> {
                progress.response = a.response();
                String data = data(a.response(), definition, method);
                if (cacheKey != null) {
                    responses.put(cacheKey, data);
                }
                yield success(request.requestId(), data);
            }
            case Guarded.Failed f -> fallback(request, method, cacheKey, AdapterFailures.toFailure(f.failure(), f.deadlineBound()), null);
            case Guarded.RateLimited r -> fallback(request, method, cacheKey, new Outcome.Failure(ErrorCode.RATE_LIMIT_EXCEEDED,
                    "integration instance '" + r.instanceId() + "' is rate limited for " + r.retryAfter().toMillis() + " ms, "
                            + (r.retryAfter().compareTo(settings.maxRetryAfter()) > 0
                            ? "longer than the worker waits (worker.max.retry.after " + settings.maxRetryAfter() + ")"
                            : "past the request's deadline") + (r.trail().isEmpty() ? "; no call was made" : ""),
                    true, r.retryAfter().toMillis(), null), new Execution.Deferred(clock.instant().plus(r.retryAfter()),
                    request.priorAttempts() + r.trail().size(), "integration instance '" + r.instanceId() + "' is held for "
                    + r.retryAfter().toMillis() + " ms"));
            case Guarded.CircuitOpen c -> fallback(request, method, cacheKey, new Outcome.Failure(ErrorCode.CIRCUIT_OPEN, "the circuit of "
                    + c.scope().describe() + " is open after repeated failures until past the request's deadline; no call was made", true,
                    c.retryAfter().toMillis(), null), new Execution.Deferred(clock.instant().plus(c.retryAfter()),
                    request.priorAttempts() + c.trail().size(), "the circuit of " + c.scope().describe() + " is open for "
                    + c.retryAfter().toMillis() + " ms"));
        };
    }

    /**
     * What answers when the call could not be made: the method's fallbacks in their order — {@code stale} (a cached answer
     * within {@code cache.maxStale}), {@code static} (its {@code fallbackValue}), {@code defer} (to the retry topic, when
     * {@code deferral} is possible within the deadline), {@code fail} — then {@code failure}. Without a fallback list, a
     * deferrable wait is deferred as before. A failure that is an answer (a 4xx, a validation error) is never replaced.
     */
    private Outcome fallback(ExecutionRequest request, MethodDefinition method, String cacheKey, Outcome.Failure failure,
                             Execution.Deferred deferral) {
        if (method.fallback().isEmpty()) {
            if (deferral != null && mayDefer(request, Duration.between(clock.instant(), deferral.notBefore()))) {
                throw new DeferSignal(deferral);
            }
            return failure;
        }
        if (!outage(failure, method.idempotent())) {
            return failure;
        }
        for (String next : method.fallback()) {
            switch (next) {
                case "stale" -> {
                    Optional<ResponseCache.Entry> cached = cacheKey == null ? Optional.empty() : responses.any(cacheKey);
                    Duration maxStale = method.cache() == null ? null : method.cache().maxStale();
                    if (cached.isPresent() && maxStale != null && cached.get().age(clock.instant()).compareTo(maxStale) <= 0) {
                        return success(request.requestId(), cached.get().data()).withServed(new Outcome.Served(Outcome.Served.Source.STALE_CACHE,
                                cached.get().age(clock.instant()).toMillis(), failure.code() + ": " + failure.message()));
                    }
                }
                case "static" -> {
                    return success(request.requestId(), method.fallbackValue().toString()).withServed(new Outcome.Served(
                            Outcome.Served.Source.FALLBACK, null, failure.code() + ": " + failure.message()));
                }
                case "defer" -> {
                    if (deferral != null && mayDefer(request, Duration.between(clock.instant(), deferral.notBefore()))) {
                        throw new DeferSignal(deferral);
                    }
                }
                default -> {
                    return failure;
                }
            }
        }
        return failure;
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
            String canonical = CANONICAL.writeValueAsString(java.util.Arrays.asList(instance.id(), instance.credentialId(), definition.key(),
                    method.name(), CANONICAL.convertValue(params, Object.class), instance.config()));
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return instance.id() + "/" + definition.key() + "/" + method.name() + "/" + java.util.HexFormat.of().formatHex(digest);
        } catch (com.fasterxml.jackson.core.JsonProcessingException | java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the cache key of " + method.name() + " could not be made", e);
        }
    }

    /** JSON with map entries sorted by key: equal params give equal text whatever the order their fields came in. */
    private static final com.fasterxml.jackson.databind.ObjectMapper CANONICAL = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    /**
     * A held request (or one meeting an open circuit) waits in the retry topic unless its deadline would pass first or
     * the wait is longer than {@code worker.max.retry.after}: the caller then gets {@code retryAfterMs} and decides.
     */
    private boolean mayDefer(ExecutionRequest request, Duration wait) {
        return wait.compareTo(settings.maxRetryAfter()) <= 0
                && (request.deadline() == null || clock.instant().plus(wait).isBefore(request.deadline()));
    }

    /**
     * The method's typed resilience settings, parsed once per definition version (a published version never changes;
     * {@link io.integration.registry.DefinitionDocuments} already refused a bad value when the definition was loaded).
     */
    private CallGuard.Policy policy(String instanceId, IntegrationDefinition definition, MethodDefinition method) {
        MethodPolicy policy;
        try {
            policy = policies.computeIfAbsent(definition.key() + "#" + method.name(), key -> DefinitionPolicies.of(definition, method));
        } catch (IllegalArgumentException e) {
            throw fail(ErrorCode.EXECUTION_ERROR, "definition " + definition.key() + ": " + e.getMessage());
        }
        return CallGuard.Policy.of(policy, instanceId, method.name());
    }

    private Adapter adapter(IntegrationDefinition definition) {
        String type = definition.adapter().type();
        Adapter adapter = adapters.get(type).orElseThrow(() -> fail(ErrorCode.EXECUTION_ERROR,
                "adapter type '" + type + "' is not installed in this worker (installed: " + adapters.types() + ")"));
        String wanted = definition.adapter().version();
        String installed = adapters.version(type);
        if (wanted != null && !VersionRange.parse(wanted).matches(installed)) {
            throw fail(ErrorCode.EXECUTION_ERROR, "definition " + definition.key() + " needs adapter " + type + " " + wanted
                    + "; this worker has " + installed);
        }
        return adapter;
    }

    private IntegrationInstance instance(String id) {
        IntegrationInstance instance = instances.find(id).orElseThrow(() -> fail(ErrorCode.INSTANCE_NOT_FOUND,
                "integration instance '" + id + "' not found"));
        return switch (instance.status()) {
            case CONNECTED -> instance;
            case DISABLED -> throw fail(ErrorCode.EXECUTION_ERROR, "integration instance '" + id + "' is DISABLED");
            case NEEDS_REAUTH -> throw fail(ErrorCode.NEEDS_REAUTH, "integration instance '" + id + "' needs to be re-authorized");
            case AUTH_ERROR -> throw fail(ErrorCode.AUTH_FAILED, "integration instance '" + id + "' is in AUTH_ERROR");
            case PENDING_AUTH -> throw fail(ErrorCode.CREDENTIALS_MISSING, "integration instance '" + id + "' is not connected yet (PENDING_AUTH)");
        };
    }

    private IntegrationDefinition definition(IntegrationInstance instance, String requestedVersion) {
        String version = requestedVersion != null ? requestedVersion : instance.definitionVersion();
        String name = instance.definitionName();
        VersionRange range;
        try {
            range = VersionRange.parse(version);
        } catch (IllegalArgumentException e) {
            throw fail(ErrorCode.VALIDATION_ERROR, "definitionVersion: " + e.getMessage());
        }
        Optional<String> exact = range.exactVersion();
        IntegrationDefinition definition = (exact.isPresent() ? definitions.find(name, exact.get()) : definitions.findLatest(name, range))
                .orElseThrow(() -> fail(ErrorCode.DEFINITION_NOT_FOUND, "definition '" + name + "'"
                        + (version == null ? " has no published version" : exact.isPresent() ? " version " + version + " not found"
                        : " has no published version in " + version)));
        if (!definition.status().executable()) {
            throw fail(ErrorCode.DEFINITION_NOT_FOUND, "definition " + definition.key() + " is " + definition.status() + " (expected: PUBLISHED or DEPRECATED)");
        }
        return definition;
    }

    private JsonNode params(ExecutionRequest request, IntegrationDefinition definition, MethodDefinition method) {
        JsonNode params;
        try {
            params = JSON.readTree(request.params());
        } catch (JsonProcessingException e) {
            throw fail(ErrorCode.VALIDATION_ERROR, "params: not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (params == null || !params.isObject()) {
            throw fail(ErrorCode.VALIDATION_ERROR, "params: " + (params == null ? "empty" : params.getNodeType().name().toLowerCase()) + " (expected: a JSON object)");
        }
        params = io.integration.registry.SchemaCoercion.coerce(method.paramSchema(), params);
        List<ParamValidator.Violation> violations = validator.validate(definition.key() + "#" + method.name(), method.paramSchema(), params);
        if (!violations.isEmpty()) {
            ObjectNode details = JSON.createObjectNode();
            ArrayNode list = details.putArray("violations");
            violations.forEach(v -> list.addObject().put("field", v.field()).put("message", v.message()));
            String message = violations.stream().map(v -> v.field() + ": " + v.message()).reduce((a, b) -> a + "; " + b).orElseThrow();
            throw new ExecutionFailure(new Outcome.Failure(ErrorCode.VALIDATION_ERROR, message, false, null, details.toString()));
        }
        return params;
    }

    /**
     * The auth of one request: the decorations to send and, for the OAuth2 types, how to get a newer token once after the
     * API answered 401. Used by the attempts of one request, one at a time.
     */
    private static final class RequestAuth {
        volatile AdapterCall.Auth current;
        private final java.util.function.Supplier<AdapterCall.Auth> renewal;
        private boolean renewed;
        volatile AccessTokens.Unusable unusable;

        RequestAuth(AdapterCall.Auth current, java.util.function.Supplier<AdapterCall.Auth> renewal) {
            this.current = current;
            this.renewal = renewal;
        }

        /** Renews the token if this request has not yet; false when it cannot (the 401 then stands). */
        synchronized boolean renewOnce() {
            if (renewal == null || renewed) {
                return false;
            }
            renewed = true;
            try {
                current = renewal.get();
                return true;
            } catch (AccessTokens.Unusable e) {
                unusable = e;
                return false;
            }
        }
    }

    private static ExecutionFailure unusable(AccessTokens.Unusable e) {
        return new ExecutionFailure(new Outcome.Failure(e.needsReauth() ? ErrorCode.NEEDS_REAUTH : ErrorCode.AUTH_FAILED, e.getMessage(),
                e.retryable(), null, null));
    }

    private RequestAuth auth(IntegrationInstance instance, IntegrationDefinition definition) {
        AuthSpec spec = definition.auth();
        if (spec.type() == AuthSpec.Type.NONE) {
            return new RequestAuth(AdapterCall.Auth.NONE, null);
        }
        String credentialId = instance.credentialId() != null ? instance.credentialId() : instance.id();
        Credential credential;
        try {
            credential = credentials.find(credentialId).orElseThrow(() -> fail(ErrorCode.CREDENTIALS_MISSING,
                    "integration instance '" + instance.id() + "' has no credential '" + credentialId + "'"));
        } catch (CredentialException e) {
            throw fail(ErrorCode.CREDENTIALS_MISSING, e.getMessage());
        }
        // Checked on every call, not only when the instance was bound: a credential never leaves for a host it is not pinned to.
        if (!credential.allows(definition.credentialDestinations())) {
            throw fail(ErrorCode.CREDENTIALS_MISSING, "credential '" + credentialId + "' may be sent to "
                    + new java.util.TreeSet<>(credential.hosts()) + " only; definition " + definition.key() + " sends it to "
                    + new java.util.TreeSet<>(definition.credentialDestinations()));
        }
        try {
            return switch (credential) {
                case Credential.OAuth2 oauth when spec.type() == AuthSpec.Type.OAUTH2 -> {
                    OAuth2Settings settings = oauthSettings(definition);
                    AccessTokens.Token token = tokens.bearer(oauth, settings, instance.id(), -1);
                    yield new RequestAuth(AuthResolver.bearer(token.value()),
                            () -> AuthResolver.bearer(tokens.bearer(oauth, settings, instance.id(), token.version()).value()));
                }
                case Credential.ClientCredentials client when spec.type() == AuthSpec.Type.OAUTH2_CLIENT_CREDENTIALS -> {
                    OAuth2Settings settings = oauthSettings(definition);
                    yield new RequestAuth(AuthResolver.bearer(tokens.clientToken(client, settings, false)),
                            () -> AuthResolver.bearer(tokens.clientToken(client, settings, true)));
                }
                default -> new RequestAuth(AuthResolver.resolve(spec, credential), null);
            };
        } catch (AccessTokens.Unusable e) {
            throw unusable(e);
        }
    }

    private static OAuth2Settings oauthSettings(IntegrationDefinition definition) {
        try {
            return OAuth2Settings.of(definition.auth());
        } catch (IllegalArgumentException e) {
            throw fail(ErrorCode.EXECUTION_ERROR, "definition " + definition.key() + ": " + e.getMessage());
        }
    }

    /** The data inline, or, above the claim-check threshold, kept in the data store with a reference in the result. */
    private Outcome.Success success(String requestId, String data) {
        if (data == null || !settings.claimCheck() || data.getBytes(StandardCharsets.UTF_8).length <= settings.claimCheckBytes()) {
            return new Outcome.Success(data);
        }
        return new Outcome.Success(null, patiently(() -> largeData.put(requestId, data)));
    }

    /**
     * Runs a write that follows a call the external system already answered, waiting out a store outage of up to
     * {@link #RECORD_PATIENCE} in place: giving up would make the retry call the system a second time. A longer outage
     * propagates, and the record is tried again later (then calling again: the result was never recorded).
     */
    private static <T> T patiently(java.util.function.Supplier<T> write) {
        long giveUpAt = System.nanoTime() + RECORD_PATIENCE.toNanos();
        long backoffMs = 250;
        while (true) {
            try {
                return write.get();
            } catch (StoreUnavailableException e) {
                if (System.nanoTime() + backoffMs * 1_000_000 > giveUpAt) {
                    throw e;
                }
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoffMs = Math.min(backoffMs * 2, 4_000);
            }
        }
    }

    /**
     * The result data: the response body, through the method's {@code responseTransform} (with {@code $status}), checked
     * against its {@code responseSchema}; null for an empty body the transform does not replace.
     */
    private String data(AdapterResponse response, IntegrationDefinition definition, MethodDefinition method) {
        JsonNode body = null;
        if (response.body().length > 0) {
            try {
                body = JSON.readTree(response.body());
            } catch (java.io.IOException e) {
                throw fail(ErrorCode.INVALID_RESPONSE, "method '" + method.name() + "' answered " + response.status()
                        + " with a body that is not JSON (" + response.body().length + " bytes)");
            }
        }
        JsonNode data = body;
        if (method.responseTransform() != null) {
            data = transform(definition, method, "responseTransform", method.responseTransform(),
                    body == null ? JSON.nullNode() : body, Map.of("status", JSON.getNodeFactory().numberNode(response.status())));
        }
        if (method.responseSchema() != null) {
            data = io.integration.registry.SchemaCoercion.coerce(method.responseSchema(), data);
            List<ParamValidator.Violation> violations = validator.validate(definition.key() + "#" + method.name() + "#response",
                    method.responseSchema(), data == null ? JSON.nullNode() : data);
            if (!violations.isEmpty()) {
                String where = violations.stream().map(v -> v.field().replaceFirst("^params", "data") + ": " + v.message())
                        .reduce((x, y) -> x + "; " + y).orElseThrow();
                throw fail(ErrorCode.INVALID_RESPONSE, "method '" + method.name() + "' answered data that does not match its responseSchema: " + where);
            }
        }
        return data == null ? null : data.toString();
    }

    /** The body the method's {@code requestTransform} makes of the params (with {@code $config}), or null: the params. */
    private Object requestBody(IntegrationDefinition definition, MethodDefinition method, JsonNode params, IntegrationInstance instance) {
        if (method.requestTransform() == null) {
            return null;
        }
        JsonNode body = transform(definition, method, "requestTransform", method.requestTransform(), params,
                Map.of("config", JSON.valueToTree(instance.config())));
        if (body == null) {
            throw fail(ErrorCode.TRANSFORM_ERROR, "definition " + definition.key() + " method '" + method.name()
                    + "' requestTransform produced nothing (expected: the request body)");
        }
        return JSON.convertValue(body, Object.class);
    }

    private JsonNode transform(IntegrationDefinition definition, MethodDefinition method, String which, String expression, JsonNode input,
                               Map<String, JsonNode> bindings) {
        try {
            return transforms.apply("definition " + definition.key() + " method '" + method.name() + "' " + which,
                    Transforms.withNamed(definition.transforms(), expression), input, bindings);
        } catch (TransformException e) {
            throw fail(ErrorCode.TRANSFORM_ERROR, e.getMessage());
        }
    }

    private static ExecutionFailure fail(ErrorCode code, String message) {
        return new ExecutionFailure(Outcome.Failure.of(code, message));
    }
}
