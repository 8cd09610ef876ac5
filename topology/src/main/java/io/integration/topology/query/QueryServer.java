package io.integration.topology.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.integration.topology.codec.JsonSerde;
import io.integration.topology.health.HealthPolicy;
import io.integration.topology.health.HealthProcessor;
import io.integration.topology.input.SkipUnreadable;
import io.integration.topology.requests.RequestStatusProcessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive queries over HTTP. Any topology instance answers any key: it reads its own store when it owns the key's
 * partition, else it asks the owner (found in the Streams metadata, {@code application.server}) and relays its answer.
 * <ul>
 *   <li>{@code GET /integrations/{instanceId}/health} — the instance's {@code HealthView}; 404 when no event of it was seen</li>
 *   <li>{@code GET /requests/{requestId}} — the request's latest {@code RequestStatus}; 404 when unknown (or expired)</li>
 *   <li>{@code GET /health/live}, {@code /health/ready} — the process; ready when the Streams application is RUNNING</li>
 * </ul>
 * 503 with {@code Retry-After} while the owner is not known (starting, rebalancing).
 */
public final class QueryServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
    /** Marks a query relayed from another instance: it is never relayed again (no loops while metadata moves). */
    static final String FORWARDED = "X-Topology-Forwarded";

    private final HealthPolicy policy;
    private final HttpServer server;
    private volatile KafkaStreams streams;
    private volatile HostInfo self;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * Binds {@code host:port} (0: any free port) at once, so a taken port stops the start and the port the Streams
     * metadata advertises ({@code application.server}) is the one bound.
     */
    public QueryServer(HealthPolicy policy, String host, int port) throws IOException {
        this.policy = policy;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 64);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
    }

    /** Serves queries of {@code streams}, which advertises this server as {@code self}. */
    public void start(KafkaStreams streams, HostInfo self) {
        this.streams = streams;
        this.self = self;
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, error("METHOD_NOT_ALLOWED", "only GET is served"));
                return;
            }
            String[] parts = exchange.getRequestURI().getRawPath().split("/");
            try {
                for (int i = 0; i < parts.length; i++) {
                    parts[i] = i == 2 ? decode(parts[i]) : parts[i];
                }
            } catch (IllegalArgumentException e) {
                send(exchange, 400, error("BAD_REQUEST", "the path is not valid percent-encoding: " + e.getMessage()));
                return;
            }
            if (parts.length == 4 && parts[1].equals("integrations") && parts[3].equals("health")) {
                String id = parts[2];
                query(exchange, HealthProcessor.STATES, id, (store, key) -> HealthProcessor.view(store, key, policy),
                        "no health known for instance '" + id + "' (none of its events seen yet)");
            } else if (parts.length == 3 && parts[1].equals("requests")) {
                String id = parts[2];
                query(exchange, RequestStatusProcessor.STATUSES, id, ReadOnlyKeyValueStore::get,
                        "no status known for request '" + id + "' (not seen, or older than the retention)");
            } else if (parts.length == 3 && parts[1].equals("health") && parts[2].equals("live")) {
                KafkaStreams.State state = streams.state();
                boolean live = state != KafkaStreams.State.ERROR && state != KafkaStreams.State.NOT_RUNNING;
                send(exchange, live ? 200 : 503, status(live ? "UP" : "DOWN", state));
            } else if (parts.length == 3 && parts[1].equals("health") && parts[2].equals("ready")) {
                boolean ready = streams.state() == KafkaStreams.State.RUNNING;
                send(exchange, ready ? 200 : 503, status(ready ? "UP" : "DOWN", streams.state()));
            } else {
                send(exchange, 404, error("NOT_FOUND", "no such route (expected: /integrations/{instanceId}/health, /requests/{requestId},"
                        + " /health/live, /health/ready)"));
            }
        } catch (RuntimeException e) {
            log.warn("Query {} failed: {}", exchange.getRequestURI().getRawPath(), e.toString());
            send(exchange, 500, error("INTERNAL", "the query failed; the topology's log says why"));
        }
    }

    private void query(HttpExchange exchange, String storeName, String key, BiFunction<ReadOnlyKeyValueStore<String, Object>, String, Object> read,
                       String notFound) throws IOException {
        KeyQueryMetadata owner;
        try {
            owner = streams.queryMetadataForKey(storeName, key, Serdes.String().serializer());
        } catch (RuntimeException e) {
            // not started yet, in error, or shutting down
            unavailable(exchange, "the topology cannot say who owns '" + key + "' now (" + streams.state() + "): " + e.getMessage());
            return;
        }
        if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner) || owner.activeHost().port() < 0) {
            unavailable(exchange, "the owner of '" + key + "' is not known yet (starting or rebalancing)");
            return;
        }
        if (!owner.activeHost().equals(self)) {
            relay(exchange, owner.activeHost());
            return;
        }
        Object value;
        try {
            ReadOnlyKeyValueStore<String, Object> store = streams.store(StoreQueryParameters.fromNameAndType(storeName,
                    QueryableStoreTypes.<String, Object>keyValueStore()).withPartition(owner.partition()));
            value = read.apply(store, key);
        } catch (InvalidStateStoreException e) {
            unavailable(exchange, "the store is moving (rebalancing): " + e.getMessage());
            return;
        }
        if (value == null) {
            send(exchange, 404, error("NOT_FOUND", notFound));
        } else {
            send(exchange, 200, value);
        }
    }

    private void relay(HttpExchange exchange, HostInfo owner) throws IOException {
        if (exchange.getRequestHeaders().containsKey(FORWARDED)) {
            unavailable(exchange, "relayed to an instance that does not own the key (metadata is moving)");
            return;
        }
        URI target = URI.create("http://" + owner.host() + ":" + owner.port() + exchange.getRequestURI().getRawPath());
        try {
            HttpResponse<byte[]> answer = client.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(5)).header(FORWARDED, self.toString())
                    .GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            answer.headers().firstValue("Retry-After").ifPresent(v -> exchange.getResponseHeaders().set("Retry-After", v));
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            exchange.getResponseBody().write(answer.body());
        } catch (IOException e) {
            unavailable(exchange, "the owner " + owner.host() + ":" + owner.port() + " did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unavailable(exchange, "interrupted");
        }
    }

    private static void unavailable(HttpExchange exchange, String why) throws IOException {
        exchange.getResponseHeaders().set("Retry-After", "1");
        send(exchange, 503, error("NOT_READY", why));
    }

    private static Map<String, Object> status(String status, KafkaStreams.State state) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("streams", state.name());
        body.put("skippedRecords", SkipUnreadable.skipped());
        return body;
    }

    private static Map<String, Object> error(String code, String message) {
        return Map.of("error", Map.of("code", code, "message", message));
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes;
        try {
            bytes = JsonSerde.JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
