package io.integration.worker.it;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * An upstream API on loopback answering by path and body (as XML when the answer starts with {@code <}, else JSON),
 * recording every request as {@code "<path> <body>"}.
 */
final class RecordingUpstream implements AutoCloseable {

    private final HttpServer server;
    final List<String> received = new CopyOnWriteArrayList<>();

    private RecordingUpstream(int status, BiFunction<String, String, String> answer) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String request = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(path + " " + request);
            byte[] body = answer.apply(path, request).getBytes(StandardCharsets.UTF_8);
            byte[] answered = body;
            exchange.getResponseHeaders().set("Content-Type", answered.length > 0 && answered[0] == '<' ? "application/xml" : "application/json");
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** Answers every request with {@code status} and the JSON {@code answer} gives for its path and body. */
    static RecordingUpstream start(int status, BiFunction<String, String, String> answer) {
        return new RecordingUpstream(status, answer);
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
