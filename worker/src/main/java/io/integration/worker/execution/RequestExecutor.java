package io.integration.worker.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
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
    private static final ObjectMapper JSON = io.integration.registry.JsonMappers.create();
    /** Version ranges parsed once: instances name a handful; requests may name any, so the cache stops growing at this size. */
    private static final int MAX_CACHED_RANGES = 1024;
    /** How long a write after a successful call waits out a store outage before the record is retried as a whole. */
    private static final Duration RECORD_PATIENCE = Duration.ofSeconds(60);

    private final java.util.Map<String, VersionRange> ranges = new java.util.concurrent.ConcurrentHashMap<>();
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
    private final Degradation degradation;

    /**
     * {@code largeData}: where data above {@link ExecutionSettings#claimCheckBytes()} goes (unused when the claim check is off);
     * {@code usage}: where the instance's last use is noted (batched).
     */
    public RequestExecutor(InstanceRepository instances, DefinitionRepository definitions, CredentialRepository credentials,
                           Adapters adapters, ResultLog results, ResultDataStore largeData, ExecutionSettings settings, CallGuard guard,
                           InstanceUsage usage, AccessTokens tokens, Clock clock) {
        this(instances, definitions, credentials, adapters, results, largeData, settings, guard, usage, tokens, Replays.NONE,
                Degradation.none(settings, clock), ExecutionObserver.NONE, clock);
    }

    /**
     * {@code replays}: the replays a record's replay marks must name to run a recorded request again;
     * {@code degradation}: the response cache, the bulkheads and the fallbacks; {@code observer}: told of every request run,
     * for metrics.
     */
    public RequestExecutor(InstanceRepository instances, DefinitionRepository definitions, CredentialRepository credentials,
                           Adapters adapters, ResultLog results, ResultDataStore largeData, ExecutionSettings settings, CallGuard guard,
                           InstanceUsage usage, AccessTokens tokens, Replays replays, Degradation degradation,
                           ExecutionObserver observer, Clock clock) {
        this.degradation = degradation;
        this.replays = replays;
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
    public Optional<ExecutionResult> substitute(ExecutionResult published, Outcome.Failure failure) {
        return results.substitute(published, failure);
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
        Degradation.Lookup lookup;
        try {
            lookup = degradation.lookup(request, instance, definition, method, params);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(ErrorCode.EXECUTION_ERROR, "interrupted while waiting for a cached answer");
        }
        if (lookup.hit() != null) {
            return success(request.requestId(), lookup.hit().data()).withServed(degradation.cached(lookup));
        }
        try {
            return call(request, progress, ownership, instance, definition, method, params, lookup);
        } finally {
            degradation.release(lookup); // nothing left to do when the answer was kept
        }
    }

    private Outcome call(ExecutionRequest request, Progress progress, Ownership ownership, IntegrationInstance instance,
                         IntegrationDefinition definition, MethodDefinition method, JsonNode params, Degradation.Lookup lookup) {
        Adapter adapter = adapter(definition);
        RequestAuth auth = auth(instance, definition);

        Duration timeout = method.timeout() != null ? method.timeout()
                : definition.defaults().timeout() != null ? definition.defaults().timeout() : settings.defaultTimeout();
        long maxBytes = definition.defaults().maxResponseBytes() != null ? definition.defaults().maxResponseBytes() : settings.maxResponseBytes();
        AdapterCall call = new AdapterCall(request.requestId(), method.name(), definition.baseUrl(), definition.effectiveAllowedHosts(),
                method.binding(definition.adapter().type()), JsonValues.toMap(params), instance.config(), auth.current,
                method.idempotent(), timeout, maxBytes, requestBody(definition, method, params, instance), definition.adapter().config());
        Bulkheads.Permit slot;
        try {
            slot = degradation.slot(request, instance, definition);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw fail(ErrorCode.EXECUTION_ERROR, "interrupted while waiting for a call slot of '" + instance.id() + "'");
        }
        if (slot == null) {
            return answer(request, degradation.bulkheadFull(request, instance, definition, method, lookup, wait -> mayDefer(request, wait)));
        }
        Guarded guarded;
        try (slot) {
            guarded = guarded(request, ownership, instance, definition, method, timeout, call, adapter, auth);
        }
        if (auth.unusable != null) {
            throw unusable(auth.unusable);
        }
        return outcome(request, progress, definition, method, lookup, guarded);
    }

    /** The outcome of a fallback: its answer (claim-checked like any data), a deferral, or the failure. */
    private Outcome answer(ExecutionRequest request, Degradation.Fallback fallback) {
        return switch (fallback) {
            case Degradation.Fallback.Answer a -> success(request.requestId(), a.data()).withServed(a.served());
            case Degradation.Fallback.Defer d -> throw new DeferSignal(d.deferral());
            case Degradation.Fallback.Fail f -> f.failure();
        };
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
                            Degradation.Lookup lookup, Guarded guarded) {
        java.util.function.Predicate<Duration> mayDefer = wait -> mayDefer(request, wait);
        progress.trail = guarded.trail().stream()
                .map(a -> new AttemptRecord(a.attempt(), a.httpStatus(), a.outcome(), a.durationMs(), a.waitMs())).toList();
        return switch (guarded) {
            case Guarded.Answered a -> {
                progress.response = a.response();
                String data = data(a.response(), definition, method);
                degradation.remember(lookup, data);
                yield success(request.requestId(), data);
            }
            case Guarded.Failed f -> answer(request, degradation.fallback(method, lookup, AdapterFailures.toFailure(f.failure(), f.deadlineBound()),
                    null, mayDefer));
            case Guarded.RateLimited r -> answer(request, degradation.fallback(method, lookup, new Outcome.Failure(ErrorCode.RATE_LIMIT_EXCEEDED,
                    "integration instance '" + r.instanceId() + "' is rate limited for " + r.retryAfter().toMillis() + " ms, "
                            + (r.retryAfter().compareTo(settings.maxRetryAfter()) > 0
                            ? "longer than the worker waits (worker.max.retry.after " + settings.maxRetryAfter() + ")"
                            : "past the request's deadline") + (r.trail().isEmpty() ? "; no call was made" : ""),
                    true, r.retryAfter().toMillis(), null), new Execution.Deferred(clock.instant().plus(r.retryAfter()),
                    request.priorAttempts() + r.trail().size(), "integration instance '" + r.instanceId() + "' is held for "
                    + r.retryAfter().toMillis() + " ms"), mayDefer));
            case Guarded.CircuitOpen c -> answer(request, degradation.fallback(method, lookup, new Outcome.Failure(ErrorCode.CIRCUIT_OPEN, "the circuit of "
                    + c.scope().describe() + " is open after repeated failures until past the request's deadline; no call was made", true,
                    c.retryAfter().toMillis(), null), new Execution.Deferred(clock.instant().plus(c.retryAfter()),
                    request.priorAttempts() + c.trail().size(), "the circuit of " + c.scope().describe() + " is open for "
                    + c.retryAfter().toMillis() + " ms"), mayDefer));
        };
    }

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
        VersionRange range = ranges.get(version == null ? "" : version);
        if (range == null) {
            try {
                range = VersionRange.parse(version);
            } catch (IllegalArgumentException e) {
                throw fail(ErrorCode.VALIDATION_ERROR, "definitionVersion: " + e.getMessage());
            }
            if (ranges.size() < MAX_CACHED_RANGES) {
                ranges.put(version == null ? "" : version, range);
            }
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
        if (method.responseTransform() == null && method.responseSchema() == null && response.body().length > 0) {
            String compact = compact(response.body());
            if (compact != null) {
                return compact;
            }
        }
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

    /**
     * The body's first JSON value written compactly, as {@code readTree(body).toString()} would write it, streamed without
     * building a tree; null when the body is not JSON or holds no value ({@link #data} then answers as before).
     */
    private static String compact(byte[] body) {
        try (com.fasterxml.jackson.core.JsonParser parser = JSON.getFactory().createParser(body)) {
            if (parser.nextToken() == null) {
                return null;
            }
            java.io.StringWriter out = new java.io.StringWriter(body.length);
            try (com.fasterxml.jackson.core.JsonGenerator generator = JSON.getFactory().createGenerator(out)) {
                generator.copyCurrentStructure(parser);
            }
            return out.toString();
        } catch (java.io.IOException e) {
            return null;
        }
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
