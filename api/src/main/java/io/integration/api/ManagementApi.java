package io.integration.api;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.integration.api.http.ApiServer;
import io.integration.api.http.Route;
import io.integration.api.routes.AdapterRoutes;
import io.integration.api.routes.AdminRoutes;
import io.integration.api.routes.DefinitionRoutes;
import io.integration.api.routes.InstanceRoutes;
import io.integration.api.routes.OAuthRoutes;
import io.integration.api.routes.OpsRoutes;
import io.integration.api.routes.ReplayRoutes;
import io.integration.api.routes.TopologyRoutes;
import io.integration.worker.idempotency.MongoResultLog;
import io.integration.worker.messaging.RequestSummaries;
import io.integration.worker.messaging.replay.ReplayStore;
import io.integration.worker.messaging.replay.Replayer;
import io.integration.registry.MongoInstanceRepository;
import io.integration.registry.credentials.MongoCredentialRepository;
import io.integration.registry.credentials.TinkSecretCodec;
import io.integration.wire.SchemaRegistryClient;
import io.integration.worker.adapter.OutboundPolicy;
import io.integration.worker.plugins.AdapterCatalog;
import io.integration.worker.messaging.EventPublisher;
import io.integration.worker.messaging.WireFormat;
import io.integration.worker.oauth.AuthEvents;
import io.integration.worker.oauth.AuthorizationFlow;
import io.integration.worker.oauth.TokenEndpoint;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import io.integration.registry.credentials.Keyring;
import io.integration.registry.credentials.MasterKey;
import io.integration.registry.secret.Secret;
import io.integration.registry.service.ApiTokens;
import io.integration.registry.service.Management;
import io.integration.worker.app.WorkerApp;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The management API's composition root: MongoDB, the management service layer, the route table, the server.
 * {@link #start} returns it running; {@link #close} stops it.
 */
public final class ManagementApi implements AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ManagementApi.class);

    static final String VERSION = "0.1.0";

    private final MongoClient mongo;
    private final ApiServer server;
    private final Secret firstToken;
    private final AutoCloseable events;
    private final Replayer replayer;

    private ManagementApi(MongoClient mongo, ApiServer server, Secret firstToken, AutoCloseable events, Replayer replayer) {
        this.replayer = replayer;
        this.mongo = mongo;
        this.server = server;
        this.firstToken = firstToken;
        this.events = events;
    }

    public static ManagementApi start(ApiConfig config, Clock clock) {
        MongoClient mongo = MongoClients.create(config.mongoUri());
        Replayer replayer = null;
        try {
            MongoDatabase db = mongo.getDatabase(config.mongoDatabase());
            // Fail closed, before listening: an API that cannot open credentials must not accept them.
            Keyring keyring = Keyring.open(db, MasterKey.load("API_CREDENTIALS_MASTER_KEY", config.masterKey() == null ? null : config.masterKey().reveal(),
                    "API_CREDENTIALS_MASTER_KEY_FILE", config.masterKeyFile()));
            EventPublisher publisher = config.kafkaBootstrapServers() == null ? null : EventPublisher.create(
                    Map.of("bootstrap.servers", config.kafkaBootstrapServers()), SchemaRegistryClient.forUrl(config.schemaRegistryUrl()),
                    config.eventsTopic(), WireFormat.valueOf(config.eventsFormat().toUpperCase(java.util.Locale.ROOT)), clock);
            AuthEvents events = publisher != null ? publisher::publish
                    : (type, instanceId, attributes) -> log.info("Event {} for instance {} (not published: API_KAFKA_BOOTSTRAP_SERVERS is not set)",
                            type, instanceId);
            OutboundPolicy outbound = new OutboundPolicy(config.allowPrivateNetworks(), config.outboundAllowRanges(),
                    config.outboundAllowPorts(), config.outboundHosts());
            Management management = WorkerApp.management(db, keyring, outbound, events, AdapterCatalog.discover(config.pluginsDir()), clock);
            AtomicReference<ApiServer> listening = new AtomicReference<>();
            AuthorizationFlow flow = new AuthorizationFlow(db, new TinkSecretCodec(keyring), new MongoInstanceRepository(db),
                    management.instances()::definitionOf, new MongoCredentialRepository(db, new TinkSecretCodec(keyring)),
                    new TokenEndpoint(outbound, java.time.Duration.ofSeconds(10), clock), events,
                    () -> (config.publicUrl() != null ? config.publicUrl() : "http://localhost:" + listening.get().port())
                            + AuthorizationFlow.callbackPath(), clock);
            Secret firstToken = bootstrap(management.tokens(), config.bootstrapToken());
            PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            new JvmMemoryMetrics().bindTo(meters);
            new JvmThreadMetrics().bindTo(meters);
            List<Route> routes = new ArrayList<>();
            routes.addAll(new OpsRoutes(() -> db.runCommand(new org.bson.Document("ping", 1)), meters, () -> List.copyOf(routes), VERSION).routes());
            routes.addAll(new DefinitionRoutes(management.definitions()).routes());
            routes.addAll(new AdapterRoutes(management.definitions()).routes());
            routes.addAll(new InstanceRoutes(management.instances()).routes());
            routes.addAll(new OAuthRoutes(flow).routes());
            replayer = config.kafkaBootstrapServers() == null ? null : new Replayer(Map.of("bootstrap.servers", config.kafkaBootstrapServers()),
                    config.requestsTopic(), config.deadLetterTopic(), new RequestSummaries(SchemaRegistryClient.forUrl(config.schemaRegistryUrl())),
                    new MongoResultLog(db), new ReplayStore(db, clock), clock);
            routes.addAll(new ReplayRoutes(replayer).routes());
            routes.addAll(new TopologyRoutes(config.topologyUrl()).routes());
            routes.addAll(new AdminRoutes(management.credentials(), management.tokens(), management.audit(), management.keys()).routes());
            ApiServer server = ApiServer.start(config.host(), config.port(), routes, management.tokens(), management.audit(), meters);
            listening.set(server);
            return new ManagementApi(mongo, server, firstToken, publisher, replayer);
        } catch (RuntimeException e) {
            if (replayer != null) {
                replayer.close();
            }
            mongo.close();
            throw e;
        }
    }

    /**
     * Makes sure an admin can get in: the operator's bootstrap token is stored (by hash) when given; otherwise, when
     * no active admin token exists, one is created. Returns the value to show, when this start made one.
     */
    private static Secret bootstrap(ApiTokens tokens, String bootstrapToken) {
        if (bootstrapToken != null && !bootstrapToken.isBlank()) {
            if (tokens.ensure("bootstrap", ApiTokens.Scope.ADMIN, Secret.of(bootstrapToken.trim())).isEmpty()) {
                log.warn("API_BOOTSTRAP_TOKEN names a revoked token; it stays revoked (remove the variable or give a new value)");
            }
            return null;
        }
        boolean anyAdmin = tokens.list().stream().anyMatch(t -> t.active() && t.scope() == ApiTokens.Scope.ADMIN);
        return anyAdmin ? null : tokens.create("first-admin", ApiTokens.Scope.ADMIN).value();
    }

    public int port() {
        return server.port();
    }

    /** The admin token this start created (no admin token existed and none was given), to be shown once. */
    public Optional<Secret> firstToken() {
        return Optional.ofNullable(firstToken);
    }

    @Override
    public void close() {
        server.close();
        if (replayer != null) {
            replayer.close();
        }
        if (events != null) {
            try {
                events.close();
            } catch (Exception e) {
                log.warn("Closing the event publisher: {}", e.toString());
            }
        }
        mongo.close();
    }
}
