package io.integration.worker.app;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.integration.wire.SchemaRegistryClient;
import io.integration.worker.adapter.AdapterContext;
import io.integration.worker.adapter.Adapters;
import io.integration.worker.adapter.ByteBudget;
import io.integration.worker.adapter.OutboundPolicy;
import io.integration.worker.metrics.WorkerMetrics;
import io.integration.registry.store.CacheStats;
import io.integration.worker.plugins.AdapterCatalog;
import io.integration.worker.config.MessagingSettings;
import io.integration.worker.config.WorkerConfig;
import io.integration.registry.credentials.MongoCredentialRepository;
import io.integration.registry.credentials.Keyring;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.credentials.TinkSecretCodec;
import io.integration.worker.execution.Bulkheads;
import io.integration.worker.execution.Degradation;
import io.integration.worker.execution.Replays;
import io.integration.worker.execution.ResponseCache;
import io.integration.worker.execution.RequestExecutor;
import io.integration.worker.oauth.AccessTokens;
import io.integration.worker.oauth.AuthEvents;
import io.integration.worker.oauth.TokenEndpoint;
import io.integration.worker.idempotency.MongoResultDataStore;
import io.integration.worker.idempotency.MongoResultLog;
import io.integration.worker.messaging.KafkaMessaging;
import io.integration.worker.messaging.QueueWorker;
import io.integration.worker.messaging.RequestLimits;
import io.integration.worker.messaging.RequestWorker;
import io.integration.worker.messaging.Topics;
import io.integration.worker.messaging.WireFormat;
import io.integration.worker.messaging.replay.ReplayStore;
import io.integration.registry.CachingRegistry;
import io.integration.registry.InstanceUsage;
import io.integration.registry.service.Management;
import io.integration.registry.MongoDefinitionRepository;
import io.integration.registry.MongoInstanceRepository;
import io.integration.worker.resilience.BreakerListener;
import io.integration.worker.resilience.CallGuard;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: the one place that wires implementations together. {@link #start} returns a
 * running worker; {@link #close()} drains it (finishes the batch in hand, commits) and releases everything.
 */
public final class WorkerApp implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkerApp.class);
    /** How often instances' last-use times are written (DESIGN.md: at most every few seconds, never per request). */
    private static final java.time.Duration USAGE_FLUSH = java.time.Duration.ofSeconds(5);
    /** How long a worker remembers that a replay was started (or, for a tenth of it, that an id names none). */
    private static final java.time.Duration REPLAY_CACHE_TTL = java.time.Duration.ofMinutes(1);
    private static final int REPLAY_CACHE_ENTRIES = 1_000;

    private final WorkerConfig config;
    private final MongoClient mongo;
    private final SchemaRegistryClient registry;
    private final RequestWorker worker;
    private final Thread loop;
    /** The queue-mode loop, or null when the worker reads no queue. */
    private final QueueWorker queue;
    private final Thread queueLoop;
    private final InstanceUsage usage;
    private final Operations operations;

    private WorkerApp(WorkerConfig config, MongoClient mongo, SchemaRegistryClient registry, RequestWorker worker, QueueWorker queue,
                      InstanceUsage usage, Operations operations) {
        this.queue = queue;
        this.queueLoop = queue == null ? null : new Thread(queue, "integration-worker-queue");
        this.operations = operations;
        this.config = config;
        this.usage = usage;
        this.mongo = mongo;
        this.registry = registry;
        this.worker = worker;
        this.loop = new Thread(worker, "integration-worker-loop");
    }

    /** Builds and starts a worker. */
    public static WorkerApp start(WorkerConfig config, Clock clock) {
        OutboundPolicy outbound = outboundPolicy(config);
        outbound.requirePinning(); // fail closed, before consuming
        MongoClient mongo = MongoClients.create(mongoSettings(config.mongoUri()));
        MongoDatabase db = mongo.getDatabase(config.mongoDatabase());
        Keyring keyring;
        try {
            // Fail closed, before consuming: a worker that cannot open credentials must not take requests.
            keyring = Keyring.open(db, masterKey(config));
        } catch (RuntimeException e) {
            mongo.close();
            throw e;
        }
        SchemaRegistryClient registry = SchemaRegistryClient.forUrl(config.schemaRegistryUrl());
        // The breakers live in the executor, which the worker needs; circuit events reach the worker once it exists.
        AtomicReference<BreakerListener> circuitEvents = new AtomicReference<>(BreakerListener.NONE);
        Adapters adapters;
        try {
            AdapterCatalog catalog = AdapterCatalog.discover(config.pluginsDir());
            checkDefinitions(catalog, db, config.adapterCheck());
            adapters = catalog.create(new AdapterContext(outbound, clock, new ByteBudget(config.maxInFlightBytes()), config.httpClient()));
        } catch (RuntimeException e) {
            mongo.close();
            throw e;
        }
        Operations operations = new Operations();
        WorkerMetrics metrics = operations.metrics;
        MongoInstanceRepository instanceStore = new MongoInstanceRepository(db);
        InstanceUsage usage = new InstanceUsage(instanceStore, USAGE_FLUSH, clock);
        MongoCredentialRepository credentials = new MongoCredentialRepository(db, new TinkSecretCodec(keyring));
        // Like the breakers: auth events reach the worker's producer once the worker exists.
        AtomicReference<AuthEvents> authEvents = new AtomicReference<>(AuthEvents.NONE);
        AccessTokens tokens = new AccessTokens(credentials, instanceStore,
                new TokenEndpoint(outbound, config.oauthTokenTimeout(), clock),
                (type, instanceId, attributes) -> {
                    if (AuthEvents.AUTH_REFRESHED.equals(type)) {
                        metrics.tokenRefresh("refreshed");
                    } else if (AuthEvents.AUTH_FAILED.equals(type)) {
                        metrics.tokenRefresh("refused");
                    }
                    authEvents.get().publish(type, instanceId, attributes);
                }, clock, config.oauthRefreshMargin());
        CacheStats instanceLookups = new CacheStats();
        CacheStats definitionLookups = new CacheStats();
        metrics.cache("instances", instanceLookups, CacheStats::hits, CacheStats::misses);
        metrics.cache("definitions", definitionLookups, CacheStats::hits, CacheStats::misses);
        ResponseCache responses = new ResponseCache(config.responseCacheEntries(), config.responseCacheBytes(), clock);
        metrics.cache("responses", responses, ResponseCache::hits, ResponseCache::misses);
        metrics.responseCache(responses::entries, responses::bytes);
        RequestExecutor executor = new RequestExecutor(
                CachingRegistry.instances(instanceStore, config.registryCacheTtl(), clock, instanceLookups),
                CachingRegistry.definitions(new MongoDefinitionRepository(db), config.registryCacheTtl(), clock, definitionLookups),
                credentials, adapters, new MongoResultLog(db),
                new MongoResultDataStore(db),
                config.execution(), CallGuard.standard(clock, (scope, open) -> {
                    metrics.circuit(scope.instanceId(), scope.methodName() == null ? "*" : scope.methodName(), open);
                    circuitEvents.get().changed(scope, open);
                }, config.maxHold(), config.execution().maxRetryAfter()), usage, tokens,
                Replays.cached(new ReplayStore(db, clock)::started, REPLAY_CACHE_TTL, REPLAY_CACHE_ENTRIES, clock),
                new Degradation(responses, new Bulkheads(config.maxCallsPerInstance(), metrics::bulkhead), config.execution(),
                        config.maxHold(), clock),
                metrics, clock);
        KafkaMessaging.Settings messaging = messaging(config.messaging());
        RequestWorker worker = KafkaMessaging.worker(messaging, registry, executor, metrics, clock);
        QueueWorker queue;
        try {
            queue = messaging.queue().readQueue() ? KafkaMessaging.queue(messaging, registry, executor, metrics, clock) : null;
        } catch (RuntimeException e) {
            worker.abandon();
            operations.close();
            usage.close();
            registry.close();
            mongo.close();
            throw e;
        }
        metrics.loop(() -> worker.state().recordsInFlight() + (queue == null ? 0 : queue.state().recordsInFlight()),
                () -> worker.state().pausedPartitions(), () -> executor.calls().inFlight());
        circuitEvents.set(worker::circuitChanged);
        authEvents.set(worker::authEvent);
        WorkerApp app = new WorkerApp(config, mongo, registry, worker, queue, usage, operations);
        try {
            // a port in use stops the start before anything is consumed
            operations.serve(config, worker, app.loop, queue == null ? null : queue::state, app.queueLoop, db);
        } catch (RuntimeException e) {
            worker.abandon();
            if (queue != null) {
                queue.abandon();
            }
            operations.close();
            usage.close();
            registry.close();
            mongo.close();
            throw e;
        }
        app.loop.start();
        if (app.queueLoop != null) {
            app.queueLoop.start();
        }
        log.info("Worker started: requests from {}, adapters {}, Kafka {}, registry {}, MongoDB database '{}'",
                inputs(messaging), adapters.types(), config.messaging().kafka().get("bootstrap.servers"),
                withoutUserInfo(config.schemaRegistryUrl()), config.mongoDatabase());
        return app;
    }

    /**
     * Tells each published definition these adapters cannot run (a plugin missing on this worker, a version outside
     * the definition's range): logged, or the start refused under {@code adapters.check=fail}.
     */
    private static void checkDefinitions(AdapterCatalog catalog, MongoDatabase db, WorkerConfig.AdapterCheck check) {
        java.util.List<String> unrunnable = catalog.unrunnable(new MongoDefinitionRepository(db).all());
        unrunnable.forEach(problem -> log.error("Published definition this worker cannot run: {}", problem));
        if (!unrunnable.isEmpty() && check == WorkerConfig.AdapterCheck.FAIL) {
            throw new IllegalStateException(unrunnable.size() + " published definition(s) cannot run on this worker's adapters "
                    + "(adapters.check=fail): " + unrunnable);
        }
    }

    /**
     * The management service layer on {@code db}, publishing against this worker's installed adapters and testing
     * connections with its pipeline: what the management API and every seeding tool (embedded stack, benchmark,
     * chaos suite, tests) use, so that nothing writes registry documents by hand.
     */
    public static Management management(MongoDatabase db, Keyring keyring, boolean allowPrivateNetworks, Clock clock) {
        return management(db, keyring, allowPrivateNetworks, AuthEvents.NONE, clock);
    }

    /** {@link #management(MongoDatabase, Keyring, boolean, Clock)} publishing the auth events of connection tests to {@code events}. */
    public static Management management(MongoDatabase db, Keyring keyring, boolean allowPrivateNetworks, AuthEvents events, Clock clock) {
        return management(db, keyring, new OutboundPolicy(allowPrivateNetworks), events, clock);
    }

    /** The management service layer whose connection tests and token requests follow {@code outbound}. */
    public static Management management(MongoDatabase db, Keyring keyring, OutboundPolicy outbound, AuthEvents events, Clock clock) {
        return management(db, keyring, outbound, events, AdapterCatalog.builtIn(), clock);
    }

    /** The management service layer publishing against, and testing connections with, the adapters of {@code catalog}. */
    public static Management management(MongoDatabase db, Keyring keyring, OutboundPolicy outbound, AuthEvents events,
                                        AdapterCatalog catalog, Clock clock) {
        return Management.onMongo(db, keyring, catalog.descriptors(), new ConnectionProbe(db, keyring, outbound, events, catalog, clock),
                clock);
    }

    /** The outbound rules of {@code config}. */
    static OutboundPolicy outboundPolicy(WorkerConfig config) {
        return new OutboundPolicy(config.allowPrivateNetworks(), config.outboundAllowRanges(), config.outboundAllowPorts(),
                config.outboundHosts());
    }

    /** {@link #management(MongoDatabase, Keyring, boolean, Clock)} with the keyring opened by {@code masterKey} (base64). */
    public static Management management(MongoDatabase db, String masterKey, boolean allowPrivateNetworks, Clock clock) {
        return management(db, Keyring.open(db, MasterKey.load("master key", masterKey, "master key file", null)), allowPrivateNetworks, clock);
    }

    /** The master key AEAD named by the config (its key or its file). */
    static com.google.crypto.tink.Aead masterKey(WorkerConfig config) {
        return MasterKey.load("credentials.master.key", config.masterKey() == null ? null : config.masterKey().reveal(),
                "credentials.master.key.file", config.masterKeyFile());
    }

    /** Where this worker reads requests from, for its start line. */
    private static String inputs(KafkaMessaging.Settings messaging) {
        KafkaMessaging.QueueSettings queue = messaging.queue();
        String group = queue.readRequests() ? "'" + messaging.topics().requests() + "' (consumer group)" : null;
        String share = queue.readQueue() ? "'" + queue.topic() + "' (share group '" + queue.group() + "')" : null;
        return group == null ? share : share == null ? group : group + " and " + share;
    }

    /** Config's plain values in messaging's own types: config and messaging meet only here. */
    static KafkaMessaging.Settings messaging(MessagingSettings m) {
        MessagingSettings.Topics t = m.topics();
        return new KafkaMessaging.Settings(m.kafka(), m.consumer(), m.producer(),
                new Topics(t.requests(), t.results(), t.events(), t.deadLetter(), t.retry()),
                WireFormat.valueOf(m.resultFormat().name()), WireFormat.valueOf(m.eventFormat().name()), m.maxInFlight(),
                m.maxInFlightPerPartition(), m.revokeTimeout(), m.drainTimeout(), m.replyTopics(),
                new RequestLimits(m.requestLimits().maxIdChars(), m.requestLimits().maxAttributes(), m.requestLimits().maxAttributesBytes(),
                        m.requestLimits().maxParamsBytes()), m.maxPublishAttempts(), m.maxRequestSize(), queue(m.queue()));
    }

    private static KafkaMessaging.QueueSettings queue(MessagingSettings.Queue q) {
        return new KafkaMessaging.QueueSettings(q.mode() != MessagingSettings.InputMode.SHARE, q.mode() != MessagingSettings.InputMode.GROUP,
                q.topic(), q.group(), q.lockDuration(), q.deliveryLimit(), q.configureGroup(), q.deadLetterQueue(), q.share());
    }

    private static MongoClientSettings mongoSettings(String uri) {
        ConnectionString connection = new ConnectionString(uri);
        MongoClientSettings.Builder settings = MongoClientSettings.builder().applyConnectionString(connection);
        if (connection.getServerSelectionTimeout() == null) {
            // Fail a lookup within seconds during an outage, so the record is retried rather than the loop stalled for 30 s.
            settings.applyToClusterSettings(c -> c.serverSelectionTimeout(5, TimeUnit.SECONDS));
        }
        return settings.build();
    }

    /** {@code urls} (comma-separated) with any {@code user:password@} removed: credentials never reach a log. */
    static String withoutUserInfo(String urls) {
        return urls.replaceAll("(?<=://)[^/@,]*@", "");
    }

    /** Whether the loops are still running. */
    public boolean running() {
        return loop.isAlive() && (queueLoop == null || queueLoop.isAlive());
    }

    @Override
    public void close() {
        worker.stop();
        if (queue != null) {
            queue.stop();
        }
        try {
            // The loops bound their own drain, commit and close by the drain timeout; the margin covers their last cycle.
            if (!worker.awaitStopped(config.drainTimeout().plusSeconds(2))) {
                log.warn("Worker did not stop within {}", config.drainTimeout());
            }
            if (queue != null && !queue.awaitStopped(config.drainTimeout().plusSeconds(2))) {
                log.warn("Queue loop did not stop within {}", config.drainTimeout());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            operations.close();
            usage.close();
            registry.close();
            mongo.close();
        }
    }

    /** The port of {@code /metrics} and the probes ({@code ops.port}; -1 when there is no endpoint). */
    public int opsPort() {
        return operations.port();
    }
}
