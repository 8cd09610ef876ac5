package io.integration.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The external API of the benchmark: {@code GET /work/{key}/{seq}/{requestId}} answers {@code {"ok":true}}
 * after a fixed delay. Each exchange runs on a virtual thread whose delay is a timer park, so thousands of
 * calls wait at once without holding a carrier thread: the stub is never the bottleneck. It counts calls
 * per request id (duplicate calls) and checks that each key's sequence numbers arrive in order.
 */
final class StubApi implements AutoCloseable {

    private final HttpServer server;
    private volatile long delayMs;
    private final Map<String, AtomicInteger> callsByRequest = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> lastSeqByKey = new ConcurrentHashMap<>();
    private final AtomicLong reordered = new AtomicLong();

    StubApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/work/", this::handle);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Resets the counters and sets the answer delay for the next run. */
    void reset(long delayMs) {
        this.delayMs = delayMs;
        callsByRequest.clear();
        lastSeqByKey.clear();
        reordered.set(0);
    }

    long calls() {
        return callsByRequest.values().stream().mapToLong(AtomicInteger::get).sum();
    }

    long duplicateCalls() {
        return callsByRequest.values().stream().mapToLong(c -> Math.max(0, c.get() - 1)).sum();
    }

    long reordered() {
        return reordered.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            // /work/{key}/{seq}/{requestId}
            String key = parts[2];
            long seq = Long.parseLong(parts[3]);
            callsByRequest.computeIfAbsent(parts[4], id -> new AtomicInteger()).incrementAndGet();
            long previous = lastSeqByKey.computeIfAbsent(key, k -> new AtomicLong(-1)).getAndAccumulate(seq, Math::max);
            if (seq < previous) {
                reordered.incrementAndGet();
            }
            if (delayMs > 0) {
                Thread.sleep(delayMs);
            }
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
