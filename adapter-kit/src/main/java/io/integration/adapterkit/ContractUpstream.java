package io.integration.adapterkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The external system of the contract: a real HTTP server on 127.0.0.1 answering each request as the current
 * {@link Behaviour} says, and recording what it received. Thread-safe; {@link #close()} ends stalled answers.
 */
public final class ContractUpstream implements AutoCloseable {

    /** What the upstream received: verb, path with query, headers (names lower-case, values joined) and body. */
    public record Received(String method, String target, Map<String, String> headers, String body) {
        /** Everything as one text, to search for a marker or a secret. */
        public String all() {
            return method + " " + target + "\n" + headers + "\n" + body;
        }
    }

    /** One answer: status, content type and body. */
    public record Answer(int status, String contentType, String body) {
        public static Answer json(int status, String body) {
            return new Answer(status, "application/json", body);
        }
    }

    /** How the upstream answers. */
    public sealed interface Behaviour {
        /** Answers with what {@code answer} makes of the request. */
        record Respond(Function<Received, Answer> answer) implements Behaviour {
        }

        /** Sends the status line and headers, then holds the body until the upstream closes. */
        record StallBody(int status) implements Behaviour {
        }

        /** Answers {@code status} with a body of {@code bytes} bytes, in chunks, without a length. */
        record Large(int status, long bytes) implements Behaviour {
        }
    }

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch closing = new CountDownLatch(1);
    private volatile Behaviour behaviour = new Behaviour.Respond(r -> Answer.json(200, "{}"));

    private ContractUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** A started upstream. */
    public static ContractUpstream start() {
        return new ContractUpstream();
    }

    /** {@code http://127.0.0.1:<port>} */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers from now on as {@code next} says. */
    public void behave(Behaviour next) {
        behaviour = next;
    }

    /** Every request received so far. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT), String.join(",", values)));
            Received request = new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(), headers,
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            received.add(request);
            switch (behaviour) {
                case Behaviour.Respond respond -> {
                    Answer answer = respond.answer().apply(request);
                    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", answer.contentType());
                    exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
                    if (body.length > 0) {
                        exchange.getResponseBody().write(body);
                    }
                }
                case Behaviour.StallBody stall -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(stall.status(), 0);
                    exchange.getResponseBody().write("{\"value\":".getBytes(StandardCharsets.UTF_8));
                    exchange.getResponseBody().flush();
                    closing.await(60, TimeUnit.SECONDS);
                }
                case Behaviour.Large large -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(large.status(), 0);
                    OutputStream out = exchange.getResponseBody();
                    byte[] chunk = new byte[8192];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    out.write("{\"value\":\"".getBytes(StandardCharsets.UTF_8));
                    for (long sent = 0; sent < large.bytes(); sent += chunk.length) {
                        out.write(chunk);
                    }
                    out.write("\"}".getBytes(StandardCharsets.UTF_8));
                }
            }
        } catch (IOException | InterruptedException e) {
            // The adapter hung up (timeout, size cap): what the contract expects of it.
        }
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
