package io.integration.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * The external system of the chaos suite as its own process: {@code StubMain <port> <delayMs>}.
 * {@code GET /call/{instance}/{key}/{seq}/{requestId}} answers {@code {"ok":true,"requestId":...}} after the
 * delay and logs the call; {@code GET /log} returns every call so far, one per line:
 * {@code requestId instance key seq arrivalMillis}.
 */
public final class StubMain {

    private StubMain() {
    }

    public static void main(String[] args) throws IOException {
        long delayMs = Long.parseLong(args[1]);
        ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/call/", exchange -> {
            String[] p = exchange.getRequestURI().getPath().split("/");
            calls.add(p[5] + " " + p[2] + " " + p[3] + " " + p[4] + " " + System.currentTimeMillis());
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, "{\"ok\":true,\"requestId\":\"" + p[5] + "\"}");
        });
        server.createContext("/log", exchange -> respond(exchange, String.join("\n", calls)));
        server.start();
        System.out.println("READY stub http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static void respond(HttpExchange exchange, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
