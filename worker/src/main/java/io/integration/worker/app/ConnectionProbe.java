package io.integration.worker.app;

import com.mongodb.client.MongoDatabase;
import io.integration.registry.InstanceRepository;
import io.integration.registry.InstanceUsage;
import io.integration.registry.IntegrationInstance;
import io.integration.registry.MongoDefinitionRepository;
import io.integration.registry.MongoInstanceRepository;
import io.integration.registry.credentials.MongoCredentialRepository;
import io.integration.registry.credentials.Keyring;
import io.integration.registry.credentials.TinkSecretCodec;
import io.integration.registry.service.ConnectionTester;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.Adapters;
import io.integration.worker.adapter.ByteBudget;
import io.integration.worker.adapter.OutboundPolicy;
import io.integration.worker.plugins.AdapterCatalog;
import io.integration.worker.execution.Execution;
import io.integration.worker.execution.ExecutionRequest;
import io.integration.worker.execution.ExecutionResult;
import io.integration.worker.execution.ExecutionSettings;
import io.integration.worker.execution.Outcome;
import io.integration.worker.execution.RequestExecutor;
import io.integration.worker.execution.ResultLog;
import io.integration.worker.resilience.BreakerListener;
import io.integration.worker.resilience.CallGuard;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import io.integration.worker.oauth.AccessTokens;
import io.integration.worker.oauth.AuthEvents;
import io.integration.worker.oauth.TokenEndpoint;
import java.util.UUID;

/**
 * Runs an instance's test method in this process through the worker's own pipeline (registry lookup, credentials,
 * adapter, outbound rules, retries), not through Kafka: a connection test must answer in seconds even when the
 * requests topic holds a backlog, and must not depend on a worker being up. Each test gets fresh breakers (an
 * earlier failed test must not open the circuit for the next) and records nothing: not a result, not a last use.
 * The instance is tested whatever its status (a test is how an operator lifts {@code AUTH_ERROR}).
 */
public final class ConnectionProbe implements ConnectionTester {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final InstanceRepository instances;
    private final MongoDatabase db;
    private final Keyring keyring;
    private final Adapters adapters;
    private final Clock clock;
    private final AccessTokens tokens;

    /** {@code events}: where a refresh or a refused refresh token during a test is told. */
    public ConnectionProbe(MongoDatabase db, Keyring keyring, OutboundPolicy outbound, AuthEvents events, AdapterCatalog catalog,
                           Clock clock) {
        this.db = db;
        this.keyring = keyring;
        this.instances = new MongoInstanceRepository(db);
        this.adapters = catalog.create(new AdapterContext(outbound, clock, new ByteBudget(64L * 1024 * 1024)));
        this.clock = clock;
        this.tokens = new AccessTokens(new MongoCredentialRepository(db, new TinkSecretCodec(keyring)), instances,
                new TokenEndpoint(outbound, Duration.ofSeconds(10), clock), events, clock,
                Duration.ofMinutes(5));
    }

    @Override
    public TestOutcome test(String instanceId, String method) {
        RequestExecutor executor = new RequestExecutor(asConnected(instances), new MongoDefinitionRepository(db),
                new MongoCredentialRepository(db, new TinkSecretCodec(keyring)), adapters, new Throwaway(),
                (id, data) -> {
                    throw new IllegalStateException("no claim check for a connection test");
                }, ExecutionSettings.DEFAULTS, CallGuard.standard(clock, BreakerListener.NONE, Duration.ofSeconds(5), Duration.ofSeconds(5)),
                InstanceUsage.discarding(), tokens, clock);
        ExecutionRequest request = new ExecutionRequest("connection-test-" + UUID.randomUUID(), null, instanceId, method, "{}", null, null,
                clock.instant().plus(TIMEOUT), null, Map.of(), clock.instant());
        return switch (executor.execute(request)) {
            case Execution.Finished finished -> outcome(finished.result());
            case Execution.Deferred deferred -> new TestOutcome(false, "RATE_LIMIT_EXCEEDED",
                    "the instance cannot take a call before " + deferred.notBefore() + " (" + deferred.reason() + ")", 0);
        };
    }

    private static TestOutcome outcome(ExecutionResult result) {
        return switch (result.outcome()) {
            case Outcome.Success s -> new TestOutcome(true, null, "answered in " + result.durationMs() + " ms after "
                    + result.attempts() + " attempt(s)", result.durationMs());
            case Outcome.Failure f -> new TestOutcome(false, f.code().name(), f.message(), result.durationMs());
        };
    }

    /** The store as the pipeline sees it during a test: every instance CONNECTED. */
    private static InstanceRepository asConnected(InstanceRepository store) {
        return new InstanceRepository() {
            @Override
            public Optional<IntegrationInstance> find(String id) {
                return store.find(id).map(i -> i.withStatus(IntegrationInstance.InstanceStatus.CONNECTED));
            }

            @Override
            public List<IntegrationInstance> all() {
                return store.all();
            }

            @Override
            public void save(IntegrationInstance instance) {
                throw new UnsupportedOperationException("a connection test changes no instance");
            }

            @Override
            public void touch(Map<String, java.time.Instant> lastUsed) {
            }

            @Override
            public Optional<java.time.Instant> lastUsed(String id) {
                return store.lastUsed(id);
            }
        };
    }

    /** Remembers one test's result for as long as the test runs: nothing of a test is kept. */
    private static final class Throwaway implements ResultLog {
        private ExecutionResult recorded;

        @Override
        public synchronized Optional<ExecutionResult> find(String requestId) {
            return Optional.ofNullable(recorded).filter(r -> r.requestId().equals(requestId));
        }

        @Override
        public synchronized ExecutionResult recordIfAbsent(ExecutionResult result) {
            if (recorded == null) {
                recorded = result;
            }
            return recorded;
        }

        @Override
        public Optional<ExecutionResult> substitute(ExecutionResult published, Outcome.Failure failure) {
            return Optional.empty();
        }

        @Override
        public Reopening reopen(ExecutionResult recorded, io.integration.worker.execution.ExecutionRequest.Replay replay) {
            throw new UnsupportedOperationException("a connection test is never replayed");
        }
    }
}
