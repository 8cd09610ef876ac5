package io.integration.worker.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The worker's operations endpoint (JDK HTTP server, one virtual thread per exchange): {@code GET /metrics}
 * (Prometheus text), {@code GET /health/live} and {@code GET /health/ready}, each a JSON {@code {status, checks}},
 * 200 when every check is UP, 503 otherwise. Checks answer from state kept by others (never a blocking call in the
 * exchange), so a probe answers at once even while MongoDB or Kafka does not.
 */
public final class OpsServer implements AutoCloseable {

    /** One named check: empty when UP, else why not. */
    public record Check(String name, Supplier<java.util.Optional<String>> problem) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;

    private OpsServer(HttpServer server) {
        this.server = server;
    }

    /** Listens on {@code host:port} (0: any free port). */
    public static OpsServer start(String host, int port, Supplier<String> scrape, List<Check> live, List<Check> ready) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("ops.port: cannot listen on " + host + ":" + port + " (" + e.getMessage() + ")", e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try {
                if (!exchange.getRequestMethod().equals("GET")) {
                    respond(exchange, 405, "application/json", "{\"message\":\"GET only\"}");
                    return;
                }
                switch (exchange.getRequestURI().getPath()) {
                    case "/metrics" -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", scrape.get());
                    case "/health/live" -> health(exchange, live);
                    case "/health/ready" -> health(exchange, ready);
                    default -> respond(exchange, 404, "application/json", "{\"message\":\"no such resource (expected: /metrics, "
                            + "/health/live, /health/ready)\"}");
                }
            } catch (RuntimeException e) {
                // A broken check must not take the endpoint down; the probe then says DOWN by its status.
                respond(exchange, 500, "application/json", "{\"message\":\"" + e.getClass().getSimpleName() + "\"}");
            } finally {
                exchange.close();
            }
        });
        server.start();
        return new OpsServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, List<Check> checks) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode results = JSON.createObjectNode();
        boolean up = true;
        for (Check check : checks) {
            java.util.Optional<String> problem = check.problem().get();
            up &= problem.isEmpty();
            results.put(check.name(), problem.map(p -> "DOWN: " + p).orElse("UP"));
        }
        body.put("status", up ? "UP" : "DOWN").set("checks", results);
        respond(exchange, up ? 200 : 503, "application/json", body.toString());
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
