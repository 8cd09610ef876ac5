package io.integration.api.routes;

import static io.integration.registry.service.ApiTokens.Scope.READ;

import io.integration.api.http.OpenApi;
import io.integration.api.http.Reply;
import io.integration.api.http.Route;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Health (public), Prometheus metrics and the OpenAPI document. */
public final class OpsRoutes {

    private final Readiness store;
    private final PrometheusMeterRegistry meters;
    private final Supplier<List<Route>> allRoutes;
    private final String version;

    /** Whether the registry store answers; throws with the reason when it does not. */
    @FunctionalInterface
    public interface Readiness {
        void check();
    }

    /** {@code allRoutes}: the whole table, these routes included, for the OpenAPI document. */
    public OpsRoutes(Readiness store, PrometheusMeterRegistry meters, Supplier<List<Route>> allRoutes, String version) {
        this.store = store;
        this.meters = meters;
        this.allRoutes = allRoutes;
        this.version = version;
    }

    public List<Route> routes() {
        return List.of(
                Route.get("/health/live", null, "health.live", "The process answers", call -> Map.of("status", "UP")),
                Route.get("/health/ready", null, "health.ready", "The registry store answers a ping (503 when it does not)", call -> ready()),
                Route.get("/metrics", READ, "metrics", "Prometheus text exposition",
                        call -> Reply.text("text/plain; version=0.0.4; charset=utf-8", meters.scrape())),
                Route.get("/openapi.json", READ, "openapi", "This document", call -> OpenApi.document(allRoutes.get(), version)));
    }

    private Object ready() {
        try {
            store.check();
            return Map.of("status", "UP", "checks", Map.of("mongodb", "UP"));
        } catch (RuntimeException e) {
            return Reply.status(503, Map.of("status", "DOWN", "checks", Map.of("mongodb", "DOWN: " + e.getClass().getSimpleName())));
        }
    }
}
