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
 * delay; for the hostile scenario, {@code GET /big/...} (same path shape) answers a JSON body of about
 * {@value #BIG_BODY_BYTES} bytes and {@code GET /limited/...} a 429 with {@code Retry-After: 86400}.
 * Every call is logged; {@code GET /log} returns them all, one per line:
 * {@code requestId instance key seq arrivalMillis}.
 */
public final class StubMain {

    /** 2.5 MB: above the producer's 1 MiB {@code max.request.size}, below a 4 MiB {@code maxResponseBytes}. */
    static final int BIG_BODY_BYTES = 2_500_000;

    private StubMain() {
    }

    public static void main(String[] args) throws IOException {
        long delayMs = Long.parseLong(args[1]);
        ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 1024);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/call/", exchange -> {
            String requestId = log(exchange, calls);
            try {
                Thread.sleep(delayMs);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            respond(exchange, 200, "{\"ok\":true,\"requestId\":\"" + requestId + "\"}");
        });
        String padding = "x".repeat(BIG_BODY_BYTES);
        server.createContext("/big/", exchange -> {
            String requestId = log(exchange, calls);
            respond(exchange, 200, "{\"ok\":true,\"requestId\":\"" + requestId + "\",\"padding\":\"" + padding + "\"}");
        });
        server.createContext("/limited/", exchange -> {
            log(exchange, calls);
            exchange.getResponseHeaders().set("Retry-After", "86400");
            respond(exchange, 429, "{\"error\":\"rate limited for a day\"}");
        });
        server.createContext("/log", exchange -> respond(exchange, 200, String.join("\n", calls)));
        server.start();
        System.out.println("READY stub http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Logs a call to {@code /<kind>/{instance}/{key}/{seq}/{requestId}}; returns its request id. */
    private static String log(HttpExchange exchange, ConcurrentLinkedQueue<String> calls) {
        String[] p = exchange.getRequestURI().getPath().split("/");
        calls.add(p[5] + " " + p[2] + " " + p[3] + " " + p[4] + " " + System.currentTimeMillis());
        return p[5];
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        try (exchange) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }
}
