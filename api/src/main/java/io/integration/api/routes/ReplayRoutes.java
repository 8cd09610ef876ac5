package io.integration.api.routes;

import static io.integration.registry.service.ApiTokens.Scope.READ;
import static io.integration.registry.service.ApiTokens.Scope.WRITE;

import io.integration.api.http.Call;
import io.integration.api.http.Reply;
import io.integration.api.http.Route;
import io.integration.registry.service.ManagementException;
import io.integration.registry.service.Page;
import io.integration.worker.messaging.replay.ReplaySpec;
import io.integration.worker.messaging.replay.ReplayStatus;
import io.integration.worker.messaging.replay.Replayer;
import java.util.List;
import java.util.Map;

/**
 * Selective replay of the requests topic and re-drive of the dead-letter topic. {@code replayer} is null when the API has
 * no Kafka cluster to replay on ({@code API_KAFKA_BOOTSTRAP_SERVERS} unset): starting a replay is then refused, naming it.
 */
public final class ReplayRoutes {

    private final Replayer replayer;

    public ReplayRoutes(Replayer replayer) {
        this.replayer = replayer;
    }

    public List<Route> routes() {
        return List.of(
                Route.post("/replays", WRITE, "replays.start",
                        "Replay requests (source requests) or re-drive dead letters (source dlt) by time or offset range, filtered;"
                                + " answers 202 with the replay, whose progress GET /replays/{id} shows. dryRun counts only.",
                        "JSON {source: requests | dlt, from, to (ISO-8601) | offsets: {\"<partition>\": {from, to}}, instanceIds, methods,"
                                + " errorCodes, requestIds, dryRun, rate (records/s, default 100), force, reason}", this::start),
                Route.get("/replays", READ, "replays.list", "Replays, newest first; paged by offset, limit",
                        call -> list(call.intQuery("offset", 0), call.intQuery("limit", 50))),
                Route.get("/replays/{id}", READ, "replays.show", "A replay: its parameters, who started it and why, its progress and end",
                        call -> replayer().status(call.path("id")).orElseThrow(() -> notFound(call.path("id")))),
                Route.post("/replays/{id}/cancel", WRITE, "replays.cancel",
                        "Stop a running replay after its current record; what it produced stays produced", null,
                        call -> replayer().cancel(call.path("id")).orElseThrow(() -> notFound(call.path("id")))));
    }

    private Object start(Call call) throws java.io.IOException {
        ReplaySpec spec;
        try {
            spec = ReplaySpec.fromJson(call.json());
        } catch (ReplaySpec.InvalidSpecException e) {
            throw ManagementException.invalid(e.field(), e.problem());
        }
        call.auditDetail(detail(spec));
        try {
            ReplayStatus started = replayer().start(spec, call.caller().id());
            call.auditDetail(started.id() + " " + detail(spec));
            return Reply.status(202, started);
        } catch (ReplaySpec.InvalidSpecException e) {
            throw ManagementException.invalid(e.field(), e.problem());
        } catch (Replayer.BusyException e) {
            throw ManagementException.conflict("REPLAYS_BUSY", e.getMessage(), Map.of());
        } catch (Replayer.ClusterUnavailableException e) {
            throw ManagementException.upstream("KAFKA_UNAVAILABLE", e.getMessage());
        }
    }

    private Page<ReplayStatus> list(int offset, int limit) {
        Page.of(List.of(), offset, limit); // checks offset and limit
        List<ReplayStatus> items = replayer().list(offset, limit);
        long total = replayer().count();
        int end = offset + items.size();
        return new Page<>(items, offset, limit, (int) total, end < total ? end : null);
    }

    /** What the audit record says of a replay: every parameter, the reason among them. */
    private static String detail(ReplaySpec spec) {
        String detail = spec.toMap().toString();
        return detail.length() > MAX_DETAIL_CHARS ? detail.substring(0, MAX_DETAIL_CHARS) + "..." : detail;
    }

    /** Bounds an audit record (a filter may list 10,000 request ids); the replay's record keeps every parameter. */
    private static final int MAX_DETAIL_CHARS = 2000;

    private Replayer replayer() {
        if (replayer == null) {
            throw ManagementException.conflict("REPLAY_UNAVAILABLE",
                    "this API has no Kafka cluster to replay on (expected: API_KAFKA_BOOTSTRAP_SERVERS set)", Map.of());
        }
        return replayer;
    }

    private static ManagementException notFound(String id) {
        return ManagementException.notFound("replay '" + id + "' not found");
    }
}
