package io.integration.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The external API of the benchmark, run in its own JVM ({@link #main}) so that its CPU is measured apart from the
 * broker's and the arms'. {@code GET /work/{key}/{seq}/{requestId}} answers {@code {"ok":true,...}} after a fixed
 * delay. Each exchange runs on a virtual thread whose delay is a timer park, so thousands of calls wait at once without
 * holding a carrier thread. It injects the workload's faults (503 on the first call of a share of requests; 503 on
 * every call during an outage), counts successful calls per request id (more than one is a duplicate call) and checks
 * that each key's successful calls arrive in sequence order.
 *
 * <p>The driver steers it over {@code /control/}: {@code reset?delayMs&failOncePercent&responseBytes},
 * {@code outage?inMs&lengthMs} and {@code stats} (see {@link StubClient}).
 */
final class StubApi implements AutoCloseable {

    private final HttpServer server;
    private volatile long delayMs;
    private volatile int failOncePercent;
    private volatile byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
    private volatile long outageFrom = Long.MAX_VALUE;
    private volatile long outageUntil = Long.MIN_VALUE;
    private final Map<String, AtomicInteger> callsByRequest = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> answeredByRequest = new ConcurrentHashMap<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final Map<String, AtomicLong> lastSeqByKey = new ConcurrentHashMap<>();
    private final AtomicLong reordered = new AtomicLong();
    private final Map<String, AtomicInteger> inFlightByKey = new ConcurrentHashMap<>();
    private final AtomicLong overlapped = new AtomicLong();

    StubApi() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/work/", this::handle);
        server.createContext("/control/", this::control);
        server.start();
    }

    /** Runs the stub until killed; prints {@code STUB <url>} when it listens. */
    public static void main(String[] args) throws InterruptedException {
        // Read once when the server's configuration loads: keep thousands of idle keep-alive connections, not the default 200.
        System.setProperty("sun.net.httpserver.maxIdleConnections", "4096");
        StubApi stub = new StubApi();
        System.out.println("STUB " + stub.url());
        Thread.currentThread().join();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void reset(long delayMs, int failOncePercent, int responseBytes) {
        this.delayMs = delayMs;
        this.failOncePercent = failOncePercent;
        this.body = body(responseBytes);
        this.outageFrom = Long.MAX_VALUE;
        this.outageUntil = Long.MIN_VALUE;
        failed.set(0);
        answered.set(0);
        answeredByRequest.clear();
        callsByRequest.clear();
        lastSeqByKey.clear();
        inFlightByKey.clear();
        reordered.set(0);
        overlapped.set(0);
    }

    /** A JSON object of about {@code size} bytes: {@code {"ok":true}} padded with a string field. */
    private static byte[] body(int size) {
        String ok = "{\"ok\":true}";
        if (size <= ok.length()) {
            return ok.getBytes(StandardCharsets.UTF_8);
        }
        char[] pad = new char[Math.max(0, size - "{\"ok\":true,\"pad\":\"\"}".length())];
        Arrays.fill(pad, 'x');
        return ("{\"ok\":true,\"pad\":\"" + new String(pad) + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    private void control(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            String answer = switch (exchange.getRequestURI().getPath()) {
                case "/control/reset" -> {
                    reset(Long.parseLong(query.get("delayMs")), Integer.parseInt(query.get("failOncePercent")),
                            Integer.parseInt(query.get("responseBytes")));
                    yield "ok";
                }
                case "/control/outage" -> {
                    long from = System.nanoTime() + Long.parseLong(query.get("inMs")) * 1_000_000;
                    outageUntil = from + Long.parseLong(query.get("lengthMs")) * 1_000_000;
                    outageFrom = from;
                    yield "ok";
                }
                case "/control/stats" -> answered.get() + " " + failed.get() + " " + duplicateCalls() + " " + (reordered.get() + overlapped.get());
                default -> null;
            };
            byte[] bytes = (answer == null ? "unknown control " + exchange.getRequestURI().getPath() : answer).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (RuntimeException e) {
            exchange.sendResponseHeaders(400, -1);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return query;
    }

    /** Successful calls beyond the first of a request: the external system did the work twice. */
    private long duplicateCalls() {
        return answeredByRequest.values().stream().mapToLong(c -> Math.max(0, c.get() - 1)).sum();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] parts = exchange.getRequestURI().getPath().split("/");
            // /work/{key}/{seq}/{requestId}
            String key = parts[2];
            long seq = Long.parseLong(parts[3]);
            String requestId = parts[4];
            int call = callsByRequest.computeIfAbsent(requestId, id -> new AtomicInteger()).incrementAndGet();
            AtomicInteger running = inFlightByKey.computeIfAbsent(key, k -> new AtomicInteger());
            if (running.incrementAndGet() > 1) {
                overlapped.incrementAndGet(); // a key's call arrived while its previous one was still running
            }
            long now = System.nanoTime();
            // Mixed, not hashCode() % 100: consecutive ids have consecutive hash codes, which would fail them in runs of ten.
            boolean failOnce = call == 1 && new SplittableRandom(requestId.hashCode()).nextInt(100) < failOncePercent;
            boolean fails = failOnce || (now >= outageFrom && now < outageUntil);
            if (!fails) {
                answered.incrementAndGet();
                answeredByRequest.computeIfAbsent(requestId, id -> new AtomicInteger()).incrementAndGet();
                long previous = lastSeqByKey.computeIfAbsent(key, k -> new AtomicLong(-1)).getAndAccumulate(seq, Math::max);
                if (seq < previous) {
                    reordered.incrementAndGet();
                }
            }
            try {
                if (delayMs > 0) {
                    Thread.sleep(delayMs);
                }
            } finally {
                running.decrementAndGet(); // before answering: the caller may send the key's next call as soon as it has the answer
            }
            if (fails) {
                failed.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            byte[] bytes = body;
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
