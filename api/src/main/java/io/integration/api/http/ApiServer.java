package io.integration.api.http;

import io.integration.registry.service.ApiTokens;
import io.integration.registry.service.AuditLog;
import io.integration.registry.service.ManagementException;
import io.integration.registry.store.StoreRejectedException;
import io.integration.registry.store.StoreUnavailableException;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: registers every {@link Route} of the table, and around each one authenticates the caller
 * ({@code Authorization: Bearer <token>}; 401 without a valid token, 403 when its scope is too small), answers errors
 * as {@code {code, message, details}}, writes one audit record per mutating call by an authenticated caller
 * (allowed or refused), and times the call
 * for {@code /metrics}. A route that does not exist is a 404 in the same JSON shape.
 */
public final class ApiServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;

    private ApiServer(Javalin app) {
        this.app = app;
    }

    /** Starts the server on {@code host:port} (port 0: any free one). */
    public static ApiServer start(String host, int port, List<Route> routes, ApiTokens tokens, AuditLog audit, MeterRegistry meters) {
        Javalin app = Javalin.create(config -> {
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = Call.MAX_BODY_BYTES;
            config.startup.showJavalinBanner = false;
            for (Route route : routes) {
                config.routes.addHttpHandler(handlerType(route.method()), route.path(),
                        ctx -> serve(ctx, route, tokens, audit, meters));
            }
            config.routes.error(404, ctx -> {
                // A route's own 404 is JSON already; Javalin's "Endpoint ... not found" text is replaced.
                if (!"application/json".equals(ctx.res().getContentType())) {
                    error(ctx, 404, "NOT_FOUND", "no route " + ctx.method() + " " + ctx.path() + " (see /openapi.json)", Map.of());
                }
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Unexpected failure of {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, "INTERNAL", "unexpected failure (logged by the server)", Map.of());
            });
        });
        app.start(host, port);
        return new ApiServer(app);
    }

    private static HandlerType handlerType(String method) {
        return switch (method) {
            case "GET" -> HandlerType.GET;
            case "POST" -> HandlerType.POST;
            case "PUT" -> HandlerType.PUT;
            case "DELETE" -> HandlerType.DELETE;
            default -> throw new IllegalArgumentException("method: " + method + " (expected: GET, POST, PUT or DELETE)");
        };
    }

    public int port() {
        return app.port();
    }

    private static void serve(Context ctx, Route route, ApiTokens tokens, AuditLog audit, MeterRegistry meters) {
        long started = System.nanoTime();
        ApiTokens.Token caller = null;
        String outcome = "ok";
        Call call = null;
        // Nothing the API answers may be kept by a cache, and no answer's URL (an OAuth callback's code) leaves by Referer.
        ctx.header("Cache-Control", "no-store");
        ctx.header("Referrer-Policy", "no-referrer");
        try {
            if (route.scope() != null) {
                Optional<ApiTokens.Token> token = tokens.authenticate(bearer(ctx));
                if (token.isEmpty()) {
                    ctx.header("WWW-Authenticate", "Bearer");
                    outcome = "UNAUTHENTICATED";
                    error(ctx, 401, outcome, "a valid API token is required (Authorization: Bearer <token>)", Map.of());
                    return;
                }
                caller = token.get();
                if (!caller.scope().allows(route.scope())) {
                    outcome = "FORBIDDEN";
                    error(ctx, 403, outcome, "token '" + caller.id() + "' has scope " + caller.scope().name().toLowerCase()
                            + "; " + route.id() + " needs " + route.scope().name().toLowerCase(), Map.of());
                    return;
                }
            }
            call = new Call(ctx, caller);
            reply(ctx, route.action().handle(call));
        } catch (ManagementException e) {
            outcome = e.code();
            Map<String, Object> details = new LinkedHashMap<>(e.details());
            if (!e.problems().isEmpty()) {
                details.put("problems", e.problems());
            }
            int status = switch (e.kind()) {
                case INVALID -> 400;
                case NOT_FOUND -> 404;
                case CONFLICT -> 409;
                case UPSTREAM -> 502;
            };
            error(ctx, status, e.code(), e.getMessage(), details);
        } catch (Call.BodyTooLarge e) {
            outcome = "PAYLOAD_TOO_LARGE";
            error(ctx, 413, outcome, "request body over 1 MiB (expected: at most " + Call.MAX_BODY_BYTES + " bytes)", Map.of());
        } catch (HttpResponseException e) {
            outcome = "HTTP_" + e.getStatus();
            error(ctx, e.getStatus(), e.getStatus() == 413 ? "PAYLOAD_TOO_LARGE" : "HTTP_" + e.getStatus(), e.getMessage(), Map.of());
        } catch (StoreRejectedException e) {
            outcome = "NOT_STORABLE";
            error(ctx, 400, outcome, "the registry store refused a value of this request (e.g. a number too large for BSON)", Map.of());
        } catch (StoreUnavailableException e) {
            outcome = "UNAVAILABLE";
            ctx.header("Retry-After", "5");
            error(ctx, 503, outcome, "the registry store is unavailable; try again", Map.of());
        } catch (Exception e) {
            outcome = "INTERNAL";
            log.error("Unexpected failure of {} {}", route.method(), ctx.path(), e);
            error(ctx, 500, outcome, "unexpected failure (logged by the server)", Map.of());
        } finally {
            // Actions by a caller are audited, refusals for scope included; anonymous calls only count in the metrics
            // below (anyone could otherwise fill the audit collection).
            if (route.mutating() && caller != null) {
                record(audit, caller, route, ctx, outcome, call == null ? null : call.auditDetail());
            }
            Timer.builder("api.requests").tag("route", route.id()).tag("status", String.valueOf(ctx.statusCode()))
                    .register(meters).record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private static void record(AuditLog audit, ApiTokens.Token caller, Route route, Context ctx, String outcome, String detail) {
        try {
            audit.record(caller.id(), route.id(), ctx.path(), outcome, ctx.statusCode(), detail);
        } catch (RuntimeException e) {
            // The action itself is done (or refused); losing its audit record is logged loudly, not hidden.
            log.error("Could not write the audit record of {} {} by {} ({})", route.id(), ctx.path(), caller.id(), e.toString());
        }
    }

    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return header.substring(7).trim();
    }

    private static void reply(Context ctx, Object result) throws Exception {
        if (result instanceof Reply reply) {
            ctx.status(reply.status());
            if (reply.contentType() != null) {
                ctx.contentType(reply.contentType()).result(String.valueOf(reply.body()));
                return;
            }
            result = reply.body();
        }
        ctx.contentType("application/json").result(Json.MAPPER.writeValueAsString(result));
    }

    static void error(Context ctx, int status, String code, String message, Map<String, Object> details) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("details", details);
        ctx.status(status).contentType("application/json");
        try {
            ctx.result(Json.MAPPER.writeValueAsString(body));
        } catch (Exception e) {
            ctx.result("{\"code\":\"" + code + "\"}");
        }
    }

    @Override
    public void close() {
        app.stop();
    }
}
