package io.integration.embedded;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A JDK {@link HttpServer} on 127.0.0.1 serving each exchange on a virtual thread; the base of the embedded HTTP services.
 *
 * <p>{@link #stop()} and {@link #restart()} close and reopen the port while the subclass keeps its state, to simulate an
 * outage (connections are refused meanwhile, as with a service that is down). Thread-safe.
 */
abstract class LoopbackHttpServer implements AutoCloseable {

    private final int port;
    private HttpServer server;

    protected LoopbackHttpServer(int port) {
        this.server = bind(port);
        this.port = server.getAddress().getPort();
    }

    private HttpServer bind(int onPort) {
        HttpServer http;
        try {
            http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 512);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot listen on 127.0.0.1:" + onPort, e);
        }
        http.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        http.createContext("/", exchange -> {
            try (exchange) {
                handle(exchange);
            } catch (RuntimeException e) {
                respond(exchange, 500, "{\"message\":\"" + e.getClass().getSimpleName() + "\"}");
            }
        });
        http.start();
        return http;
    }

    /** Answers one exchange; the exchange is closed afterwards. */
    protected abstract void handle(HttpExchange exchange) throws IOException;

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return port;
    }

    /** Closes the port (connections are refused) while keeping the state; {@link #restart()} opens it again. */
    public synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Listens again on the same port with the same state; does nothing while running. */
    public synchronized void restart() {
        if (server == null) {
            server = bind(port);
        }
    }

    protected static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    protected static String body(HttpExchange exchange) throws IOException {
        return new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        stop();
    }
}
